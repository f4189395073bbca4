from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "mustafid.services"
    label = "services"

    def ready(self):
        # This app's step on the request page (see mustafid/lib/composition.py).
        from . import panels

        panels.register()
