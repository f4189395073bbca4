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

        if CaseStatusCount.move_branch_counts not in branch_change_listeners:
            branch_change_listeners.append(CaseStatusCount.move_branch_counts)
        # The indicators' requests opened by day follow a beneficiary whose category changes.
        from mustafid.beneficiaries.actions import category_change_listeners

        from .models import CaseOpenedCount

        if CaseOpenedCount.move_category_counts not in category_change_listeners:
            category_change_listeners.append(CaseOpenedCount.move_category_counts)
        # A rejected self-registration (portal) takes its draft requests and their files with it; one that reached
        # the committee is not rejected (beneficiaries.actions.reject_self_registration).
        from mustafid.beneficiaries.actions import rejection_checks, rejection_removers

        from .actions import discard_drafts_of, submitted_request_refusal

        if submitted_request_refusal not in rejection_checks:
            rejection_checks.append(submitted_request_refusal)
        if discard_drafts_of not in rejection_removers:
            rejection_removers.append(discard_drafts_of)
