"""The beneficiary's own pages, under /portal/ (docs/portal.md)."""

from django.urls import path

from . import apply_views, views

app_name = "portal"

urlpatterns = [
    path("", views.start, name="start"),
    path("code/", views.code, name="code"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("requests/", views.requests, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/letter.pdf", views.letter, name="letter"),
    path("messages/", views.messages_list, name="messages"),
    path("apply/", apply_views.choose, name="apply"),
    path("apply/request/", apply_views.details, name="apply_details"),
    path("requests/<int:pk>/sent/", apply_views.sent, name="sent"),
    path("requests/<int:pk>/documents/", apply_views.upload, name="upload"),
]
