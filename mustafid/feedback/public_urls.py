"""The beneficiary's survey link, kept short for an SMS: /s/<token>/ (included from the project's urls.py)."""

from django.urls import path

from . import views

app_name = "survey"

urlpatterns = [
    path("s/<str:token>/", views.answer, name="answer"),
]
