"""Applying from home: a signed-in beneficiary opens a request through `open_case` on the website channel, with its
documents through `upload_document`; the confirmation; more documents later on the request's page; every refusal
(file types, size, another's request, a state that takes no documents, an inactive type, a double submit); the
actor, the audit rows, exactly one message; the officer's home shows where it came from."""

import datetime
import re
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mustafid.association.models import Channel, current_policy
from mustafid.audit.models import AuditEvent, EventType
from mustafid.cases import actions as case_actions
from mustafid.cases.clock import DecisionClock, rule_of
from mustafid.cases.models import Case, CaseDocument, CaseEvent, SupportType
from mustafid.conftest import PDF_BYTES, make_beneficiary, pdf_file
from mustafid.lib.hijri import format_hijri
from mustafid.notifications.models import Message

from .conftest import sign_in

pytestmark = pytest.mark.django_db

EXPIRES = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def title(response):
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


def stored_files():
    root = django_settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def documents_of(support_type):
    return list(support_type.required_documents.all())


def details_data(support_type, *, need="أحتاج مساعدة في دفع إيجار البيت لأن دخلي انقطع.", files=None, once=None):
    """The second page's form: the need and a file (with its expiry when it has one) for each required document."""
    data = {"need": need}
    for document_type in documents_of(support_type):
        upload = (files or {}).get(document_type.pk, "pdf")
        if upload is None:
            continue
        data[f"file_{document_type.pk}"] = pdf_file() if upload == "pdf" else upload
        if document_type.requires_expiry:
            data[f"expires_{document_type.pk}"] = EXPIRES
    if once:
        data["_once"] = once
    return data


def choose(client, support_type):
    response = client.post("/portal/apply/", {"support_type": support_type.pk})
    assert response.status_code == 302 and response["Location"] == "/portal/apply/request/"
    return response


@pytest.fixture
def applicant(officer):
    return make_beneficiary(by=officer)


@pytest.fixture
def support_type(association):
    return SupportType.objects.filter(active=True, required_documents__isnull=False).distinct().first()


@pytest.fixture
def signed_in(client, applicant):
    sign_in(client, applicant)
    return client


def test_a_beneficiary_applies_with_documents_and_gets_the_number_and_the_date(signed_in, applicant, support_type):
    page = signed_in.get("/portal/apply/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    text = page.content.decode()
    assert str(support_type) in text and str(documents_of(support_type)[0]) in text
    # Discreet: the chosen type is on the page, never in the title (a shared phone's tab list).
    assert str(support_type) not in title(page)
    choose(signed_in, support_type)
    form = signed_in.get("/portal/apply/request/")
    assert form.status_code == 200 and str(support_type) not in title(form)
    html = form.content.decode()
    assert 'accept="application/pdf,image/jpeg,image/png,image/*"' in html
    assert 'enctype="multipart/form-data"' in html and 'name="_once"' in html
    for document_type in documents_of(support_type):
        assert f'name="file_{document_type.pk}"' in html

    messages_before = Message.objects.filter(person_id=applicant.pk).exclude(template="portal_code").count()
    response = signed_in.post("/portal/apply/request/", details_data(support_type))
    case = Case.objects.get(beneficiary=applicant)
    assert response.status_code == 302 and response["Location"] == f"/portal/requests/{case.pk}/sent/"

    # Opened through the real action, on the website channel, by the beneficiary through the portal.
    assert case.channel == Channel.WEBSITE and case.support_type == support_type
    assert (case.received_by_id, case.received_by_kind) == (None, "beneficiary")
    opened = case.events.get(kind=CaseEvent.Kind.OPENED)
    assert (opened.actor_id, opened.actor_kind) == (None, "beneficiary")
    audit = AuditEvent.objects.get(event_type=EventType.CASE_OPENED, target_id=str(case.pk))
    assert (audit.actor_kind, audit.actor_id) == ("beneficiary", None)
    documents = list(case.documents.all())
    assert len(documents) == len(documents_of(support_type))
    assert {(d.uploaded_by_id, d.uploaded_by_kind, d.status) for d in documents} == {(None, "beneficiary", "pending")}
    assert AuditEvent.objects.filter(event_type=EventType.DOCUMENT_UPLOADED, actor_kind="beneficiary").count() == len(documents)

    # Exactly one message to the applicant: the «received» one of the opened row.
    sent = Message.objects.filter(person_id=applicant.pk).exclude(template="portal_code")
    assert sent.count() == messages_before + 1
    assert sent.get().template == "request_received" and case.reference in sent.get().body

    confirmation = signed_in.get(response["Location"])
    assert confirmation.status_code == 200 and "no-store" in confirmation["Cache-Control"]
    text = confirmation.content.decode()
    assert f"<bdi dir=\"ltr\" data-reference>{case.reference}</bdi>" in text
    # The clock has not started: when it will, and the date it would give today, in both calendars.
    assert "تبدأ مدة الرد" in text
    rule = rule_of(current_policy())
    due = DecisionClock.from_rule(timezone.localdate(), rule).due_on
    assert f'datetime="{due.isoformat()}"' in text and format_hijri(due) in text
    assert "وصل، وينتظر مراجعة الموظف" in text
    assert str(support_type) not in text

    # The request is in their list and its own page.
    assert case.reference in signed_in.get("/portal/requests/").content.decode()


def test_the_confirmation_says_the_date_once_the_clock_runs(client, make_case):
    case = make_case("with_committee")
    sign_in(client, case.beneficiary)
    text = client.get(f"/portal/requests/{case.pk}/sent/").content.decode()
    assert "موعد القرار المتوقع" in text and format_hijri(case.decision_due_on) in text
    assert "تبدأ مدة الرد" not in text


def test_only_active_types_are_offered_and_an_inactive_one_is_refused(signed_in, applicant, support_type):
    hidden = SupportType.objects.exclude(pk=support_type.pk).first()
    hidden.active = False
    hidden.save()
    text = signed_in.get("/portal/apply/").content.decode()
    assert f'value="{hidden.pk}"' not in text and f'value="{support_type.pk}"' in text
    response = signed_in.post("/portal/apply/", {"support_type": hidden.pk})
    assert response.status_code == 400 and "هذا النوع غير متاح حاليًا" in response.content.decode()
    # Chosen while active, deactivated before sending: nothing is opened.
    choose(signed_in, support_type)
    support_type.active = False
    support_type.save()
    response = signed_in.post("/portal/apply/request/", details_data(support_type))
    assert response.status_code == 302 and response["Location"] == "/portal/apply/"
    assert not Case.objects.filter(beneficiary=applicant).exists()
    assert stored_files() == []


def test_the_second_page_needs_a_type_chosen_first(signed_in):
    response = signed_in.get("/portal/apply/request/")
    assert response.status_code == 302 and response["Location"] == "/portal/apply/"


BAD_FILES = {
    "renamed executable": lambda: SimpleUploadedFile("هوية.pdf", b"MZ\x90\x00\x03 an executable", "application/pdf"),
    "svg": lambda: SimpleUploadedFile("scan.svg", SVG, "image/svg+xml"),
    "html as png": lambda: SimpleUploadedFile("photo.png", b"<html><script></script></html>", "image/png"),
    "word document": lambda: SimpleUploadedFile("letter.docx", b"PK\x03\x04 not allowed", "application/msword"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_wrong_file_is_refused_clearly_and_nothing_is_opened_or_kept(signed_in, applicant, support_type, kind):
    choose(signed_in, support_type)
    first = documents_of(support_type)[0]
    response = signed_in.post("/portal/apply/request/", details_data(support_type, files={first.pk: BAD_FILES[kind]()}))
    assert response.status_code == 400
    text = response.content.decode()
    assert "نوع الملف غير مقبول؛ المقبول: PDF أو صورة JPG أو PNG." in text
    assert 'role="alert"' in text and f'id="id_file_{first.pk}_error"' in text
    assert not Case.objects.filter(beneficiary=applicant).exists()
    assert not CaseDocument.objects.exists() and stored_files() == []


def test_an_oversized_file_is_refused(signed_in, applicant, support_type, settings):
    settings.MAX_DOCUMENT_BYTES = len(PDF_BYTES) - 1
    choose(signed_in, support_type)
    response = signed_in.post("/portal/apply/request/", details_data(support_type))
    assert response.status_code == 400 and "حجم الملف أكبر من المسموح" in response.content.decode()
    assert not Case.objects.filter(beneficiary=applicant).exists() and stored_files() == []


def test_an_expired_document_or_one_without_its_expiry_is_refused(signed_in, applicant, support_type):
    expiring = next((d for d in documents_of(support_type) if d.requires_expiry), None)
    if expiring is None:
        pytest.skip("the type's documents have no expiry")
    choose(signed_in, support_type)
    data = details_data(support_type)
    data[f"expires_{expiring.pk}"] = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = signed_in.post("/portal/apply/request/", data)
    assert response.status_code == 400 and "انتهت صلاحية هذا المستند؛ ارفع نسخة سارية." in response.content.decode()
    data = details_data(support_type)
    del data[f"expires_{expiring.pk}"]
    response = signed_in.post("/portal/apply/request/", data)
    assert response.status_code == 400 and "اكتب تاريخ انتهاء هذا المستند." in response.content.decode()
    assert not Case.objects.filter(beneficiary=applicant).exists() and stored_files() == []


def test_documents_may_come_later(signed_in, applicant, support_type):
    choose(signed_in, support_type)
    files = {d.pk: None for d in documents_of(support_type)}
    response = signed_in.post("/portal/apply/request/", details_data(support_type, files=files))
    case = Case.objects.get(beneficiary=applicant)
    assert response.status_code == 302 and not case.documents.exists()
    page = signed_in.get(f"/portal/requests/{case.pk}/").content.decode()
    assert "لم يُرفع بعد" in page and f'action="/portal/requests/{case.pk}/documents/"' in page


@pytest.mark.parametrize("need", ["", "   ", "نص\x00فيه صفر", "ح" * 100_000])
def test_a_bad_need_is_refused_without_an_error_page(signed_in, applicant, support_type, need):
    choose(signed_in, support_type)
    response = signed_in.post("/portal/apply/request/", details_data(support_type, need=need))
    assert response.status_code == 400
    assert not Case.objects.filter(beneficiary=applicant).exists() and stored_files() == []


def test_a_double_submit_opens_one_request(signed_in, applicant, support_type):
    choose(signed_in, support_type)
    token = str(uuid.uuid4())
    first = signed_in.post("/portal/apply/request/", details_data(support_type, once=token))
    assert first.status_code == 302
    # The same form again (a double tap, the back button and resend): the session's choice is spent anyway, so
    # choose again to prove the once-token alone stops it.
    choose(signed_in, support_type)
    again = signed_in.post("/portal/apply/request/", details_data(support_type, once=token),
                           HTTP_REFERER="http://testserver/portal/apply/request/")
    assert again.status_code == 302
    assert Case.objects.filter(beneficiary=applicant).count() == 1
    assert Message.objects.filter(person_id=applicant.pk, template="request_received").count() == 1


def test_no_request_is_opened_when_the_policy_has_no_website_channel(signed_in, applicant, support_type):
    policy = current_policy()
    policy.channels = [c for c in policy.channels if c != Channel.WEBSITE]
    policy.save()
    assert signed_in.get("/portal/apply/").status_code == 503
    response = signed_in.post("/portal/apply/request/", details_data(support_type))
    assert response.status_code == 503 and not Case.objects.filter(beneficiary=applicant).exists()


def test_signed_out_and_staff_are_sent_to_the_sign_in(client, officer):
    for url in ("/portal/apply/", "/portal/apply/request/"):
        assert client.get(url)["Location"] == "/portal/"
    client.force_login(officer)
    assert client.post("/portal/apply/", {})["Location"] == "/portal/"


# --- more documents from the request's page -----------------------------------------------------------------


def own_case(client, applicant, support_type):
    choose(client, support_type)
    client.post("/portal/apply/request/", details_data(support_type, files={d.pk: None for d in documents_of(support_type)}))
    return Case.objects.get(beneficiary=applicant)


def upload_data(document_type, upload=None):
    data = {"document_type": document_type.pk, "file": upload or pdf_file()}
    if document_type.requires_expiry:
        data["expires_on"] = EXPIRES
    return data


def test_the_owner_uploads_a_missing_document_on_the_request_page(signed_in, applicant, support_type):
    case = own_case(signed_in, applicant, support_type)
    document_type = documents_of(support_type)[0]
    response = signed_in.post(f"/portal/requests/{case.pk}/documents/", upload_data(document_type))
    assert response.status_code == 302 and response["Location"] == f"/portal/requests/{case.pk}/"
    document = case.documents.get()
    assert (document.document_type, document.uploaded_by_kind, document.uploaded_by_id) == (document_type, "beneficiary", None)
    row = AuditEvent.objects.get(event_type=EventType.DOCUMENT_UPLOADED, target_id=str(document.pk))
    assert row.actor_kind == "beneficiary"
    page = signed_in.get(f"/portal/requests/{case.pk}/").content.decode()
    assert "وصل، وينتظر مراجعة الموظف" in page
    # Only what the request still lacks is offered.
    assert f'<option value="{document_type.pk}"' not in page


def test_a_refused_document_may_be_uploaded_again(signed_in, applicant, support_type, officer):
    case = own_case(signed_in, applicant, support_type)
    document_type = documents_of(support_type)[0]
    signed_in.post(f"/portal/requests/{case.pk}/documents/", upload_data(document_type))
    case_actions.refuse_document(case.documents.get(), reason="الصورة غير واضحة", by=officer)
    page = signed_in.get(f"/portal/requests/{case.pk}/").content.decode()
    assert "غير مقبول؛ ارفعه مرة أخرى" in page and "الصورة غير واضحة" in page
    assert f'<option value="{document_type.pk}"' in page


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_wrong_file_on_the_request_page_is_refused_and_not_kept(signed_in, applicant, support_type, kind):
    case = own_case(signed_in, applicant, support_type)
    response = signed_in.post(f"/portal/requests/{case.pk}/documents/",
                              upload_data(documents_of(support_type)[0], BAD_FILES[kind]()))
    assert response.status_code == 400 and "نوع الملف غير مقبول" in response.content.decode()
    assert not case.documents.exists() and stored_files() == []


def test_anothers_request_is_not_found_and_untouched(signed_in, make_case):
    theirs = make_case("received")
    document_type = documents_of(theirs.support_type)[0]
    before = theirs.documents.count()
    response = signed_in.post(f"/portal/requests/{theirs.pk}/documents/", upload_data(document_type))
    assert response.status_code == 404 and theirs.documents.count() == before
    assert signed_in.get(f"/portal/requests/{theirs.pk}/sent/").status_code == 404


@pytest.mark.parametrize("status", ["approved", "closed_after_rejection", "with_committee"])
def test_a_request_that_takes_no_documents_refuses_them(client, make_case, status):
    case = make_case(status)
    sign_in(client, case.beneficiary)
    before = case.documents.count()
    files_before = stored_files()
    response = client.post(f"/portal/requests/{case.pk}/documents/",
                           upload_data(documents_of(case.support_type)[0]))
    assert response.status_code == 400
    assert "لا تُقبل مستندات جديدة في هذه المرحلة من الطلب." in response.content.decode()
    assert case.documents.count() == before and stored_files() == files_before
    # No upload form on its page.
    assert f'/portal/requests/{case.pk}/documents/' not in client.get(f"/portal/requests/{case.pk}/").content.decode()


# --- the staff side ------------------------------------------------------------------------------------------


def test_the_officer_sees_the_request_from_the_portal_on_the_home_and_the_beneficiary_as_its_actor(
        signed_in, applicant, support_type, client, officer, django_user_model):
    case = own_case(signed_in, applicant, support_type)
    staff = type(client)()
    staff.force_login(officer)
    home = staff.get("/").content.decode()
    section = home[home.index('id="from-portal"'):]
    assert case.reference in section and "من بوابة المستفيد" in section
    page = staff.get(f"/cases/{case.pk}/").content.decode()
    assert "المستفيد عبر البوابة" in page and "الموقع الإلكتروني للجمعية" in page
    # A request the officer received is not marked.
    mine = case_actions.open_case(beneficiary=make_beneficiary(by=officer), support_type=support_type,
                                  channel="phone", need="دعم", by=officer)
    listing = staff.get("/").content.decode()
    row = listing[listing.index(mine.reference):]
    assert 'data-source="portal"' not in row[:row.index("</tr>")]


def test_the_pages_read_in_english(signed_in, applicant, support_type):
    signed_in.post("/i18n/setlang/", {"language": "en", "next": "/portal/apply/"})
    assert "Step 1 of 2" in signed_in.get("/portal/apply/").content.decode()
    choose(signed_in, support_type)
    text = signed_in.get("/portal/apply/request/").content.decode()
    assert "Step 2 of 2" in text and "What do you need?" in text and "Send the request" in text
    signed_in.post("/portal/apply/request/", details_data(support_type, files={d.pk: None for d in documents_of(support_type)}))
    case = Case.objects.get(beneficiary=applicant)
    text = signed_in.get(f"/portal/requests/{case.pk}/sent/").content.decode()
    assert "We received your request" in text and "Not uploaded yet" in text and "What happens next?" in text
    text = signed_in.get(f"/portal/requests/{case.pk}/").content.decode()
    assert "Upload the document" in text


@pytest.mark.parametrize("url, field", [("/portal/apply/", "support_type"), ("/portal/apply/request/", "need"),
                                        ("/portal/apply/request/", "expires"), ("documents", "document_type"),
                                        ("documents", "expires_on")])
def test_hostile_input_never_gets_a_server_error(client, applicant, support_type, url, field):
    from django.db import transaction
    from django.test import Client
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from mustafid.tests.test_no_server_errors import HOSTILE

    browser = Client(raise_request_exception=False)
    sign_in(browser, applicant)
    case = own_case(browser, applicant, support_type)
    choose(browser, support_type)
    document_type = documents_of(support_type)[0]

    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.function_scoped_fixture])
    @given(value=HOSTILE)
    def posting(value):
        if url == "documents":
            target, data = f"/portal/requests/{case.pk}/documents/", upload_data(document_type)
            data[field] = value
        else:
            target, data = url, details_data(support_type) if url.endswith("request/") else {}
            data[f"expires_{document_type.pk}" if field == "expires" else field] = value
        with transaction.atomic():
            response = browser.post(target, {**data, "_once": str(uuid.uuid4())})
            transaction.set_rollback(True)
        assert response.status_code < 500, (target, field, value[:80])

    posting()


def test_the_message_and_the_screen_give_the_same_date_when_the_policy_counts_working_days(signed_in, applicant,
                                                                                          support_type):
    policy = current_policy()
    policy.count_working_days = True
    policy.save()
    choose(signed_in, support_type)
    signed_in.post("/portal/apply/request/", details_data(support_type, files={d.pk: None for d in documents_of(support_type)}))
    case = Case.objects.get(beneficiary=applicant)
    due = DecisionClock.from_rule(timezone.localdate(), rule_of(policy)).due_on
    assert due > timezone.localdate() + datetime.timedelta(days=policy.response_days)  # weekends are not counted
    assert f'datetime="{due.isoformat()}"' in signed_in.get(f"/portal/requests/{case.pk}/sent/").content.decode()
    message = Message.objects.get(person_id=applicant.pk, template="request_received")
    assert format_hijri(due) in message.body
