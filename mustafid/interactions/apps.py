from django.apps import AppConfig


class InteractionsConfig(AppConfig):
    name = "mustafid.interactions"
    label = "interactions"
