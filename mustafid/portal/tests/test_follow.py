"""Following one's own requests on the portal: only one's own, in plain words, with the dates, what is asked,
the decision letter and the messages; nothing cached, nothing sensitive in the titles."""

import re

import pytest

from mustafid.audit.models import AuditEvent, EventType
from mustafid.cases import actions as case_actions
from mustafid.conftest import make_beneficiary
from mustafid.lib.hijri import format_hijri
from mustafid.notifications.models import Message, MessageStatus

from .conftest import ask, sign_in
from .test_sign_in import SENSITIVE

pytestmark = pytest.mark.django_db

SIGNED_IN_PAGES = ["/portal/requests/", "/portal/messages/"]


def title(response):
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


@pytest.mark.parametrize("url", SIGNED_IN_PAGES + ["/portal/requests/1/", "/portal/requests/1/letter.pdf"])
def test_signed_out_visitors_are_sent_to_the_sign_in(client, officer, url):
    client.force_login(officer)  # a staff sign-in is no beneficiary's
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == "/portal/"


def test_the_owner_sees_their_requests_and_not_anothers(client, make_case, officer):
    mine = make_case("with_committee")
    theirs = make_case("received")
    sign_in(client, mine.beneficiary)
    listing = client.get("/portal/requests/").content.decode()
    assert mine.reference in listing and theirs.reference not in listing
    assert client.get(f"/portal/requests/{theirs.pk}/").status_code == 404
    assert client.get(f"/portal/requests/{theirs.pk}/letter.pdf").status_code == 404
    assert client.get("/portal/requests/999999/").status_code == 404
    assert not AuditEvent.objects.filter(event_type=EventType.CASE_VIEWED, target_id=str(theirs.pk)).exists()

    page = client.get(f"/portal/requests/{mine.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "طلبك لدى لجنة البحث لاتخاذ القرار." in text
    assert format_hijri(mine.decision_due_on) in text and "بقي" in text
    assert 'aria-current="step"' in text
    viewed = AuditEvent.objects.get(event_type=EventType.CASE_VIEWED, target_id=str(mine.pk))
    assert (viewed.actor_kind, viewed.actor_id) == ("beneficiary", None)


def test_what_the_committee_asks_the_applicant_is_shown(client, make_case):
    case = make_case("returned")
    sign_in(client, case.beneficiary)
    text = client.get(f"/portal/requests/{case.pk}/").content.decode()
    assert "ما تطلبه منك لجنة البحث" in text and "صورة عقد الإيجار الساري" in text
    assert "مدة الرد متوقفة" in text


def test_what_the_committee_asks_its_own_staff_stays_inside(client, make_case, chair):
    case = make_case("with_committee")
    case_actions.return_for_information(case, asked="رأي الباحث في الدخل", of_whom="researcher", by=chair)
    sign_in(client, case.beneficiary)
    text = client.get(f"/portal/requests/{case.pk}/").content.decode()
    assert "رأي الباحث" not in text and "ما تطلبه منك" not in text


def test_the_owner_downloads_the_decision_letter_and_the_read_is_audited(client, make_case):
    case = make_case("approved")
    sign_in(client, case.beneficiary)
    page = client.get(f"/portal/requests/{case.pk}/").content.decode()
    assert "تنزيل خطاب القرار" in page
    response = client.get(f"/portal/requests/{case.pk}/letter.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]
    read = AuditEvent.objects.get(event_type=EventType.DECISION_LETTER_VIEWED)
    assert read.actor_kind == "beneficiary" and read.data["through"] == "portal"


def test_no_letter_before_a_decision(client, make_case):
    case = make_case("with_committee")
    sign_in(client, case.beneficiary)
    assert client.get(f"/portal/requests/{case.pk}/letter.pdf").status_code == 404


def test_another_beneficiary_cannot_download_the_letter(client, make_case, officer):
    case = make_case("rejected")
    other = make_beneficiary(by=officer)
    sign_in(client, other)
    assert client.get(f"/portal/requests/{case.pk}/letter.pdf").status_code == 404
    assert not AuditEvent.objects.filter(event_type=EventType.DECISION_LETTER_VIEWED).exists()


def test_a_rejection_shows_the_stepper_stopped_at_the_decision(client, make_case):
    case = make_case("rejected")
    sign_in(client, case.beneficiary)
    text = client.get(f"/portal/requests/{case.pk}/").content.decode()
    assert 'data-step="decision" data-state="rejected"' in text
    assert 'data-step="service" data-state="skipped"' in text


def test_the_messages_page_lists_their_sent_messages_but_no_codes_and_no_one_elses(client, make_case):
    case = make_case("with_committee")
    other = make_case("received")
    Message.objects.filter(person_id__in=[case.beneficiary_id, other.beneficiary_id]).update(
        status=MessageStatus.SENT)
    sign_in(client, case.beneficiary)
    ask(client, case.beneficiary.national_id)  # a second code, queued
    Message.objects.filter(template="portal_code").update(status=MessageStatus.SENT)
    text = client.get("/portal/messages/").content.decode()
    assert case.reference in text and other.reference not in text
    assert "رمز الدخول" not in text


@pytest.mark.parametrize("url", ["/portal/", "/portal/code/"])
def test_the_sign_in_pages_are_never_cached(client, url):
    client.post("/portal/", {"national_id": "1000000008"})
    assert "no-store" in client.get(url)["Cache-Control"]


def test_every_signed_in_page_is_never_cached_and_its_title_is_discreet(client, make_case, association):
    case = make_case("approved")
    sign_in(client, case.beneficiary)
    for url in SIGNED_IN_PAGES + [f"/portal/requests/{case.pk}/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        shown = title(response)
        assert "المستفيد" in shown and association.short_name in shown
        page = response.content.decode()
        assert case.beneficiary.category.name_ar not in page
        assert case.support_type.name_ar not in page
        assert not any(word in shown for word in SENSITIVE)


def test_the_start_page_title_is_discreet(client, association):
    response = client.get("/portal/")
    assert "no-store" in response["Cache-Control"]
    assert title(response).startswith("الدخول | خدمات المستفيد — " + association.short_name)
