"""«نصوص الرسائل» in the settings area (/settings/messages/), beside the Django admin's screens."""

from django.urls import path

from . import views

app_name = "wording"

urlpatterns = [
    path("", views.wording_list, name="list"),
    path("<slug:key>/<slug:language>/", views.wording_edit, name="edit"),
    path("<slug:key>/<slug:language>/preview/", views.wording_preview, name="preview"),
    path("<slug:key>/<slug:language>/restore/", views.wording_restore, name="restore"),
]
