from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "mustafid.cases"
    label = "cases"

    def ready(self):
        # The request's own steps on its page, and its events on the beneficiary's timeline
        # (see mustafid/lib/composition.py).
        from . import panels

        panels.register()
        # The staff home's per-branch counts follow a beneficiary who moves to another branch.
        from mustafid.beneficiaries.actions import branch_change_listeners

        from .models import CaseStatusCount

        branch_change_listeners.append(CaseStatusCount.move_branch_counts)
