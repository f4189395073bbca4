"""The beneficiary's own acts beside the declaration: answering what the committee asked (the files, then the
note: the clock resumes) and updating the contact details (a new mobile only after the code sent to it)."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mustafid.audit.actors import Actor
from mustafid.audit.models import AuditEvent, EventType
from mustafid.beneficiaries.models import Beneficiary
from mustafid.cases import actions as case_actions
from mustafid.cases.models import CaseDocument, CaseEvent, InformationFrom, Status
from mustafid.conftest import PDF_BYTES, make_beneficiary, refreshed, valid_dates
from mustafid.notifications.models import Message, Purpose
from mustafid.portal import account
from mustafid.portal.models import CodePurpose, SignInCode

from .conftest import sign_in
from .test_sign_in import SENSITIVE

pytestmark = pytest.mark.django_db


def wrong(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


# ---------------------------------------------------------------- answering the committee


@pytest.fixture
def returned(client, make_case):
    case = make_case("returned")
    sign_in(client, case.beneficiary)
    return case


def upload(client, case, content=PDF_BYTES, name="عقد.pdf"):
    doc_type = case.support_type.required_documents.first()
    data = {"document_type": doc_type.pk, "file": SimpleUploadedFile(name, content), "upload": "1"}
    if doc_type.requires_expiry:
        data["expires_on"] = valid_dates()["expires_on"].isoformat()
    return client.post(f"/portal/requests/{case.pk}/answer/", data)


def test_the_request_page_leads_to_the_answer(client, returned):
    text = client.get(f"/portal/requests/{returned.pk}/").content.decode()
    assert f"/portal/requests/{returned.pk}/answer/" in text
    page = client.get(f"/portal/requests/{returned.pk}/answer/")
    assert page.status_code == 200 and "صورة عقد الإيجار الساري" in page.content.decode()
    assert "no-store" in page["Cache-Control"]


def test_the_owner_uploads_the_answer_and_sends_it_and_the_clock_resumes(client, returned):
    # As if submitted ten days ago and returned five days ago (no time travel: the rows the clock reads move).
    ago = datetime.timedelta(days=10)
    submitted = CaseEvent.objects.get(case=returned, kind=CaseEvent.Kind.SUBMITTED)
    CaseEvent.objects.filter(pk=submitted.pk).update(at=submitted.at - ago)
    type(returned).objects.filter(pk=returned.pk).update(
        submitted_at=returned.submitted_at - ago, decision_due_on=returned.decision_due_on - ago,
        clock_paused_on=timezone.localdate() - datetime.timedelta(days=5))
    CaseEvent.objects.filter(case=returned, kind=CaseEvent.Kind.RETURNED).update(
        at=timezone.now() - datetime.timedelta(days=5))
    due = refreshed(returned).decision_due_on
    response = upload(client, returned)
    assert response.status_code == 302
    document = CaseDocument.objects.filter(case=returned).latest("pk")
    assert (document.uploaded_by_kind, document.uploaded_by_id, document.original_name) == ("beneficiary", None, "عقد.pdf")
    assert "عقد.pdf" in client.get(f"/portal/requests/{returned.pk}/answer/").content.decode()
    assert refreshed(returned).status == Status.RETURNED  # the files alone do not send the answer

    response = client.post(f"/portal/requests/{returned.pk}/answer/", {"note": "أرفقت عقد الإيجار الساري", "send": "1"})
    assert response.status_code == 302 and response["Location"] == f"/portal/requests/{returned.pk}/"
    case = refreshed(returned)
    assert case.status == Status.WITH_COMMITTEE and case.clock_paused_on is None
    assert case.decision_due_on == due + datetime.timedelta(days=5)  # the five days it stood still
    answered = case.events.get(kind=CaseEvent.Kind.INFORMATION_PROVIDED)
    assert (answered.actor_kind, answered.note) == ("beneficiary", "أرفقت عقد الإيجار الساري")
    assert answered.data["paused_days"] == 5
    audit = AuditEvent.objects.get(event_type=EventType.INFORMATION_PROVIDED)
    assert (audit.actor_kind, audit.actor_id) == ("beneficiary", None)
    assert AuditEvent.objects.get(event_type=EventType.DOCUMENT_UPLOADED, actor_kind="beneficiary")
    # Sent twice (a double submit): refused, nothing more written.
    again = client.post(f"/portal/requests/{returned.pk}/answer/", {"note": "مرة أخرى", "send": "1"})
    assert again.status_code == 302
    assert case.events.filter(kind=CaseEvent.Kind.INFORMATION_PROVIDED).count() == 1


def test_a_file_that_is_not_a_document_is_refused_clearly(client, returned):
    response = upload(client, returned, content=b"MZ\x90\x00" + b"\x00" * 200, name="عقد.pdf")
    assert response.status_code == 400
    assert not CaseDocument.objects.filter(case=returned, uploaded_by_kind="beneficiary").exists()
    svg = upload(client, returned, content=b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', name="a.svg")
    assert svg.status_code == 400


def test_the_note_is_required_and_hostile_input_is_no_error(client, returned):
    assert client.post(f"/portal/requests/{returned.pk}/answer/", {"note": "", "send": "1"}).status_code == 400
    assert client.post(f"/portal/requests/{returned.pk}/answer/", {"note": "a\x00b", "send": "1"}).status_code == 400
    assert client.post(f"/portal/requests/{returned.pk}/answer/", {"note": "x" * 100_000, "send": "1"}).status_code == 400
    assert refreshed(returned).status == Status.RETURNED


def test_the_answer_is_refused_in_any_other_state(client, make_case):
    case = make_case("with_committee")
    sign_in(client, case.beneficiary)
    assert client.get(f"/portal/requests/{case.pk}/answer/").status_code == 302
    response = client.post(f"/portal/requests/{case.pk}/answer/", {"note": "جواب", "send": "1"})
    assert response.status_code == 302
    assert not case.events.filter(kind=CaseEvent.Kind.INFORMATION_PROVIDED).exists()


def test_what_the_committee_asked_its_own_staff_is_not_the_applicants_to_answer(client, make_case, chair):
    case = make_case("with_committee")
    case_actions.return_for_information(case, asked="زيارة منزلية", of_whom=InformationFrom.RESEARCHER, by=chair)
    sign_in(client, case.beneficiary)
    assert client.get(f"/portal/requests/{case.pk}/answer/").status_code == 302
    client.post(f"/portal/requests/{case.pk}/answer/", {"note": "جواب", "send": "1"})
    assert refreshed(case).status == Status.RETURNED
    # And the action itself refuses the applicant there (whatever the page does).
    with pytest.raises(Exception):
        account.answer_committee(refreshed(case), note="جواب", by=Actor.beneficiary())


def test_anothers_returned_request_is_not_found(client, make_case):
    mine = make_case("returned")
    theirs = make_case("returned")
    sign_in(client, mine.beneficiary)
    assert client.get(f"/portal/requests/{theirs.pk}/answer/").status_code == 404
    assert client.post(f"/portal/requests/{theirs.pk}/answer/", {"note": "جواب", "send": "1"}).status_code == 404
    assert refreshed(theirs).status == Status.RETURNED


# ---------------------------------------------------------------- contact details


@pytest.fixture
def person(client, officer):
    beneficiary = make_beneficiary(by=officer)
    sign_in(client, beneficiary)
    return beneficiary


def details(person, **changes):
    data = {"mobile": person.mobile, "email": person.email, "preferred_channel": person.preferred_channel,
            "language": person.language}
    data.update(changes)
    return data


def mobile_message(beneficiary):
    return Message.objects.filter(person_id=beneficiary.pk, template="portal_mobile_code").order_by("-pk").first()


NEW_MOBILE = "0551234567"
NEW_E164 = "+966551234567"


def test_email_channel_and_language_are_saved_and_audited_as_the_beneficiary(client, person):
    assert client.get("/portal/details/").status_code == 200
    response = client.post("/portal/details/", details(person, email="reem@example.org", preferred_channel="email",
                                                       language="en"))
    assert response.status_code == 302
    person = Beneficiary.objects.get(pk=person.pk)
    assert (person.email, person.preferred_channel, person.language) == ("reem@example.org", "email", "en")
    audit = AuditEvent.objects.get(event_type=EventType.BENEFICIARY_UPDATED)
    assert (audit.actor_kind, audit.actor_id) == ("beneficiary", None)
    assert audit.data["changed"]["email"] == {"old": "", "new": "reem@example.org"}


def test_a_new_mobile_replaces_the_old_only_after_the_code_sent_to_it(client, person):
    old = person.mobile
    response = client.post("/portal/details/", details(person, mobile=NEW_MOBILE))
    assert response.status_code == 302 and response["Location"] == "/portal/details/mobile/"
    assert Beneficiary.objects.get(pk=person.pk).mobile == old  # not yet
    message = mobile_message(person)
    assert (message.recipient, message.channel, message.purpose) == (NEW_E164, "sms", Purpose.CODE)
    code = re.search(r"\d{6}", message.body).group()
    assert code not in SignInCode.objects.get(purpose=CodePurpose.MOBILE).code_digest

    bad = client.post("/portal/details/mobile/", {"code": wrong(code)})
    assert bad.status_code == 400 and Beneficiary.objects.get(pk=person.pk).mobile == old
    assert client.post("/portal/details/mobile/", {"code": code}).status_code == 302
    person = Beneficiary.objects.get(pk=person.pk)
    assert person.mobile == NEW_E164
    audit = AuditEvent.objects.get(event_type=EventType.BENEFICIARY_UPDATED)
    assert audit.actor_kind == "beneficiary" and audit.data["changed"]["mobile"] == {"old": old, "new": NEW_E164}
    # The old number is told, discreetly.
    notice = Message.objects.get(template="portal_mobile_changed")
    assert notice.recipient == old and "تم تغيير رقم الجوال" in notice.body
    assert not any(word in notice.body for word in SENSITIVE) and NEW_E164 not in notice.body


def test_a_code_confirms_only_the_number_it_was_sent_to(client, person):
    client.post("/portal/details/", details(person, mobile=NEW_MOBILE))
    code = re.search(r"\d{6}", mobile_message(person).body).group()
    challenge = SignInCode.objects.get(purpose=CodePurpose.MOBILE)
    with pytest.raises(account.CodeRefused):
        account.change_mobile(person, mobile="+966559999999", challenge_id=challenge.pk, code=code,
                              by=Actor.beneficiary())
    assert Beneficiary.objects.get(pk=person.pk).mobile == person.mobile


def test_mobile_codes_are_limited(client, person):
    for index in range(3):
        assert client.post("/portal/details/", details(person, mobile=NEW_MOBILE)).status_code == 302
    assert client.post("/portal/details/", details(person, mobile=NEW_MOBILE)).status_code == 429


def test_the_code_page_without_a_new_number_goes_back(client, person):
    assert client.get("/portal/details/mobile/")["Location"] == "/portal/details/"


@pytest.mark.parametrize("typed", ["123", "\x00", "9" * 100_000])
def test_a_bad_mobile_is_refused_on_the_form(client, person, typed):
    assert client.post("/portal/details/", details(person, mobile=typed)).status_code == 400
    assert mobile_message(person) is None


@pytest.mark.parametrize("status, path, fields", [
    ("documents_complete", "declare/", ("signer_name", "agreed")),
    ("returned", "answer/", ("note", "document_type", "expires_on")),
    ("received", "", ("mobile", "email", "preferred_channel", "language")),
])
def test_hostile_input_on_the_beneficiarys_forms_is_never_a_server_error(make_case, status, path, fields):
    import uuid

    from django.db import transaction
    from django.test import Client
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from mustafid.tests.test_no_server_errors import HOSTILE

    case = make_case(status)
    client = Client(raise_request_exception=False)
    sign_in(client, case.beneficiary)
    url = f"/portal/requests/{case.pk}/{path}" if path else "/portal/details/"

    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.function_scoped_fixture])
    @given(value=HOSTILE, field=st.sampled_from(fields), send=st.sampled_from(["", "1"]))
    def posting(value, field, send):
        with transaction.atomic():
            response = client.post(url, {field: value, "send": send, "_once": str(uuid.uuid4())})
            transaction.set_rollback(True)
        assert response.status_code < 500, (url, field, value[:80])

    posting()
