"""The decision letter's addresses (letter_views.py); included from the project's urls.py."""

from django.urls import path

from . import letter_views

app_name = "committee_letters"

urlpatterns = [
    path("committee/decisions/<int:pk>/letter.pdf", letter_views.download, name="download"),
    # The applicant's link, kept short for an SMS: /l/<signed token>/
    path("l/<str:token>/", letter_views.signed, name="signed"),
]
