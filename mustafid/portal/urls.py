"""The beneficiary's own pages, under /portal/ (docs/portal.md)."""

from django.urls import path

from . import account_views, aids_views, apply_views, public_views, register_views, views

app_name = "portal"

urlpatterns = [
    path("", views.start, name="start"),
    path("code/", views.code, name="code"),
    path("choose/", views.choose, name="choose"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("requests/", views.requests, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/letter.pdf", views.letter, name="letter"),
    path("messages/", views.messages_list, name="messages"),
    # The beneficiary's own acts: account_views.py.
    path("requests/<int:pk>/declare/", account_views.declare, name="declare"),
    path("requests/<int:pk>/declare/code/", account_views.declare_code, name="declare_code"),
    path("requests/<int:pk>/answer/", account_views.answer, name="answer"),
    path("details/", account_views.details, name="details"),
    path("details/mobile/", account_views.details_mobile, name="details_mobile"),
    # Open to everyone (and, signed in, the beneficiary's own): public_views.py.
    path("contact/", public_views.contact, name="contact"),
    path("contact/sent/", public_views.contact_sent, name="contact_sent"),
    path("track/", public_views.track, name="track"),
    path("track/code/", public_views.track_code, name="track_code"),
    path("track/status/", public_views.track_status, name="track_status"),
    path("feedback/track/", public_views.feedback_track, name="feedback_track"),
    path("feedback/track/code/", public_views.feedback_track_code, name="feedback_track_code"),
    path("feedback/track/status/", public_views.feedback_track_status, name="feedback_track_status"),
    # A first-time applicant registers themselves: register_views.py.
    path("register/", register_views.start, name="register"),
    path("register/code/", register_views.code, name="register_code"),
    path("register/received/", register_views.received, name="register_received"),
    path("contacts/", public_views.contacts, name="contacts"),
    path("services/", public_views.services, name="services"),
    path("apply/", apply_views.choose, name="apply"),
    path("apply/request/", apply_views.details, name="apply_details"),
    path("requests/<int:pk>/sent/", apply_views.sent, name="sent"),
    path("requests/<int:pk>/documents/", apply_views.upload, name="upload"),
    # Drafts of the long forms and «معاني الكلمات»: aids_views.py.
    path("draft/", aids_views.draft, name="draft"),
    path("words/", aids_views.glossary, name="glossary"),
]
