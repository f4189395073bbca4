"""The beneficiary's own pages, under /portal/ (docs/portal.md)."""

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.start, name="start"),
    path("code/", views.code, name="code"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("requests/", views.requests, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/letter.pdf", views.letter, name="letter"),
    path("messages/", views.messages_list, name="messages"),
]
