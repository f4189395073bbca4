"""A double-click or a resent form never writes twice, and the second answer says so."""

import datetime
import threading
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from mustafid.audit.models import FormSubmission
from mustafid.beneficiaries.models import HouseholdMember
from mustafid.cases.models import Case, CaseDocument
from mustafid.conftest import pdf_file
from mustafid.interactions.models import Interaction
from mustafid.research.models import Referral
from mustafid.services.models import Service, ServiceDelivery

REPEATED = "تم استلام هذا النموذج من قبل، ولم يُسجل مرة أخرى."


def post_twice(client, url, data, **extra):
    """The same form (same `_once` token) sent twice; file fields are rebuilt for the second send."""
    token = str(uuid.uuid4())
    first = client.post(url, {**data(), "_once": token}, **extra)
    second = client.post(url, {**data(), "_once": token}, follow=True, **extra)
    return first, second


def delivery_form():
    return {"service": Service.objects.get(measure="amount").pk, "quantity": "500",
            "delivered_on": timezone.localdate().isoformat()}


def test_a_cash_delivery_sent_twice_is_recorded_once_and_the_second_answer_says_so(client, make_case, officer):
    case = make_case("registered")
    client.force_login(officer)
    url = f"/services/cases/{case.pk}/deliveries/"
    first, second = post_twice(client, url, delivery_form, HTTP_REFERER=f"http://testserver/cases/{case.pk}/")
    assert first.status_code == 302
    assert ServiceDelivery.objects.filter(case=case).count() == 1
    assert second.redirect_chain[0] == (f"http://testserver/cases/{case.pk}/", 302)
    assert REPEATED in second.content.decode()


def test_a_household_member_sent_twice_is_added_once(client, beneficiary, officer):
    client.force_login(officer)
    first, second = post_twice(client, f"/beneficiaries/{beneficiary.pk}/household/",
                               lambda: {"name": "عمر", "relation": "son"},
                               HTTP_REFERER=f"http://testserver/beneficiaries/{beneficiary.pk}/")
    assert first.status_code == 302
    assert HouseholdMember.objects.filter(beneficiary=beneficiary).count() == 1
    assert REPEATED in second.content.decode()


def test_a_contact_sent_twice_is_logged_once(client, association, officer):
    client.force_login(officer)
    first, second = post_twice(client, "/contacts/new/", lambda: {
        "channel": "phone", "direction": "in", "kind": "inquiry", "summary": "استفسار عن الدعم",
        "contact_name": "سلمان", "contact_mobile": "0501112233"})
    assert first.status_code == 302
    assert Interaction.objects.count() == 1
    assert REPEATED in second.content.decode()


def test_an_upload_sent_twice_is_stored_once(client, make_case, officer):
    case = make_case("received")
    doc_type = case.support_type.required_documents.order_by("pk").last()
    today = timezone.localdate()
    client.force_login(officer)
    first, second = post_twice(client, f"/cases/{case.pk}/documents/", lambda: {
        "document_type": doc_type.pk, "file": pdf_file(),
        "issued_on": (today - datetime.timedelta(days=30)).isoformat(),
        "expires_on": (today + datetime.timedelta(days=300)).isoformat()},
        HTTP_REFERER=f"http://testserver/cases/{case.pk}/")
    assert first.status_code == 302
    assert CaseDocument.objects.filter(case=case).count() == 1
    assert REPEATED in second.content.decode()


def test_a_referral_sent_twice_is_made_once(client, make_case, officer, researcher):
    case = make_case("received")
    client.force_login(officer)
    first, second = post_twice(client, f"/referrals/case/{case.pk}/",
                               lambda: {"researcher": researcher.pk, "question": "يحتاج شرح خطوات الطلب"},
                               HTTP_REFERER=f"http://testserver/cases/{case.pk}/")
    assert first.status_code == 302
    assert Referral.objects.filter(case=case).count() == 1
    assert REPEATED in second.content.decode()


def test_a_request_opened_twice_is_opened_once(client, beneficiary, officer):
    from mustafid.cases.models import SupportType

    client.force_login(officer)
    first, second = post_twice(client, f"/cases/new/{beneficiary.pk}/", lambda: {
        "support_type": SupportType.objects.first().pk, "channel": "phone", "need": "يحتاج إلى دعم العلاج"})
    assert first.status_code == 302
    assert Case.objects.filter(beneficiary=beneficiary).count() == 1
    assert REPEATED in second.content.decode()


def test_a_repeat_from_htmx_gets_409_with_the_message(client, beneficiary, officer):
    client.force_login(officer)
    token = str(uuid.uuid4())
    data = {"name": "عمر", "relation": "son", "_once": token}
    client.post(f"/beneficiaries/{beneficiary.pk}/household/", data)
    response = client.post(f"/beneficiaries/{beneficiary.pk}/household/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 409 and REPEATED in response.content.decode()
    assert HouseholdMember.objects.filter(beneficiary=beneficiary).count() == 1


def test_a_form_shown_again_with_errors_can_be_corrected_and_sent_with_the_same_token(client, make_case, officer):
    case = make_case("registered")
    client.force_login(officer)
    url = f"/services/cases/{case.pk}/deliveries/"
    token = str(uuid.uuid4())
    refused = client.post(url, {**delivery_form(), "quantity": "0", "_once": token})
    assert refused.status_code == 400 and not ServiceDelivery.objects.exists()
    assert client.post(url, {**delivery_form(), "_once": token}).status_code == 302
    assert ServiceDelivery.objects.filter(case=case).count() == 1


def test_a_repeat_is_sent_back_to_the_same_path_when_the_referer_is_another_site(client, beneficiary, officer):
    client.force_login(officer)
    url = f"/beneficiaries/{beneficiary.pk}/household/"
    data = {"name": "عمر", "relation": "son", "_once": str(uuid.uuid4())}
    client.post(url, data)
    response = client.post(url, data, HTTP_REFERER="https://evil.example/")
    assert response.status_code == 302 and response["Location"] == url


def test_forms_without_a_token_or_with_a_bad_one_are_processed_as_before(client, beneficiary, officer):
    client.force_login(officer)
    url = f"/beneficiaries/{beneficiary.pk}/household/"
    client.post(url, {"name": "عمر", "relation": "son"})
    client.post(url, {"name": "عمر", "relation": "son"})
    client.post(url, {"name": "علي", "relation": "son", "_once": "not-a-token\x00"})
    assert HouseholdMember.objects.filter(beneficiary=beneficiary).count() == 3
    assert not FormSubmission.objects.exists()


def test_pruning_removes_tokens_older_than_seven_days(db):
    old = FormSubmission.objects.create(token=uuid.uuid4(), path="/x/",
                                        created_at=timezone.now() - datetime.timedelta(days=8))
    recent = FormSubmission.objects.create(token=uuid.uuid4(), path="/y/")
    call_command("prune_form_submissions", verbosity=0)
    assert list(FormSubmission.objects.all()) == [recent]
    assert not FormSubmission.objects.filter(pk=old.pk).exists()


def _memory_sqlite():
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_the_same_moment_record_one_delivery(make_case, officer):
    if _memory_sqlite():
        # The in-memory test database is shared between threads through SQLite's shared cache, whose table
        # locks fail at once ("database table is locked") instead of waiting: .ci/run runs this on PostgreSQL.
        pytest.skip("concurrent writers need PostgreSQL or an SQLite file")
    case = make_case("registered")
    url = f"/services/cases/{case.pk}/deliveries/"
    data = {**delivery_form(), "_once": str(uuid.uuid4())}
    barrier = threading.Barrier(2)
    statuses = []

    def click():
        try:
            client = Client()
            client.force_login(officer)
            barrier.wait(timeout=10)
            statuses.append(client.post(url, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [302, 302]
    assert ServiceDelivery.objects.filter(case=case).count() == 1
