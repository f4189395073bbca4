from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.cases.access import access_case
from mustafid.cases.models import Case, Status
from mustafid.cases.panels import Panel, register_panel
from mustafid.cases.views import run_step

from . import actions
from .forms import DecisionForm


def _decision_panel(case, user, bound):
    decisions = case.decisions.select_related("decided_by")
    may_decide = user.is_committee_member and case.status == Status.WITH_COMMITTEE
    if not decisions and not may_decide:
        return None
    return {"decisions": decisions, "form": (bound or DecisionForm()) if may_decide else None}


def register_panels():
    register_panel(Panel("decision", 60, "committee/panels/decision.html", _decision_panel))


@login_required
@require_GET
def agenda(request):
    """Requests awaiting the committee, the oldest due date first."""
    user = request.user
    if not (user.is_committee_member or user.reads_everything or user.is_officer):
        raise PermissionDenied
    cases = (
        Case.objects.visible_to(user).awaiting_committee()
        .select_related("beneficiary", "support_type", "branch").order_by("decision_due_on", "pk")
    )
    cases = list(cases)
    record(EventType.AGENDA_VIEWED, actor=user, data={"results": len(cases)})
    return render(request, "committee/agenda.html", {"cases": cases})


@login_required
@require_POST
def decide(request, pk):
    case = access_case(request.user, pk, decide=True)
    form = DecisionForm(request.POST)
    return run_step(
        request, case, lambda data: actions.record_decision(case, by=request.user, **data),
        success=_("تم تسجيل قرار اللجنة."), panel="decision", form=form,
    )
