from django.apps import AppConfig


class CommitteeConfig(AppConfig):
    name = "mustafid.committee"
    label = "committee"

    def ready(self):
        # This app's step on the request page (see mustafid/lib/composition.py).
        from . import panels

        panels.register()
