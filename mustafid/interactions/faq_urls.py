"""«الأسئلة الشائعة»: the public page and its suggestions (/faq/), and the manager's screens in the settings area
(/settings/faq/, before the admin, which takes the rest of /settings/)."""

from django.urls import path

from . import faq_views

app_name = "faq"

urlpatterns = [
    path("faq/", faq_views.faq_page, name="page"),
    path("faq/suggest/", faq_views.faq_suggest, name="suggest"),
    path("settings/faq/", faq_views.faq_manage, name="manage"),
    path("settings/faq/new/", faq_views.faq_new, name="new"),
    path("settings/faq/<int:pk>/", faq_views.faq_edit, name="edit"),
    path("settings/faq/<int:pk>/publish/", faq_views.faq_publish, name="publish"),
    path("settings/faq/<int:pk>/move/", faq_views.faq_move, name="move"),
]
