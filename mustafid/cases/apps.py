from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "mustafid.cases"
    label = "cases"
