from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "mustafid.research"
    label = "research"

    def ready(self):
        # This app's step on the request page (see mustafid/lib/composition.py).
        from . import panels

        panels.register()
        # Researchers are reminded of referrals awaiting their answer (reminders.py).
        from mustafid.notifications import catalogue, sending

        from . import reminders

        catalogue.register(reminders.KIND)
        sending.register_periodic("referral_reminders", reminders.remind_referrals)
