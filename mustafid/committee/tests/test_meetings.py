"""The committee as a body: a meeting, its attendance and quorum, the members' votes and the chair's outcomes."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from mustafid.accounts.models import Role, User
from mustafid.association.models import Association
from mustafid.audit.models import AuditEvent, EventType
from mustafid.cases.models import SupportType
from mustafid.committee import actions
from mustafid.committee.models import (
    AgendaItem, Decision, Meeting, RejectionReason, Vote, committee_members, quorum_for,
)
from mustafid.conftest import refreshed
from mustafid.lib.errors import ActionRefused
from mustafid.lib.hijri import from_hijri, to_hijri


@pytest.fixture
def members(staff):
    """The demo committee: the chair and two members (the default quorum is two of three, the chair among them)."""
    return {"chair": staff["chair"], "committee": staff["committee"], "member": staff["member"]}


def meeting_at(when, chair, members, **kwargs):
    return actions.create_meeting(starts_at=when, invited=list(members.values()), place="مقر الجمعية", by=chair,
                                  **kwargs)


def now_plus(hours=1):
    return timezone.now() + datetime.timedelta(hours=hours)


@pytest.fixture
def meeting(make_case, members):
    cases = [make_case("with_committee") for _ in range(3)]
    return meeting_at(now_plus(), members["chair"], members), cases


def test_the_quorum_is_a_majority_of_the_members_by_default(association):
    assert [quorum_for(n) for n in (1, 2, 3, 4, 5, 7)] == [1, 2, 2, 3, 3, 4]


def test_the_association_may_set_its_own_quorum(members):
    Association.objects.update(committee_quorum=3)
    assert quorum_for(committee_members().count()) == 3


def test_a_meeting_takes_the_requests_with_the_committee_earliest_due_first(make_case, members):
    later, sooner = make_case("with_committee"), make_case("with_committee")
    make_case("declared")
    sooner.decision_due_on = timezone.localdate()
    sooner.save(update_fields=["decision_due_on"])
    meeting = meeting_at(now_plus(), members["chair"], members)
    assert [item.case for item in meeting.items.all()] == [sooner, later]
    assert meeting.attendance.count() == 3
    assert AuditEvent.objects.filter(event_type=EventType.MEETING_CREATED, actor=members["chair"]).exists()


def test_a_second_meeting_takes_only_the_requests_no_open_meeting_holds(make_case, members):
    held = make_case("with_committee")
    first = meeting_at(now_plus(), members["chair"], members)
    new = make_case("with_committee")
    second = meeting_at(now_plus(24), members["chair"], members)
    assert [item.case for item in second.items.all()] == [new]
    # Once the first meeting closes without deciding it, the next meeting takes it up again.
    actions.record_attendance(first, present=list(members.values()), by=members["chair"])
    actions.close_meeting(first, by=members["chair"])
    third = meeting_at(now_plus(48), members["chair"], members)
    assert [item.case for item in third.items.all()] == [held]


def test_only_the_chair_or_the_manager_calls_a_meeting(members, staff):
    with pytest.raises(ActionRefused):
        meeting_at(now_plus(), members["committee"], members)
    assert meeting_at(now_plus(), staff["manager"], members).number
    with pytest.raises(ActionRefused):
        actions.create_meeting(starts_at=now_plus(), invited=[staff["officer"]], place="المقر", by=members["chair"])


def test_meetings_are_numbered_per_hijri_year_across_the_new_year(members):
    year = to_hijri(timezone.localdate())[0] + 1
    last_day = timezone.make_aware(datetime.datetime.combine(from_hijri(year, 1, 1) - datetime.timedelta(days=1),
                                                             datetime.time(10, 0)))
    first_day = last_day + datetime.timedelta(days=1)
    numbers = [meeting_at(when, members["chair"], members).number for when in (last_day, last_day, first_day, first_day)]
    assert numbers == [f"{year - 1}/01", f"{year - 1}/02", f"{year}/01", f"{year}/02"]


def test_too_few_present_refuses_votes_and_outcomes_and_changes_nothing(meeting, members):
    meeting, cases = meeting
    quorum = actions.record_attendance(meeting, present=[members["chair"]], by=members["chair"])
    assert not quorum.ok and (quorum.present, quorum.needed) == (1, 2)
    with pytest.raises(ActionRefused, match="لم يكتمل نصاب الاجتماع"):
        actions.cast_vote(meeting, cases[0], choice="approve", by=members["chair"])
    with pytest.raises(ActionRefused, match="لم يكتمل نصاب الاجتماع"):
        actions.record_outcome(meeting, cases[0], outcome="rejected", reasons="غير مستوفٍ",
                               rejection_reason=RejectionReason.objects.first(), by=members["chair"])
    assert not Vote.objects.exists() and not Decision.objects.exists()
    assert refreshed(cases[0]).status == "with_committee"
    assert not AgendaItem.objects.exclude(outcome="").exists()


def test_two_members_without_the_chair_are_no_quorum(meeting, members):
    meeting, cases = meeting
    quorum = actions.record_attendance(meeting, present=[members["committee"], members["member"]],
                                       by=members["chair"])
    assert not quorum.ok
    with pytest.raises(ActionRefused, match="رئيس اللجنة"):
        actions.cast_vote(meeting, cases[0], choice="approve", by=members["committee"])


def test_with_the_quorum_present_members_vote_and_see_counts(meeting, members, client):
    meeting, cases = meeting
    assert actions.record_attendance(meeting, present=[members["chair"], members["committee"]], by=members["chair"]).ok
    actions.cast_vote(meeting, cases[0], choice="approve", by=members["chair"])
    actions.cast_vote(meeting, cases[0], choice="reject", note="الدخل كافٍ", by=members["committee"])
    assert sorted(Vote.objects.values_list("choice", flat=True)) == ["approve", "reject"]
    client.force_login(members["committee"])
    page = client.get(meeting.get_absolute_url())
    row = next(row for row in page.context["rows"] if row["case"] == cases[0])
    assert row["counts"] == {"approve": 1, "reject": 1, "return": 0, "abstain": 0}


def test_an_absent_member_cannot_vote(meeting, members):
    meeting, cases = meeting
    actions.record_attendance(meeting, present=[members["chair"], members["committee"]], by=members["chair"])
    with pytest.raises(ActionRefused, match="الحاضرون"):
        actions.cast_vote(meeting, cases[0], choice="approve", by=members["member"])
    assert not Vote.objects.exists()


def test_a_member_votes_once_per_request_and_may_change_the_vote(meeting, members):
    meeting, cases = meeting
    actions.record_attendance(meeting, present=list(members.values()), by=members["chair"])
    actions.cast_vote(meeting, cases[0], choice="approve", by=members["committee"])
    actions.cast_vote(meeting, cases[0], choice="abstain", note="أحتاج تقرير البحث", by=members["committee"])
    vote = Vote.objects.get()
    assert (vote.choice, vote.note) == ("abstain", "أحتاج تقرير البحث")
    changed = AuditEvent.objects.filter(event_type=EventType.VOTE_CAST).order_by("pk").last()
    assert changed.data["before"] == "approve" and changed.data["choice"] == "abstain"


def test_a_member_with_a_conflict_of_interest_does_not_vote_on_that_request(meeting, members):
    meeting, cases = meeting
    actions.record_attendance(meeting, present=list(members.values()), by=members["chair"])
    actions.cast_vote(meeting, cases[0], choice="approve", by=members["committee"])
    actions.declare_conflict(cases[0], note="قريب المتقدم", by=members["committee"])
    assert not Vote.objects.filter(member=members["committee"], case=cases[0]).exists()  # withdrawn
    with pytest.raises(ActionRefused, match="تعارض مصالح"):
        actions.cast_vote(meeting, cases[0], choice="approve", by=members["committee"])
    actions.cast_vote(meeting, cases[1], choice="approve", by=members["committee"])  # other requests: as usual
    assert AuditEvent.objects.filter(event_type=EventType.CONFLICT_DECLARED, actor=members["committee"]).exists()


def test_the_chair_records_an_approval_with_the_support_granted(meeting, members):
    meeting, cases = meeting
    actions.record_attendance(meeting, present=list(members.values()), by=members["chair"])
    start = timezone.localdate() + datetime.timedelta(days=7)
    support = SupportType.objects.first()
    item = actions.record_outcome(meeting, cases[0], outcome="approved", reasons="مستحق وفق تقرير البحث",
                                  support_type=support, amount=Decimal("1500"), duration_months=6, starts_on=start,
                                  by=members["chair"])
    decision = item.decision
    assert refreshed(cases[0]).status == "approved"
    assert decision.number == f"{to_hijri(timezone.localdate())[0]}/0001"
    assert (decision.meeting, decision.support_type, decision.amount, decision.duration_months, decision.starts_on) == (
        meeting, support, Decision(amount=Decimal("1500")).amount, 6, start)
    event = cases[0].events.get(kind="decided")
    assert event.data["meeting"] == meeting.number and event.data["support"]["duration_months"] == 6


def test_an_approval_at_a_meeting_needs_its_support_details(meeting, members):
    meeting, cases = meeting
    actions.record_attendance(meeting, present=list(members.values()), by=members["chair"])
    with pytest.raises(ActionRefused, match="الدعم الممنوح"):
        actions.record_outcome(meeting, cases[0], outcome="approved", reasons="مستحق", by=members["chair"])
    assert refreshed(cases[0]).status == "with_committee"


def test_the_chair_records_a_rejection_with_a_listed_reason(meeting, members):
    meeting, cases = meeting
    actions.record_attendance(meeting, present=list(members.values()), by=members["chair"])
    reason = RejectionReason.objects.get(name_ar__startswith="الدخل يتجاوز")
    with pytest.raises(ActionRefused, match="سبب الرفض"):
        actions.record_outcome(meeting, cases[1], outcome="rejected", reasons="الدخل 9000 ريال", by=members["chair"])
    item = actions.record_outcome(meeting, cases[1], outcome="rejected", reasons="الدخل 9000 ريال",
                                  rejection_reason=reason, by=members["chair"])
    assert refreshed(cases[1]).status == "rejected"
    assert item.decision.rejection_reason == reason and item.decision.reasons == "الدخل 9000 ريال"


def test_the_chair_returns_a_request_for_information(meeting, members):
    meeting, cases = meeting
    actions.record_attendance(meeting, present=list(members.values()), by=members["chair"])
    item = actions.record_outcome(meeting, cases[2], outcome="returned", asked="صورة عقد الإيجار", of_whom="applicant",
                                  by=members["chair"])
    case = refreshed(cases[2])
    assert case.status == "returned" and item.outcome == "returned" and item.decision is None
    assert case.information_request().note == "صورة عقد الإيجار"
    with pytest.raises(ActionRefused):
        actions.record_outcome(meeting, cases[2], outcome="returned", asked="أخرى", of_whom="applicant",
                               by=members["chair"])


def test_a_request_returned_at_an_open_meeting_goes_on_the_next_meetings_agenda_once_answered(meeting, members,
                                                                                            staff):
    from mustafid.cases.actions import provide_information

    meeting, cases = meeting
    actions.record_attendance(meeting, present=list(members.values()), by=members["chair"])
    actions.record_outcome(meeting, cases[2], outcome="returned", asked="صورة عقد الإيجار", of_whom="applicant",
                           by=members["chair"])
    provide_information(refreshed(cases[2]), note="أُرفق عقد الإيجار", by=staff["officer"])
    # The first meeting is still open, but holds it no more: the next meeting takes it; not this one again.
    with pytest.raises(ActionRefused, match="على جدول أعمال هذا الاجتماع من قبل"):
        actions.add_to_agenda(meeting, refreshed(cases[2]), by=members["chair"])
    second = meeting_at(now_plus(24), members["chair"], members)
    assert [item.case for item in second.items.all()] == [cases[2]]


def test_a_member_who_is_not_the_chair_cannot_record_an_outcome(meeting, members):
    meeting, cases = meeting
    actions.record_attendance(meeting, present=list(members.values()), by=members["chair"])
    with pytest.raises(ActionRefused):
        actions.record_outcome(meeting, cases[2], outcome="returned", asked="صورة عقد الإيجار", of_whom="applicant",
                               by=members["committee"])


def test_a_meeting_over_the_web_from_attendance_to_outcome(client, meeting, members):
    meeting, cases = meeting
    url = meeting.get_absolute_url()
    client.force_login(members["chair"])
    response = client.post(f"{url}attendance/", {"present": [members["chair"].pk]})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "النصاب غير مكتمل" in page
    response = client.post(f"{url}cases/{cases[0].pk}/vote/", {"choice": "approve"})
    assert response.status_code == 400 and "لم يكتمل نصاب الاجتماع" in response.content.decode()
    response = client.post(f"{url}cases/{cases[0].pk}/outcome/", {
        "outcome": "returned", "asked": "صورة الهوية", "of_whom": "applicant"})
    assert response.status_code == 400 and "لم يكتمل نصاب الاجتماع" in response.content.decode()
    assert refreshed(cases[0]).status == "with_committee" and not Vote.objects.exists()
    client.post(f"{url}attendance/", {"present": [members["chair"].pk, members["committee"].pk]})
    assert "النصاب مكتمل" in client.get(url).content.decode()
    assert client.post(f"{url}cases/{cases[0].pk}/vote/", {"choice": "approve"}).status_code == 302
    response = client.post(f"{url}cases/{cases[0].pk}/outcome/", {"outcome": "approved", "reasons": "مستحق"})
    assert response.status_code == 400 and refreshed(cases[0]).status == "with_committee"
    response = client.post(f"{url}cases/{cases[0].pk}/outcome/", {
        "outcome": "approved", "reasons": "مستحق", "support_type": cases[0].support_type_id, "amount": "١٥٠٠",
        "duration_months": "٦", "starts_on": "1448/06/01"})
    assert response.status_code == 302 and refreshed(cases[0]).status == "approved"
    assert "القرار رقم" in client.get(url).content.decode()


def test_a_member_may_not_record_attendance_and_an_officer_may_not_open_a_meeting(client, meeting, members, staff):
    meeting, _cases = meeting
    client.force_login(members["committee"])
    assert client.post(f"{meeting.get_absolute_url()}attendance/", {"present": []}).status_code == 403
    client.force_login(staff["officer"])
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert client.get("/committee/meetings/").status_code == 403


def test_a_new_meeting_from_the_form_in_either_calendar(client, members, make_case):
    make_case("with_committee")
    client.force_login(members["chair"])
    page = client.get("/committee/meetings/new/")
    assert page.status_code == 200
    response = client.post("/committee/meetings/new/", {
        "date": "١٤٤٨/٠٦/١٠", "time": "١٠:٣٠", "place": "", "link": "",
        "invited": [m.pk for m in members.values()]})
    assert response.status_code == 400 and not Meeting.objects.exists()
    response = client.post("/committee/meetings/new/", {
        "date": "1448/06/10", "time": "10:30", "place": "قاعة الاجتماعات",
        "invited": [m.pk for m in members.values()]})
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and meeting.number == "1448/01"
    assert timezone.localtime(meeting.starts_at).date() == from_hijri(1448, 6, 10)
    assert meeting.items.count() == 1


def test_the_committee_is_every_active_member_and_chair(staff):
    former = User.objects.create(username="former_member", is_active=False)
    former.roles.set([Role.COMMITTEE_MEMBER])
    assert set(committee_members()) == {staff["chair"], staff["committee"], staff["member"]}
