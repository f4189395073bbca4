"""The staff home: each role's own work first, then the requests by state (compact, non-zero only).

Nothing here reads every request, contact or audit row: the counts by state come from `CaseStatusCount`
(kept by the workflow kernel) or, for a researcher, from their referrals; each list is the first rows
of an index in its order — `case_pending_decision_idx` (agenda, overdue, due soon), `case_waiting_idx`
(my open work), `referral_researcher_open_idx` (my referrals, oldest first), `contact_staff_idx` (my
contacts, today's), `contact_awaiting_answer_idx` (written contacts awaiting an answer, oldest first),
`audit_at_idx` (the trail's latest rows, and its latest reads: reads are most of the trail),
`decision_decided_idx` (decisions of the last 90 days and the share on time, index-only).
A person with several roles sees each role's section, in the order of `SECTIONS`.
"""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from mustafid.association.models import BRANCHES
from mustafid.audit.actors import ActorKind
from mustafid.audit.log import record
from mustafid.audit.models import AuditEvent, EventType
from mustafid.feedback.models import Feedback, FollowUp
from mustafid.beneficiaries.models import Beneficiary
from mustafid.cases.models import SUBMITTED_STATES, WAITING_ON_INTAKE, Case, CaseEvent, CaseStatusCount, Status
from mustafid.committee.models import Decision, DecisionDayCount
from mustafid.interactions.models import Interaction
from mustafid.lib.forms import day_start
from mustafid.lib.hijri import GREGORIAN_MONTHS_AR, GREGORIAN_MONTHS_EN
from mustafid.lib.paging import page_of
from mustafid.research.models import Referral

# Who opens a request in the portal: the applicant, or their guardian for them (audit/actors.py).
PORTAL_KINDS = [ActorKind.BENEFICIARY, ActorKind.GUARDIAN]
# Rows per list on the home: a phone's screen or two; each list links to its full page.
HOME_ROWS = 10
# What a registration awaiting verification shows on the home: the name, when, the city and region.
AWAITING_FIELDS = ("id", "first_name", "father_name", "grandfather_name", "family_name", "created_at", "city",
                   "region")
# The manager's indicator: decisions within the response period over this many days.
INDICATOR_DAYS = 90


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


def decisions_on_time(since):
    """Decisions recorded since `since`: how many, and the share within the response period (a whole percent)."""
    row = Decision.objects.filter(decided_at__gte=since).order_by().aggregate(
        total=Count("pk"), on_time=Count("pk", filter=Q(within_response_period=True)),
    )
    total, on_time = row["total"] or 0, row["on_time"] or 0
    return {"total": total, "on_time": on_time, "share": _share(on_time, total)}


def returned_rows(cases, limit=HOME_ROWS):
    """Requests returned for information, the longest waiting first (`case_returned_idx`), each with what was asked.

    Two queries: the requests, then their latest `returned` rows.
    """
    rows = list(_cases(cases.returned())[:limit])
    asked = {}
    events = CaseEvent.objects.filter(case__in=[case.pk for case in rows], kind=CaseEvent.Kind.RETURNED)
    for case_id, note in events.order_by("at", "pk").values_list("case_id", "note"):
        asked[case_id] = note  # the latest wins
    return [(case, asked.get(case.pk, "")) for case in rows]


def _start_of_today():
    return day_start(timezone.localdate())


def _cases(queryset):
    return queryset.rows()


@login_required
@require_GET
def home(request):
    user = request.user
    cases = Case.objects.visible_to(user)
    today = timezone.localdate()
    counts = counts_by_status(user, cases) if user.sees_sensitive_data else {}
    by_status = [(value, label, counts.get(value, 0)) for value, label in Status.choices]
    context = {
        # Every state with its count (for the page's tests and reports); the page shows the non-zero ones.
        "by_status": by_status,
        "nonzero_states": [row for row in by_status if row[2]],
        "overdue": [], "due_soon": [], "my_cases": [], "agenda": None, "my_referrals": [],
        "sections": [],
    }
    sections = context["sections"]
    if user.sees_sensitive_data and (user.may_intake or user.is_committee_member or user.reads_everything):
        context["overdue"] = list(_cases(cases.overdue()).order_by("decision_due_on", "pk")[:HOME_ROWS])
        context["due_soon"] = list(_cases(cases.due_soon()).order_by("decision_due_on", "pk")[:HOME_ROWS])
    if user.may_intake:
        sections.append("intake")
        # The requests waiting on the intake staff: not yet with the committee, or approved and not yet served.
        mine = cases.filter(status__in=WAITING_ON_INTAKE)
        if user.is_officer:
            mine = mine.filter(received_by=user)
        context["my_cases"] = list(_cases(mine).order_by("received_at", "pk")[:HOME_ROWS])
        # Opened by the applicants themselves in the portal (docs/portal.md): no officer received them, so they are
        # on no officer's "my open work" (others' list above has them, marked «من بوابة المستفيد»); the oldest first,
        # from the same partial index (`case_waiting_idx`).
        if user.is_officer:
            context["from_portal"] = list(
                _cases(cases.filter(status__in=WAITING_ON_INTAKE, received_by_kind__in=PORTAL_KINDS))
                .order_by("received_at", "pk")[:HOME_ROWS]
            )
        # Returned by the committee for information: the answer is the intake staff's to record.
        context["returned"] = returned_rows(cases)
        # «تسجيلات بانتظار التحقق»: first-time applicants who registered themselves in the portal, the oldest first,
        # the first rows of their partial index (`beneficiary_awaiting_idx`), never counted.
        context["awaiting_registrations"] = list(
            Beneficiary.objects.visible_to(user).filter(awaiting_verification=True).rows()
            .only(*AWAITING_FIELDS).order_by("created_at", "pk")[:HOME_ROWS]
        )
        # «رسائل بانتظار الرد»: written contacts from the website not answered yet, the oldest first, the first rows
        # of their partial index (`contact_awaiting_answer_idx`), never counted.
        if user.is_officer:
            context["awaiting_answer"] = list(
                Interaction.objects.awaiting_answer().rows()
                .order_by("occurred_at", "pk")[:HOME_ROWS]
            )
        context["contacts_today"] = list(
            Interaction.objects.filter(staff=user, occurred_at__gte=_start_of_today())
            .rows().order_by("-occurred_at", "-pk")[:HOME_ROWS]
        )
    if user.is_researcher:
        sections.append("researcher")
        # The earliest due first (the due date is `referred_at` plus REFERRAL_DUE_DAYS), with how long it has been
        # open and its due date.
        context["my_referrals"] = [
            (referral, (today - timezone.localtime(referral.referred_at).date()).days)
            for referral in Referral.objects.open().filter(researcher=user)
            .select_related("beneficiary", "interaction__beneficiary", "case").order_by("referred_at", "pk")[:HOME_ROWS]
        ]
    if user.is_committee_member:
        sections.append("committee")
        context["agenda"] = list(_cases(cases.awaiting_committee()).order_by("decision_due_on", "pk")[:HOME_ROWS])
    if user.is_manager:
        sections.append("manager")
        context["decisions"] = decisions_on_time(timezone.now() - datetime.timedelta(days=INDICATOR_DAYS))
        context["indicator_days"] = INDICATOR_DAYS
        # The requests with the committee past their due date: a count over the partial index of the
        # committee's queue (case_pending_decision_idx), never over every request.
        context["overdue_count"] = cases.overdue().order_by().count()
        # Open follow-ups of the satisfaction surveys (feedback): the first rows of their partial index
        # (follow_up_open_idx), earliest due first, never counted beyond the page's few.
        due = list(FollowUp.objects.filter(done_at__isnull=True).order_by("due_on", "id")
                   .values_list("due_on", flat=True)[:HOME_ROWS + 1])
        context["follow_ups_open"] = f"{HOME_ROWS}+" if len(due) > HOME_ROWS else str(len(due))
        context["follow_up_next"] = due[0] if due else None
        # Complaints and suggestions past their due date, not answered: the partial index of open items
        # (feedback_open_due_idx), counted no further than the page needs.
        late = Feedback.objects.visible_to(user).overdue(today).order_by().values_list("pk", flat=True)[:HOME_ROWS + 1]
        late = len(late)
        context["feedback_overdue"] = f"{HOME_ROWS}+" if late > HOME_ROWS else str(late)
    if user.is_auditor:
        sections.append("auditor")
        trail = AuditEvent.objects.order_by("-at", "-id")
        context["latest_events"] = list(trail[:HOME_ROWS])
        context["latest_reads"] = list(trail.filter(event_type__gte=100, event_type__lt=200)[:HOME_ROWS])
    if user.is_volunteer:
        sections.append("volunteer")
        context["my_contacts"] = list(
            Interaction.objects.filter(staff=user).rows().order_by("-occurred_at", "-pk")[:HOME_ROWS]
        )
    return render(request, "reports/home.html", context)


# ---------------------------------------------------------------------------------------------
# Deadlines: requests at risk and overdue; the share decided within the period
# ---------------------------------------------------------------------------------------------

DEADLINES_PAGE = 25
# "At risk": due within this many days (the reader may choose among them).
RISK_DAYS = (3, 7, 14)
DEFAULT_RISK_DAYS = 7
# The share decided within the period: the last twelve months.
SHARE_MONTHS = 12


def may_read_deadlines(user):
    return bool(user.is_committee_member or user.reads_everything or user.is_officer)


def _month_start(day, back=0):
    month = day.year * 12 + day.month - 1 - back
    return datetime.date(month // 12, month % 12 + 1, 1)


def _share(on_time, total):
    """The whole percent of `total` decided within the response period (None when nothing was decided)."""
    return round(100 * on_time / total) if total else None


def decided_within_period(since):
    """Decisions since `since`: per month and per branch (the branch that received the request), how many and
    how many within the response period (`Decision.within_response_period`, kept when it was recorded).

    Read from `DecisionDayCount` (kept by `record_decision`): a few rows a day of the period from its unique index
    (day first), never the decisions — a year at a million requests holds some 150,000 of them. The branches'
    names are the kept copy the requests list's filter shows (`association.models.BRANCHES`).
    """
    days = DecisionDayCount.objects.filter(day__gte=since).order_by()
    counted = {"total": Sum("n"), "on_time": Sum("n", filter=Q(within_response_period=True))}
    months = GREGORIAN_MONTHS_EN if get_language() == "en" else GREGORIAN_MONTHS_AR
    by_month = []
    for row in days.annotate(month=TruncMonth("day")).values("month").annotate(**counted).order_by("-month"):
        on_time = row["on_time"] or 0
        by_month.append({"month": row["month"], "label": f"{months[row['month'].month - 1]} {row['month'].year}",
                         "total": row["total"], "on_time": on_time, "share": _share(on_time, row["total"])})
    branches = {branch.pk: branch for branch in BRANCHES.get()}
    english = get_language() == "en"
    by_branch = []
    for row in days.values("branch_id").annotate(**counted):
        branch, on_time = branches.get(row["branch_id"]), row["on_time"] or 0
        name_ar = branch.name_ar if branch else ""
        by_branch.append({
            "branch": row["branch_id"], "name": (branch.name_en if branch and english else "") or name_ar,
            "total": row["total"], "on_time": on_time, "share": _share(on_time, row["total"]), "order": name_ar,
        })
    by_branch.sort(key=lambda row: (row["order"], row["branch"]))
    return by_month, by_branch


@login_required
@require_GET
def deadlines(request):
    """Requests with the committee due within N days or already past their due date, the most pressing first.

    Keyset pages over `case_pending_decision_idx` (decision_due_on, id) where the status is with_committee: the
    overdue come first since their due dates are the earliest. Returned requests are not here: their clock
    stands still (they are on the intake staff's home). Below: the share decided within the period.
    """
    user = request.user
    if not may_read_deadlines(user):
        raise PermissionDenied
    today = timezone.localdate()
    try:
        days = int(request.GET.get("days", DEFAULT_RISK_DAYS))
    except ValueError:
        days = DEFAULT_RISK_DAYS
    if days not in RISK_DAYS:
        days = DEFAULT_RISK_DAYS
    horizon = today + datetime.timedelta(days=days)
    cases = (
        Case.objects.visible_to(user).awaiting_committee().filter(decision_due_on__lte=horizon)
        .select_related("beneficiary", "support_type", "branch")
    )
    page = page_of(request, cases, ("decision_due_on", "pk"), size=DEADLINES_PAGE)
    by_month, by_branch = decided_within_period(_month_start(today, SHARE_MONTHS - 1))
    record(EventType.DEADLINES_VIEWED, actor=user, data={"days": days, "page": page.number, "results": len(page)})
    return render(request, "reports/deadlines.html", {
        "page": page, "cases": page, "days": days, "risk_days": RISK_DAYS, "today": today,
        "list_query": f"days={days}",
        "by_month": by_month, "by_branch": by_branch, "share_months": SHARE_MONTHS,
        "nav_section": "committee",
    })
