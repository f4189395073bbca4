"""The research committee decides: approved or rejected, always with reasons."""

import datetime

import pytest
from django.utils import timezone

from mustafid.audit.models import AuditEvent, EventType
from mustafid.cases.models import Case
from mustafid.committee.actions import record_decision
from mustafid.committee.models import Decision
from mustafid.conftest import refreshed
from mustafid.lib.errors import ActionRefused
from mustafid.lib.hijri import to_hijri


def test_an_approval_is_recorded_with_its_reasons_and_a_numbered_decision(make_case, chair):
    case = make_case("with_committee")
    decision = record_decision(case, outcome="approved", reasons="الحالة مستوفية للشروط", by=chair)
    assert refreshed(case).status == "approved"
    assert decision.number == f"{to_hijri(timezone.localdate())[0]}/0001"
    assert decision.within_response_period
    event = case.events.get(kind="decided")
    assert event.note == "الحالة مستوفية للشروط" and event.data["decision"] == decision.number
    assert AuditEvent.objects.filter(event_type=EventType.DECISION_RECORDED, actor=chair).exists()


def test_a_rejection_moves_the_request_to_rejected(make_case, chair):
    case = make_case("with_committee")
    record_decision(case, outcome="rejected", reasons="لا تنطبق الشروط", by=chair)
    assert refreshed(case).status == "rejected"


def test_decisions_are_numbered_in_sequence(make_case, chair):
    first = record_decision(make_case("with_committee"), outcome="approved", reasons="أ", by=chair)
    second = record_decision(make_case("with_committee"), outcome="rejected", reasons="ب", by=chair)
    assert int(second.number.split("/")[1]) == int(first.number.split("/")[1]) + 1


def test_a_late_decision_is_recorded_as_outside_the_response_period(make_case, chair):
    case = make_case("with_committee")
    Case.objects.filter(pk=case.pk).update(decision_due_on=timezone.localdate() - datetime.timedelta(days=1))
    decision = record_decision(refreshed(case), outcome="approved", reasons="أ", by=chair)
    assert not decision.within_response_period


@pytest.mark.parametrize(("outcome", "reasons"), [("approved", ""), ("approved", "   "), ("maybe", "سبب")])
def test_a_decision_without_reasons_or_outcome_is_refused(make_case, chair, outcome, reasons):
    case = make_case("with_committee")
    with pytest.raises(ActionRefused):
        record_decision(case, outcome=outcome, reasons=reasons, by=chair)
    assert refreshed(case).status == "with_committee" and not Decision.objects.exists()


def test_a_member_who_is_not_the_chair_cannot_record_a_decision(make_case, committee_member, client):
    """Members will vote (a later step); the chair records the committee's decision."""
    case = make_case("with_committee")
    with pytest.raises(ActionRefused):
        record_decision(case, outcome="approved", reasons="أ", by=committee_member)
    client.force_login(committee_member)
    assert "تسجيل القرار" not in client.get(case.get_absolute_url()).content.decode()
    response = client.post(f"/committee/cases/{case.pk}/decide/", {"outcome": "approved", "reasons": "مستوفٍ"})
    assert response.status_code == 403
    assert refreshed(case).status == "with_committee" and not Decision.objects.exists()


def test_only_a_committee_member_records_a_decision(make_case, officer):
    case = make_case("with_committee")
    with pytest.raises(ActionRefused):
        record_decision(case, outcome="approved", reasons="أ", by=officer)
    assert not Decision.objects.exists()


def test_the_chair_decides_from_the_request_page(client, make_case, chair):
    case = make_case("with_committee")
    client.force_login(chair)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "تسجيل القرار" in page
    response = client.post(f"/committee/cases/{case.pk}/decide/", {"outcome": "approved", "reasons": ""})
    assert response.status_code == 400 and refreshed(case).status == "with_committee"
    response = client.post(f"/committee/cases/{case.pk}/decide/", {"outcome": "approved", "reasons": "مستوفٍ"})
    assert response.status_code == 302 and refreshed(case).status == "approved"


def test_the_agenda_lists_requests_with_the_committee_oldest_due_first(client, make_case, committee_member):
    later, sooner = make_case("with_committee"), make_case("with_committee")
    Case.objects.filter(pk=sooner.pk).update(decision_due_on=timezone.localdate())
    client.force_login(committee_member)
    cases = list(client.get("/committee/").context["cases"])
    assert cases == [refreshed(sooner), refreshed(later)]
