"""Signing in with a one-time code: its rules (expiry, single use, hashing, rate limits, lockout), the same answer
for an unknown ID, the idle timeout and the sign-out."""

import json
import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from mustafid.audit.log import REDACTED
from mustafid.audit.models import AuditEvent, EventType
from mustafid.conftest import make_beneficiary
from mustafid.lib.saudi import generate_national_id
from mustafid.notifications import sending
from mustafid.notifications.models import MessageStatus, Purpose
from mustafid.portal import actions, session
from mustafid.portal.actions import Limit
from mustafid.portal.models import SignInCode, SignInFailure

from .conftest import ask, code_message, code_of, send_code, sign_in

pytestmark = pytest.mark.django_db

# Words a shared phone must never show (the categories and support types of the seed associations).
SENSITIVE = ("إدمان", "مدمن", "المخدرات", "متعاف", "المتعافي", "علاج", "نفسي", "سجين", "السجناء", "تأهيل")
UNKNOWN_ID = generate_national_id("2", 77_777_777)
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def wrong(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_registered_beneficiary_signs_in_with_the_code_sent_to_their_mobile(client, beneficiary):
    response = ask(client, beneficiary.national_id.translate(ARABIC_INDIC))
    assert response.status_code == 302 and response["Location"] == "/portal/code/"
    message = code_message(beneficiary)
    assert (message.recipient, message.channel, message.purpose) == (beneficiary.mobile, "sms", Purpose.CODE)
    response = send_code(client, code_of(beneficiary).translate(ARABIC_INDIC))
    assert response["Location"] == "/portal/requests/"
    assert client.get("/portal/requests/").status_code == 200
    signed_in = AuditEvent.objects.get(event_type=EventType.PORTAL_SIGNED_IN)
    assert (signed_in.actor_kind, signed_in.target_id, signed_in.ip_address) == (
        "beneficiary", str(beneficiary.pk), "203.0.113.7")


def test_the_portal_session_is_not_a_staff_sign_in(client, beneficiary):
    sign_in(client, beneficiary)
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # the staff home still asks a staff member to sign in


def test_the_sms_says_nothing_but_the_code_and_the_association(client, beneficiary, association):
    ask(client, beneficiary.national_id)
    code = code_of(beneficiary)
    text = code_message(beneficiary).body
    assert text == f"رمز الدخول إلى خدمات {association.short_name}: {code}، صالح لخمس دقائق. لا تشاركه مع أحد."
    assert beneficiary.category.name_ar not in text
    assert not any(word in text for word in SENSITIVE)


def test_the_code_is_kept_nowhere_but_in_the_message_until_it_leaves(client, beneficiary, outbox):
    ask(client, beneficiary.national_id)
    code = code_of(beneficiary)
    row = SignInCode.objects.get()
    assert code not in json.dumps(list(SignInCode.objects.values()), default=str)
    assert row.code_digest == actions.code_digest(row.nonce, code) and len(row.code_digest) == 64
    message = code_message(beneficiary)
    assert message.context == {"association": message.context["association"], "code": REDACTED}

    assert sending.deliver(message.pk) == MessageStatus.SENT
    assert code in outbox.messages()[0]["text"]  # the demo's transport: what the phone receives
    message.refresh_from_db()
    assert code not in message.body and not re.search(r"\d", message.body)
    send_code(client, wrong(code))
    send_code(client, code)
    assert code not in json.dumps(list(AuditEvent.objects.values("data", "target_label")), ensure_ascii=False)


def test_a_code_not_sent_in_time_is_cancelled_and_its_digits_dropped(client, beneficiary):
    ask(client, beneficiary.national_id)
    message = code_message(beneficiary)
    assert sending.expire_codes(timezone.now() + timedelta(minutes=11)) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.CANCELLED and not re.search(r"\d", message.body)


def test_a_code_is_never_retried_and_its_digits_are_dropped_when_it_fails(client, beneficiary, settings):
    from mustafid.notifications import transports

    ask(client, beneficiary.national_id)
    message = code_message(beneficiary)
    settings.MESSAGE_TRANSPORTS = {**settings.MESSAGE_TRANSPORTS, "sms": "unifonic"}  # no credentials: fails
    transports.reset()
    sending.deliver(message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and not re.search(r"\d", message.body)


def test_the_code_expires_after_five_minutes(client, beneficiary):
    ask(client, beneficiary.national_id)
    SignInCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = send_code(client, code_of(beneficiary))
    assert response.status_code == 200
    assert "انتهت صلاحية الرمز" in response.content.decode()
    assert "portal_beneficiary" not in client.session


def test_the_code_lives_five_minutes(client, beneficiary):
    ask(client, beneficiary.national_id)
    row = SignInCode.objects.get()
    assert row.expires_at - row.created_at == timedelta(minutes=5)


def test_a_code_signs_in_once(client, beneficiary):
    ask(client, beneficiary.national_id)
    code, challenge = code_of(beneficiary), SignInCode.objects.get().pk
    assert actions.try_code(challenge, code).beneficiary == beneficiary
    again = actions.try_code(challenge, code)
    assert again.beneficiary is None and again.reason == "used"


def test_a_code_takes_three_tries_at_most(client, beneficiary):
    ask(client, beneficiary.national_id)
    code = code_of(beneficiary)
    for _try in range(3):
        send_code(client, wrong(code))
    response = send_code(client, code)
    assert "استُنفدت محاولات هذا الرمز" in response.content.decode()
    assert "portal_beneficiary" not in client.session


def test_an_unknown_id_gets_the_same_answer_and_the_same_page(client, beneficiary):
    known = ask(client, beneficiary.national_id)
    known_page = client.get("/portal/code/")
    other = type(client)()
    unknown = ask(other, UNKNOWN_ID)
    unknown_page = other.get("/portal/code/")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])

    def text(page):
        return re.sub(r'value="[^"]*"', "", page.content.decode())

    assert text(known_page) == text(unknown_page)
    assert "إذا كان الرقم مسجلًا لدينا فسيصلك رمز" in text(unknown_page)
    # Its row exists (the limits count it), but no message leaves and no code can be right.
    row = SignInCode.objects.get(beneficiary=None)
    assert row.code_digest and row.mobile_digest == ""
    for code in ("000000", "123456"):
        assert send_code(other, code).status_code == 200
    assert "portal_beneficiary" not in other.session


def test_registered_and_unknown_ids_take_the_same_time(client, beneficiary, settings):
    settings.PORTAL_MIN_RESPONSE_SECONDS = 0.25

    def timed(national_id):
        began = time.monotonic()
        ask(type(client)(), national_id)
        return time.monotonic() - began

    known = sorted(timed(beneficiary.national_id) for _ in range(3))[1]
    unknown = sorted(timed(generate_national_id("1", 55_000_000 + n)) for n in range(3))[1]
    assert known >= 0.25 and unknown >= 0.25
    assert abs(known - unknown) < 0.15


def test_asking_is_limited_per_id_the_same_for_an_unknown_id(client, beneficiary):
    for national_id in (beneficiary.national_id, UNKNOWN_ID):
        for _ask in range(3):
            assert ask(client, national_id).status_code == 302
        refused = ask(client, national_id)
        assert refused.status_code == 429
        assert "حاول مرة أخرى بعد 15 دقيقة" in refused.content.decode()
    assert SignInCode.objects.count() == 6


def test_asking_is_limited_per_address(client, officer, monkeypatch):
    monkeypatch.setitem(actions.SEND_LIMITS, "address", Limit(2, 60))
    people = [make_beneficiary(by=officer) for _ in range(3)]
    assert ask(client, people[0].national_id).status_code == 302
    assert ask(client, people[1].national_id).status_code == 302
    assert ask(client, people[2].national_id).status_code == 429
    assert ask(client, people[2].national_id, ip="203.0.113.8").status_code == 302


def test_asking_is_limited_per_mobile_without_telling_the_screen(client, officer, monkeypatch):
    monkeypatch.setitem(actions.SEND_LIMITS, "mobile", Limit(2, 15))
    family = [make_beneficiary(by=officer, mobile="+966501110001") for _ in range(3)]
    for person in family:
        assert ask(client, person.national_id, ip=f"203.0.113.{10 + family.index(person)}").status_code == 302
    assert code_message(family[0]) and code_message(family[1])
    assert code_message(family[2]) is None  # the same answer, but the phone gets no third code


def lock_out(client, beneficiary):
    """Five wrong codes (two codes asked for: three tries each)."""
    for _round in range(2):
        ask(client, beneficiary.national_id)
        code = code_of(beneficiary)
        for _try in range(3 if _round == 0 else 2):
            response = send_code(client, wrong(code))
    return response, code


def test_five_wrong_codes_lock_the_id_for_fifteen_minutes(client, beneficiary):
    response, code = lock_out(client, beneficiary)
    assert response.status_code == 429
    page = response.content.decode()
    assert "تجاوزت عدد المحاولات المسموح به" in page and "15 دقيقة" in page
    assert SignInFailure.objects.count() == 5
    locked = AuditEvent.objects.get(event_type=EventType.PORTAL_LOCKED_OUT)
    assert locked.target_id == str(beneficiary.pk) and locked.data["minutes"] == 15
    assert AuditEvent.objects.filter(event_type=EventType.PORTAL_SIGN_IN_FAILED).count() == 5
    # Locked: no new code is sent, even from elsewhere, and the right code is refused.
    assert ask(type(client)(), beneficiary.national_id, ip="198.51.100.1").status_code == 429
    assert actions.try_code(SignInCode.objects.latest("pk").pk, code).wait > 0


def test_the_lockout_ends_after_its_time(client, beneficiary):
    lock_out(client, beneficiary)
    SignInFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert ask(client, beneficiary.national_id).status_code == 302


def test_wrong_codes_are_counted_per_address(client, officer, monkeypatch):
    monkeypatch.setitem(actions.FAILURE_LIMITS, "address", Limit(2, 60))
    first, second = make_beneficiary(by=officer), make_beneficiary(by=officer)
    ask(client, first.national_id)
    send_code(client, wrong(code_of(first)))
    ask(client, second.national_id)
    assert send_code(client, wrong(code_of(second))).status_code == 429
    assert ask(client, UNKNOWN_ID).status_code == 429


def test_wrong_codes_are_counted_per_mobile(client, officer, monkeypatch):
    monkeypatch.setitem(actions.FAILURE_LIMITS, "mobile", Limit(2, 15))
    first, second = (make_beneficiary(by=officer, mobile="+966501110002") for _ in range(2))
    ask(client, first.national_id, ip="203.0.113.20")
    send_code(client, wrong(code_of(first)), ip="203.0.113.20")
    ask(client, second.national_id, ip="203.0.113.21")
    assert send_code(client, wrong(code_of(second)), ip="203.0.113.21").status_code == 429


def test_the_session_ends_after_fifteen_idle_minutes(client, beneficiary):
    sign_in(client, beneficiary)
    stored = client.session
    stored[session.SEEN] = int(time.time()) - 16 * 60
    stored.save()
    response = client.get("/portal/requests/")
    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert "انتهت الجلسة بعد 15 دقيقة" in client.get("/portal/").content.decode()
    assert client.get("/portal/requests/").status_code == 302
    assert AuditEvent.objects.get(event_type=EventType.PORTAL_SIGNED_OUT).data["reason"] == "idle"


def test_signing_out_ends_the_portal_session_only(client, beneficiary, officer):
    client.force_login(officer)
    sign_in(client, beneficiary)
    key = client.session.session_key
    response = client.post("/portal/sign-out/")
    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert client.session.session_key != key
    assert client.get("/portal/requests/").status_code == 302
    assert client.get("/").status_code == 200  # the staff member in the same browser is still signed in
    assert AuditEvent.objects.get(event_type=EventType.PORTAL_SIGNED_OUT).data["reason"] == "signed_out"


def test_signing_in_changes_the_session_key(client, beneficiary):
    client.get("/portal/")
    ask(client, beneficiary.national_id)
    before = client.session.session_key
    send_code(client, code_of(beneficiary))
    assert client.session.session_key != before


@pytest.mark.parametrize("typed", ["12345", "1234567890", "abc", "\x00" * 10, "1" * 100_000, ""])
def test_a_bad_id_is_refused_on_the_form(client, typed):
    response = ask(client, typed)
    assert response.status_code == 200
    assert SignInCode.objects.count() == 0


@pytest.mark.parametrize("typed", ["12345", "abcdef", "\x00" * 6, "9" * 100_000, ""])
def test_a_malformed_code_is_refused_on_the_form_without_counting(client, beneficiary, typed):
    ask(client, beneficiary.national_id)
    response = send_code(client, typed)
    assert response.status_code == 200
    assert SignInFailure.objects.count() == 0


def test_the_code_page_without_asking_first_sends_back_to_the_start(client):
    assert client.get("/portal/code/")["Location"] == "/portal/"
    assert send_code(client, "123456")["Location"] == "/portal/"


def test_a_signed_in_beneficiary_opening_the_start_goes_to_their_requests(client, beneficiary):
    sign_in(client, beneficiary)
    assert client.get("/portal/")["Location"] == "/portal/requests/"


def test_a_code_message_is_never_resent_or_shown_to_staff(client, beneficiary, officer):
    from mustafid.interactions.outbox import resend, show
    from mustafid.lib.errors import ActionRefused

    ask(client, beneficiary.national_id)
    message = code_message(beneficiary)
    assert show(message, officer).text is None
    message.status = MessageStatus.FAILED
    message.save()
    assert not show(message, officer).resendable
    with pytest.raises(ActionRefused):
        resend(message, by=officer)


def test_old_rows_are_pruned(client, beneficiary):
    lock_out(client, beneficiary)
    assert (SignInCode.objects.count(), SignInFailure.objects.count()) == (2, 5)
    assert actions.prune(timezone.now() + timedelta(days=2)) == 7
    assert not SignInCode.objects.exists() and not SignInFailure.objects.exists()


def test_signing_out_everywhere_ends_the_sessions_on_every_device(client, beneficiary):
    phone, computer = client, type(client)()
    sign_in(phone, beneficiary)
    sign_in(computer, beneficiary)
    assert "الخروج من جميع الأجهزة" in phone.get("/portal/requests/").content.decode()
    response = phone.post("/portal/sign-out/", {"everywhere": "1"})
    assert response["Location"] == "/portal/"
    assert phone.get("/portal/requests/").status_code == 302
    assert computer.get("/portal/requests/").status_code == 302
    assert "خرجت من جميع الأجهزة" in computer.get("/portal/").content.decode()
    signed_out = AuditEvent.objects.filter(event_type=EventType.PORTAL_SIGNED_OUT)
    assert [row.data["reason"] for row in signed_out] == ["everywhere"]
    # A new sign-in afterwards is a new session, not ended by the old «everywhere».
    sign_in(computer, beneficiary)
    assert computer.get("/portal/requests/").status_code == 200


@pytest.fixture
def whatsapp_server(settings):
    """WhatsApp on, its Cloud API a local server that records what it receives."""
    from mustafid.notifications import transports
    from mustafid.notifications.tests.fakes import FakeHTTPServer

    server = FakeHTTPServer().start()
    settings.MESSAGE_TRANSPORTS = {**settings.MESSAGE_TRANSPORTS, "whatsapp": "whatsapp"}
    settings.WHATSAPP_BASE_URL = f"{server.url}/v21.0"
    settings.WHATSAPP_TOKEN = "test-token"
    settings.WHATSAPP_PHONE_NUMBER_ID = "106540352242922"
    transports.reset()
    yield server
    server.stop()
    transports.reset()


WA_SENT = {"messaging_product": "whatsapp", "messages": [{"id": "wamid.portal-code-1"}]}


def test_a_beneficiary_whose_channel_is_whatsapp_gets_the_code_there_and_signs_in_with_it(
        client, officer, whatsapp_server):
    person = make_beneficiary(by=officer, preferred_channel="whatsapp")
    whatsapp_server.reply(200, json=WA_SENT)
    ask(client, person.national_id)
    message = code_message(person)
    assert (message.channel, message.recipient, message.purpose) == ("whatsapp", person.mobile, Purpose.CODE)
    code = code_of(person)

    assert sending.deliver(message.pk) == MessageStatus.SENT
    template = whatsapp_server.last.json["template"]
    assert template["name"] == "portal_code"
    assert [part["parameters"][0]["text"] for part in template["components"]] == [code, code]
    message.refresh_from_db()
    assert not re.search(r"\d", message.body)  # its digits gone once it left, as for an SMS
    assert send_code(client, code)["Location"] == "/portal/requests/"


def test_a_code_for_a_number_not_on_whatsapp_goes_by_sms_with_its_digits(client, officer, whatsapp_server):
    person = make_beneficiary(by=officer, preferred_channel="whatsapp")
    whatsapp_server.reply(400, json={"error": {"message": "Message undeliverable", "code": 131026}})
    ask(client, person.national_id)
    message = code_message(person)
    code = code_of(person)

    assert sending.deliver(message.pk) == MessageStatus.FAILED
    message.refresh_from_db()
    assert not re.search(r"\d", message.body)
    copy = message.fallback  # the SMS copy, queued by the worker with the code the WhatsApp message carried
    assert (copy.channel, copy.recipient, code in copy.body) == ("sms", person.mobile, True)
    assert sending.deliver(copy.pk) == MessageStatus.SENT
    assert send_code(client, code)["Location"] == "/portal/requests/"
