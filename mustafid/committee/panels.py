"""The committee's panel on the request page: its decision (registered in `CommitteeConfig.ready()`)."""

from mustafid.cases.models import Step
from mustafid.lib.composition import Panel, request_panels

from .forms import DecisionForm


def _decision_panel(case, user, bound):
    decisions = case.decisions.select_related("decided_by")
    may_decide = case.offers(Step.DECIDE, user)
    if not decisions and not may_decide:
        return None
    return {"decisions": decisions, "form": (bound or DecisionForm()) if may_decide else None}


def register():
    request_panels.register(Panel("decision", 60, "committee/panels/decision.html", _decision_panel))
