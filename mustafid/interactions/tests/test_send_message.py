"""«إرسال رسالة»: a staff member sends one beneficiary a message from a template, once, recorded as a contact."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from mustafid.audit.models import AuditEvent, EventType
from mustafid.conftest import make_beneficiary
from mustafid.interactions.models import Interaction
from mustafid.lib.hijri import format_gregorian, format_hijri
from mustafid.notifications.models import Message, MessageStatus, MessageTemplate

ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def url(beneficiary, message="appointment_reminder"):
    return reverse("interactions:send_message", args=[beneficiary.pk]) + f"?message={message}"


def appointment(day=None, **changes):
    day = day or timezone.localdate() + datetime.timedelta(days=3)
    return {"message": "appointment_reminder", "date": day.isoformat(), "time": "10:30 ص", "place": "مقر الجمعية",
            "channel": "sms", "send": "1", **changes}


def once_token(response):
    return re.search(r'name="_once" value="([^"]+)"', response.content.decode())[1]


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


@pytest.mark.django_db
def test_the_beneficiary_page_offers_to_send_a_message_to_those_who_may(client, staff, beneficiary):
    link = reverse("interactions:send_message", args=[beneficiary.pk])
    for role, offered in [("officer", True), ("volunteer", False), ("manager", False), ("auditor", False)]:
        client.force_login(staff[role])
        assert (link in client.get(beneficiary.get_absolute_url()).content.decode()) is offered, role


@pytest.mark.django_db
def test_the_page_shows_the_messages_their_variables_and_the_channels_the_beneficiary_has(signed_in, officer):
    beneficiary = make_beneficiary(by=officer, email="reem@example.org")
    html = signed_in.get(url(beneficiary)).content.decode()
    assert "تذكير بموعد" in html and "طلب مستندات" in html and "نرجو التواصل معنا" in html
    assert 'name="date"' in html and 'name="time"' in html and 'name="place"' in html
    assert 'value="sms"' in html and 'value="email"' in html and "reem@example.org" in html
    assert 'value="whatsapp"' not in html  # WhatsApp is off in this deployment
    html = signed_in.get(url(beneficiary, "documents_requested")).content.decode()
    assert 'name="documents"' in html and 'name="date"' not in html


@pytest.mark.django_db
def test_a_preview_shows_the_text_as_it_will_arrive_with_its_length_and_sends_nothing(signed_in, beneficiary):
    day = timezone.localdate() + datetime.timedelta(days=3)
    response = signed_in.post(url(beneficiary), appointment(day, send="", preview="1"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"نذكّرك بموعدك يوم {format_hijri(day)} ({format_gregorian(day)}) الساعة 10:30 ص في مقر الجمعية." in html
    assert "حرفًا" in html and "رسائل نصية" in html
    assert not Message.objects.filter(template="appointment_reminder").exists()
    assert not Interaction.objects.filter(beneficiary=beneficiary).exists()


@pytest.mark.django_db
def test_the_text_is_previewed_as_it_is_typed(signed_in, beneficiary):
    day = timezone.localdate() + datetime.timedelta(days=3)
    response = signed_in.post(url(beneficiary), appointment(day, send=""), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f"الساعة 10:30 ص في مقر الجمعية." in html and "حرفًا" in html
    missing = signed_in.post(url(beneficiary), appointment(day, send="", time=""), HTTP_HX_REQUEST="true")
    assert "املأ الحقول" in missing.content.decode()
    assert not Message.objects.filter(template="appointment_reminder").exists()


@pytest.mark.django_db
def test_sending_queues_one_message_records_an_outgoing_contact_and_audits_it(signed_in, officer, beneficiary):
    day = timezone.localdate() + datetime.timedelta(days=3)
    response = signed_in.post(url(beneficiary), appointment(day))
    assert response.status_code == 302 and response["Location"] == beneficiary.get_absolute_url()

    message = Message.objects.get(template="appointment_reminder")
    assert (message.channel, message.recipient, message.status) == ("sms", beneficiary.mobile, MessageStatus.QUEUED)
    assert message.queued_by == officer
    assert format_hijri(day) in message.body and "10:30 ص" in message.body
    contact = Interaction.objects.get(beneficiary=beneficiary)
    assert (contact.channel, contact.direction, contact.staff) == ("phone", "out", officer)
    assert contact.outcome == message.body
    assert message.idempotency_key.startswith(f"contact:{contact.pk}/")
    audit = AuditEvent.objects.get(event_type=EventType.MESSAGE_SENT_BY_HAND)
    assert (audit.actor, audit.target_id) == (officer, str(beneficiary.pk))
    assert audit.data["message"] == message.pk and audit.data["contact"] == contact.pk


@pytest.mark.django_db
def test_a_double_submission_sends_one_message_and_records_one_contact(signed_in, beneficiary):
    token = once_token(signed_in.get(url(beneficiary)))
    first = signed_in.post(url(beneficiary), {**appointment(), "_once": token})
    second = signed_in.post(url(beneficiary), {**appointment(), "_once": token})
    assert first.status_code == 302 and second.status_code == 302
    assert Message.objects.filter(template="appointment_reminder").count() == 1
    assert Interaction.objects.filter(beneficiary=beneficiary).count() == 1
    assert AuditEvent.objects.filter(event_type=EventType.MESSAGE_SENT_BY_HAND).count() == 1


@pytest.mark.django_db
def test_dates_and_times_typed_with_arabic_indic_digits_are_read(signed_in, beneficiary):
    day = timezone.localdate() + datetime.timedelta(days=5)
    response = signed_in.post(url(beneficiary), appointment(
        date=day.isoformat().translate(ARABIC_DIGITS), time="٤:١٥ م"))
    assert response.status_code == 302
    body = Message.objects.get(template="appointment_reminder").body
    assert format_gregorian(day) in body and "4:15 م" in body


@pytest.mark.django_db
@pytest.mark.parametrize("changes, reason", [
    ({"date": "2020-01-01"}, "تاريخ الموعد مضى"),
    ({"time": "25:00"}, "تعذرت قراءة الوقت"),
    ({"time": "13:00 م"}, "من 1 إلى 12"),
    ({"place": ""}, "هذا الحقل مطلوب"),
    ({"place": "مقر\u202e الجمعية"}, "U+202E"),
    ({"channel": "whatsapp"}, "whatsapp"),
])
def test_bad_values_are_refused_with_the_reason_and_nothing_is_sent(signed_in, beneficiary, changes, reason):
    response = signed_in.post(url(beneficiary), appointment(**changes))
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not Message.objects.filter(template="appointment_reminder").exists()
    assert not Interaction.objects.filter(beneficiary=beneficiary).exists()


@pytest.mark.django_db
def test_an_email_is_recorded_as_a_letter_and_a_list_of_documents_is_joined(signed_in, officer):
    beneficiary = make_beneficiary(by=officer, email="reem@example.org")
    response = signed_in.post(url(beneficiary, "documents_requested"), {
        "message": "documents_requested", "documents": "صورة الهوية\nتقرير طبي حديث\n", "channel": "email",
        "send": "1"})
    assert response.status_code == 302
    message = Message.objects.get(template="documents_requested")
    assert (message.channel, message.recipient) == ("email", "reem@example.org")
    assert "صورة الهوية، تقرير طبي حديث." in message.body
    assert Interaction.objects.get(beneficiary=beneficiary).channel == "letter"


@pytest.mark.django_db
def test_an_english_speaking_beneficiary_gets_the_english_text(signed_in, officer):
    beneficiary = make_beneficiary(by=officer, language="en")
    day = timezone.localdate() + datetime.timedelta(days=3)
    signed_in.post(url(beneficiary), appointment(day, time="16:00"))
    body = Message.objects.get(template="appointment_reminder").body
    assert f"a reminder of your appointment on {format_gregorian(day, 'en')}" in body and "4:00 PM" in body


@pytest.mark.django_db
def test_the_managers_wording_is_the_one_sent(signed_in, beneficiary):
    MessageTemplate.objects.create(key="please_contact_us", language="ar", subject="تواصل",
                                   body="{{ association }}: اتصل بنا على {{ phone }} لو سمحت.")
    signed_in.post(url(beneficiary, "please_contact_us"), {
        "message": "please_contact_us", "phone": "٠١٧٢٢٨١٢٣٤", "channel": "sms", "send": "1"})
    assert Message.objects.get(template="please_contact_us").body.endswith(": اتصل بنا على 0172281234 لو سمحت.")


@pytest.mark.django_db
@pytest.mark.parametrize("role, status", [
    ("volunteer", 403), ("manager", 403), ("auditor", 403), ("committee", 404), ("outsider", 404),
])
def test_those_who_may_not_send_are_refused_and_nothing_is_sent(client, staff, beneficiary, role, status):
    client.force_login(staff[role])
    assert client.get(url(beneficiary)).status_code == status
    assert client.post(url(beneficiary), appointment()).status_code == status
    assert not Message.objects.filter(template="appointment_reminder").exists()
    assert not Interaction.objects.filter(beneficiary=beneficiary).exists()


@pytest.mark.django_db(transaction=True)
def test_the_message_reaches_the_demo_transport_once(client, outbox):
    from mustafid.accounts.models import User

    officer = User.objects.get(username="officer")
    beneficiary = make_beneficiary(by=officer)
    client.force_login(officer)
    token = once_token(client.get(url(beneficiary, "documents_requested")))
    data = {"message": "documents_requested", "documents": "صورة الهوية", "channel": "sms", "send": "1",
            "_once": token}
    client.post(url(beneficiary), data)
    client.post(url(beneficiary), data)
    outbox.run_worker()

    sent = [message for message in outbox.messages() if message.get("Template") == "documents_requested"]
    assert len(sent) == 1
    assert sent[0]["To"] == beneficiary.mobile
    assert sent[0]["text"].endswith("نرجو تزويدنا بما يلي لإكمال طلبك: صورة الهوية.")
    assert Message.objects.get(template="documents_requested").status == MessageStatus.SENT
