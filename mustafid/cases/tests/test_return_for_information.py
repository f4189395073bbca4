"""Returned for information, end to end through the actions: the clock stands still, and runs again on the answer."""

import datetime

import pytest
from django.utils import timezone

from mustafid.audit.models import AuditEvent, EventType
from mustafid.cases import actions
from mustafid.cases.models import Case, CaseDocument, CaseEvent, CaseStatusCount, InformationFrom, Status
from mustafid.conftest import pdf_file, refreshed, valid_dates
from mustafid.lib.errors import ActionRefused
from mustafid.notifications.models import Message

ASKED = "صورة عقد الإيجار الساري وتعريف بالراتب"


def _back_date(case, *, submitted, paused):
    """As if the request had been submitted `submitted` days ago and returned `paused` days ago.

    No time travel in the tests: the rows are moved (the timeline, which the clock reads, and the request).
    """
    ago = datetime.timedelta(days=submitted)
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.SUBMITTED)
    CaseEvent.objects.filter(pk=event.pk).update(at=event.at - ago)
    case = refreshed(case)
    Case.objects.filter(pk=case.pk).update(submitted_at=case.submitted_at - ago, decision_due_on=case.decision_due_on - ago)
    CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.RETURNED).update(
        at=timezone.now() - datetime.timedelta(days=paused)
    )
    Case.objects.filter(pk=case.pk, status=Status.RETURNED).update(
        clock_paused_on=timezone.localdate() - datetime.timedelta(days=paused)
    )
    return refreshed(case)


def test_the_committee_returns_a_request_and_the_officer_brings_the_answer_back(make_case, chair, officer):
    case = make_case("with_committee")
    due = case.decision_due_on
    event = actions.return_for_information(case, asked=ASKED, of_whom=InformationFrom.APPLICANT, by=chair)
    case = refreshed(case)
    assert case.status == Status.RETURNED and case.clock_paused_on == timezone.localdate()
    assert case.decision_due_on == due
    assert event.kind == CaseEvent.Kind.RETURNED and event.note == ASKED and event.data["of_whom"] == "applicant"
    audit = AuditEvent.objects.filter(event_type=EventType.CASE_RETURNED, target_id=str(case.pk)).get()
    assert audit.actor == chair and audit.data["to"] == "returned"
    assert Case.objects.returned().filter(pk=case.pk).exists()
    assert not Case.objects.awaiting_committee().filter(pk=case.pk).exists()

    case = _back_date(case, submitted=10, paused=5)
    due = case.decision_due_on
    assert case.days_left_when_paused == 14 - 5
    actions.provide_information(case, note="أحضر المستفيد عقد الإيجار", by=officer)
    case = refreshed(case)
    assert case.status == Status.WITH_COMMITTEE and case.clock_paused_on is None
    # The clock stood still five days: the decision is due five days later than it was.
    assert case.decision_due_on == due + datetime.timedelta(days=5)
    answer = case.events.get(kind=CaseEvent.Kind.INFORMATION_PROVIDED)
    assert answer.data["paused_days"] == 5 and answer.data["decision_due_on"] == case.decision_due_on.isoformat()
    assert AuditEvent.objects.filter(event_type=EventType.INFORMATION_PROVIDED, target_id=str(case.pk)).count() == 1
    kinds = list(case.events.order_by("pk").values_list("kind", flat=True))
    assert kinds[-3:] == ["submitted", "returned", "information_provided"]


def test_the_applicant_is_told_what_is_asked_and_when_the_request_is_back(make_case, chair, officer):
    case = make_case("with_committee")
    actions.return_for_information(case, asked=ASKED, of_whom=InformationFrom.APPLICANT, by=chair)
    told = Message.objects.filter(template="returned_for_information").get()
    assert ASKED in told.body and case.reference in told.body
    actions.provide_information(case, note="وصل العقد", by=officer)
    back = Message.objects.filter(template="information_received").get()
    case = refreshed(case)
    year = str(case.decision_due_on.year)
    assert case.reference in back.body and year in back.body and "هـ" in back.body


def test_what_is_asked_of_the_researcher_is_not_sent_to_the_applicant(make_case, chair):
    case = make_case("with_committee")
    actions.return_for_information(case, asked="زيارة منزلية", of_whom=InformationFrom.RESEARCHER, by=chair)
    assert not Message.objects.filter(template="returned_for_information").exists()


def test_only_the_committee_returns_and_only_a_request_with_it(make_case, officer, chair):
    case = make_case("with_committee")
    with pytest.raises(ActionRefused):
        actions.return_for_information(case, asked=ASKED, of_whom="applicant", by=officer)
    with pytest.raises(ActionRefused):
        actions.return_for_information(case, asked="  ", of_whom="applicant", by=chair)
    declared = make_case("declared")
    with pytest.raises(ActionRefused):
        actions.return_for_information(declared, asked=ASKED, of_whom="applicant", by=chair)
    with pytest.raises(ActionRefused):
        actions.provide_information(case, note="جواب", by=officer)  # not returned
    assert refreshed(case).status == Status.WITH_COMMITTEE


def test_documents_may_come_with_the_answer_and_a_refused_one_leaves_the_request_returned(make_case, chair, officer):
    case = make_case("with_committee")
    actions.return_for_information(case, asked=ASKED, of_whom=InformationFrom.APPLICANT, by=chair)
    doc_type = case.support_type.required_documents.first()
    dates = valid_dates() if doc_type.requires_expiry else {"issued_on": None, "expires_on": None}
    document = actions.upload_document(refreshed(case), document_type=doc_type, uploaded_file=pdf_file(), by=officer,
                                       **dates)
    assert refreshed(case).status == Status.RETURNED
    actions.refuse_document(document, reason="غير واضح", by=officer)
    assert refreshed(case).status == Status.RETURNED
    second = actions.upload_document(refreshed(case), document_type=doc_type, uploaded_file=pdf_file(), by=officer,
                                     **dates)
    actions.verify_document(second, by=officer)
    assert CaseDocument.objects.get(pk=second.pk).status == "verified"
    assert refreshed(case).status == Status.RETURNED
    actions.provide_information(case, note="عقد الإيجار مرفق", by=officer)
    assert refreshed(case).status == Status.WITH_COMMITTEE


def test_the_counts_by_state_follow_the_return_and_the_answer(make_case, chair, officer):
    case = make_case("with_committee")
    before = CaseStatusCount.totals()
    actions.return_for_information(case, asked=ASKED, of_whom=InformationFrom.APPLICANT, by=chair)
    during = CaseStatusCount.totals()
    assert during.get("returned", 0) == before.get("returned", 0) + 1
    assert during["with_committee"] == before["with_committee"] - 1
    actions.provide_information(case, note="تم", by=officer)
    assert CaseStatusCount.totals()["with_committee"] == before["with_committee"]


def test_through_the_request_page_the_chair_returns_and_the_officer_records_the_answer(client, make_case, chair, officer):
    case = make_case("with_committee")
    client.force_login(chair)
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'id="return"' in page
    response = client.post(f"/cases/{case.pk}/return/", {"asked": ASKED, "of_whom": "applicant"})
    assert response.status_code == 302
    assert refreshed(case).status == Status.RETURNED

    client.force_login(officer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert ASKED in page and "مدة الرد متوقفة" in page
    assert f'action="/cases/{case.pk}/information/"' in page
    empty = client.post(f"/cases/{case.pk}/information/", {"note": ""})
    assert empty.status_code == 400 and refreshed(case).status == Status.RETURNED
    response = client.post(f"/cases/{case.pk}/information/", {"note": "أحضر العقد"})
    assert response.status_code == 302
    case = refreshed(case)
    assert case.status == Status.WITH_COMMITTEE
    page = client.get(case.get_absolute_url()).content.decode()
    assert "استؤنفت مدة الرد" in page and "المتبقي على الموعد" in page


def test_the_officer_may_not_return_and_the_committee_may_not_answer(client, make_case, chair, officer):
    case = make_case("with_committee")
    client.force_login(officer)
    assert client.post(f"/cases/{case.pk}/return/", {"asked": ASKED, "of_whom": "applicant"}).status_code == 403
    actions.return_for_information(case, asked=ASKED, of_whom="applicant", by=chair)
    client.force_login(chair)
    assert client.post(f"/cases/{case.pk}/information/", {"note": "x"}).status_code == 403
    assert refreshed(case).status == Status.RETURNED
