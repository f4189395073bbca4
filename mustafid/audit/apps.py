from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "mustafid.audit"
    label = "audit"
