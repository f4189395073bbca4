"""The decision clock's arithmetic: start, pauses, resume, calendar and working days, Hijri months and the Eids."""

import datetime

import pytest
from django.utils import timezone

from mustafid.association.models import PolicyVersion
from mustafid.cases import actions
from mustafid.cases.clock import DecisionClock, rule_of
from mustafid.cases.models import Case, CaseEvent, Status
from mustafid.conftest import refreshed
from mustafid.lib.hijri import from_hijri, to_hijri
from mustafid.lib.workdays import DEFAULT_HOLIDAYS_TEXT, add_days, as_ranges, counted_between, parse_holidays

D = datetime.date
EIDS = as_ranges(DEFAULT_HOLIDAYS_TEXT)


def calendar(start, days=14):
    return DecisionClock(start=start, response_days=days)


def working(start, days, holidays=EIDS):
    return DecisionClock(start=start, response_days=days, working=True, ranges=holidays)


# Calendar days (the seeds' "two weeks" and "a month").

def test_the_clock_starts_on_submission_and_runs_the_period_in_calendar_days():
    clock = calendar(D(2026, 12, 1))
    assert clock.due_on == D(2026, 12, 15)
    assert clock.days_left(D(2026, 12, 1)) == 14
    assert clock.days_left(D(2026, 12, 16)) == -1  # a day late


def test_several_pauses_move_the_due_date_by_the_paused_days():
    clock = calendar(D(2026, 12, 1))
    clock.pause(D(2026, 12, 3))
    clock.resume(D(2026, 12, 5))  # 2 days
    clock.pause(D(2026, 12, 8))
    assert clock.is_paused
    # While it stands still, the days left are those of the day it stopped, whatever today is.
    assert clock.days_left(D(2026, 12, 20)) == clock.days_left(D(2026, 12, 8)) == 9
    clock.resume(D(2026, 12, 12))  # 4 days
    assert not clock.is_paused
    assert clock.paused_days == 6
    assert clock.due_on == D(2026, 12, 15) + datetime.timedelta(days=6)


def test_a_returned_request_answered_the_same_day_keeps_its_due_date():
    clock = calendar(D(2026, 12, 1))
    clock.pause(D(2026, 12, 4))
    clock.resume(D(2026, 12, 4))
    assert clock.due_on == D(2026, 12, 15)


def test_a_month_long_period_crossing_a_hijri_month_end_is_thirty_days_not_a_hijri_month():
    # Qader: "a month" = 30 days. 20 Shawwal 1447 (Shawwal has 29 days) + 30 days = 21 Dhu al-Qa'dah, not the 20th.
    start = from_hijri(1447, 10, 20)
    clock = calendar(start, days=30)
    assert clock.due_on == start + datetime.timedelta(days=30) == D(2026, 5, 8)
    assert to_hijri(clock.due_on) == (1447, 11, 21)
    # ...and across the Hijri year's end (Dhu al-Hijjah 1447 has 29 days) likewise.
    start = from_hijri(1447, 12, 15)
    assert to_hijri(calendar(start, days=30).due_on)[:2] == (1448, 1)


def test_calendar_days_ignore_weekends_and_holidays():
    start = from_hijri(1447, 12, 5)
    assert calendar(start).due_on == start + datetime.timedelta(days=14)


# Working days (Friday and Saturday off), with the Eids.

def test_working_days_skip_friday_and_saturday():
    sunday = D(2026, 11, 29)
    assert sunday.weekday() == 6
    # 14 working days from a Sunday: Mon-Thu, Sun-Thu, Sun-Thu → the Thursday of the third week.
    assert working(sunday, 14, holidays=()).due_on == D(2026, 12, 17)


def test_working_days_with_eid_al_adha_in_the_period():
    # 10-13 Dhu al-Hijjah 1447 = Wed 27 - Sat 30 May 2026: Wednesday and Thursday are working days lost.
    assert from_hijri(1447, 12, 10) == D(2026, 5, 27)
    sunday = D(2026, 5, 24)
    without = working(sunday, 10, holidays=()).due_on
    with_eid = working(sunday, 10).due_on
    assert without == D(2026, 6, 7)
    assert with_eid == D(2026, 6, 9)
    assert counted_between(sunday, with_eid, working=True, ranges=EIDS) == 10


def test_working_days_with_eid_al_fitr_and_a_pause_over_it():
    # 1-3 Shawwal 1447 = Fri 20 - Sun 22 March 2026: only Sunday is a working day lost.
    start = D(2026, 3, 15)  # a Sunday
    assert working(start, 4).due_on == D(2026, 3, 19)  # Mon-Thu
    # The 5th working day would be Sunday 22 without the Eid; it is Monday 23.
    assert working(start, 5, holidays=()).due_on == D(2026, 3, 22)
    assert working(start, 5).due_on == D(2026, 3, 23)
    clock = working(start, 6)
    assert clock.due_on == D(2026, 3, 24)
    # Paused Thursday 19 to Monday 23: the working days paused are Mon 23 only (Fri, Sat, the Eid Sunday don't count).
    clock.pause(D(2026, 3, 19))
    clock.resume(D(2026, 3, 23))
    assert clock.paused_days == 1
    assert clock.due_on == D(2026, 3, 25)


def test_holidays_are_read_from_lines_with_arabic_digits_and_refused_when_wrong():
    assert parse_holidays("١٠/١-١٠/٣ عيد الفطر\n9/1 اليوم الوطني") == [
        ((10, 1), (10, 3), "عيد الفطر"), ((9, 1), (9, 1), "اليوم الوطني"),
    ]
    for wrong in ("عيد", "13/1", "10/5-10/2"):
        with pytest.raises(ValueError):
            parse_holidays(wrong)
    assert add_days(D(2026, 1, 1), 0, working=True) == D(2026, 1, 1)


# Through the actions: the policy in force at submission governs, whatever happens to the policy later.

def _submitted_days_ago(case, days):
    ago = datetime.timedelta(days=days)
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.SUBMITTED)
    CaseEvent.objects.filter(pk=event.pk).update(at=event.at - ago)
    Case.objects.filter(pk=case.pk).update(submitted_at=case.submitted_at - ago, decision_due_on=case.decision_due_on - ago)
    return refreshed(case)


def _returned_days_ago(case, days):
    CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.RETURNED).update(
        at=timezone.now() - datetime.timedelta(days=days))
    Case.objects.filter(pk=case.pk).update(clock_paused_on=timezone.localdate() - datetime.timedelta(days=days))
    return refreshed(case)


def test_a_policy_change_between_submission_and_decision_moves_nothing(make_case, chair, officer, association):
    case = make_case("with_committee")
    submitted = timezone.localdate(case.submitted_at)
    assert case.decision_due_on == submitted + datetime.timedelta(days=14)
    event = case.events.get(kind="submitted")
    assert event.data["response_days"] == 14 and event.data["working_days"] is False
    # The board approves a new version (a month, working days), and even the old version's record is edited.
    old = PolicyVersion.objects.get()
    PolicyVersion.objects.create(
        association=association, version="9.0", effective_from=timezone.localdate(), response_days=30,
        count_working_days=True, channels=old.channels, general_goal_ar=old.general_goal_ar,
        detailed_goals_ar=old.detailed_goals_ar,
    )
    PolicyVersion.objects.filter(pk=old.pk).update(response_days=30, count_working_days=True)
    case = _submitted_days_ago(case, 6)
    actions.return_for_information(case, asked="صورة الهوية", of_whom="applicant", by=chair)
    case = _returned_days_ago(case, 3)
    actions.provide_information(case, note="وصلت", by=officer)
    case = refreshed(case)
    assert case.decision_due_on == submitted - datetime.timedelta(days=6) + datetime.timedelta(days=14 + 3)
    assert case.response_days == 14 and case.policy_version == old


def test_a_working_day_policy_is_kept_with_the_request_at_submission(make_case, officer):
    PolicyVersion.objects.update(count_working_days=True, response_days=10)
    case = make_case("with_committee")
    event = case.events.get(kind="submitted")
    assert event.data["working_days"] is True
    assert [tuple(map(tuple, h)) for h in event.data["holidays"]] == list(EIDS)
    today = timezone.localdate(case.submitted_at)
    assert case.decision_due_on == add_days(today, 10, working=True, ranges=EIDS)
    assert DecisionClock.for_case(case).due_on == case.decision_due_on


def test_qader_a_month_through_the_actions(make_case):
    PolicyVersion.objects.update(response_days=30)
    case = make_case("with_committee")
    assert case.decision_due_on == timezone.localdate(case.submitted_at) + datetime.timedelta(days=30)
    assert rule_of(PolicyVersion.objects.get())["response_days"] == 30


def test_two_returns_add_both_pauses(make_case, chair, officer):
    case = _submitted_days_ago(make_case("with_committee"), 12)
    first_due = case.decision_due_on
    actions.return_for_information(case, asked="تعريف بالراتب", of_whom="applicant", by=chair)
    case = _returned_days_ago(case, 10)
    actions.provide_information(case, note="وصل", by=officer)
    # Move the first pause and resume back in time, then return again.
    CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.INFORMATION_PROVIDED).update(
        at=timezone.now() - datetime.timedelta(days=6))
    case = refreshed(case)
    actions.return_for_information(case, asked="عقد الإيجار", of_whom="applicant", by=chair)
    CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.RETURNED, note="عقد الإيجار").update(
        at=timezone.now() - datetime.timedelta(days=2))
    Case.objects.filter(pk=case.pk).update(clock_paused_on=timezone.localdate() - datetime.timedelta(days=2))
    actions.provide_information(refreshed(case), note="وصل", by=officer)
    case = refreshed(case)
    assert case.status == Status.WITH_COMMITTEE
    # 10 - 6 = 4 days in the first pause, 2 in the second.
    assert case.decision_due_on == first_due + datetime.timedelta(days=6)
