"""The research committee's actions: meetings, attendance, votes, conflicts of interest and decisions.

Each runs in one transaction. A step on a request locks it (`lock_case`) and writes its timeline row through
`cases.workflow.move` (decisions) or `cases.actions.return_for_information` (returns); the committee's own
steps (a meeting, its attendance, a vote, a conflict declared) write their audit row (6xx). Votes are not on
the request's timeline: whoever reads the request would see each member's vote, and the minutes show counts.
"""

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.cases import actions as case_actions
from mustafid.cases import clock
from mustafid.cases.models import Case, CaseEvent, InformationFrom, Status, Step, may_take
from mustafid.cases.workflow import lock_case, move
from mustafid.lib.errors import refuse_unless
from mustafid.lib.hijri import to_hijri
from mustafid.lib.uploads import EXTENSIONS, check_document, removed_on_failure

from .models import (
    AgendaItem, Attendance, Circulation, Conflict, Decision, DecisionCounter, DecisionDayCount, Meeting, MeetingCounter,
    Vote, VoteChoice, committee_members, quorum_for,
)


def _next_in_year(counter_model, year, *, given=None):
    """The next number of a Hijri year from its counter row, locked until the transaction ends.

    Two steps taking a number at the same moment wait for each other and get consecutive numbers, never the
    same one and never a gap. `given()` is the highest number already given that year (for a year whose
    counter row does not exist yet).
    """
    counter = counter_model.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                counter_model.objects.create(year=year, last=given() if given else 0)
        except IntegrityError:
            pass  # another step created the year's row at the same moment; it is there now
        counter = counter_model.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _highest_given(model, year):
    last = model.objects.filter(number__startswith=f"{year}/").order_by("-number").values_list("number", flat=True).first()
    return int(last.split("/")[1]) if last else 0


def _next_number(now):
    """Decisions are numbered per Hijri year: 1447/0001, 1447/0002, ...

    The year's counter row is locked until the decision's transaction ends, so decisions recorded at
    the same moment wait for each other and take consecutive numbers.
    """
    year = to_hijri(timezone.localdate(now))[0]
    return f"{year}/{_next_in_year(DecisionCounter, year, given=lambda: _highest_given(Decision, year)):04d}"


def _check_support(outcome, support_type, amount, quantity, duration_months, starts_on):
    if outcome != Decision.Outcome.APPROVED:
        return
    granted = [support_type, amount, quantity, duration_months, starts_on]
    if not any(value is not None for value in granted):
        return  # an approval recorded without its support details (a direct call; the forms always give them)
    refuse_unless(support_type is not None, _("اختر نوع الدعم الممنوح."))
    refuse_unless(amount is not None or quantity is not None, _("اكتب المبلغ أو الكمية الممنوحة."))
    refuse_unless(amount is None or amount > 0, _("المبلغ الممنوح يجب أن يكون أكبر من صفر."))
    refuse_unless(quantity is None or quantity > 0, _("الكمية الممنوحة يجب أن تكون أكبر من صفر."))
    refuse_unless(duration_months is not None and 1 <= duration_months <= 120, _("اكتب مدة الدعم بالأشهر (من 1 إلى 120)."))
    refuse_unless(starts_on is not None, _("اكتب تاريخ بدء الدعم."))


def fill_clock_starts(decisions=None):
    """Give decisions written without their clock's start (bulk-written rows: a restore, the bench) the one the
    timeline says, as `record_decision` keeps it; one UPDATE. Returns how many were filled."""
    decisions = Decision.objects.all() if decisions is None else decisions
    return decisions.filter(clock_started_at__isnull=True).update(
        clock_started_at=Subquery(clock.starts_before(OuterRef("case_id"), OuterRef("decided_at"))))


def record_decision(case, *, outcome, reasons, by, meeting=None, circulation=None, support_type=None, amount=None,
                    quantity=None, duration_months=None, starts_on=None, rejection_reason=None):
    """Record the research committee's decision (approved or rejected, always with reasons), numbered per Hijri year.

    An approval may carry the support granted (type, amount or quantity, duration in months, from which date);
    a rejection a reason from the association's list. `meeting` is the meeting that took it (its quorum is the
    caller's to check, `record_outcome`); `circulation` a decision by circulation (بالتمرير).
    """
    reasons = (reasons or "").strip()
    refuse_unless(may_take(by, Step.DECIDE), _("يسجل القرار رئيس لجنة البحث."))
    refuse_unless(outcome in Decision.Outcome.values, _("اختر القرار: قبول أو رفض."))
    refuse_unless(reasons, _("اكتب أسباب القرار."))
    _check_support(outcome, support_type, amount, quantity, duration_months, starts_on)
    with transaction.atomic():
        case = lock_case(case)
        refuse_unless(case.is_open_for(Step.DECIDE), _("هذا الطلب ليس لدى لجنة البحث."))
        now = timezone.now()
        approved = outcome == Decision.Outcome.APPROVED
        decision = Decision.objects.create(
            case=case, number=_next_number(now), outcome=outcome, reasons=reasons, decided_by=by,
            decided_at=now, within_response_period=timezone.localdate(now) <= case.decision_due_on,
            clock_started_at=clock.started_at(case, now),
            meeting=meeting, by_circulation=circulation is not None,
            support_type=support_type if approved else None, amount=amount if approved else None,
            quantity=quantity if approved else None, duration_months=duration_months if approved else None,
            starts_on=starts_on if approved else None,
            rejection_reason=None if approved else rejection_reason,
        )
        DecisionDayCount.add(decision)
        case.decided_at = now
        data = {"decision": decision.number, "outcome": outcome,
                "within_response_period": decision.within_response_period}
        if meeting is not None:
            data["meeting"] = meeting.number
        if circulation is not None:
            data["by_circulation"] = True
        if approved and support_type is not None:
            data["support"] = {
                "support_type": str(support_type), "amount": str(amount) if amount is not None else None,
                "quantity": quantity, "duration_months": duration_months,
                "starts_on": starts_on.isoformat() if starts_on else None,
            }
        if rejection_reason is not None and not approved:
            data["rejection_reason"] = str(rejection_reason)
        move(
            case,
            to=Status.APPROVED if approved else Status.REJECTED,
            kind=CaseEvent.Kind.DECIDED, by=by, note=reasons,
            data=data, audit_type=EventType.DECISION_RECORDED, audit_target=decision, fields=["decided_at"],
        )
        return decision


# ---------------------------------------------------------------------------------------------
# Meetings
# ---------------------------------------------------------------------------------------------

def may_schedule_meetings(user):
    """The chair (or the manager) calls the committee to a meeting."""
    return bool(getattr(user, "is_committee_chair", False) or getattr(user, "is_manager", False))


def create_meeting(*, starts_at, invited, by, place="", link=""):
    """Call a meeting: numbered per Hijri year of its date (1448/03); its agenda the requests with the committee
    that no other open meeting holds, earliest due first."""
    place, link = (place or "").strip(), (link or "").strip()
    refuse_unless(may_schedule_meetings(by), _("ينشئ الاجتماع رئيس لجنة البحث أو المدير."))
    refuse_unless(place or link, _("اكتب مكان الاجتماع أو رابطه عن بعد."))
    members = list(committee_members().filter(pk__in=[member.pk for member in invited]))
    refuse_unless(members, _("اختر الأعضاء المدعوين."))
    refuse_unless(len(members) == len({member.pk for member in invited}), _("المدعوون يجب أن يكونوا من أعضاء اللجنة."))
    with transaction.atomic():
        year = to_hijri(timezone.localdate(starts_at))[0]
        sequence = _next_in_year(MeetingCounter, year, given=lambda: _highest_given(Meeting, year))
        meeting = Meeting.objects.create(number=f"{year}/{sequence:02d}", starts_at=starts_at, place=place, link=link,
                                         created_by=by)
        Attendance.objects.bulk_create([Attendance(meeting=meeting, member=member) for member in members])
        # Served by the partial index `case_pending_decision_idx` (decision_due_on, id).
        cases = meeting_agenda_cases()
        AgendaItem.objects.bulk_create(
            [AgendaItem(meeting=meeting, case_id=pk, position=n) for n, pk in enumerate(cases, 1)]
        )
        record(EventType.MEETING_CREATED, actor=by, target=meeting,
               data={"number": meeting.number, "starts_at": starts_at.isoformat(), "place": place, "link": link,
                     "invited": [member.pk for member in members], "agenda": list(cases)})
    return meeting


def pending_items():
    """Agenda items an open meeting still holds: no outcome yet. A request on one is not put on another agenda
    (`create_meeting`, `add_to_agenda`); once an open meeting has returned it for information, it is free again."""
    return AgendaItem.objects.filter(meeting__closed_at__isnull=True, outcome="")


def meeting_agenda_cases():
    """The requests a new meeting takes: those with the committee that no open meeting holds pending, earliest
    due first."""
    held = pending_items().values("case_id")
    return list(Case.objects.awaiting_committee().exclude(pk__in=held).order_by("decision_due_on", "pk")
                .values_list("pk", flat=True))


def _lock_meeting(meeting):
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _refuse_if_closed(meeting):
    refuse_unless(meeting.closed_at is None,
                  _("أُقفل الاجتماع رقم %(number)s؛ لا يُسجَّل فيه حضور ولا تصويت ولا نتيجة، ولا يتغير جدول أعماله.")
                  % {"number": meeting.number})


def record_attendance(meeting, *, present, by):
    """The chair records who attended: each invited member present or absent (`present`: the members present)."""
    refuse_unless(may_take(by, Step.DECIDE), _("يسجل الحضور رئيس لجنة البحث."))
    present_ids = {member.pk for member in present}
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        _refuse_if_closed(meeting)
        rows = list(meeting.attendance.select_for_update().order_by("pk"))
        invited = {row.member_id for row in rows}
        refuse_unless(present_ids <= invited, _("الحاضرون يجب أن يكونوا من الأعضاء المدعوين."))
        before = {row.member_id: row.present for row in rows}
        for row in rows:
            row.present = row.member_id in present_ids
        Attendance.objects.bulk_update(rows, ["present"])
        quorum = meeting.quorum()
        record(EventType.ATTENDANCE_RECORDED, actor=by, target=meeting,
               data={"present": sorted(present_ids), "absent": sorted(invited - present_ids),
                     "before": {str(k): v for k, v in before.items()},
                     "quorum": {"needed": quorum.needed, "present": quorum.present, "ok": quorum.ok}})
    return quorum


def _refuse_without_quorum(meeting):
    quorum = meeting.quorum()
    if quorum.ok:
        return quorum
    if quorum.present >= quorum.needed and not quorum.chair_present:
        refuse_unless(False, _("لا يكتمل نصاب الاجتماع دون حضور رئيس اللجنة؛ لم يُسجَّل شيء."))
    refuse_unless(False, _("لم يكتمل نصاب الاجتماع: الحاضرون %(present)s من %(needed)s مطلوبين؛ لا تتخذ اللجنة "
                           "قرارًا ولا تصوّت دون نصاب، ولم يُسجَّل شيء.") % {"present": quorum.present, "needed": quorum.needed})


def _agenda_item(meeting, case):
    item = meeting.items.filter(case=case).first()
    refuse_unless(item is not None, _("هذا الطلب ليس على جدول أعمال الاجتماع."))
    return item


def has_conflict(case, member):
    return Conflict.objects.filter(case=case, member=member).exists()


def cast_vote(meeting, case, *, choice, by, note=""):
    """A present member votes on a request of the agenda (approve, reject, return for information, abstain).

    One vote per member per request per meeting: voting again changes the vote (the audit row keeps the old one).
    """
    note = (note or "").strip()
    refuse_unless(getattr(by, "is_committee_member", False), _("يصوّت أعضاء لجنة البحث."))
    refuse_unless(choice in VoteChoice.values, _("اختر التصويت."))
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        _refuse_if_closed(meeting)
        item = _agenda_item(meeting, case)
        refuse_unless(not item.outcome, _("سُجّلت نتيجة هذا الطلب؛ لا يتغير التصويت بعدها."))
        refuse_unless(meeting.attendance.filter(member=by, present=True).exists(),
                      _("يصوّت الأعضاء الحاضرون في الاجتماع فقط."))
        _refuse_without_quorum(meeting)
        refuse_unless(not has_conflict(case, by), _("أفصحت عن تعارض مصالح في هذا الطلب؛ لا تصوّت عليه."))
        vote, before = _save_vote(Vote.objects.filter(meeting=meeting, case=item.case, member=by),
                                  Vote(meeting=meeting, case=item.case, member=by), choice, note)
        record(EventType.VOTE_CAST, actor=by, target=item.case,
               data={"case": item.case_id, "meeting": meeting.number, "choice": choice, "note": note,
                     "before": before})
    return vote


def _save_vote(existing, new, choice, note):
    vote = existing.select_for_update().first()
    before = vote.choice if vote else None
    vote = vote or new
    vote.choice, vote.note, vote.cast_at = choice, note[:500], timezone.now()
    vote.save()
    return vote, before


def declare_conflict(case, *, by, note=""):
    """A member declares a conflict of interest in a request: they do not vote on it, and a vote already cast is
    withdrawn (at an open meeting or circulation)."""
    note = (note or "").strip()
    refuse_unless(getattr(by, "is_committee_member", False), _("يفصح عن تعارض المصالح أعضاء لجنة البحث."))
    with transaction.atomic():
        case = lock_case(case)
        refuse_unless(case.is_open_for(Step.DECIDE), _("هذا الطلب ليس لدى لجنة البحث."))
        conflict, created = Conflict.objects.get_or_create(case=case, member=by, defaults={"note": note[:300]})
        refuse_unless(created, _("سبق أن أفصحت عن تعارض مصالح في هذا الطلب."))
        # Votes not yet counted: at an open meeting that has not recorded this request's outcome, or in an open
        # circulation (a closed meeting's votes are its minutes').
        undecided = AgendaItem.objects.filter(case=case, outcome="", meeting__closed_at__isnull=True).values("meeting")
        withdrawn = list(Vote.objects.filter(case=case, member=by).filter(
            Q(meeting__in=undecided) | Q(circulation__isnull=False, circulation__closed_at__isnull=True)
        ).values_list("pk", flat=True))
        Vote.objects.filter(pk__in=withdrawn).delete()
        record(EventType.CONFLICT_DECLARED, actor=by, target=case,
               data={"case": case.pk, "note": note, "votes_withdrawn": len(withdrawn)})
    return conflict


def record_outcome(meeting, case, *, outcome, by, reasons="", asked="", of_whom="", rejection_reason=None,
                   support_type=None, amount=None, quantity=None, duration_months=None, starts_on=None):
    """The chair records what the meeting decided on a request of its agenda: approved (with the support granted),
    rejected (a listed reason and text) — a numbered decision — or returned for information (what, of whom).

    Refused, with nothing changed, while the meeting lacks its quorum.
    """
    refuse_unless(may_take(by, Step.DECIDE), _("يسجل نتيجة الطلب رئيس لجنة البحث."))
    refuse_unless(outcome in AgendaItem.Outcome.values, _("اختر النتيجة: قبول أو رفض أو إعادة لاستكمال المعلومات."))
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        _refuse_if_closed(meeting)
        item = _agenda_item(meeting, case)
        refuse_unless(not item.outcome, _("سُجّلت نتيجة هذا الطلب في الاجتماع من قبل."))
        _refuse_without_quorum(meeting)
        if outcome == AgendaItem.Outcome.RETURNED:
            refuse_unless(of_whom in InformationFrom.values, _("اختر ممن تُطلب المعلومات."))
            case_actions.return_for_information(item.case, asked=asked, of_whom=of_whom, by=by)
            decision = None
        elif outcome == AgendaItem.Outcome.REJECTED:
            refuse_unless(rejection_reason is not None, _("اختر سبب الرفض من القائمة."))
            decision = record_decision(item.case, outcome=Decision.Outcome.REJECTED, reasons=reasons, by=by,
                                       meeting=meeting, rejection_reason=rejection_reason)
        else:
            refuse_unless(support_type is not None and starts_on is not None and duration_months is not None
                          and (amount is not None or quantity is not None),
                          _("اكتب الدعم الممنوح: نوعه، والمبلغ أو الكمية، والمدة، وتاريخ البدء."))
            decision = record_decision(item.case, outcome=Decision.Outcome.APPROVED, reasons=reasons, by=by,
                                       meeting=meeting, support_type=support_type, amount=amount, quantity=quantity,
                                       duration_months=duration_months, starts_on=starts_on)
        item.outcome, item.decision = outcome, decision
        item.save(update_fields=["outcome", "decision"])
    return item


def close_meeting(meeting, *, by):
    """The chair closes the meeting when it ends: from then on no attendance, vote, outcome or agenda change.

    Requests left without an outcome stay with the committee and may go on another meeting's agenda.
    """
    refuse_unless(may_take(by, Step.DECIDE), _("يُقفل الاجتماع رئيس لجنة البحث."))
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        refuse_unless(meeting.closed_at is None, _("أُقفل هذا الاجتماع من قبل."))
        meeting.closed_at, meeting.closed_by = timezone.now(), by
        meeting.save(update_fields=["closed_at", "closed_by"])
        items = list(meeting.items.values_list("case_id", "outcome"))
        quorum = meeting.quorum()
        record(EventType.MEETING_CLOSED, actor=by, target=meeting,
               data={"number": meeting.number, "decided": [pk for pk, outcome in items if outcome],
                     "undecided": [pk for pk, outcome in items if not outcome],
                     "quorum": {"needed": quorum.needed, "present": quorum.present, "ok": quorum.ok}})
    return meeting


def agenda_candidates():
    """Requests with the committee that no open meeting has on its agenda (what may be added to one)."""
    return Case.objects.awaiting_committee().exclude(
        pk__in=AgendaItem.objects.filter(meeting__closed_at__isnull=True).values("case")
    )


def add_to_agenda(meeting, case, *, by):
    """Put a request with the committee at the end of an open meeting's agenda (the chair or the manager).

    Refused for a request not with the committee, or pending on the agenda of an open meeting (this or another).
    """
    refuse_unless(may_schedule_meetings(by), _("يضيف إلى جدول الأعمال رئيس لجنة البحث أو المدير."))
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        _refuse_if_closed(meeting)
        case = lock_case(case)
        refuse_unless(case.status == Status.WITH_COMMITTEE,
                      _("هذا الطلب ليس لدى لجنة البحث؛ لا يُضاف إلى جدول الأعمال."))
        refuse_unless(not meeting.items.filter(case=case).exists(),
                      _("الطلب %(reference)s على جدول أعمال هذا الاجتماع من قبل.") % {"reference": case.reference})
        other = pending_items().filter(case=case).select_related("meeting").order_by("pk").first()
        refuse_unless(other is None, _("الطلب %(reference)s على جدول أعمال الاجتماع المفتوح رقم %(number)s.")
                      % {"reference": case.reference, "number": other.meeting.number if other else ""})
        last = meeting.items.order_by("-position").values_list("position", flat=True).first() or 0
        item = AgendaItem.objects.create(meeting=meeting, case=case, position=last + 1)
        record(EventType.AGENDA_ITEM_ADDED, actor=by, target=meeting,
               data={"number": meeting.number, "case": case.pk, "reference": case.reference,
                     "position": item.position})
    return item


def may_attach_minutes(user):
    """Who attaches the signed minutes: the chair or the manager (as they call meetings)."""
    return may_schedule_meetings(user)


def attach_signed_minutes(meeting, uploaded_file, *, by):
    """Attach the signed scan of a closed meeting's minutes (PDF, JPEG or PNG, by its content, within the size
    limit): the minutes are then locked, and their address serves the scan.

    The file is written inside the transaction and deleted if it fails: a file exists only if its row does.
    """
    refuse_unless(may_attach_minutes(by), _("يرفق المحضر الموقع رئيس لجنة البحث أو المدير."))
    content_type, sha256 = check_document(uploaded_file)
    with removed_on_failure() as written, transaction.atomic():
        meeting = _lock_meeting(meeting)
        refuse_unless(meeting.closed_at is not None, _("يُرفق المحضر الموقع بعد إقفال الاجتماع."))
        refuse_unless(not meeting.minutes_signed_at, _("أُرفق المحضر الموقع من قبل واعتُمد؛ لا يتغير."))
        name = f"minutes-{meeting.number.replace('/', '-')}{EXTENSIONS[content_type]}"
        meeting.minutes_scan.save(name, uploaded_file, save=False)
        written.append(meeting.minutes_scan)
        meeting.minutes_signed_at, meeting.minutes_signed_by = timezone.now(), by
        meeting.save(update_fields=["minutes_scan", "minutes_signed_at", "minutes_signed_by"])
        record(EventType.MINUTES_SIGNED, actor=by, target=meeting,
               data={"number": meeting.number, "content_type": content_type, "sha256": sha256,
                     "size": uploaded_file.size})
    return meeting


# ---------------------------------------------------------------------------------------------
# Decisions by circulation (بالتمرير), between meetings, for urgent requests
# ---------------------------------------------------------------------------------------------

def open_circulation(case):
    return Circulation.objects.filter(case=case, closed_at__isnull=True).first()


def circulation_quorum(circulation):
    """(needed, voted): the circulation is decided once a quorum of the committee's members has voted."""
    needed = quorum_for(committee_members().count())
    voted = circulation.votes.count() if circulation else 0
    return needed, voted


def vote_by_circulation(case, *, choice, by, note=""):
    """A member votes on an urgent request from its page, between meetings; voting again changes the vote."""
    note = (note or "").strip()
    refuse_unless(getattr(by, "is_committee_member", False), _("يصوّت أعضاء لجنة البحث."))
    refuse_unless(choice in VoteChoice.values, _("اختر التصويت."))
    with transaction.atomic():
        case = lock_case(case)
        refuse_unless(case.is_open_for(Step.DECIDE), _("هذا الطلب ليس لدى لجنة البحث."))
        refuse_unless(not has_conflict(case, by), _("أفصحت عن تعارض مصالح في هذا الطلب؛ لا تصوّت عليه."))
        circulation = open_circulation(case) or Circulation.objects.create(case=case)
        vote, before = _save_vote(Vote.objects.filter(circulation=circulation, member=by),
                                  Vote(circulation=circulation, case=case, member=by), choice, note)
        record(EventType.VOTE_CAST, actor=by, target=case,
               data={"case": case.pk, "circulation": circulation.pk, "choice": choice, "note": note, "before": before})
    return vote


def decide_by_circulation(case, *, outcome, by, reasons="", rejection_reason=None, support_type=None, amount=None,
                          quantity=None, duration_months=None, starts_on=None):
    """The chair records the decision taken by circulation once the quorum of members has voted (marked «بالتمرير»)."""
    refuse_unless(may_take(by, Step.DECIDE), _("يسجل القرار رئيس لجنة البحث."))
    with transaction.atomic():
        case = lock_case(case)
        circulation = open_circulation(case)
        needed, voted = circulation_quorum(circulation)
        refuse_unless(circulation is not None and voted >= needed,
                      _("لم يصوّت النصاب من الأعضاء بعد (%(voted)s من %(needed)s)؛ لم يُسجَّل القرار.")
                      % {"voted": voted, "needed": needed})
        if outcome == Decision.Outcome.REJECTED:
            refuse_unless(rejection_reason is not None, _("اختر سبب الرفض من القائمة."))
        decision = record_decision(case, outcome=outcome, reasons=reasons, by=by, circulation=circulation,
                                   rejection_reason=rejection_reason, support_type=support_type, amount=amount,
                                   quantity=quantity, duration_months=duration_months, starts_on=starts_on)
        circulation.closed_at, circulation.decision = timezone.now(), decision
        circulation.save(update_fields=["closed_at", "decision"])
    return decision

