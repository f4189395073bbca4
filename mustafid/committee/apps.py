from django.apps import AppConfig


class CommitteeConfig(AppConfig):
    name = "mustafid.committee"
    label = "committee"

    def ready(self):
        # This app's step on the request page (see cases/panels.py).
        from .views import register_panels

        register_panels()
