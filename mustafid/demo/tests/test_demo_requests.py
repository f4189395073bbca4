"""The demo's requests and meetings on each of the five presets (`demo/requests.py`): the committee's work at
every point of the response period, made through the real actions on past days; the decision clock read from
the timeline agrees with every due date the actions kept."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from mustafid.accounts.models import User
from mustafid.cases.clock import DecisionClock
from mustafid.cases.models import Case, CaseEvent, Status
from mustafid.committee.minutes import render_minutes
from mustafid.committee.models import AgendaItem, Appeal, Decision, Meeting
from mustafid.demo.loader import load_demo_staff, load_preset
from mustafid.demo.presets import PRESETS
from mustafid.demo.requests import load_demo_requests
from mustafid.lib.hijri import to_hijri


@pytest.mark.parametrize("preset", list(PRESETS))
def test_each_presets_demo_has_the_committee_at_every_point_of_its_period(no_association, preset, client):
    load_preset(preset)
    load_demo_staff()
    cases = load_demo_requests()
    period = 30 if preset == "qader" else 14
    today = timezone.localdate()

    waiting = Case.objects.awaiting_committee()
    assert [case.reference for case in waiting if case.is_overdue] == [cases["overdue"].reference]
    assert cases["overdue"].days_left == -4
    assert cases["due_soon"].is_due_soon and cases["due_soon"].days_left == 2
    assert cases["on_time"].days_left == period - 3
    # Returned for information at the last meeting: the clock stands still (days left as on the day it paused).
    returned = cases["returned"]
    assert returned.status == Status.RETURNED and returned.is_paused
    assert returned.clock_paused_on == today - datetime.timedelta(days=10)
    assert returned.days_left_when_paused == period - 4
    # Returned 5 days and answered: the due date moved by the paused days.
    answered = cases["answered"]
    assert answered.status == Status.WITH_COMMITTEE and answered.days_left == 5
    resumed = answered.events.get(kind=CaseEvent.Kind.INFORMATION_PROVIDED)
    assert resumed.data["paused_days"] == 5

    # Every due date the actions kept is the clock read from the timeline; each is the preset's period away.
    for case in Case.objects.exclude(submitted_at=None):
        assert DecisionClock.for_case(case).due_on == case.decision_due_on, case.reference
    submitted = timezone.localdate(cases["on_time"].submitted_at)
    assert cases["on_time"].decision_due_on == submitted + datetime.timedelta(days=period)
    if preset == "qader":
        # A month: the due date falls in the next Hijri month (every 30 days cross a Hijri month's end).
        for key in ("on_time", "due_soon", "overdue"):
            start, due = timezone.localdate(cases[key].submitted_at), cases[key].decision_due_on
            assert (due - start).days == 30 and to_hijri(start)[:2] != to_hijri(due)[:2], key

    # Two closed meetings: attendance, votes, approvals and rejections numbered, a return; one decision late.
    meetings = list(Meeting.objects.order_by("starts_at"))
    assert len(meetings) == 2 and all(meeting.closed_at for meeting in meetings)
    last = meetings[-1]
    assert last.quorum().ok and last.attendance.filter(present=False).count() == 1
    outcomes = dict(last.items.exclude(outcome="").values_list("case_id", "outcome"))
    assert outcomes == {cases["approved"].pk: AgendaItem.Outcome.APPROVED,
                        cases["rejected"].pk: AgendaItem.Outcome.REJECTED,
                        cases["returned"].pk: AgendaItem.Outcome.RETURNED}
    assert last.items.filter(case=cases["overdue"], outcome="").exists()  # deferred, still with the committee
    assert Decision.objects.count() == 5 and Decision.objects.filter(within_response_period=False).count() == 1
    assert all(timezone.localdate(decision.decided_at) < today for decision in Decision.objects.all())
    approval = Decision.objects.get(case=cases["approved"])
    assert approval.meeting == last and approval.amount and approval.support_type
    # The rejection of the last meeting under appeal: back with the committee on a clock of its own.
    appeal = Appeal.objects.get()
    appealed = cases["rejected"]
    assert appeal.appealed.case == appealed and appeal.decision is None and appealed.under_appeal
    assert appealed.status == Status.WITH_COMMITTEE
    assert appealed.decision_due_on == today - datetime.timedelta(days=4) + datetime.timedelta(days=period)

    # What the page of requests at risk and overdue shows (docs/workflow.md quotes it).
    client.force_login(User.objects.get(username="chair"))
    page = client.get("/deadlines/?days=7").context
    listed = list(page["cases"])
    assert [case.days_left for case in listed] == [-4, 2, 5]
    assert sorted((row["total"], row["on_time"]) for row in page["by_month"]) == [(2, 2), (3, 2)]
    assert sum(row["total"] for row in page["by_branch"]) == 5
    assert sum(row["on_time"] for row in page["by_branch"]) == 4

    if preset == "qader":
        # The minutes of the last meeting (rendering is slow: one preset suffices).
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(render_minutes(last))).pages)
        assert approval.number in " ".join(text.split())


def test_the_demo_command_loads_them_once(no_association):
    out = io.StringIO()
    call_command("load_demo", "--preset", "labas", stdout=out)
    output = out.getvalue()
    assert "طلبات التجربة" in output and "/deadlines/" in output
    # Arabic throughout, as the rest of what `make run` prints.
    assert not re.search(r"[A-Za-z]{3,}", re.sub(r"https?://\S+|mustafid-demo|/deadlines/|\b[a-z_]+\b", "", output))
    count = Case.objects.count()
    assert count == 10
    call_command("load_demo", "--preset", "labas", stdout=io.StringIO())
    assert Case.objects.count() == count


def test_without_requests_the_command_makes_none(no_association):
    call_command("load_demo", "--preset", "aoun", "--no-requests", stdout=io.StringIO())
    assert not Case.objects.exists()
