"""The minutes of a research committee meeting (محضر اجتماع لجنة البحث) as an Arabic PDF on the letterhead.

Made on demand from the meeting's rows, like the decision letter (letters.py): the meeting's number, date and
time in both calendars, place or link, the invited members and who attended, the quorum, each request of the
agenda with its decision number, outcome and reasons (the support granted, the rejection reason, or what was
asked when it was returned; a request before the committee on an appeal marked «تظلم», with the decision
appealed and the applicant's reason), the votes as counts per choice and the conflicts of interest declared, and the
signatures block (the chair and the members present). Members' names beside their votes only when the
association chooses it (`Association.minutes_name_voters`).

The applicant is named as on the agenda and the letter (the request's reference and the applicant's name): no
ID number, no household data, no research details.

Once the chair has closed the meeting and the signed scan is attached (`actions.attach_signed_minutes`), the
minutes are locked: their address serves the scan, never a new rendering.

Who reads them: whoever may see the committee's meetings (`access.access_meeting`: members, the chair,
managers and auditors); every read is audited (MINUTES_VIEWED).
"""

from django.utils import timezone, translation

from mustafid.association.models import Association
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.cases.models import CaseEvent, InformationFrom
from mustafid.lib.pdf import render_pdf

from .access import access_meeting
from .letters import _logo_data_uri, numeric_dates
from .models import AgendaItem, Appeal, Conflict, Decision, Vote, VoteChoice, vote_counts

TEMPLATE = "committee/minutes_pdf.html"


def filename(meeting, extension=".pdf"):
    return f"minutes-{meeting.number.replace('/', '-')}{extension}"


def _returned_asks(meeting, items):
    """case id -> (what was asked, of whom) for the requests this meeting returned for information: the first
    «returned» timeline row of the request written after the meeting was called (and before it closed)."""
    returned = [item.case_id for item in items if item.outcome == AgendaItem.Outcome.RETURNED]
    if not returned:
        return {}
    events = CaseEvent.objects.filter(case_id__in=returned, kind=CaseEvent.Kind.RETURNED, at__gte=meeting.created_at)
    if meeting.closed_at:
        events = events.filter(at__lte=meeting.closed_at)
    asks = {}
    for event in events.order_by("at", "pk"):
        if event.case_id not in asks:
            of_whom = (event.data or {}).get("of_whom", "")
            label = InformationFrom(of_whom).label if of_whom in InformationFrom.values else ""
            asks[event.case_id] = (event.note, label)
    return asks


def _appeals(meeting, items):
    """case id -> the appeal (تظلم) a request of this agenda was before the meeting on: an appeal filed before the
    meeting ended (or now, while it is open) and not answered before it was called; never the decision this
    meeting took and the applicant appealed afterwards."""
    until = meeting.closed_at or timezone.now()
    appeals = {}
    rows = (Appeal.objects.filter(case_id__in=[item.case_id for item in items], filed_at__lte=until)
            .select_related("appealed", "appealed__rejection_reason", "decision").order_by("filed_at", "pk"))
    taken_here = {item.decision_id for item in items if item.decision_id}
    for appeal in rows:
        if appeal.appealed_id in taken_here:
            continue
        if appeal.decision is not None and appeal.decision.decided_at < meeting.created_at:
            continue
        appeals[appeal.case_id] = appeal
    return appeals


def _chair_first(members):
    return sorted(members, key=lambda member: (not member.is_committee_chair, member.display_name))


def minutes_context(meeting):
    """What the minutes say, all in Arabic (the association's record, whatever the reader's screen)."""
    association = Association.objects.current()
    items = list(meeting.items.select_related(
        "case", "case__beneficiary", "case__support_type", "decision", "decision__support_type",
        "decision__rejection_reason",
    ))
    case_ids = [item.case_id for item in items]
    votes = list(Vote.objects.filter(meeting=meeting).select_related("member").order_by("cast_at", "pk"))
    conflicts = {}
    for case_id in Conflict.objects.filter(case_id__in=case_ids).values_list("case_id", flat=True):
        conflicts[case_id] = conflicts.get(case_id, 0) + 1
    asks = _returned_asks(meeting, items)
    appeals = _appeals(meeting, items)
    name_voters = bool(association and association.minutes_name_voters)
    labels = dict(VoteChoice.choices)
    rows = []
    for item in items:
        item_votes = [vote for vote in votes if vote.case_id == item.case_id]
        counts = vote_counts(item_votes)
        decision = item.decision
        asked, of_whom = asks.get(item.case_id, ("", ""))
        appeal = appeals.get(item.case_id)
        rows.append({
            "item": item, "case": item.case, "beneficiary": item.case.beneficiary, "decision": decision,
            "approved": decision is not None and decision.outcome == Decision.Outcome.APPROVED,
            "rejected": decision is not None and decision.outcome == Decision.Outcome.REJECTED,
            "returned": item.outcome == AgendaItem.Outcome.RETURNED,
            "decision_date": numeric_dates(timezone.localdate(decision.decided_at)) if decision else None,
            "starts_on": numeric_dates(decision.starts_on) if decision and decision.starts_on else None,
            "asked": asked, "of_whom": of_whom,
            "appeal": appeal,
            "appealed_date": numeric_dates(timezone.localdate(appeal.appealed.decided_at)) if appeal else None,
            "counts": [(labels[choice], counts[choice]) for choice in VoteChoice.values],
            "voted": len(item_votes), "conflicts": conflicts.get(item.case_id, 0),
            "named_votes": [(vote.member.display_name, labels[vote.choice]) for vote in item_votes]
            if name_voters else [],
        })
    attendance = list(meeting.attendance.select_related("member"))
    attendance.sort(key=lambda row: (not row.member.is_committee_chair, row.pk))
    present = _chair_first([row.member for row in attendance if row.present])
    day = timezone.localdate(meeting.starts_at)
    return {
        "meeting": meeting,
        "association": association,
        "logo": _logo_data_uri(association),
        "date": numeric_dates(day),
        "time": timezone.localtime(meeting.starts_at).strftime("%H:%M"),
        "attendance": attendance,
        "attendance_recorded": any(row.present is not None for row in attendance),
        "quorum": meeting.quorum(),
        "rows": rows,
        "decided": sum(1 for row in rows if row["item"].outcome),
        "name_voters": name_voters,
        "signatories": present,
        "closed": meeting.closed_at is not None,
        "closed_date": numeric_dates(timezone.localdate(meeting.closed_at)) if meeting.closed_at else None,
    }


def render_minutes(meeting, request=None):
    """The minutes' PDF bytes; `ActionRefused` (with a message for the screen) when they cannot be made."""
    with translation.override("ar"):
        return render_pdf(TEMPLATE, minutes_context(meeting), request=request)


def access_minutes(user, pk):
    """The meeting whose minutes `user` may read (404/403 as its page); the read is audited."""
    meeting = access_meeting(user, pk)
    record(EventType.MINUTES_VIEWED, actor=user, target=meeting,
           data={"number": meeting.number, "signed": bool(meeting.minutes_signed_at)})
    return meeting
