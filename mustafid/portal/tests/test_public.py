"""Without signing in: «تواصل معنا» (the public inquiry form) and «تتبع طلبي» (a request's status by its number
and a one-time code to the mobile on it)."""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from mustafid.accounts.models import User
from mustafid.association.models import Channel
from mustafid.audit.models import AuditEvent, EventType
from mustafid.interactions.models import Interaction
from mustafid.notifications.models import Message
from mustafid.portal import public
from mustafid.portal.models import SignInCode

from .conftest import CLIENT_IP
from .test_sign_in import SENSITIVE, wrong

pytestmark = pytest.mark.django_db

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def contact_form(**overrides):
    data = {"name": "سارة  أحمد", "mobile": "0551234567", "email": "", "kind": "inquiry",
            "text": "متى يفتح باب التسجيل؟", "website": ""}
    data.update(overrides)
    return data


def send(client, ip=CLIENT_IP, **overrides):
    return client.post("/portal/contact/", contact_form(**overrides), REMOTE_ADDR=ip)


# ------------------------------------------------------------------------------------------------ the public form


def test_the_public_form_records_an_incoming_website_contact_by_an_anonymous_visitor(client, association, officer):
    page = client.get("/portal/contact/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    response = send(client, mobile="٠٥٥١٢٣٤٥٦٧")  # Arabic-Indic digits
    assert response.status_code == 302 and response["Location"] == "/portal/contact/sent/"
    contact = Interaction.objects.get()
    assert (contact.channel, contact.direction, contact.kind) == (Channel.WEBSITE, "in", "inquiry")
    assert contact.beneficiary is None
    assert (contact.contact_name, contact.contact_mobile) == ("سارة أحمد", "+966551234567")
    assert contact.summary == "متى يفتح باب التسجيل؟"
    # Recorded by the system (no one signed in), never by a staff user, and no placeholder user exists.
    assert (contact.staff, contact.staff_kind, contact.staff_label) == (None, "system", public.PUBLIC_FORM)
    assert str(contact.recorded_by) == "النظام"
    assert not User.objects.filter(username="portal:website").exists()
    logged = AuditEvent.objects.get(event_type=EventType.INTERACTION_LOGGED)
    assert (logged.actor_id, logged.actor_label, logged.ip_address) == (None, "", CLIENT_IP)
    assert logged.data["through"] == "portal" and logged.data["channel"] == Channel.WEBSITE

    # The number on screen, once; and by SMS to the mobile given.
    sent = client.get("/portal/contact/sent/")
    assert sent.status_code == 200 and "no-store" in sent["Cache-Control"]
    assert re.search(rf"<bdi dir=\"ltr\" data-number>{contact.pk}</bdi>", sent.content.decode())
    assert client.get("/portal/contact/sent/")["Location"] == "/portal/contact/"
    message = Message.objects.get(template="portal_contact_received")
    assert message.recipient == "+966551234567" and str(contact.pk) in message.body and "استفسار" in message.body
    assert message.person_type == "interactions.interaction" and message.person_id == contact.pk

    # The officers see it in their contacts list.
    client.force_login(officer)
    listing = client.get("/contacts/").content.decode()
    assert "سارة أحمد" in listing


def test_an_email_to_answer_to_is_kept_with_the_text_and_no_message_is_sent(client, association):
    assert send(client, mobile="", email="sara@example.com", kind="inquiry").status_code == 302
    contact = Interaction.objects.get()
    assert contact.kind == "inquiry" and contact.contact_mobile == ""
    assert "sara@example.com" in contact.summary
    assert not Message.objects.exists()
    assert "رقم المراجعة" in client.get("/portal/contact/sent/").content.decode()


@pytest.mark.parametrize("overrides, field", [
    ({"mobile": "", "email": ""}, "mobile"),
    ({"mobile": "12345"}, "mobile"),
    ({"email": "not-an-email", "mobile": ""}, "email"),
    ({"name": ""}, "name"),
    ({"kind": "request"}, "kind"),
    ({"text": "   "}, "text"),
    ({"text": "مرحبا\x00"}, "text"),
    ({"name": "سارة\u202e"}, "name"),
    ({"text": "نص \u202eمعكوس"}, "text"),
    ({"text": "ب" * 100_000}, "text"),
    ({"name": "س" * 100_000}, "name"),
])
def test_the_public_form_refuses_bad_input_with_a_message_and_records_nothing(client, association, overrides, field):
    response = send(client, **overrides)
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    assert not Interaction.objects.exists()


def test_a_filled_honeypot_looks_sent_and_records_nothing(client, association):
    response = send(client, website="http://spam.example")
    assert response.status_code == 302
    assert not Interaction.objects.exists() and not Message.objects.exists()
    text = client.get("/portal/contact/sent/").content.decode()
    assert "وصلت رسالتك" in text and "data-number" not in text


def test_contacts_are_limited_per_mobile_and_per_address(client, association):
    for n in range(public.CONTACT_LIMITS["mobile"].count):
        assert send(client, text=f"رسالة {n}").status_code == 302
    refused = send(client, text="رسالة أخرى")
    assert refused.status_code == 429 and "حاول مرة أخرى بعد" in refused.content.decode()
    assert "no-store" in refused["Cache-Control"]
    # Another mobile from the same address goes on, up to the address's limit.
    left = public.CONTACT_LIMITS["address"].count - public.CONTACT_LIMITS["mobile"].count
    for n in range(left):
        assert send(client, mobile=f"05{n:08d}", text=f"رسالة {n}").status_code == 302
    assert send(client, mobile="0599999999").status_code == 429
    # Another address with another mobile is not held back.
    assert send(client, ip="198.51.100.9", mobile="0588888888").status_code == 302
    assert Interaction.objects.count() == public.CONTACT_LIMITS["address"].count + 1


def test_the_limit_passes_with_its_window(client, association):
    for n in range(public.CONTACT_LIMITS["mobile"].count):
        send(client, text=f"رسالة {n}")
    Interaction.objects.update(occurred_at=timezone.now() - timedelta(minutes=61))
    AuditEvent.objects.update(at=timezone.now() - timedelta(minutes=61))
    assert send(client).status_code == 302


def test_the_website_channel_off_in_the_policy_is_said_not_a_server_error(client, association):
    from mustafid.association.models import current_policy

    policy = current_policy()
    policy.channels = [c for c in policy.channels if c != Channel.WEBSITE]
    policy.save()
    response = send(client)
    assert response.status_code == 200 and "غير مفعلة" in response.content.decode()
    assert not Interaction.objects.exists()


# ------------------------------------------------------------------------------------------------ tracking


def ask_track(client, number, ip=CLIENT_IP):
    return client.post("/portal/track/", {"number": number}, REMOTE_ADDR=ip)


def track_code_of(beneficiary):
    message = Message.objects.filter(person_id=beneficiary.pk, template="portal_track_code").order_by("-pk").first()
    return re.search(r"\d{6}", message.body).group()


def send_track_code(client, code, ip=CLIENT_IP):
    return client.post("/portal/track/code/", {"code": code}, REMOTE_ADDR=ip)


def test_tracking_shows_one_requests_status_and_due_date_and_nothing_sensitive(client, make_case):
    case = make_case("with_committee")
    number = case.reference.replace("R-", "").translate(ARABIC_INDIC)  # «٢٠٢٦-٠٠٠٤٢» as typed on a phone
    assert ask_track(client, number)["Location"] == "/portal/track/code/"
    message = Message.objects.get(template="portal_track_code")
    assert message.recipient == case.beneficiary.mobile and message.purpose == "code"
    challenge = SignInCode.objects.get()
    assert challenge.beneficiary is None and challenge.purpose == "track"  # a tracking code never signs anyone in
    response = send_track_code(client, track_code_of(case.beneficiary))
    assert response["Location"] == "/portal/track/status/"
    page = client.get("/portal/track/status/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    text = page.content.decode()
    assert case.reference in text and "طلبك لدى لجنة البحث لاتخاذ القرار." in text and "موعد القرار المتوقع" in text
    b = case.beneficiary
    assert b.first_name in text
    for private in (b.father_name, b.family_name, b.national_id, b.mobile, str(case.support_type)):
        assert private not in text
    assert "letter.pdf" not in text and "/documents/" not in text
    assert not any(word in text for word in SENSITIVE)
    # Still not signed in to the portal.
    assert client.get("/portal/requests/")["Location"] == "/portal/"
    viewed = AuditEvent.objects.get(event_type=EventType.CASE_VIEWED, target_id=str(case.pk))
    assert viewed.actor_id is None and viewed.data["through"] == "track"


def test_the_tracking_view_is_short_lived(client, make_case, monkeypatch):
    case = make_case("received")
    ask_track(client, case.reference)
    send_track_code(client, track_code_of(case.beneficiary))
    assert client.get("/portal/track/status/").status_code == 200
    later = time.time() + public.TRACK_MINUTES * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.get("/portal/track/status/")
    assert response["Location"] == "/portal/track/"


def test_a_tracking_code_is_single_use_and_expires(client, make_case):
    case = make_case("received")
    ask_track(client, case.reference)
    code = track_code_of(case.beneficiary)
    assert send_track_code(client, code)["Location"] == "/portal/track/status/"
    # The session's code is spent; asking again is the way back.
    assert client.post("/portal/track/code/", {"code": code})["Location"] == "/portal/track/"
    challenge = SignInCode.objects.get()
    assert challenge.used_at is not None
    # An expired code is refused with its reason.
    ask_track(client, case.reference)
    code = track_code_of(case.beneficiary)
    SignInCode.objects.filter(used_at__isnull=True).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = send_track_code(client, code)
    assert response.status_code == 200 and "انتهت صلاحية الرمز" in response.content.decode()


def test_the_tracking_code_is_stored_hashed(client, make_case):
    case = make_case("received")
    ask_track(client, case.reference)
    code = track_code_of(case.beneficiary)
    row = SignInCode.objects.get()
    assert code not in str(row.__dict__)
    assert "[محجوب]" in str(Message.objects.get(template="portal_track_code").context.values())


def test_an_unknown_number_gets_the_same_answer_and_never_opens(client, make_case):
    case = make_case("received")
    known = ask_track(client, case.reference)
    other = client.__class__()
    unknown = ask_track(other, f"R-{case.received_at.year}-{case.pk + 1000:05d}")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    page_known, page_unknown = client.get("/portal/track/code/"), other.get("/portal/track/code/")
    strip = lambda r: re.sub(r'value="[^"]+"', "", r.content.decode())  # noqa: E731 (the tokens differ)
    assert strip(page_known) == strip(page_unknown)
    assert SignInCode.objects.count() == 2 and Message.objects.filter(template="portal_track_code").count() == 1
    # Whatever code is typed for an unknown number, it is wrong.
    response = send_track_code(other, "123456")
    assert response.status_code == 200 and "الرمز غير صحيح" in response.content.decode()
    assert other.get("/portal/track/status/")["Location"] == "/portal/track/"


def test_a_wrong_number_format_is_said_and_nothing_is_asked(client, association):
    for bad in ("abc", "1" * 100_000, "R-2026-1\x00", "\u202eR-2026-1"):
        response = ask_track(client, bad)
        assert response.status_code == 200 and response.context["form"].errors
    assert not SignInCode.objects.exists()


def test_wrong_tracking_codes_lock_the_number(client, make_case):
    case = make_case("received")
    for _round in range(2):
        ask_track(client, case.reference)
        code = track_code_of(case.beneficiary)
        for _try in range(3):
            send_track_code(client, wrong(code))
    # 5 failures per number in 15 minutes: asking is refused now.
    assert ask_track(client, case.reference).status_code == 429
    assert AuditEvent.objects.filter(event_type=EventType.PORTAL_LOCKED_OUT, data__through="track").exists()


def test_tracking_never_shows_another_request(client, make_case):
    mine, theirs = make_case("received"), make_case("with_committee")
    ask_track(client, mine.reference)
    send_track_code(client, track_code_of(mine.beneficiary))
    text = client.get("/portal/track/status/").content.decode()
    assert mine.reference in text and theirs.reference not in text
    # The code of one request never opens another: the request is the session's, not the form's.
    ask_track(client, theirs.reference)
    response = send_track_code(client, track_code_of(mine.beneficiary))
    assert response.status_code == 200 and "الرمز غير صحيح" in response.content.decode()


def test_a_tracking_code_never_signs_in(client, make_case):
    case = make_case("received")
    ask_track(client, case.reference)
    challenge = SignInCode.objects.get()
    session = client.session
    session["portal_challenge"] = challenge.pk  # as if the sign-in's code page were handed the tracking row
    session.save()
    response = client.post("/portal/code/", {"code": track_code_of(case.beneficiary)})
    assert response.status_code == 200 and "الرمز غير صحيح" in response.content.decode()
    assert client.get("/portal/requests/")["Location"] == "/portal/"


@pytest.mark.parametrize("url, field", [
    ("/portal/contact/", "name"), ("/portal/contact/", "mobile"), ("/portal/contact/", "email"),
    ("/portal/contact/", "text"), ("/portal/contact/", "kind"), ("/portal/track/", "number"),
    ("/portal/track/code/", "code"),
])
def test_hostile_input_never_gets_a_server_error(make_case, url, field):
    import uuid

    from django.db import transaction
    from django.test import Client
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from mustafid.tests.test_no_server_errors import HOSTILE

    case = make_case("received")
    client = Client(raise_request_exception=False)
    ask_track(client, case.reference)

    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.function_scoped_fixture])
    @given(value=HOSTILE, extra=st.sampled_from(["", "x", "\x00"]))
    def posting(value, extra):
        data = {**contact_form(), field: value, "other": extra, "_once": str(uuid.uuid4())}
        with transaction.atomic():
            response = client.post(url, data)
            transaction.set_rollback(True)
        assert response.status_code < 500, (url, value[:80])

    posting()


def test_signing_out_also_ends_a_tracking_view_opened_in_the_same_browser(client, make_case):
    from .conftest import sign_in

    case = make_case("with_committee")
    ask_track(client, case.reference)
    send_track_code(client, track_code_of(case.beneficiary))
    assert client.get("/portal/track/status/").status_code == 200
    sign_in(client, case.beneficiary)
    client.post("/portal/sign-out/")
    assert client.get("/portal/track/status/")["Location"] == "/portal/track/"
