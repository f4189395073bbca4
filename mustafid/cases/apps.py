from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "mustafid.cases"
    label = "cases"

    def ready(self):
        # The request's own steps on its page, and its events on the beneficiary's timeline
        # (see mustafid/lib/composition.py).
        from . import panels

        panels.register()
