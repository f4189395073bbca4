from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "mustafid.demo"
    label = "demo"
