from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "mustafid.reports"
    label = "reports"

    def ready(self):
        # The notice of a new policy version (policy_notice.py) and the jobs of the outbox's sweep: the public
        # statistics' hourly snapshot (public_stats.py) and the notice's batches left without a task.
        from mustafid.notifications import catalogue, sending

        from . import policy_notice, public_stats

        catalogue.register(policy_notice.MESSAGE)
        sending.register_periodic("public_statistics", public_stats.refresh)
        sending.register_periodic("policy_notice", policy_notice.resume_stalled)
