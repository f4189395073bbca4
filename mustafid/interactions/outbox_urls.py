from django.urls import path

from . import outbox_views

app_name = "outbox"

urlpatterns = [
    path("failed/", outbox_views.failed_messages, name="failed"),
    path("<int:pk>/resend/", outbox_views.resend_message, name="resend"),
]
