from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "mustafid.reports"
    label = "reports"
