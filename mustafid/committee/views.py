from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.cases.models import Case, CaseEvent, Step, may_take
from mustafid.cases.page import render_case, show_refusal
from mustafid.lib.errors import ActionRefused
from mustafid.lib.paging import page_of

from . import actions
from .access import access_case_as_member, access_meeting, may_see_meetings, require_meetings_reader, require_scheduler
from .forms import AttendanceForm, CirculationDecisionForm, ConflictForm, MeetingForm, OutcomeForm, VoteForm
from .minutes_views import meeting_extras
from .models import Conflict, Meeting, Vote, vote_counts

AGENDA_PAGE = 50
MEETINGS_PAGE = 25


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
    return render(request, "committee/agenda.html", {
        "cases": page, "page": page, "list_query": "", "may_see_meetings": may_see_meetings(user),
        "nav_section": "committee",
    })


# ---------------------------------------------------------------------------------------------
# Meetings
# ---------------------------------------------------------------------------------------------

@login_required
@require_GET
def meeting_list(request):
    require_meetings_reader(request.user)
    # Keyset pages by (-starts_at, -id): the index `meeting_starts_idx`.
    page = page_of(request, Meeting.objects.all(), ("-starts_at", "-pk"), size=MEETINGS_PAGE)
    return render(request, "committee/meetings.html", {
        "meetings": page, "page": page, "list_query": "", "nav_section": "committee",
        "may_schedule": actions.may_schedule_meetings(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request):
    require_scheduler(request.user)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = actions.create_meeting(
                starts_at=form.starts_at(), invited=form.cleaned_data["invited"], place=form.cleaned_data["place"],
                link=form.cleaned_data["link"], by=request.user)
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("تم إنشاء الاجتماع رقم %(number)s.") % {"number": meeting.number})
            return redirect(meeting)
    status = 400 if request.method == "POST" else 200
    return render(request, "committee/meeting_new.html", {"form": form, "nav_section": "committee"}, status=status)


def _research_notes(case_ids):
    """case id -> the filed social research report's recommendation and reasons (its timeline row)."""
    notes = {}
    events = CaseEvent.objects.filter(case_id__in=case_ids, kind=CaseEvent.Kind.RESEARCH_FILED).order_by("at", "pk")
    for case_id, note in events.values_list("case_id", "note"):
        notes[case_id] = note
    return notes


def _meeting_page(request, meeting, *, bound=None, status=200):
    user = request.user
    bound = bound or {}
    items = list(meeting.items.select_related("case", "case__beneficiary", "case__support_type", "decision"))
    case_ids = [item.case_id for item in items]
    votes = list(Vote.objects.filter(meeting=meeting).select_related("member"))
    conflicts = set(Conflict.objects.filter(case_id__in=case_ids).values_list("case_id", "member_id"))
    research = _research_notes(case_ids)
    attendance = list(meeting.attendance.select_related("member"))
    quorum = meeting.quorum()
    present = any(row.member_id == user.pk and row.present for row in attendance)
    chair = may_take(user, Step.DECIDE)
    rows = []
    for item in items:
        item_votes = [vote for vote in votes if vote.case_id == item.case_id]
        mine = next((vote for vote in item_votes if vote.member_id == user.pk), None)
        conflicted = (item.case_id, user.pk) in conflicts
        open_item = not item.outcome and item.case.status == "with_committee" and meeting.closed_at is None
        # Shown to a present member (the chair) even before the quorum is reached: the action then refuses and
        # says why, so no one wonders where the form went.
        may_vote = open_item and present and user.is_committee_member and not conflicted
        key = item.case_id
        rows.append({
            "item": item, "case": item.case, "research": research.get(key, ""),
            "counts": vote_counts(item_votes), "voted": len(item_votes), "mine": mine, "conflicted": conflicted,
            "conflicts": sum(1 for case_id, _member in conflicts if case_id == key),
            "vote_form": (bound.get(("vote", key)) or VoteForm(case_pk=key, initial={"choice": mine.choice,
                                                                                    "note": mine.note} if mine else None))
            if may_vote else None,
            "conflict_form": (bound.get(("conflict", key)) or ConflictForm(case_pk=key))
            if open_item and user.is_committee_member and not conflicted else None,
            "outcome_form": (bound.get(("outcome", key)) or OutcomeForm(case=item.case))
            if open_item and chair else None,
        })
    record(EventType.AGENDA_VIEWED, actor=user, target=meeting, data={"meeting": meeting.number, "results": len(items)})
    return render(request, "committee/meeting.html", {
        "meeting": meeting, "rows": rows, "attendance": attendance, "quorum": quorum,
        "attendance_form": (bound.get("attendance") or AttendanceForm(meeting=meeting))
        if chair and meeting.closed_at is None else None,
        "nav_section": "committee", **meeting_extras(user, meeting, bound),
    }, status=status)


@login_required
@require_GET
def meeting_detail(request, pk):
    meeting = access_meeting(request.user, pk)
    return _meeting_page(request, meeting)


def _refused(request, meeting, refusal, bound):
    messages.error(request, refusal.message)
    return _meeting_page(request, meeting, bound=bound, status=400)


@login_required
@require_POST
def attendance(request, pk):
    meeting = access_meeting(request.user, pk, chair=True)
    form = AttendanceForm(request.POST, meeting=meeting)
    if not form.is_valid():
        return _meeting_page(request, meeting, bound={"attendance": form}, status=400)
    try:
        quorum = actions.record_attendance(meeting, present=form.cleaned_data["present"], by=request.user)
    except ActionRefused as refusal:
        return _refused(request, meeting, refusal, {"attendance": form})
    if quorum.ok:
        messages.success(request, _("تم تسجيل الحضور، واكتمل النصاب."))
    else:
        messages.warning(request, _("تم تسجيل الحضور، ولم يكتمل النصاب: لا تصوّت اللجنة ولا تقرر."))
    return redirect(meeting)


def _meeting_case(meeting, case_pk, user):
    item = meeting.items.select_related("case").filter(case_id=case_pk).first()
    if item is None or not Case.objects.visible_to(user).filter(pk=case_pk).exists():
        from django.http import Http404

        raise Http404
    return item.case


@login_required
@require_POST
def vote(request, pk, case_pk):
    meeting = access_meeting(request.user, pk, vote=True)
    case = _meeting_case(meeting, case_pk, request.user)
    form = VoteForm(request.POST, case_pk=case.pk)
    if not form.is_valid():
        return _meeting_page(request, meeting, bound={("vote", case.pk): form}, status=400)
    try:
        actions.cast_vote(meeting, case, by=request.user, **form.cleaned_data)
    except ActionRefused as refusal:
        return _refused(request, meeting, refusal, {("vote", case.pk): form})
    messages.success(request, _("تم تسجيل تصويتك على الطلب %(reference)s.") % {"reference": case.reference})
    return redirect(f"{meeting.get_absolute_url()}#item-{case.pk}")


@login_required
@require_POST
def outcome(request, pk, case_pk):
    meeting = access_meeting(request.user, pk, chair=True)
    case = _meeting_case(meeting, case_pk, request.user)
    form = OutcomeForm(request.POST, case=case)
    if not form.is_valid():
        return _meeting_page(request, meeting, bound={("outcome", case.pk): form}, status=400)
    data = form.cleaned_data
    try:
        actions.record_outcome(meeting, case, outcome=data["outcome"], asked=data.get("asked", ""),
                               of_whom=data.get("of_whom", ""), by=request.user, **form.granted())
    except ActionRefused as refusal:
        return _refused(request, meeting, refusal, {("outcome", case.pk): form})
    messages.success(request, _("تم تسجيل نتيجة الطلب %(reference)s.") % {"reference": case.reference})
    return redirect(f"{meeting.get_absolute_url()}#item-{case.pk}")


# ---------------------------------------------------------------------------------------------
# A member's steps on a request: a conflict of interest, votes by circulation
# ---------------------------------------------------------------------------------------------

def _back(request, case):
    """Back to the meeting the form was on (a path of ours), or to the request."""
    back = request.POST.get("next", "")
    if back.startswith("/committee/meetings/") and "//" not in back:
        return redirect(back)
    return redirect(case)


@login_required
@require_POST
def conflict(request, pk):
    case = access_case_as_member(request.user, pk)
    form = ConflictForm(request.POST, case_pk=case.pk)
    if not form.is_valid():
        messages.error(request, _("تحقق من سبب تعارض المصالح."))
        return _back(request, case)
    try:
        actions.declare_conflict(case, by=request.user, note=form.cleaned_data["note"])
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return _back(request, case)
    messages.success(request, _("تم تسجيل إفصاحك عن تعارض المصالح؛ لن تصوّت على هذا الطلب."))
    return _back(request, case)


@login_required
@require_POST
def circulation_vote(request, pk):
    case = access_case_as_member(request.user, pk)
    form = VoteForm(request.POST, case_pk="c")
    if not form.is_valid():
        return render_case(request, case, bound={"circulation": form}, status=400)
    try:
        actions.vote_by_circulation(case, by=request.user, **form.cleaned_data)
    except ActionRefused as refusal:
        return show_refusal(request, case, refusal, panel="circulation", form=form)
    messages.success(request, _("تم تسجيل تصويتك بالتمرير."))
    return redirect(case)


@login_required
@require_POST
def circulation_decide(request, pk):
    case = access_case_as_member(request.user, pk, chair=True)
    form = CirculationDecisionForm(request.POST, case=case)
    if not form.is_valid():
        return render_case(request, case, bound={"circulation": form}, status=400)
    try:
        actions.decide_by_circulation(case, outcome=form.cleaned_data["outcome"], by=request.user, **form.granted())
    except ActionRefused as refusal:
        return show_refusal(request, case, refusal, panel="circulation", form=form)
    messages.success(request, _("تم تسجيل القرار بالتمرير."))
    return redirect(case)
