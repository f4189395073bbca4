"""Delivery reports and replies from the providers (webhooks.py), under /messages/hooks/."""

from django.urls import path

from . import webhooks

app_name = "notifications"

urlpatterns = [
    path("unifonic/<str:secret>/", webhooks.unifonic, name="unifonic_hook"),
    path("whatsapp/", webhooks.whatsapp, name="whatsapp_hook"),
    path("sms-reply/<str:secret>/", webhooks.sms_reply, name="sms_reply_hook"),
]
