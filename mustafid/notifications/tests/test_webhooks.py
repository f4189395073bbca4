"""Delivery reports: messages sent through the real transports to a local fake provider, then reported on
through the webhooks the way Unifonic and Meta call them (real secrets and signatures, CSRF enforced)."""

import hashlib
import hmac
import json

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from mustafid.conftest import make_beneficiary
from mustafid.notifications import outbox, sending
from mustafid.notifications.models import Channel, Message, MessageStatus

HOOK_SECRET = "hook-7f3a9c2e51"
APP_SECRET = "meta-app-secret-123"
VERIFY_TOKEN = "verify-me-please"


@pytest.fixture(autouse=True)
def hook_settings(settings):
    settings.UNIFONIC_WEBHOOK_SECRET = HOOK_SECRET
    settings.WHATSAPP_APP_SECRET = APP_SECRET
    settings.WHATSAPP_VERIFY_TOKEN = VERIFY_TOKEN
    settings.MESSAGE_QUIET_HOURS = (0, 0)  # no quiet hours: the worker sends at once, whatever the hour


@pytest.fixture
def provider(settings, fake_http):
    settings.MESSAGE_TRANSPORTS = {"sms": "unifonic", "email": "off", "whatsapp": "whatsapp"}
    settings.UNIFONIC_BASE_URL = fake_http.url
    settings.UNIFONIC_APP_SID = "app-sid-for-tests"
    settings.WHATSAPP_BASE_URL = fake_http.url
    settings.WHATSAPP_TOKEN = "wa-token-for-tests"
    settings.WHATSAPP_PHONE_NUMBER_ID = "1234567890"
    return fake_http


@pytest.fixture
def hooks():
    return Client(enforce_csrf_checks=True)


_events = iter(range(1, 1_000_000))


def sent_message(officer, fake_http, *, channel=Channel.SMS, reference="42000348806924"):
    """A message queued for a new beneficiary and sent by the worker through the provider's transport."""
    beneficiary = make_beneficiary(by=officer)
    message = outbox.queue("referred", to=beneficiary.as_recipient(), context={"association": "عون", "reference": "R-1"},
                           event_key=f"test-hook:{next(_events)}", channel=channel)
    if channel == Channel.SMS:
        fake_http.reply(200, json={"success": True, "errorCode": "ER-00",
                                   "data": {"MessageID": int(reference), "Status": "Sent"}})
    else:
        fake_http.reply(200, json={"messaging_product": "whatsapp", "contacts": [{"wa_id": "966500000000"}],
                                   "messages": [{"id": reference}]})
    assert sending.deliver(message.pk) == MessageStatus.SENT
    message.refresh_from_db()
    assert message.provider_ref == reference
    return message


def unifonic_url(secret=HOOK_SECRET):
    return reverse("notifications:unifonic_hook", args=[secret])


def dlr(message, status, **extra):
    """Unifonic's DLR callback, form-encoded, as its documentation lists the fields."""
    return {"MessageID": message.provider_ref, "DLR": status, "Recipient": message.recipient.lstrip("+"),
            "TimeCreated": "2026-11-30 10:00:00", "SCTS": "2026-11-30 10:00:05", "DLRTimestamp": "2026-11-30 10:00:06",
            **extra}


def state(message):
    message.refresh_from_db()
    return message.status, message.last_error


# --- Unifonic ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_unifonic_delivery_report_marks_the_message_delivered(officer, provider, hooks):
    message = sent_message(officer, provider)

    response = hooks.post(unifonic_url(), dlr(message, "Delivered"))

    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED and message.delivered_at is not None


@pytest.mark.django_db
def test_an_undeliverable_report_fails_the_message_with_the_reason(officer, provider, hooks):
    message = sent_message(officer, provider)

    assert hooks.post(unifonic_url(), dlr(message, "Undeliverable")).status_code == 200

    status, reason = state(message)
    assert status == MessageStatus.FAILED and "Undeliverable" in reason


@pytest.mark.django_db
def test_repeated_and_late_reports_never_move_a_delivered_message_backwards(officer, provider, hooks):
    message = sent_message(officer, provider)
    hooks.post(unifonic_url(), dlr(message, "Delivered"))
    message.refresh_from_db()
    delivered_at = message.delivered_at

    for late in ("Delivered", "Undeliverable", "Sent", "Delivered"):
        assert hooks.post(unifonic_url(), dlr(message, late)).status_code == 200

    message.refresh_from_db()
    assert (message.status, message.last_error, message.delivered_at) == (MessageStatus.DELIVERED, "", delivered_at)


@pytest.mark.django_db
def test_the_newer_json_report_is_read_too(officer, provider, hooks):
    message = sent_message(officer, provider)
    body = {"messageId": message.provider_ref, "status": "DELIVERED", "correlationId": "abc", "recipient": "966500000000"}

    response = hooks.post(unifonic_url(), json.dumps(body), content_type="application/json")

    assert response.status_code == 200
    assert state(message)[0] == MessageStatus.DELIVERED


@pytest.mark.django_db
def test_a_report_about_a_reference_we_do_not_know_is_accepted_and_changes_nothing(officer, provider, hooks):
    message = sent_message(officer, provider)

    response = hooks.post(unifonic_url(), {"MessageID": "99999999", "DLR": "Undeliverable"})

    assert response.status_code == 200
    assert state(message) == (MessageStatus.SENT, "")


@pytest.mark.django_db
@pytest.mark.parametrize("secret", ["wrong-secret", HOOK_SECRET[:-1], HOOK_SECRET + "x"])
def test_a_report_without_our_secret_is_refused_and_changes_nothing(officer, provider, hooks, secret):
    message = sent_message(officer, provider)

    assert hooks.post(unifonic_url(secret), dlr(message, "Undeliverable")).status_code == 403
    assert state(message) == (MessageStatus.SENT, "")


@pytest.mark.django_db
def test_without_a_configured_secret_every_unifonic_report_is_refused(officer, provider, hooks, settings):
    message = sent_message(officer, provider)
    settings.UNIFONIC_WEBHOOK_SECRET = ""

    assert hooks.post(unifonic_url("anything"), dlr(message, "Delivered")).status_code == 403
    assert state(message)[0] == MessageStatus.SENT


@pytest.mark.django_db
@pytest.mark.parametrize("body, content_type", [
    ("{not json", "application/json"),
    ('"a string"', "application/json"),
    ("[1, 2]", "application/json"),
    (json.dumps({"status": "Delivered"}), "application/json"),
    ("\xff\xfe", "application/json"),
    ("DLR=Delivered", "application/x-www-form-urlencoded"),
    ("MessageID=123", "application/x-www-form-urlencoded"),
    ("", "text/plain"),
])
def test_a_body_that_is_not_a_report_is_answered_400(hooks, body, content_type):
    assert hooks.post(unifonic_url(), body, content_type=content_type).status_code == 400


@pytest.mark.django_db
def test_a_refused_unifonic_report_never_writes_the_secret_to_the_log(hooks, caplog):
    hooks.post(unifonic_url(), "{not json", content_type="application/json")
    hooks.post(unifonic_url(), {"DLR": "Delivered"})
    hooks.get(unifonic_url())
    assert "unreadable report" in caplog.text and "instead of POST" in caplog.text
    assert HOOK_SECRET not in caplog.text


@pytest.mark.django_db
def test_the_unifonic_hook_takes_post_only(hooks):
    assert hooks.get(unifonic_url()).status_code == 405


# --- WhatsApp ------------------------------------------------------------------------------------------


def whatsapp_report(*statuses):
    return {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": "messages",
        "value": {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "1234567890"},
                  "statuses": list(statuses)},
    }]}]}


def status(message, name, **extra):
    return {"id": message.provider_ref, "status": name, "timestamp": "1764500000",
            "recipient_id": message.recipient.lstrip("+"), "biz_opaque_callback_data": message.idempotency_key, **extra}


def signed_post(client, payload, *, secret=APP_SECRET, raw=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(reverse("notifications:whatsapp_hook"), body, content_type="application/json",
                       HTTP_X_HUB_SIGNATURE_256=signature)


@pytest.mark.django_db
def test_meta_verifies_the_endpoint_with_our_verify_token(hooks):
    url = reverse("notifications:whatsapp_hook")
    ok = hooks.get(url, {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"})
    assert (ok.status_code, ok.content) == (200, b"1158201444")
    wrong = hooks.get(url, {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1158201444"})
    assert wrong.status_code == 403
    assert hooks.get(url).status_code == 403


@pytest.mark.django_db
def test_a_signed_whatsapp_status_marks_the_message_delivered_then_read_keeps_it(officer, provider, hooks):
    message = sent_message(officer, provider, channel=Channel.WHATSAPP, reference="wamid.HBgMOTY2NTAwMDAwMDAwFQIAERgS")

    assert signed_post(hooks, whatsapp_report(status(message, "sent"))).status_code == 200
    assert state(message)[0] == MessageStatus.SENT
    assert signed_post(hooks, whatsapp_report(status(message, "delivered"))).status_code == 200
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert message.delivered_at.timestamp() == 1764500000
    assert signed_post(hooks, whatsapp_report(status(message, "read"), status(message, "sent"))).status_code == 200
    assert state(message) == (MessageStatus.DELIVERED, "")


@pytest.mark.django_db
def test_a_failed_whatsapp_status_records_the_reason(officer, provider, hooks):
    message = sent_message(officer, provider, channel=Channel.WHATSAPP, reference="wamid.failed-1")
    failed = status(message, "failed", errors=[{
        "code": 131026, "title": "Message undeliverable", "message": "Message undeliverable",
        "error_data": {"details": "Message Undeliverable."}}])

    assert signed_post(hooks, whatsapp_report(failed)).status_code == 200

    status_now, reason = state(message)
    assert status_now == MessageStatus.FAILED
    assert "Message undeliverable" in reason and "131026" in reason


@pytest.mark.django_db
def test_a_number_reported_without_whatsapp_gets_the_message_as_sms_once(officer, provider, hooks):
    message = sent_message(officer, provider, channel=Channel.WHATSAPP, reference="wamid.no-whatsapp")
    failed = status(message, "failed", errors=[{"code": 131026, "title": "Message undeliverable"}])

    for _repeat in range(2):
        assert signed_post(hooks, whatsapp_report(failed)).status_code == 200

    copy = Message.objects.get(fallback_of=message)
    assert (copy.channel, copy.recipient, copy.body, copy.status) == (
        Channel.SMS, message.recipient, message.body, MessageStatus.QUEUED)
    provider.reply(200, json={"success": True, "errorCode": "ER-00", "data": {"MessageID": 77, "Status": "Sent"}})
    assert sending.deliver(copy.pk) == MessageStatus.SENT
    assert provider.last.form["Body"] == message.body


@pytest.mark.django_db
def test_a_one_time_code_reported_undelivered_on_whatsapp_is_not_copied_without_its_digits(officer, provider, hooks):
    beneficiary = make_beneficiary(by=officer)
    message = outbox.queue("portal_code", to=beneficiary.as_recipient(), context={"association": "عون", "code": "482913"},
                           event_key=f"test-hook:{next(_events)}", channel=Channel.WHATSAPP)
    provider.reply(200, json={"messaging_product": "whatsapp", "messages": [{"id": "wamid.code-1"}]})
    assert sending.deliver(message.pk) == MessageStatus.SENT
    message.refresh_from_db()
    failed = status(message, "failed", errors=[{"code": 131026, "title": "Message undeliverable"}])

    assert signed_post(hooks, whatsapp_report(failed)).status_code == 200

    # Its digits were hidden when it left: an SMS of «••••••» would help no one (they ask for a new code).
    assert state(message)[0] == MessageStatus.FAILED
    assert not Message.objects.filter(fallback_of=message).exists()


@pytest.mark.django_db
def test_a_whatsapp_report_with_a_wrong_or_missing_signature_is_refused(officer, provider, hooks):
    message = sent_message(officer, provider, channel=Channel.WHATSAPP, reference="wamid.unsigned")
    report = whatsapp_report(status(message, "failed"))

    assert signed_post(hooks, report, secret="not-the-app-secret").status_code == 403
    unsigned = hooks.post(reverse("notifications:whatsapp_hook"), json.dumps(report), content_type="application/json")
    assert unsigned.status_code == 403
    # Signed, then changed on the way: the signature no longer matches the body.
    body = json.dumps(report).encode()
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    tampered = hooks.post(reverse("notifications:whatsapp_hook"), body.replace(b"failed", b"read!!"),
                          content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature)
    assert tampered.status_code == 403
    assert state(message) == (MessageStatus.SENT, "")


@pytest.mark.django_db
def test_without_an_app_secret_every_whatsapp_report_is_refused(hooks, settings):
    settings.WHATSAPP_APP_SECRET = ""
    assert signed_post(hooks, whatsapp_report(), secret="").status_code == 403


@pytest.mark.django_db
def test_a_whatsapp_report_about_an_unknown_message_is_accepted_and_changes_nothing(officer, provider, hooks):
    message = sent_message(officer, provider, channel=Channel.WHATSAPP, reference="wamid.known")
    other = {**status(message, "failed"), "id": "wamid.someone-else"}

    assert signed_post(hooks, whatsapp_report(other)).status_code == 200
    assert state(message) == (MessageStatus.SENT, "")


@pytest.mark.django_db
@pytest.mark.parametrize("raw", [
    b"{not json", b"[]", b'"x"', b'{"entry": {}}', b'{"entry": [1]}', b'{"entry": [{"changes": "x"}]}',
    b'{"entry": [{"changes": [{"value": []}]}]}', b'{"entry": [{"changes": [{"value": {"statuses": [5]}}]}]}',
    b"\xff\xfe\xfd",
])
def test_a_signed_body_that_is_not_a_report_is_answered_400(hooks, raw):
    assert signed_post(hooks, None, raw=raw).status_code == 400


@pytest.mark.django_db
def test_odd_but_signed_statuses_are_answered_200_and_change_nothing(officer, provider, hooks):
    message = sent_message(officer, provider, channel=Channel.WHATSAPP, reference="wamid.odd")
    odd = [
        {"id": 5, "status": "delivered"},
        {"status": "delivered"},
        {**status(message, "failed"), "errors": "not a list"},
        {**status(message, "delivered"), "timestamp": "9" * 30},
    ]
    assert signed_post(hooks, whatsapp_report(*odd[:3])).status_code == 200
    assert state(message)[0] == MessageStatus.FAILED  # the third: failed, its odd errors ignored
    assert signed_post(hooks, whatsapp_report(odd[3])).status_code == 200
    assert state(message)[0] == MessageStatus.FAILED


@pytest.mark.django_db
def test_the_whatsapp_hook_takes_get_and_post_only(hooks):
    assert hooks.put(reverse("notifications:whatsapp_hook")).status_code == 405


# Any JSON at all, signed: the WhatsApp hook answers 200, 400 or nothing worse (test_no_server_errors cannot sign).
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["entry", "changes", "value", "statuses", "id", "status", "errors", "timestamp", "code",
                         "error_data", "details", "title", "x"]), inner, max_size=4),
    max_leaves=20,
)


@pytest.mark.django_db
def test_no_signed_body_gives_the_whatsapp_hook_a_server_error():
    client = Client(raise_request_exception=False)

    @hypothesis_settings(max_examples=60, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(st.one_of(_json_values.map(lambda value: json.dumps(value).encode()), st.binary(max_size=200)))
    def posting(raw):
        response = signed_post(client, None, raw=raw)
        assert response.status_code in (200, 400), (raw, response.status_code)

    posting()
