"""Who did or saw what, when, and from which address."""

from mustafid.audit.models import AuditEvent, EventType
from mustafid.conftest import make_beneficiary


def test_an_action_over_http_records_the_actor_and_the_client_address(client, make_case, officer):
    case = make_case("declared")
    client.force_login(officer)
    client.post(f"/cases/{case.pk}/submit/", REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.get(event_type=EventType.CASE_SUBMITTED)
    assert (event.actor, event.ip_address, event.target_id) == (officer, "10.1.2.3", str(case.pk))
    assert event.data["to"] == "with_committee"


def test_viewing_a_request_or_a_document_is_audited(client, make_case, officer, staff):
    case = make_case("documents_complete")
    client.force_login(staff["auditor"])
    client.get(case.get_absolute_url(), REMOTE_ADDR="10.9.9.9")
    client.get(f"/cases/documents/{case.documents.first().pk}/")
    assert AuditEvent.objects.filter(event_type=EventType.CASE_VIEWED, actor=staff["auditor"],
                                     ip_address="10.9.9.9").exists()
    assert AuditEvent.objects.filter(event_type=EventType.DOCUMENT_VIEWED, actor=staff["auditor"]).exists()


def test_managers_and_auditors_read_and_filter_the_trail(client, officer, staff):
    beneficiary = make_beneficiary(by=officer)
    client.force_login(officer)
    client.get(beneficiary.get_absolute_url())
    client.force_login(staff["auditor"])
    response = client.get("/audit/", {"type": EventType.BENEFICIARY_VIEWED})
    events = list(response.context["page"])
    assert [e.event_type for e in events] == [EventType.BENEFICIARY_VIEWED]
    response = client.get("/audit/", {"target": f"beneficiaries.beneficiary:{beneficiary.pk}"})
    kinds = {e.event_type for e in response.context["page"]}
    assert kinds == {EventType.BENEFICIARY_CREATED, EventType.BENEFICIARY_VIEWED}
    assert client.get("/audit/", {"actor": "officer"}).status_code == 200


def test_the_trail_list_uses_a_fixed_number_of_queries(client, officer, staff, django_assert_max_num_queries):
    for _ in range(30):
        make_beneficiary(by=officer)
    client.force_login(staff["manager"])
    with django_assert_max_num_queries(8):
        client.get("/audit/")


def test_a_settings_change_by_the_manager_is_audited(client, association, staff):
    from mustafid.association.models import PolicyVersion

    policy = PolicyVersion.objects.get()
    client.force_login(staff["manager"])
    page = client.get(f"/settings/association/policyversion/{policy.pk}/change/")
    assert page.status_code == 200
    data = {
        "association": association.pk, "version": policy.version, "board_meeting": policy.board_meeting,
        "board_meeting_en": "", "approved_on": "1446/08/28", "approval_note": "", "approval_note_en": "",
        "effective_from": policy.effective_from.isoformat(), "response_days": "٣٠", "channels": policy.channels,
        "referral_step": "on", "general_goal_ar": policy.general_goal_ar, "general_goal_en": "",
        "detailed_goals_ar": policy.detailed_goals_ar, "detailed_goals_en": "",
    }
    response = client.post(f"/settings/association/policyversion/{policy.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    policy.refresh_from_db()
    assert policy.response_days == 30 and policy.approved_on.isoformat() == "2025-02-27"
    event = AuditEvent.objects.get(event_type=EventType.SETTINGS_CHANGED)
    assert event.data["changed"]["response_days"] == {"old": 14, "new": 30}
