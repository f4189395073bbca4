from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "mustafid.services"
    label = "services"

    def ready(self):
        # This app's step on the request page (see cases/panels.py).
        from .views import register_panels

        register_panels()
