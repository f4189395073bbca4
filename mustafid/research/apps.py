from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "mustafid.research"
    label = "research"

    def ready(self):
        # This app's step on the request page (see mustafid/lib/composition.py).
        from . import panels

        panels.register()
        # A request whose support type requires it goes to the committee only with a filed report (actions.py).
        from mustafid.lib.composition import SubmissionCheck, submission_checks

        from .actions import research_submission_check

        submission_checks.register(SubmissionCheck("research_report", 10, research_submission_check))
        # Researchers are reminded of referrals awaiting their answer (reminders.py).
        from mustafid.notifications import catalogue, sending

        from . import reminders

        catalogue.register(reminders.KIND)
        sending.register_periodic("referral_reminders", reminders.remind_referrals)
