"""The staff home: my open work, requests by state, decisions due soon and overdue.

Nothing here reads every request: the counts by state come from `CaseStatusCount` (kept by the
workflow kernel) or, for a researcher, from their referrals; each list
is the first 20 rows of an index (`case_pending_decision_idx`, `case_waiting_idx`, `referral_open_idx`).
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mustafid.cases.models import SUBMITTED_STATES, WAITING_ON_INTAKE, Case, CaseStatusCount, Status
from mustafid.research.models import Referral


def counts_by_status(user, cases):
    """status -> how many of the requests `user` may see stand in it.

    The summary table (`CaseStatusCount`, per the beneficiary's branch) serves each role whose requests
    are a set of its rows: every request, one branch's, the submitted states. A researcher's (the
    requests referred to them) are not, and neither is a union of several of these roles (a branch
    representative who also sits on the committee): those are counted — a researcher's from their
    referrals (`referral` researcher index), a mixed role's from `visible_to`.
    """
    if user.reads_everything or user.is_officer:
        return CaseStatusCount.totals()
    roles = {"branch": bool(user.is_branch_rep and user.branch_id), "committee": user.is_committee_member,
             "researcher": user.is_researcher}
    if roles == {"branch": True, "committee": False, "researcher": False}:
        return CaseStatusCount.totals(branch_id=user.branch_id)
    if roles == {"branch": False, "committee": True, "researcher": False}:
        return CaseStatusCount.totals(SUBMITTED_STATES)
    if roles == {"branch": False, "committee": False, "researcher": True}:
        referred = Referral.objects.filter(researcher=user, case__isnull=False).order_by()
        rows = referred.values_list("case__status").annotate(n=Count("case", distinct=True))
        return dict(rows.values_list("case__status", "n"))
    return dict(cases.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))


@login_required
@require_GET
def home(request):
    user = request.user
    cases = Case.objects.visible_to(user)
    counts = counts_by_status(user, cases) if user.sees_sensitive_data else {}
    context = {
        "by_status": [(value, label, counts.get(value, 0)) for value, label in Status.choices],
        "overdue": cases.overdue().select_related("beneficiary", "support_type").order_by("decision_due_on", "pk")[:20],
        "due_soon": cases.due_soon().select_related("beneficiary", "support_type").order_by("decision_due_on", "pk")[:20],
        "my_referrals": Referral.objects.open().filter(researcher=user).select_related(
            "beneficiary", "interaction__beneficiary", "case"
        )[:20],
        "my_cases": [],
    }
    if user.may_intake:
        # The requests waiting on the intake staff: not yet with the committee, or approved and not yet served.
        mine = cases.filter(status__in=WAITING_ON_INTAKE)
        if user.is_officer:
            mine = mine.filter(received_by=user)
        context["my_cases"] = mine.select_related("beneficiary", "support_type").order_by("received_at", "pk")[:20]
    if user.is_committee_member:
        context["agenda"] = cases.awaiting_committee().select_related("beneficiary", "support_type").order_by(
            "decision_due_on", "pk"
        )[:20]
    return render(request, "reports/home.html", context)
