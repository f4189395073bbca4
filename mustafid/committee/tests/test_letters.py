"""The decision letter: an Arabic PDF on the letterhead, downloaded by staff who see the request, recorded on the
beneficiary's timeline once per decision, and opened by the applicant through a signed, expiring link."""

import io
import re
from urllib.parse import urlparse

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from mustafid.association.models import Association, Channel
from mustafid.audit.actors import ActorKind
from mustafid.audit.models import AuditEvent, EventType
from mustafid.committee import letters
from mustafid.committee.actions import record_decision
from mustafid.interactions.models import Interaction
from mustafid.committee.letters import numeric_dates
from mustafid.notifications.models import Message

REASONS_APPROVED = "الأسرة بلا دخل ثابت ومستوفية لشروط الدعم"
REASONS_REJECTED = "دخل الأسرة يتجاوز حد الاستحقاق المعتمد"


def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    return reader, " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def embedded_fonts(reader):
    """The names of the fonts embedded in the PDF (with a font file), over every page."""
    names = set()
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None and any(key in descriptor.get_object()
                                                  for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(descendant.get_object()["/BaseFont"]))
    return names


def decide(make_case, chair, outcome="approved", reasons=REASONS_APPROVED):
    case = make_case("with_committee")
    return record_decision(case, outcome=outcome, reasons=reasons, by=chair)


def download(client, user, decision):
    client.force_login(user)
    return client.get(f"/committee/decisions/{decision.pk}/letter.pdf")


def letter_link_of(decision):
    message = Message.objects.get(template__startswith="decision_", about_id=decision.case_id)
    return message, message.context["letter_link"]


# ---------------------------------------------------------------------------------------------
# The PDF
# ---------------------------------------------------------------------------------------------

def test_the_approval_letter_names_the_applicant_the_decision_its_reasons_and_both_dates_in_arabic(
    client, make_case, chair, officer
):
    decision = decide(make_case, chair)
    response = download(client, officer, decision)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader, text = pdf_text(response.content)
    beneficiary = decision.case.beneficiary
    day = timezone.localdate(decision.decided_at)
    assert beneficiary.full_name in text
    assert decision.number in text and decision.case.reference in text
    assert REASONS_APPROVED in text
    hijri, gregorian = numeric_dates(day)  # «1448/06/21 هـ الموافق 2026/12/01 م»
    assert hijri.startswith("14") and hijri in text and gregorian in text
    assert "قبول الطلب" in text and "استكمال تسجيلكم" in text
    association = Association.objects.current()
    assert association.name_ar in text
    assert "رئيس لجنة البحث" in text and chair.display_name in text
    assert any(name.endswith("+Plex-Arabic") for name in embedded_fonts(reader))
    assert beneficiary.national_id not in text  # the letter travels by link: no ID number on it


def test_the_rejection_letter_says_how_where_and_until_when_to_appeal(client, make_case, chair, officer, settings):
    settings.APPEAL_DAYS = 45
    association = Association.objects.current()
    association.address = "حي المنسك، طريق الملك فهد"
    association.phone = "0172281234"
    association.save()
    decision = decide(make_case, chair, outcome="rejected", reasons=REASONS_REJECTED)
    reader, text = pdf_text(download(client, officer, decision).content)
    day = timezone.localdate(decision.decided_at)
    until = day + timezone.timedelta(days=45)
    assert "عدم قبول الطلب" in text and REASONS_REJECTED in text
    assert "التظلم" in text and "45" in text
    assert numeric_dates(until)[0] in text and numeric_dates(until)[1] in text
    assert "حي المنسك" in text and "0172281234" in text
    assert any(name.endswith("+Plex-Arabic") for name in embedded_fonts(reader))


def test_the_letter_is_in_arabic_for_a_staff_member_whose_screen_is_in_english(client, make_case, chair, officer,
                                                                                settings):
    decision = decide(make_case, chair)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _reader, text = pdf_text(download(client, officer, decision).content)
    assert "أسباب القرار" in text and "Reasons" not in text


# ---------------------------------------------------------------------------------------------
# Staff download
# ---------------------------------------------------------------------------------------------

def test_the_request_page_links_the_letter_once_decided_and_each_download_is_audited(
    client, make_case, chair, officer
):
    case = make_case("with_committee")
    client.force_login(officer)
    assert "letter.pdf" not in client.get(case.get_absolute_url()).content.decode()
    decision = record_decision(case, outcome="approved", reasons=REASONS_APPROVED, by=chair)
    page = client.get(case.get_absolute_url()).content.decode()
    assert f"/committee/decisions/{decision.pk}/letter.pdf" in page
    for _ in range(2):
        assert client.get(f"/committee/decisions/{decision.pk}/letter.pdf").status_code == 200
    reads = AuditEvent.objects.filter(event_type=EventType.DECISION_LETTER_VIEWED, target_id=str(decision.pk))
    assert reads.filter(actor=officer).count() == 2


@pytest.mark.parametrize("role", ["volunteer", "outsider"])
def test_who_may_not_see_the_request_gets_not_found_and_nothing_is_audited(client, make_case, chair, staff, role):
    decision = decide(make_case, chair)
    before = AuditEvent.objects.count()
    assert download(client, staff[role], decision).status_code == 404
    assert AuditEvent.objects.count() == before


def test_an_unknown_decision_is_not_found(client, officer):
    client.force_login(officer)
    assert client.get("/committee/decisions/999999/letter.pdf").status_code == 404


# ---------------------------------------------------------------------------------------------
# The beneficiary's timeline and the message
# ---------------------------------------------------------------------------------------------

def test_each_decision_is_recorded_once_as_an_outgoing_letter_on_the_beneficiarys_timeline(
    client, make_case, chair, officer
):
    approved = decide(make_case, chair)
    rejected = decide(make_case, chair, outcome="rejected", reasons=REASONS_REJECTED)
    for decision in (approved, rejected):
        contacts = Interaction.objects.filter(beneficiary=decision.case.beneficiary, channel=Channel.LETTER)
        assert contacts.count() == 1
        contact = contacts.get()
        assert contact.direction == Interaction.Direction.OUTGOING and contact.staff == chair
        assert decision.number in contact.summary and decision.case.reference in contact.summary
        # Part of the decision's step, audited by the decision's row: the step still writes one audit row.
        assert not AuditEvent.objects.filter(event_type=EventType.INTERACTION_LOGGED).exists()
        assert AuditEvent.objects.filter(event_type=EventType.DECISION_RECORDED, target_id=str(decision.pk)).exists()
    client.force_login(officer)
    page = client.get(approved.case.beneficiary.get_absolute_url()).content.decode()
    assert approved.number in page and str(Channel.LETTER.label) in page


def test_without_the_letters_channel_in_the_policy_the_decision_is_still_recorded_without_a_contact(
    make_case, chair
):
    policy = Association.objects.current().policy_in_force()
    policy.channels = [channel for channel in policy.channels if channel != Channel.LETTER]
    policy.save()
    decision = decide(make_case, chair)
    assert decision.case.status == "approved"
    assert not Interaction.objects.filter(channel=Channel.LETTER).exists()
    assert letter_link_of(decision)[1]  # the applicant still gets the link


def test_the_decision_message_carries_a_link_that_opens_the_letter_without_signing_in(make_case, chair, settings):
    decision = decide(make_case, chair, outcome="rejected", reasons=REASONS_REJECTED)
    message, link = letter_link_of(decision)
    assert link.startswith(settings.SITE_URL + "/l/") and link in message.body
    assert decision.number in message.body
    response = Client().get(urlparse(link).path)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    _reader, text = pdf_text(response.content)
    assert decision.case.beneficiary.full_name in text and decision.number in text
    read = AuditEvent.objects.get(event_type=EventType.DECISION_LETTER_VIEWED, target_id=str(decision.pk))
    assert read.actor_kind == ActorKind.BENEFICIARY and read.actor is None


def test_the_approval_message_in_english_carries_the_link_too(make_case, chair, officer):
    from mustafid.conftest import make_beneficiary

    beneficiary = make_beneficiary(by=officer, language="en")
    decision = record_decision(make_case("with_committee", beneficiary=beneficiary), outcome="approved",
                               reasons=REASONS_APPROVED, by=chair)
    message, link = letter_link_of(decision)
    assert message.language == "en" and "Letter: " + link in message.body


def refused(response):
    body = response.content.decode()
    return (response.status_code == 404 and response["Cache-Control"] == "no-store"
            and "خطاب القرار غير متاح" in body and "انتهت صلاحيته" in body)


@pytest.mark.parametrize("change", [
    lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # the signature
    lambda token: str(int(token.split(":")[0]) + 1) + ":" + token.split(":", 1)[1],  # another decision
    lambda token: token.split(":")[0],  # no signature at all
    lambda token: "not-a-token",
    lambda token: token + "%00",
])
def test_a_tampered_link_is_a_plain_arabic_not_found_page_and_nothing_is_audited(make_case, chair, change):
    decide(make_case, chair)  # another decision exists, so "another decision" would have something to show
    decision = decide(make_case, chair)
    _message, link = letter_link_of(decision)
    token = urlparse(link).path.split("/")[2]
    before = AuditEvent.objects.count()
    response = Client().get(f"/l/{change(token)}/")
    assert refused(response)
    assert AuditEvent.objects.count() == before


def test_an_expired_link_is_refused_and_the_same_link_opens_while_still_valid(make_case, chair, settings):
    decision = decide(make_case, chair)
    # A link signed 31 days ago (the signer's clock moved back; the check uses the real one).
    old = signing.TimestampSigner(salt=letters.SALT)
    old.timestamp = lambda: signing.b62_encode(int(timezone.now().timestamp()) - 31 * 24 * 3600)
    expired = old.sign(str(decision.pk))
    assert refused(Client().get(f"/l/{expired}/"))
    settings.LETTER_LINK_DAYS = 40
    assert Client().get(f"/l/{expired}/").status_code == 200


def test_a_link_for_something_else_signed_with_the_same_secret_is_refused(make_case, chair):
    decision = decide(make_case, chair)
    other = signing.TimestampSigner(salt="mustafid.something-else").sign(str(decision.pk))
    assert refused(Client().get(f"/l/{other}/"))


def test_the_link_is_short_enough_for_an_sms(make_case, chair, settings):
    _message, link = letter_link_of(decide(make_case, chair))
    assert len(link) - len(settings.SITE_URL) <= 60
    assert re.fullmatch(r"/l/\d+:[\w-]+:[\w-]+/", urlparse(link).path)
