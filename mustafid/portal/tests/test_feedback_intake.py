"""Complaints, suggestions and compliments from «تواصل معنا» go to the association's register with a reference
number; «تتبع شكواي» shows the sender their item after a code to the mobile they sent it from
(portal/complaints.py)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from mustafid.audit.models import AuditEvent, EventType
from mustafid.feedback import register
from mustafid.feedback.models import Feedback, FeedbackCategory
from mustafid.interactions.models import Interaction
from mustafid.notifications.models import Message
from mustafid.portal import complaints, public
from mustafid.portal.models import SignInCode, SignInFailure

from .conftest import CLIENT_IP, sign_in
from .test_sign_in import ARABIC_INDIC, SENSITIVE, wrong

pytestmark = pytest.mark.django_db

COMPLAINT = "تأخر موعد الزيارة المنزلية ثلاث مرات"


def form(**overrides):
    data = {"name": "سارة أحمد", "mobile": "0551234567", "email": "", "kind": "complaint", "text": COMPLAINT,
            "website": ""}
    data.update(overrides)
    return data


def send(client, ip=CLIENT_IP, **overrides):
    return client.post("/portal/contact/", form(**overrides), REMOTE_ADDR=ip)


def sent_page(client):
    return client.get("/portal/contact/sent/").content.decode()


# ------------------------------------------------------------------------------------------------ sending


def test_a_signed_out_anonymous_complaint_gets_a_reference_and_nothing_is_sent(client, association):
    page = client.get("/portal/contact/").content.decode()
    assert 'name="anonymous"' in page and "دون ذكر اسمي" in page and 'value="compliment"' in page
    response = send(client, anonymous="on", name="", mobile="")
    assert response.status_code == 302 and response["Location"] == "/portal/contact/sent/"
    item = Feedback.objects.get()
    assert (item.kind, item.channel, item.anonymous, item.beneficiary) == ("complaint", "website", True, None)
    assert (item.sender_name, item.sender_mobile, item.sender_email) == ("", "", "")
    assert item.received_by_kind == "system" and item.text == COMPLAINT
    assert not Message.objects.exists()
    text = sent_page(client)
    assert f'<bdi dir="ltr" data-reference>{item.reference}</bdi>' in text
    assert "لن يصلك رد" in text and 'class="dual-date"' in text  # the due date, in both calendars
    # The contacts log has its discreet record (the reference, never the text), not a contact of its own.
    contact = Interaction.objects.get()
    assert item.reference in contact.summary and COMPLAINT not in contact.summary


def test_a_name_and_mobile_given_with_the_tick_are_dropped(client, association):
    assert send(client, anonymous="on").status_code == 302
    item = Feedback.objects.get()
    assert item.anonymous and item.sender_name == "" and item.sender_mobile == ""
    assert not Message.objects.exists()


def test_a_signed_out_suggestion_gets_its_reference_by_sms_with_no_sensitive_word(client, association):
    assert send(client, kind="suggestion", mobile="٠٥٥١٢٣٤٥٦٧", text="مواعيد مسائية للمراجعين").status_code == 302
    item = Feedback.objects.get()
    assert (item.kind, item.sender_name, item.sender_mobile) == ("suggestion", "سارة أحمد", "+966551234567")
    message = Message.objects.get(template="portal_feedback_received")
    assert message.recipient == "+966551234567" and item.reference in message.body
    assert "/portal/feedback/track/" in message.body
    assert message.person_type == "feedback.feedback" and message.person_id == item.pk
    assert not any(word in message.body for word in SENSITIVE) and "شكوى" not in message.body
    assert "أرسلنا الرقم المرجعي إليك برسالة" in sent_page(client)


def test_a_compliment_with_a_category_takes_the_category_and_its_due_date(client, association):
    category = FeedbackCategory.objects.create(name_ar="حسن التعامل", response_days=2)
    FeedbackCategory.objects.create(name_ar="موقوف", active=False)
    page = client.get("/portal/contact/").content.decode()
    assert "حسن التعامل" in page and "موقوف" not in page
    assert send(client, kind="compliment", category=category.pk, text="شكرًا على حسن الاستقبال").status_code == 302
    item = Feedback.objects.get()
    assert item.kind == "compliment" and item.category == category
    assert item.due_on == register.due_date(timezone.localdate(item.received_at), category)


def test_an_inquiry_stays_a_contact(client, association):
    assert send(client, kind="inquiry", text="متى يفتح التسجيل؟").status_code == 302
    assert not Feedback.objects.exists()
    assert Interaction.objects.get().summary == "متى يفتح التسجيل؟"
    assert "data-number" in sent_page(client)


def test_an_anonymous_inquiry_is_refused_it_needs_a_way_back(client, association):
    response = send(client, kind="inquiry", anonymous="on")
    assert response.status_code == 200 and response.context["form"].errors.get("anonymous")
    assert not Interaction.objects.exists() and not Feedback.objects.exists()


# The real worker closes its connection when done: a transaction test (as every test that runs it).
@pytest.mark.django_db(transaction=True)
def test_a_signed_in_complaint_is_the_beneficiarys_and_its_reference_reaches_the_demo_transport(
        client, beneficiary, settings, outbox):
    settings.MESSAGE_QUIET_HOURS = (0, 0)
    sign_in(client, beneficiary)
    page = client.get("/portal/contact/").content.decode()
    assert 'name="anonymous"' not in page and 'name="mobile"' not in page
    assert client.post("/portal/contact/", {"kind": "complaint", "text": COMPLAINT}).status_code == 302
    item = Feedback.objects.get()
    assert (item.beneficiary, item.anonymous, item.branch) == (beneficiary, False, beneficiary.branch)
    assert item.received_by_kind == "beneficiary"
    logged = AuditEvent.objects.get(event_type=EventType.FEEDBACK_RECEIVED)
    assert logged.data["reference"] == item.reference and logged.data["channel"] == "website"
    assert item.reference in sent_page(client)
    outbox.run_worker()
    sent = [m for m in outbox.messages() if m.get("Template") == "portal_feedback_received"]
    assert len(sent) == 1 and sent[0]["To"] == beneficiary.mobile and item.reference in sent[0]["text"]
    # «تواصلي مع الجمعية» lists it with its reference, status and due date; the answer once there is one.
    text = client.get("/portal/contacts/").content.decode()
    assert item.reference in text and "data-feedback" in text and COMPLAINT in text and "موعد الرد المتوقع" in text


def test_their_contacts_show_the_answer_but_never_the_internal_notes_or_the_assignee(client, beneficiary, staff):
    sign_in(client, beneficiary)
    client.post("/portal/contact/", {"kind": "complaint", "text": COMPLAINT})
    item = Feedback.objects.get()
    manager = staff["manager"]
    register.add_note(item, "ملاحظة داخلية عن المستفيد", by=manager)
    register.assign(item, manager, by=manager)
    register.answer(item, "نعتذر، حُدد موعد الزيارة يوم الأحد.", by=manager)
    text = client.get("/portal/contacts/").content.decode()
    assert "نعتذر، حُدد موعد الزيارة يوم الأحد." in text and "data-answer" in text
    for hidden in ("ملاحظة داخلية", manager.display_name, manager.username):
        assert hidden not in text


def test_another_beneficiary_never_sees_it(client, beneficiary, officer):
    from mustafid.conftest import make_beneficiary

    sign_in(client, beneficiary)
    client.post("/portal/contact/", {"kind": "complaint", "text": COMPLAINT})
    client.post("/portal/sign-out/")
    sign_in(client, make_beneficiary(by=officer))
    text = client.get("/portal/contacts/").content.decode()
    assert COMPLAINT not in text and Feedback.objects.get().reference not in text


def test_nothing_of_the_register_on_the_beneficiarys_request_pages(client, make_case):
    case = make_case("with_committee")
    sign_in(client, case.beneficiary)
    client.post("/portal/contact/", {"kind": "complaint", "text": COMPLAINT})
    reference = Feedback.objects.get().reference
    for url in ("/portal/requests/", f"/portal/requests/{case.pk}/"):
        text = client.get(url).content.decode()
        assert reference not in text and COMPLAINT not in text and "شكوى" not in text


@pytest.mark.parametrize("overrides, field", [
    ({"text": "مرحبا\x00"}, "text"),
    ({"text": "ب" * 100_000}, "text"),
    ({"name": "س" * 100_000}, "name"),
    ({"mobile": "12345"}, "mobile"),
    ({"mobile": "", "email": ""}, "mobile"),
    ({"name": ""}, "name"),
    ({"kind": "request"}, "kind"),
    ({"category": "99999"}, "category"),
])
def test_bad_input_is_said_and_records_nothing(client, association, overrides, field):
    FeedbackCategory.objects.create(name_ar="المواعيد")
    response = send(client, **overrides)
    assert response.status_code == 200 and response.context["form"].errors.get(field)
    assert not Feedback.objects.exists() and not Interaction.objects.exists() and not Message.objects.exists()


@pytest.mark.parametrize("overrides", [{"text": "نص \u202eمعكوس"}, {"name": "سارة\u202e"}])
def test_a_direction_override_is_refused_with_a_message_and_nothing_is_recorded(client, association, overrides):
    response = send(client, **overrides)
    assert response.status_code == 200 and response.context["form"].errors
    assert "اتجاه" in response.content.decode() or response.context["form"].errors.get("name")
    assert not Feedback.objects.exists() and not Interaction.objects.exists() and not Message.objects.exists()


def test_a_double_submit_records_once(client, association):
    page = client.get("/portal/contact/").content.decode()
    token = re.search(r'name="_once" value="([^"]+)"', page).group(1)
    first = client.post("/portal/contact/", {**form(), "_once": token}, REMOTE_ADDR=CLIENT_IP)
    second = client.post("/portal/contact/", {**form(), "_once": token}, REMOTE_ADDR=CLIENT_IP)
    assert first.status_code == 302 and second.status_code != 500
    assert Feedback.objects.count() == 1


def test_complaints_and_inquiries_are_limited_together_per_mobile_and_per_address(client, association):
    limit = public.CONTACT_LIMITS["mobile"].count
    for n in range(limit - 1):
        assert send(client, text=f"شكوى {n}").status_code == 302
    assert send(client, kind="inquiry", text="سؤال").status_code == 302
    refused = send(client, text="شكوى أخرى")
    assert refused.status_code == 429 and "حاول مرة أخرى بعد" in refused.content.decode()
    assert Feedback.objects.count() == limit - 1
    # Anonymous complaints from the same address count for the address.
    left = public.CONTACT_LIMITS["address"].count - limit
    for n in range(left):
        assert send(client, anonymous="on", text=f"مجهول {n}").status_code == 302
    assert send(client, anonymous="on", text="مجهول آخر").status_code == 429
    assert send(client, ip="198.51.100.9", anonymous="on").status_code == 302
    # The window passes.
    Feedback.objects.update(received_at=timezone.now() - timedelta(minutes=61))
    Interaction.objects.update(occurred_at=timezone.now() - timedelta(minutes=61))
    AuditEvent.objects.update(at=timezone.now() - timedelta(minutes=61))
    assert send(client).status_code == 302


def test_a_signed_in_beneficiary_is_limited_with_their_complaints(client, beneficiary):
    sign_in(client, beneficiary)
    for n in range(public.CONTACT_LIMITS["beneficiary"].count):
        assert client.post("/portal/contact/", {"kind": "suggestion", "text": f"اقتراح {n}"}).status_code == 302
    assert client.post("/portal/contact/", {"kind": "inquiry", "text": "سؤال"}).status_code == 429


def test_a_filled_honeypot_records_nothing(client, association):
    assert send(client, website="http://spam.example").status_code == 302
    assert not Feedback.objects.exists() and not Message.objects.exists()


# ------------------------------------------------------------------------------------------------ «تتبع شكواي»


def ask(client, reference, mobile="0551234567", ip=CLIENT_IP):
    return client.post("/portal/feedback/track/", {"reference": reference, "mobile": mobile}, REMOTE_ADDR=ip)


def code_sent():
    message = Message.objects.filter(template="portal_feedback_code").order_by("-pk").first()
    return re.search(r"\d{6}", message.body).group()


def type_code(client, code, ip=CLIENT_IP):
    return client.post("/portal/feedback/track/code/", {"code": code}, REMOTE_ADDR=ip)


@pytest.fixture
def item(association):
    sent = complaints.send_feedback(kind="complaint", text=COMPLAINT, name="سارة", mobile="+966551234567")
    return sent.feedback


def test_tracking_by_reference_and_code_shows_the_status_due_date_and_answer(client, item, staff):
    typed = item.reference.lower().replace("-", " - ", 1).translate(ARABIC_INDIC)  # «fb - ٢٠٢٦-٠٠٠٠١»
    assert ask(client, typed, mobile="٠٥٥١٢٣٤٥٦٧")["Location"] == "/portal/feedback/track/code/"
    message = Message.objects.get(template="portal_feedback_code")
    assert message.recipient == "+966551234567" and message.purpose == "code" and message.channel == "sms"
    assert SignInCode.objects.get().beneficiary is None  # never signs anyone in
    assert type_code(client, code_sent())["Location"] == "/portal/feedback/track/status/"
    page = client.get("/portal/feedback/track/status/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    text = page.content.decode()
    assert item.reference in text and "جديدة" in text and "موعد الرد المتوقع" in text
    viewed = AuditEvent.objects.get(event_type=EventType.FEEDBACK_VIEWED)
    assert viewed.actor_id is None and viewed.data["through"] == "track"
    # Answered: the answer, never the internal note or the assignee.
    manager = staff["manager"]
    register.add_note(item, "ملاحظة داخلية", by=manager)
    register.answer(item, "حُدد موعد الزيارة يوم الأحد.", by=manager)
    text = client.get("/portal/feedback/track/status/").content.decode()
    assert "حُدد موعد الزيارة يوم الأحد." in text and "تم الرد" in text
    assert "ملاحظة داخلية" not in text and manager.display_name not in text
    # Still not signed in to the portal.
    assert client.get("/portal/requests/")["Location"] == "/portal/"


def test_a_confidential_item_shows_its_sender_only_their_answer(client, association, staff):
    manager, officer = staff["manager"], staff["officer"]
    item = register.receive(kind="complaint", text="الموظف لم يرد على اتصالاتي", channel="phone", by=manager,
                            sender_mobile="+966551234567", about_staff=officer)
    assert item.confidential
    register.add_note(item, "تحقق داخلي مع الموظف", by=manager)
    register.assign(item, manager, by=manager)
    register.answer(item, "راجعنا الأمر، وسيتواصل معك المدير.", by=manager)
    ask(client, item.reference)
    type_code(client, code_sent())
    text = client.get("/portal/feedback/track/status/").content.decode()
    assert "راجعنا الأمر، وسيتواصل معك المدير." in text
    for hidden in ("تحقق داخلي", officer.display_name, officer.username, manager.display_name,
                   "الموظف لم يرد"):  # logged by the staff: not their own words on the website
        assert hidden not in text


def test_an_unknown_reference_or_another_mobile_gets_the_same_answer_and_never_opens(client, item):
    known = ask(client, item.reference)
    others = [client.__class__(), client.__class__()]
    unknown = ask(others[0], "FB-2026-99999")
    other_mobile = ask(others[1], item.reference, mobile="0559999999")
    assert known["Location"] == unknown["Location"] == other_mobile["Location"]
    strip = lambda r: re.sub(r'value="[^"]+"', "", r.content.decode())  # noqa: E731 (the tokens differ)
    pages = [strip(c.get("/portal/feedback/track/code/")) for c in (client, *others)]
    assert pages[0] == pages[1] == pages[2]
    assert SignInCode.objects.count() == 3 and Message.objects.filter(template="portal_feedback_code").count() == 1
    for other in others:
        response = type_code(other, code_sent())  # even the item's real code
        assert response.status_code == 200 and "الرمز غير صحيح" in response.content.decode()
        assert other.get("/portal/feedback/track/status/")["Location"] == "/portal/feedback/track/"


def test_an_anonymous_item_cannot_be_tracked(client, association):
    item = complaints.send_feedback(kind="complaint", text=COMPLAINT, anonymous=True, mobile="+966551234567").feedback
    ask(client, item.reference)
    assert not Message.objects.filter(template="portal_feedback_code").exists()


def test_a_tracking_code_for_a_request_never_opens_an_item(client, item, make_case):
    # The request tracking's session keys and the item's are apart: a request's code is not an item's.
    case = make_case("received")
    client.post("/portal/track/", {"number": case.reference}, REMOTE_ADDR=CLIENT_IP)
    assert client.get("/portal/feedback/track/code/")["Location"] == "/portal/feedback/track/"


def test_wrong_codes_lock_the_reference(client, item):
    for _round in range(2):
        ask(client, item.reference)
        code = code_sent()
        for _try in range(3):
            type_code(client, wrong(code))
    assert ask(client, item.reference).status_code == 429
    assert AuditEvent.objects.filter(event_type=EventType.PORTAL_LOCKED_OUT, data__through="track-feedback").exists()


def test_asking_is_limited_per_reference(client, item):
    for _n in range(3):
        assert ask(client, item.reference).status_code == 302
    assert ask(client, item.reference).status_code == 429


@pytest.mark.parametrize("reference, mobile", [
    ("abc", "0551234567"), ("F" * 100_000, "0551234567"), ("FB-2026-1\x00", "0551234567"),
    ("\u202eFB-2026-1", "0551234567"), ("FB-2026-00001", "123"), ("FB-2026-00001", ""),
])
def test_a_bad_reference_or_mobile_is_said_and_nothing_is_asked(client, association, reference, mobile):
    response = ask(client, reference, mobile=mobile)
    assert response.status_code == 200 and response.context["form"].errors
    assert not SignInCode.objects.exists()


def test_the_tracking_view_is_short_lived_and_single_use(client, item, monkeypatch):
    import time

    ask(client, item.reference)
    code = code_sent()
    type_code(client, code)
    assert client.get("/portal/feedback/track/status/").status_code == 200
    assert type_code(client, code)["Location"] == "/portal/feedback/track/"
    later = time.time() + complaints.TRACK_MINUTES * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get("/portal/feedback/track/status/")["Location"] == "/portal/feedback/track/"


@pytest.mark.parametrize("typed", ["", "12345", "1" * 100_000, "12\x003456", "\u202e123456", "١٢٣٤٥"])
def test_a_malformed_tracking_code_is_said_and_uses_nothing(client, item, typed):
    ask(client, item.reference)
    response = type_code(client, typed)
    assert response.status_code == 200 and response.context["form"].errors["code"]
    challenge = SignInCode.objects.get()
    assert (challenge.used_at, challenge.tries) == (None, 0)
    assert not SignInFailure.objects.exists()


def test_a_double_submitted_tracking_code_opens_the_item_once(client, item):
    ask(client, item.reference)
    code = code_sent()
    assert type_code(client, code)["Location"] == "/portal/feedback/track/status/"
    # The second post of the same form: the code is used and the session no longer holds it.
    assert type_code(client, code)["Location"] == "/portal/feedback/track/"
    assert AuditEvent.objects.filter(event_type=EventType.FEEDBACK_VIEWED).count() == 1
