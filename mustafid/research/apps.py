from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "mustafid.research"
    label = "research"

    def ready(self):
        # This app's step on the request page (see cases/panels.py).
        from .views import register_panels

        register_panels()
