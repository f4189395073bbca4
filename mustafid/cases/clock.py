"""The decision clock: when the committee owes the applicant an answer.

It starts when the complete, declared request reaches the committee (`submit_to_committee`), with the
response period of the policy version in force that day and that version's way of counting (calendar
days, or working days without Friday, Saturday and the policy's Hijri holidays). All of it is written in
the `submitted` timeline row, so a later policy change never moves an existing deadline.

It stands still while the request is returned for information (`returned` row) and runs again when the
information is provided (`information_provided` row); the due date moves by the paused days (counted the
same way as the period). The timeline is the source; `Case.decision_due_on` keeps the result for the
indexed lists (agenda, staff home, deadlines page), recomputed at each resume.

An appeal against a rejection (`appealed` row, committee/appeals.py) starts a clock of its own: from the
day it is filed, with the period and counting of the policy in force that day (kept in the row as the
`submitted` one keeps them); the first clock's pauses are behind it.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from mustafid.lib.workdays import DEFAULT_HOLIDAYS_TEXT, add_days, as_ranges, counted_between

from .models import CaseEvent


def appeal_days():
    """How long after a rejection an appeal is received (`APPEAL_DAYS`, calendar days; default 30)."""
    return getattr(settings, "APPEAL_DAYS", 30)


def last_day_to_appeal(decided_at):
    """The last day an appeal against a decision taken at `decided_at` is received. The one place of the rule:
    committee/appeals.py refuses after it, and the request page stops offering the appeal after it."""
    return timezone.localdate(decided_at) + timedelta(days=appeal_days())


def rule_of(policy):
    """What the `submitted` row keeps of the policy: the period and how it is counted."""
    working = bool(getattr(policy, "count_working_days", False))
    holidays = getattr(policy, "holidays", DEFAULT_HOLIDAYS_TEXT) if working else ""
    return {
        "response_days": policy.response_days,
        "policy_version": policy.version,
        "working_days": working,
        "holidays": [[list(start), list(end)] for start, end in as_ranges(holidays)],
    }


# The timeline rows the clock is read from: its starts (the submission, an appeal), pauses and resumes.
CLOCK_EVENTS = [CaseEvent.Kind.SUBMITTED, CaseEvent.Kind.APPEALED, CaseEvent.Kind.RETURNED,
                CaseEvent.Kind.INFORMATION_PROVIDED]


# The rows that start a clock: the submission to the committee, and an appeal.
CLOCK_STARTS = [CaseEvent.Kind.SUBMITTED, CaseEvent.Kind.APPEALED]


def starts_before(case_ref, at_ref):
    """The clock's latest start at or before a moment, as a queryset of one `at` (for a Subquery: `case_ref` and
    `at_ref` are OuterRef names, or a request and a datetime)."""
    return (CaseEvent.objects.filter(case_id=case_ref, kind__in=CLOCK_STARTS, at__lte=at_ref)
            .order_by("-at", "-pk").values("at")[:1])


def started_at(case, moment):
    """The time the clock of `case` last started at or before `moment` (None if it never did)."""
    row = next(iter(starts_before(case.pk, moment)), None)
    return row["at"] if row else None


@dataclass
class DecisionClock:
    start: date
    response_days: int
    working: bool = False
    ranges: tuple = ()
    # (paused on, resumed on or None while still paused), in order.
    pauses: list = field(default_factory=list)

    @classmethod
    def from_rule(cls, start, rule):
        return cls(start=start, response_days=int(rule["response_days"]), working=bool(rule.get("working_days")),
                   ranges=as_ranges(rule.get("holidays") or ()))

    @classmethod
    def for_case(cls, case, events=None):
        """The clock of a submitted request, read from its timeline (None before submission); after an appeal,
        the appeal's clock."""
        if events is None:
            events = case.events.filter(kind__in=CLOCK_EVENTS).order_by("at", "pk")
        clock = None
        for event in events:
            day = timezone.localdate(event.at)
            if event.kind in (CaseEvent.Kind.SUBMITTED, CaseEvent.Kind.APPEALED):
                data = event.data or {}
                rule = {"response_days": data.get("response_days") or case.response_days, **data}
                clock = cls.from_rule(day, rule)
            elif clock is None:
                continue
            elif event.kind == CaseEvent.Kind.RETURNED:
                clock.pause(day)
            elif event.kind == CaseEvent.Kind.INFORMATION_PROVIDED:
                clock.resume(day)
        return clock

    def pause(self, day):
        if not self.is_paused:
            self.pauses.append((day, None))

    def resume(self, day):
        if self.is_paused:
            self.pauses[-1] = (self.pauses[-1][0], day)

    @property
    def is_paused(self):
        return bool(self.pauses) and self.pauses[-1][1] is None

    def counted(self, start, end):
        return counted_between(start, end, working=self.working, ranges=self.ranges)

    @property
    def paused_days(self):
        """The days the clock stood still (counted as the period is: working days when it counts those)."""
        return sum(self.counted(paused, resumed) for paused, resumed in self.pauses if resumed is not None)

    @property
    def first_due_on(self):
        return add_days(self.start, self.response_days, working=self.working, ranges=self.ranges)

    @property
    def due_on(self):
        """The day the decision is due: the period from the start, moved by every finished pause."""
        return add_days(self.first_due_on, self.paused_days, working=self.working, ranges=self.ranges)

    def days_left(self, today=None):
        """Days (as counted) from today to the due date; while paused, as they stood on the day it paused."""
        today = today or timezone.localdate()
        if self.is_paused:
            today = self.pauses[-1][0]
        return self.counted(today, self.due_on)
