from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "mustafid.research"
    label = "research"

    def ready(self):
        # This app's step on the request page (see mustafid/lib/composition.py).
        from . import panels

        panels.register()
