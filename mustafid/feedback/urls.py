"""The managers' survey pages (/feedback/…). The beneficiary's survey link is /s/<token>/ (public_urls.py)."""

from django.urls import path

from . import register_views, views

app_name = "feedback"

urlpatterns = [
    path("", views.results_page, name="results"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/done", views.follow_up_done, name="follow_up_done"),
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/new/", views.survey_edit, name="survey_new"),
    path("surveys/<int:pk>/", views.survey_edit, name="survey_edit"),
    path("settings/", views.settings_page, name="settings"),
    # The complaints register (register_views.py) and the sender's rating link.
    path("register/", register_views.register_list, name="register"),
    path("register/new/", register_views.register_new, name="register_new"),
    path("register/<int:pk>/", register_views.register_item, name="register_item"),
    path("register/<int:pk>/<str:step>", register_views.register_step, name="register_step"),
    path("register/categories/", register_views.categories, name="categories"),
    path("register/categories/new/", register_views.category_edit, name="category_new"),
    path("register/categories/<int:pk>/", register_views.category_edit, name="category_edit"),
    path("register/categories/<int:pk>/move", register_views.category_move, name="category_move"),
    path("r/<str:token>/", register_views.rate, name="rate"),
]
