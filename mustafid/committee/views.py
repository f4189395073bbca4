from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.cases.access import access_case
from mustafid.cases.models import Case, Step
from mustafid.cases.page import render_case, show_refusal
from mustafid.lib.errors import ActionRefused
from mustafid.lib.paging import page_of

from . import actions
from .forms import DecisionForm


AGENDA_PAGE = 50


@login_required
@require_GET
def agenda(request):
    """Requests awaiting the committee, the oldest due date first."""
    user = request.user
    if not (user.is_committee_member or user.reads_everything or user.is_officer):
        raise PermissionDenied
    cases = Case.objects.visible_to(user).awaiting_committee().select_related("beneficiary", "support_type", "branch")
    # Keyset pages in the order of the partial index `case_pending_decision_idx`; see lib/paging.py.
    page = page_of(request, cases, ("decision_due_on", "pk"), size=AGENDA_PAGE)
    record(EventType.AGENDA_VIEWED, actor=user, data={"page": page.number, "results": len(page)})
    return render(request, "committee/agenda.html", {"cases": page, "page": page, "list_query": ""})


@login_required
@require_POST
def decide(request, pk):
    case = access_case(request.user, pk, step=Step.DECIDE)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return render_case(request, case, bound={"decision": form}, status=400)
    try:
        actions.record_decision(case, by=request.user, **form.cleaned_data)
    except ActionRefused as refusal:
        return show_refusal(request, case, refusal, panel="decision", form=form)
    messages.success(request, _("تم تسجيل قرار اللجنة."))
    return redirect(case)
