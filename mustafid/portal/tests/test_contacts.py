"""Signed in: «تواصل معنا» (their own inquiry; complaints: test_feedback_intake.py), «تواصلي مع الجمعية» (only their own
contacts, and of those only what is theirs to read) and «الخدمات المقدمة» (the services delivered to them)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from mustafid.association.models import Channel
from mustafid.audit.models import AuditEvent, EventType
from mustafid.conftest import make_beneficiary
from mustafid.interactions.actions import log_interaction, send_message
from mustafid.interactions.models import Interaction
from mustafid.notifications.models import Channel as MessageChannel
from mustafid.notifications.models import Message
from mustafid.portal import public
from mustafid.services.actions import record_delivery
from mustafid.services.models import Service

from .conftest import sign_in

pytestmark = pytest.mark.django_db


def test_a_signed_in_beneficiary_sends_a_contact_as_themselves(client, beneficiary):
    sign_in(client, beneficiary)
    page = client.get("/portal/contact/").content.decode()
    assert 'name="name"' not in page and 'name="mobile"' not in page  # their record answers for them
    response = client.post("/portal/contact/", {"kind": "inquiry", "text": "تأخر الرد على طلبي", "website": ""})
    assert response["Location"] == "/portal/contact/sent/"
    contact = Interaction.objects.get(channel=Channel.WEBSITE)
    assert (contact.beneficiary, contact.kind, contact.direction) == (beneficiary, "inquiry", "in")
    assert contact.branch == beneficiary.branch and contact.contact_name == ""
    logged = AuditEvent.objects.get(event_type=EventType.INTERACTION_LOGGED)
    assert (logged.actor_kind, logged.actor_id) == ("beneficiary", None) and logged.data["through"] == "portal"
    assert str(contact.pk) in client.get("/portal/contact/sent/").content.decode()
    message = Message.objects.get(template="portal_contact_received")
    assert message.person_id == beneficiary.pk and message.recipient == beneficiary.mobile


def test_a_signed_in_beneficiary_is_limited_too(client, beneficiary):
    sign_in(client, beneficiary)
    for n in range(public.CONTACT_LIMITS["beneficiary"].count):
        assert client.post("/portal/contact/", {"kind": "inquiry", "text": f"سؤال {n}"}).status_code == 302
    assert client.post("/portal/contact/", {"kind": "inquiry", "text": "سؤال آخر"}).status_code == 429


def test_their_contacts_show_only_their_own_and_only_what_is_theirs_to_read(client, beneficiary, officer):
    other = make_beneficiary(by=officer)
    sign_in(client, beneficiary)
    client.post("/portal/contact/", {"kind": "inquiry", "text": "اقتراح: مواعيد مسائية"})
    # A call the staff logged: its kind, channel and date, never the staff's words.
    log_interaction(channel=Channel.PHONE, direction="in", kind="inquiry", summary="ملاحظة داخلية: يبدو متوترًا",
                    outcome="أجبته", by=officer, beneficiary=beneficiary)
    # A complaint the staff logged (perhaps about a staff member, handled in confidence): not shown at all.
    log_interaction(channel=Channel.PHONE, direction="in", kind="complaint", summary="شكوى سرية على موظف",
                    by=officer, beneficiary=beneficiary)
    # A message the association sent them from a template: its title.
    send_message(beneficiary=beneficiary, key="please_contact_us", values={"phone": "0112345678"},
                 channel=MessageChannel.SMS, by=officer)
    # Another beneficiary's contact.
    log_interaction(channel=Channel.PHONE, direction="in", kind="inquiry", summary="سؤال مستفيد آخر",
                    by=officer, beneficiary=other)
    public_contact = public.send_contact(kind="inquiry", text="سؤال زائر", name="زائر",
                                         mobile="+966500000001").contact

    response = client.get("/portal/contacts/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    text = response.content.decode()
    assert text.count("data-contact") == 3
    assert "اقتراح: مواعيد مسائية" in text and "رسالة «نرجو التواصل معنا»" in text
    assert "الاتصالات الهاتفية" in text
    for hidden in ("ملاحظة داخلية", "أجبته", "شكوى سرية", "سؤال مستفيد آخر", "سؤال زائر", str(officer)):
        assert hidden not in text
    assert public_contact.pk  # a visitor's contact names no beneficiary: no one's list shows it


def test_their_services_show_the_service_date_and_amount_of_their_own_requests(client, make_case, officer):
    case, others = make_case("registered"), make_case("registered")
    cash = Service.objects.get(measure="amount")
    day = timezone.localdate() - datetime.timedelta(days=3)
    record_delivery(case, service=cash, quantity=Decimal("750.50"), delivered_on=day, note="ملاحظة الموظف",
                    by=officer)
    record_delivery(others, service=cash, quantity=Decimal("999"), delivered_on=day, by=officer)
    sign_in(client, case.beneficiary)
    response = client.get("/portal/services/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    text = response.content.decode()
    assert text.count("data-delivery") == 1
    assert "750,50" in text and "ريال" in text and str(cash) in text and case.reference in text
    assert "999" not in text and "ملاحظة الموظف" not in text and others.reference not in text


@pytest.mark.parametrize("url", ["/portal/contacts/", "/portal/services/"])
def test_signed_out_visitors_and_staff_are_sent_to_the_sign_in(client, officer, url):
    assert client.get(url)["Location"] == "/portal/"
    client.force_login(officer)
    assert client.get(url)["Location"] == "/portal/"
