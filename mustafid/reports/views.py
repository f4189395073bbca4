"""The staff home: my open work, requests by state, decisions due soon and overdue.

Nothing here reads every request: the counts by state come from `CaseStatusCount` (kept by the
workflow kernel) or, for roles whose visibility it cannot express, from an indexed count; each list
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

    Readers of every request and committee members read the summary table. A branch representative's
    requests follow their beneficiaries' branch (which changes outside the workflow) and a researcher's
    are those referred to them: neither is a sum of summary rows, so theirs are counted — served by
    the beneficiary and referral indexes, over their own branch's or referrals' requests only.
    """
    if user.reads_everything or user.is_officer:
        return CaseStatusCount.totals()
    if user.is_committee_member and not (user.is_branch_rep or user.is_researcher):
        return CaseStatusCount.totals(SUBMITTED_STATES)
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
