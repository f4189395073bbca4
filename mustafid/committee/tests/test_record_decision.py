"""The research committee decides as a body: the chair records what a meeting with its quorum decided (approved
or rejected, always with reasons, a numbered decision). No one records a decision alone from the request page."""

import datetime
from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from mustafid.audit.models import AuditEvent, EventType
from mustafid.cases.models import Case, SupportType
from mustafid.committee import actions
from mustafid.committee.models import AgendaItem, Decision, RejectionReason
from mustafid.conftest import refreshed
from mustafid.lib.errors import ActionRefused
from mustafid.lib.hijri import to_hijri


@pytest.fixture
def meeting_with_quorum(staff):
    """A meeting of the three demo members, the chair and a member present (the quorum), its agenda the requests
    with the committee when it is called."""
    def call():
        chair = staff["chair"]
        meeting = actions.create_meeting(starts_at=timezone.now(), place="مقر الجمعية", by=chair,
                                         invited=[staff["chair"], staff["committee"], staff["member"]])
        assert actions.record_attendance(meeting, present=[chair, staff["committee"]], by=chair).ok
        return meeting
    return call


def approve(meeting, case, by, reasons="الحالة مستوفية للشروط"):
    return actions.record_outcome(meeting, case, outcome="approved", reasons=reasons, by=by,
                                  support_type=SupportType.objects.first(), amount=Decimal("1500"),
                                  duration_months=6, starts_on=timezone.localdate())


def reject(meeting, case, by, reasons="لا تنطبق الشروط"):
    return actions.record_outcome(meeting, case, outcome="rejected", reasons=reasons, by=by,
                                  rejection_reason=RejectionReason.objects.first())


def test_an_approval_is_recorded_with_its_reasons_and_a_numbered_decision(make_case, chair, meeting_with_quorum):
    case = make_case("with_committee")
    meeting = meeting_with_quorum()
    decision = approve(meeting, case, chair).decision
    assert refreshed(case).status == "approved"
    assert decision.number == f"{to_hijri(timezone.localdate())[0]}/0001"
    assert decision.within_response_period and decision.meeting == meeting and not decision.by_circulation
    event = case.events.get(kind="decided")
    assert event.note == "الحالة مستوفية للشروط" and event.data["decision"] == decision.number
    assert event.data["meeting"] == meeting.number
    audit = AuditEvent.objects.get(event_type=EventType.DECISION_RECORDED, actor=chair)
    assert audit.data["decision"] == decision.number


def test_a_rejection_moves_the_request_to_rejected(make_case, chair, meeting_with_quorum):
    case = make_case("with_committee")
    reject(meeting_with_quorum(), case, chair)
    assert refreshed(case).status == "rejected"


def test_decisions_are_numbered_in_sequence(make_case, chair, meeting_with_quorum):
    cases = [make_case("with_committee"), make_case("with_committee")]
    meeting = meeting_with_quorum()
    first = approve(meeting, cases[0], chair, reasons="أ").decision
    second = reject(meeting, cases[1], chair, reasons="ب").decision
    assert int(second.number.split("/")[1]) == int(first.number.split("/")[1]) + 1


def test_a_late_decision_is_recorded_as_outside_the_response_period(make_case, chair, meeting_with_quorum):
    case = make_case("with_committee")
    Case.objects.filter(pk=case.pk).update(decision_due_on=timezone.localdate() - datetime.timedelta(days=1))
    decision = approve(meeting_with_quorum(), refreshed(case), chair, reasons="أ").decision
    assert not decision.within_response_period


@pytest.mark.parametrize(("outcome", "reasons"), [("approved", ""), ("rejected", "   "), ("maybe", "سبب")])
def test_a_decision_without_reasons_or_outcome_is_refused(make_case, chair, meeting_with_quorum, outcome, reasons):
    case = make_case("with_committee")
    meeting = meeting_with_quorum()
    with pytest.raises(ActionRefused):
        actions.record_outcome(meeting, case, outcome=outcome, reasons=reasons, by=chair,
                               rejection_reason=RejectionReason.objects.first(),
                               support_type=SupportType.objects.first(), amount=Decimal("1500"), duration_months=6,
                               starts_on=timezone.localdate())
    assert refreshed(case).status == "with_committee" and not Decision.objects.exists()
    assert AgendaItem.objects.get(meeting=meeting, case=case).outcome == ""


def test_a_member_who_is_not_the_chair_cannot_record_the_outcome(make_case, committee_member, meeting_with_quorum):
    """Members vote; the chair records what the committee decided."""
    case = make_case("with_committee")
    with pytest.raises(ActionRefused):
        approve(meeting_with_quorum(), case, committee_member, reasons="أ")
    assert refreshed(case).status == "with_committee" and not Decision.objects.exists()


def test_only_a_committee_member_records_a_decision(make_case, officer, meeting_with_quorum):
    case = make_case("with_committee")
    with pytest.raises(ActionRefused):
        approve(meeting_with_quorum(), case, officer, reasons="أ")
    assert not Decision.objects.exists()


def test_the_request_page_offers_no_lone_decision_and_says_where_the_committee_decides(
        client, make_case, chair, meeting_with_quorum):
    case = make_case("with_committee")
    with pytest.raises(NoReverseMatch):
        reverse("committee:decide", args=[case.pk])
    client.force_login(chair)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "/decide/" not in page.replace("/circulation/decide/", "")
    assert "لم يُدرج الطلب بعد في جدول أعمال اجتماع" in page
    response = client.post(f"/committee/cases/{case.pk}/decide/", {"outcome": "approved", "reasons": "مستوفٍ"})
    assert response.status_code == 404
    assert refreshed(case).status == "with_committee"

    meeting = meeting_with_quorum()
    page = client.get(case.get_absolute_url()).content.decode()
    assert f'href="{meeting.get_absolute_url()}#item-{case.pk}"' in page and meeting.number in page
    decision = approve(meeting, case, chair).decision
    page = client.get(case.get_absolute_url()).content.decode()
    assert decision.number in page and "لم يُدرج الطلب" not in page and "#item-" not in page


def test_the_agenda_lists_requests_with_the_committee_oldest_due_first(client, make_case, committee_member):
    later, sooner = make_case("with_committee"), make_case("with_committee")
    Case.objects.filter(pk=sooner.pk).update(decision_due_on=timezone.localdate())
    client.force_login(committee_member)
    cases = list(client.get("/committee/").context["cases"])
    assert cases == [refreshed(sooner), refreshed(later)]
