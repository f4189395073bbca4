from django.apps import AppConfig


class InteractionsConfig(AppConfig):
    name = "mustafid.interactions"
    label = "interactions"

    def ready(self):
        # Contacts on the beneficiary's timeline and as the start of a registration (mustafid/lib/composition.py).
        from . import sources

        sources.register()
        # The messages staff send one beneficiary by hand (messages.py), worded by the manager like the others.
        from . import messages

        messages.register()
        # Messages to the beneficiary on their timeline (outbox.py).
        from . import outbox

        outbox.register()
