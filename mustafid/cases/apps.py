from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "mustafid.cases"
    label = "cases"

    def ready(self):
        # The request's own steps on its page, and its events on the beneficiary's timeline
        # (see mustafid/lib/composition.py).
        from . import panels

        panels.register()
        # Every step's message to the applicant, written in the step's transaction (messages.py).
        from . import messages, workflow

        messages.register()
        # The committee chair is reminded of decisions coming due (reminders.py).
        from mustafid.notifications import catalogue, sending

        from . import reminders

        catalogue.register(reminders.KIND)
        sending.register_periodic("decision_reminders", reminders.remind_decisions)
        if messages.write_message not in workflow._writers:
            workflow.on_case_event_written(messages.write_message)
        # The staff home's per-branch counts follow a beneficiary who moves to another branch.
        from mustafid.beneficiaries.actions import branch_change_listeners

        from .models import CaseStatusCount

        branch_change_listeners.append(CaseStatusCount.move_branch_counts)
