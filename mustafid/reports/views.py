"""The staff home: my open work, requests by state, decisions due soon and overdue."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mustafid.cases.models import Case, Status
from mustafid.research.models import Referral


@login_required
@require_GET
def home(request):
    user = request.user
    cases = Case.objects.visible_to(user)
    counts = dict(cases.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    context = {
        "by_status": [(value, label, counts.get(value, 0)) for value, label in Status.choices],
        "overdue": cases.overdue().select_related("beneficiary", "support_type").order_by("decision_due_on")[:20],
        "due_soon": cases.due_soon().select_related("beneficiary", "support_type").order_by("decision_due_on")[:20],
        "my_referrals": Referral.objects.open().filter(researcher=user).select_related("beneficiary", "case")[:20],
        "my_cases": [],
    }
    if user.may_intake:
        # The requests waiting on the intake staff: not yet with the committee, or approved and not yet served.
        waiting = [Status.RECEIVED, Status.INCOMPLETE, Status.DOCUMENTS_COMPLETE, Status.DECLARED, Status.APPROVED,
                   Status.REGISTERED]
        mine = cases.filter(status__in=waiting)
        if user.is_officer:
            mine = mine.filter(received_by=user)
        context["my_cases"] = mine.select_related("beneficiary", "support_type").order_by("received_at")[:20]
    if user.is_committee_member:
        context["agenda"] = cases.awaiting_committee().select_related("beneficiary", "support_type").order_by(
            "decision_due_on"
        )[:20]
    return render(request, "reports/home.html", context)
