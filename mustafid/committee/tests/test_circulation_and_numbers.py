"""Decisions by circulation, numbers across a Hijri new year and under concurrency, and the agenda's research
recommendation."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from mustafid.audit.models import AuditEvent, EventType
from mustafid.cases import actions as case_actions
from mustafid.committee import actions
from mustafid.committee.actions import record_decision
from mustafid.committee.models import Decision, Meeting, MeetingCounter, RejectionReason
from mustafid.conftest import refreshed
from mustafid.lib.errors import ActionRefused
from mustafid.lib.hijri import from_hijri, to_hijri
from mustafid.research.actions import refer_to_researcher, save_report


@pytest.fixture
def members(staff):
    return staff["chair"], staff["committee"], staff["member"]


# ---------------------------------------------------------------------------------------------
# By circulation
# ---------------------------------------------------------------------------------------------

def test_the_chair_records_a_decision_by_circulation_once_the_quorum_has_voted(make_case, members, client):
    chair, member, _other = members
    case = make_case("with_committee")
    actions.vote_by_circulation(case, choice="approve", by=member)
    with pytest.raises(ActionRefused, match="لم يصوّت النصاب"):
        actions.decide_by_circulation(case, outcome="approved", reasons="حالة عاجلة مستحقة", by=chair)
    assert refreshed(case).status == "with_committee"
    actions.vote_by_circulation(case, choice="reject", by=chair)
    actions.vote_by_circulation(case, choice="approve", note="بعد مراجعة التقرير", by=chair)  # changed, not added
    client.force_login(chair)
    panel = client.get(case.get_absolute_url()).content.decode()
    assert "تسجيل القرار بالتمرير" in panel
    decision = actions.decide_by_circulation(case, outcome="rejected", reasons="الدخل كافٍ", by=chair,
                                             rejection_reason=RejectionReason.objects.first())
    assert decision.by_circulation and decision.meeting is None and refreshed(case).status == "rejected"
    assert case.events.get(kind="decided").data["by_circulation"] is True
    assert "بالتمرير" in client.get(case.get_absolute_url()).content.decode()
    assert AuditEvent.objects.filter(event_type=EventType.VOTE_CAST).count() == 3


def test_a_member_votes_by_circulation_from_the_request_page(make_case, members, client):
    _chair, member, _other = members
    case = make_case("with_committee")
    client.force_login(member)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "القرار بالتمرير" in page and "تسجيل القرار بالتمرير" not in page
    response = client.post(f"/committee/cases/{case.pk}/circulation/vote/", {"choice": "approve", "note": "عاجل"})
    assert response.status_code == 302
    assert case.circulations.get().votes.get().choice == "approve"


def test_a_conflicted_member_does_not_vote_by_circulation(make_case, members):
    _chair, member, _other = members
    case = make_case("with_committee")
    actions.vote_by_circulation(case, choice="approve", by=member)
    actions.declare_conflict(case, note="من أقاربي", by=member)
    assert not case.circulations.get().votes.exists()
    with pytest.raises(ActionRefused, match="تعارض مصالح"):
        actions.vote_by_circulation(case, choice="approve", by=member)
    with pytest.raises(ActionRefused, match="سبق أن أفصحت"):
        actions.declare_conflict(case, by=member)


def test_no_one_but_a_member_votes_by_circulation(make_case, officer):
    case = make_case("with_committee")
    with pytest.raises(ActionRefused):
        actions.vote_by_circulation(case, choice="approve", by=officer)


# ---------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------

def test_decision_numbers_start_again_at_the_hijri_new_year(make_case, chair, monkeypatch):
    year = to_hijri(timezone.localdate())[0] + 1
    first_day = from_hijri(year, 1, 1)
    cases = [make_case("with_committee") for _ in range(3)]
    real_now = timezone.now

    def at(day):
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(11, 0)))
        monkeypatch.setattr(timezone, "now", lambda: moment)

    at(first_day - datetime.timedelta(days=1))
    before = record_decision(cases[0], outcome="approved", reasons="مستوفٍ", by=chair).number
    at(first_day)
    after = [record_decision(case, outcome="approved", reasons="مستوفٍ", by=chair).number for case in cases[1:]]
    monkeypatch.setattr(timezone, "now", real_now)
    assert before == f"{year - 1}/0001"
    assert after == [f"{year}/0001", f"{year}/0002"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_meetings_created_at_the_same_moment_take_consecutive_numbers(staff):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # SQLite's shared in-memory cache fails at once instead of waiting: the race is run on PostgreSQL.
        pytest.skip("concurrent writers need PostgreSQL or an SQLite file")
    chair, manager = staff["chair"], staff["manager"]
    invited = [staff["chair"], staff["committee"], staff["member"]]
    start = threading.Barrier(2)
    numbers = []

    def create(by):
        try:
            start.wait(timeout=10)
            numbers.append(actions.create_meeting(starts_at=timezone.now(), invited=invited, place="المقر",
                                                  by=by).number)
        except Exception as error:  # reported with the numbers
            numbers.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(by,)) for by in (chair, manager)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    year = to_hijri(timezone.localdate())[0]
    assert sorted(numbers) == [f"{year}/01", f"{year}/02"], numbers
    assert MeetingCounter.objects.get(year=year).last == 2 and Meeting.objects.count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_outcomes_recorded_at_the_same_moment_take_consecutive_decision_numbers(staff, make_case):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("concurrent writers need PostgreSQL or an SQLite file")
    chair = staff["chair"]
    invited = [staff["chair"], staff["committee"], staff["member"]]
    # Each meeting takes the requests no open meeting holds: one each.
    cases = [make_case("with_committee")]
    first = actions.create_meeting(starts_at=timezone.now(), invited=invited, place="المقر", by=chair)
    cases.append(make_case("with_committee"))
    second = actions.create_meeting(starts_at=timezone.now(), invited=invited, place="المقر", by=chair)
    for meeting in (first, second):
        actions.record_attendance(meeting, present=invited, by=chair)
    start = threading.Barrier(2)
    numbers = []

    def decide(meeting, case):
        try:
            start.wait(timeout=10)
            item = actions.record_outcome(meeting, case, outcome="rejected", reasons="غير مستوفٍ", by=chair,
                                          rejection_reason=RejectionReason.objects.first())
            numbers.append(item.decision.number)
        except Exception as error:
            numbers.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=pair) for pair in ((first, cases[0]), (second, cases[1]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    year = to_hijri(timezone.localdate())[0]
    assert sorted(numbers) == [f"{year}/0001", f"{year}/0002"], numbers
    assert Decision.objects.count() == 2


# ---------------------------------------------------------------------------------------------
# The agenda shows the research recommendation
# ---------------------------------------------------------------------------------------------

def test_the_meeting_agenda_shows_the_filed_research_recommendation(make_case, officer, researcher, members, client):
    chair, _member, _other = members
    case = make_case("declared")
    refer_to_researcher(case=case, researcher=researcher, question="دراسة الحالة", by=officer)
    save_report(case, by=researcher, rows={}, file=True, fields={
        "visit_on": timezone.localdate(), "visit_mode": "home", "recommendation": "approve",
        "recommendation_reasons": "دخل الفرد أقل من حد الكفاية"})
    case_actions.submit_to_committee(refreshed(case), by=officer)
    plain = make_case("with_committee")
    meeting = actions.create_meeting(starts_at=timezone.now(), invited=list(members), place="المقر", by=chair)
    client.force_login(chair)
    rows = {row["case"].pk: row for row in client.get(meeting.get_absolute_url()).context["rows"]}
    assert "دخل الفرد أقل من حد الكفاية" in rows[case.pk]["research"]
    assert rows[plain.pk]["research"] == ""
