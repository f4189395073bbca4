from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "mustafid.notifications"
    label = "notifications"
