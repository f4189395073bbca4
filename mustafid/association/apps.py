from django.apps import AppConfig


class AssociationConfig(AppConfig):
    name = "mustafid.association"
    label = "association"

    def ready(self):
        # The header's copy of the association is forgotten when the row is saved (lib.kept), from the start.
        from . import context_processors  # noqa: F401
