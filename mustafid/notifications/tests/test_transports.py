"""Each provider's transport against a real local server: what it sends, and how it reads the answer.

The servers (tests/fakes.py) record the raw requests; the assertions are what the provider's
documentation asks for (URL, method, authentication, field names, the number as 9665… without +,
the sender name, the Arabic text intact as UTF-8), and how each refusal or failure is classed:
permanent (sending again cannot help) or temporary (the worker retries).
"""

import re
import socket
import urllib.parse

import pytest

from mustafid.notifications import transports
from mustafid.notifications.models import Channel, Message, Purpose
from mustafid.notifications.transports import MaybeSent, NotOnWhatsApp, PermanentError, TemporaryError
from mustafid.notifications.transports.msegat import MsegatTransport
from mustafid.notifications.transports.smtp import SmtpTransport
from mustafid.notifications.transports.taqnyat import TaqnyatTransport
from mustafid.notifications.transports.unifonic import UnifonicTransport
from mustafid.notifications.transports.whatsapp import WhatsAppTransport

from .fakes import free_port, refused_url

ARABIC = "تم استلام طلبكم رقم 1024، والموعد المتوقع للقرار 15 جمادى الآخرة 1448هـ (2026-12-06).\nجمعية عون"
MOBILE = "+966512345678"
MSISDN = "966512345678"
APP_SID = "unifonic-app-sid-0123456789"
TOKEN = "taqnyat-bearer-token-abcdef"
MSEGAT_KEY = "msegat-api-key-fedcba"
WA_TOKEN = "EAAG-whatsapp-token-987"


def a_message(**fields):
    values = {
        "idempotency_key": "case-event:41/beneficiary:7",
        "channel": Channel.SMS,
        "recipient": MOBILE,
        "language": "ar",
        "template": "request_received",
        "context": {"reference": "1024", "due_hijri": "15 جمادى الآخرة 1448هـ"},
        "body": ARABIC,
    }
    values.update(fields)
    return Message(**values)


def utf8_form(text):
    """How `text` appears in a form-encoded UTF-8 body."""
    return urllib.parse.quote_plus(text, encoding="utf-8").encode("ascii")


def refuses(transport, message, error_class):
    with pytest.raises(error_class) as caught:
        transport.send(message)
    return str(caught.value)


@pytest.fixture
def quick_timeout(settings):
    settings.MESSAGE_SEND_TIMEOUT = 0.5


# --- Unifonic ------------------------------------------------------------------------------------------


@pytest.fixture
def unifonic(settings, fake_http):
    settings.MESSAGE_TRANSPORTS = {**settings.MESSAGE_TRANSPORTS, "sms": "unifonic"}
    settings.UNIFONIC_BASE_URL = fake_http.url
    settings.UNIFONIC_APP_SID = APP_SID
    settings.SMS_SENDER_NAME = "Aoun"
    return transports.for_channel(Channel.SMS)


def unifonic_sent(message_id=42000348806924, correlation="x"):
    return {
        "success": True, "message": "", "errorCode": "ER-00",
        "data": {"MessageID": message_id, "CorrelationID": correlation, "Status": "Sent", "Recipient": MSISDN},
    }


def test_unifonic_is_chosen_by_settings_and_counts_as_idempotent(unifonic):
    assert isinstance(unifonic, UnifonicTransport)
    assert unifonic.idempotent is True


def test_unifonic_posts_the_documented_form_and_returns_the_message_id(unifonic, fake_http):
    fake_http.reply(200, json=unifonic_sent())

    assert unifonic.send(a_message()) == "42000348806924"

    request = fake_http.last
    assert (request.method, request.path) == ("POST", "/rest/SMS/messages")
    assert request.headers["content-type"].startswith("application/x-www-form-urlencoded")
    form = request.form
    assert form["AppSid"] == APP_SID
    assert form["SenderID"] == "Aoun"
    assert form["Recipient"] == MSISDN
    assert form["Body"] == ARABIC
    assert form["responseType"] == "JSON"
    assert form["MessageType"] == "3"  # a service message (KSA classification)
    assert utf8_form("جمادى الآخرة") in request.body  # the Arabic travels as UTF-8


def test_unifonic_sends_the_same_short_correlation_id_on_a_resend_and_another_for_another_message(unifonic, fake_http):
    for _ in range(3):
        fake_http.reply(200, json=unifonic_sent())
    unifonic.send(a_message())
    unifonic.send(a_message())
    unifonic.send(a_message(idempotency_key="case-event:42/beneficiary:7"))

    first, resend, other = (request.form["CorrelationID"] for request in fake_http.requests)
    assert first == resend != other
    assert re.fullmatch(r"[0-9a-f]{32}", first)


def test_unifonic_classes_awareness_messages_as_such(unifonic, fake_http):
    fake_http.reply(200, json=unifonic_sent())
    unifonic.send(a_message(purpose=Purpose.AWARENESS))
    assert fake_http.last.form["MessageType"] == "6"


def test_unifonic_refused_credentials_are_permanent_and_the_reason_holds_no_credential(unifonic, fake_http):
    fake_http.reply(401, json={"success": False, "message": f"Authentication failed for {APP_SID}", "errorCode": "401"})
    reason = refuses(unifonic, a_message(), PermanentError)
    assert "credentials" in reason
    assert APP_SID not in reason and ARABIC not in reason


@pytest.mark.parametrize(
    "status, answer",
    [
        (200, {"success": False, "message": "Dest num is too short", "errorCode": "ER-04", "data": {}}),
        (400, {"success": False, "message": "Invalid dest num", "errorCode": "ER-02", "data": {}}),
        (410, {"success": False, "message": "Invalid recipient format"}),
        (482, {"success": False, "message": "Invalid dest num"}),
    ],
)
def test_unifonic_bad_number_is_permanent(unifonic, fake_http, status, answer):
    fake_http.reply(status, json=answer)
    assert "number" in refuses(unifonic, a_message(), PermanentError)


@pytest.mark.parametrize("status, code", [(480, ""), (200, "ER-08")])
def test_unifonic_rejected_sender_is_permanent(unifonic, fake_http, status, code):
    fake_http.reply(status, json={"success": False, "message": "This user cannot use specified SenderID", "errorCode": code})
    assert "sender name" in refuses(unifonic, a_message(), PermanentError)


def test_unifonic_duplicate_of_an_earlier_attempt_counts_as_sent(unifonic, fake_http):
    from mustafid.notifications.transports.unifonic import correlation_id

    fake_http.reply(409, json={"success": False, "message": "This message is duplicate", "errorCode": "409"})
    assert unifonic.send(a_message()) == correlation_id(a_message())


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_unifonic_server_trouble_is_temporary(unifonic, fake_http, status):
    fake_http.reply(status, body="<html>Service Unavailable</html>", content_type="text/html")
    assert str(status) in refuses(unifonic, a_message(), TemporaryError)


def test_unifonic_low_balance_is_temporary(unifonic, fake_http):
    fake_http.reply(200, json={"success": False, "message": "No rate found", "errorCode": "ER-01", "data": {}})
    assert "balance" in refuses(unifonic, a_message(), TemporaryError)


def test_unifonic_timeout_is_temporary_and_may_have_been_sent(unifonic, fake_http, quick_timeout):
    fake_http.reply(200, json=unifonic_sent(), delay=3)
    assert "no answer within" in refuses(unifonic, a_message(), MaybeSent)


def test_unifonic_refused_connection_is_temporary(unifonic, settings):
    settings.UNIFONIC_BASE_URL = refused_url()
    assert "connection refused" in refuses(unifonic, a_message(), TemporaryError)


def test_unifonic_without_its_app_sid_refuses_before_sending(unifonic, settings, fake_http):
    settings.UNIFONIC_APP_SID = ""
    assert "UNIFONIC_APP_SID" in refuses(unifonic, a_message(), PermanentError)
    assert fake_http.requests == []


def test_a_recipient_that_is_not_an_international_mobile_is_refused_before_sending(unifonic, fake_http):
    refuses(unifonic, a_message(recipient="not a number"), PermanentError)
    assert fake_http.requests == []


# --- Taqnyat -------------------------------------------------------------------------------------------


@pytest.fixture
def taqnyat(settings, fake_http):
    settings.MESSAGE_TRANSPORTS = {**settings.MESSAGE_TRANSPORTS, "sms": "taqnyat"}
    settings.TAQNYAT_BASE_URL = fake_http.url
    settings.TAQNYAT_TOKEN = TOKEN
    settings.SMS_SENDER_NAME = "Aoun"
    return transports.for_channel(Channel.SMS)


TAQNYAT_SENT = {
    "statusCode": 201, "messageId": 5452899970, "cost": "0.0800", "currency": "SAR", "totalCount": 1,
    "msgLength": 2, "accepted": f"[{MSISDN},]", "rejected": "[]",
}


def test_taqnyat_is_chosen_by_settings_and_is_not_idempotent(taqnyat):
    assert isinstance(taqnyat, TaqnyatTransport)
    assert taqnyat.idempotent is False


def test_taqnyat_posts_json_with_the_bearer_token_and_returns_the_message_id(taqnyat, fake_http):
    fake_http.reply(201, json=TAQNYAT_SENT)

    assert taqnyat.send(a_message()) == "5452899970"

    request = fake_http.last
    assert (request.method, request.path) == ("POST", "/v1/messages")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"].startswith("application/json")
    assert request.json == {"recipients": [MSISDN], "body": ARABIC, "sender": "Aoun"}
    assert "جمادى الآخرة".encode() in request.body  # UTF-8, not \u escapes


def test_taqnyat_refused_token_is_permanent_and_the_reason_holds_no_token(taqnyat, fake_http):
    fake_http.reply(401, json={"statusCode": 401, "message": f"Invalid Bearer Tokens {TOKEN}"})
    reason = refuses(taqnyat, a_message(), PermanentError)
    assert "credentials" in reason and TOKEN not in reason


def test_taqnyat_bad_number_is_permanent(taqnyat, fake_http):
    fake_http.reply(400, json={"statusCode": 400, "message": "recipients is not valid"})
    assert "HTTP 400" in refuses(taqnyat, a_message(), PermanentError)


def test_taqnyat_number_listed_as_rejected_is_permanent(taqnyat, fake_http):
    fake_http.reply(201, json={**TAQNYAT_SENT, "accepted": "[]", "rejected": f"[{MSISDN},]"})
    assert "number" in refuses(taqnyat, a_message(), PermanentError)


def test_taqnyat_server_error_timeout_and_refused_connection_are_temporary(taqnyat, fake_http, settings, quick_timeout):
    fake_http.reply(500, json={"statusCode": 500, "message": "Internal Server Error"})
    refuses(taqnyat, a_message(), TemporaryError)

    fake_http.reply(201, json=TAQNYAT_SENT, delay=3)
    refuses(taqnyat, a_message(), TemporaryError)

    settings.TAQNYAT_BASE_URL = refused_url()
    refuses(taqnyat, a_message(), TemporaryError)


# --- Msegat --------------------------------------------------------------------------------------------


@pytest.fixture
def msegat(settings, fake_http):
    settings.MESSAGE_TRANSPORTS = {**settings.MESSAGE_TRANSPORTS, "sms": "msegat"}
    settings.MSEGAT_BASE_URL = fake_http.url
    settings.MSEGAT_USERNAME = "aoun"
    settings.MSEGAT_API_KEY = MSEGAT_KEY
    settings.SMS_SENDER_NAME = "Aoun"
    return transports.for_channel(Channel.SMS)


def test_msegat_is_chosen_by_settings_and_is_not_idempotent(msegat):
    assert isinstance(msegat, MsegatTransport)
    assert msegat.idempotent is False


def test_msegat_posts_the_documented_json_and_takes_code_1_as_sent(msegat, fake_http):
    fake_http.reply(200, json={"code": "1", "message": "Success"})

    msegat.send(a_message())

    request = fake_http.last
    assert (request.method, request.path) == ("POST", "/gw/sendsms.php")
    assert request.headers["content-type"].startswith("application/json")
    assert request.json == {
        "userName": "aoun", "apiKey": MSEGAT_KEY, "numbers": MSISDN, "userSender": "Aoun", "msg": ARABIC,
        "msgEncoding": "UTF8",
    }
    assert "جمادى الآخرة".encode() in request.body


def test_msegat_m0000_is_success_too(msegat, fake_http):
    fake_http.reply(200, json={"code": "M0000", "message": "Success", "id": 981})
    assert msegat.send(a_message()) == "981"


@pytest.mark.parametrize(
    "code, words",
    [("1020", "credentials"), ("M0002", "credentials"), ("1120", "number"), ("1110", "sender name"), ("1050", "empty")],
)
def test_msegat_refusals_are_permanent(msegat, fake_http, code, words):
    fake_http.reply(200, json={"code": code, "message": f"refused ({MSEGAT_KEY})"})
    reason = refuses(msegat, a_message(), PermanentError)
    assert words in reason and code in reason
    assert MSEGAT_KEY not in reason


def test_msegat_http_401_is_permanent(msegat, fake_http):
    fake_http.reply(401, body="Unauthorized", content_type="text/plain")
    assert "credentials" in refuses(msegat, a_message(), PermanentError)


def test_msegat_duplicate_of_an_earlier_attempt_counts_as_sent(msegat, fake_http):
    fake_http.reply(200, json={"code": "1061", "message": "MSG duplicated"})
    assert msegat.send(a_message()) == ""


def test_msegat_low_balance_server_error_timeout_and_refused_connection_are_temporary(msegat, fake_http, settings, quick_timeout):
    fake_http.reply(200, json={"code": "1060", "message": "Balance is not enough"})
    assert "balance" in refuses(msegat, a_message(), TemporaryError)

    fake_http.reply(500, body="", content_type="text/html")
    refuses(msegat, a_message(), TemporaryError)

    fake_http.reply(200, json={"code": "1"}, delay=3)
    refuses(msegat, a_message(), TemporaryError)

    settings.MSEGAT_BASE_URL = refused_url()
    refuses(msegat, a_message(), TemporaryError)


# --- WhatsApp Cloud API --------------------------------------------------------------------------------


@pytest.fixture
def whatsapp(settings, fake_http):
    settings.MESSAGE_TRANSPORTS = {**settings.MESSAGE_TRANSPORTS, "whatsapp": "whatsapp"}
    settings.WHATSAPP_BASE_URL = f"{fake_http.url}/v21.0"
    settings.WHATSAPP_TOKEN = WA_TOKEN
    settings.WHATSAPP_PHONE_NUMBER_ID = "106540352242922"
    return transports.for_channel(Channel.WHATSAPP)


WA_SENT = {
    "messaging_product": "whatsapp",
    "contacts": [{"input": MSISDN, "wa_id": MSISDN}],
    "messages": [{"id": "wamid.HBgMOTY2NTEyMzQ1Njc4FQIAERgSQzM0"}],
}


def wa_error(code, message):
    return {"error": {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbC"}}


def test_whatsapp_is_chosen_by_settings_and_is_not_idempotent(whatsapp):
    assert isinstance(whatsapp, WhatsAppTransport)
    assert whatsapp.idempotent is False


def test_whatsapp_sends_the_approved_template_in_arabic_with_the_context_as_body_parameters(whatsapp, fake_http):
    fake_http.reply(200, json=WA_SENT)

    assert whatsapp.send(a_message(channel=Channel.WHATSAPP)) == "wamid.HBgMOTY2NTEyMzQ1Njc4FQIAERgSQzM0"

    request = fake_http.last
    assert (request.method, request.path) == ("POST", "/v21.0/106540352242922/messages")
    assert request.headers["authorization"] == f"Bearer {WA_TOKEN}"
    assert request.json == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": MSISDN,
        "type": "template",
        "template": {
            "name": "request_received",
            "language": {"policy": "deterministic", "code": "ar"},
            # The context's values sorted by key: due_hijri, then reference.
            "components": [
                {"type": "body", "parameters": [
                    {"type": "text", "text": "15 جمادى الآخرة 1448هـ"}, {"type": "text", "text": "1024"},
                ]},
            ],
        },
        "biz_opaque_callback_data": "case-event:41/beneficiary:7",
    }
    assert "جمادى الآخرة".encode() in request.body


def test_whatsapp_follows_an_explicit_parameter_order_and_folds_line_breaks(whatsapp, fake_http):
    fake_http.reply(200, json=WA_SENT)
    context = {"_params": ["1024", "هوية وطنية\nمنتهية   الصلاحية", ""], "zzz": "ignored"}

    whatsapp.send(a_message(channel=Channel.WHATSAPP, language="en", context=context))

    template = fake_http.last.json["template"]
    assert template["language"]["code"] == "en"
    texts = [parameter["text"] for parameter in template["components"][0]["parameters"]]
    assert texts == ["1024", "هوية وطنية منتهية الصلاحية", "-"]


def test_whatsapp_template_without_variables_has_no_components(whatsapp, fake_http):
    fake_http.reply(200, json=WA_SENT)
    whatsapp.send(a_message(channel=Channel.WHATSAPP, context={}))
    assert "components" not in fake_http.last.json["template"]


@pytest.mark.parametrize(
    "code, status, words",
    [
        (131026, 400, "not on WhatsApp"),
        (132001, 404, "not approved"),
        (132000, 400, "parameters"),
        (132015, 400, "paused"),
    ],
)
def test_whatsapp_number_without_whatsapp_or_unusable_template_asks_for_sms(whatsapp, fake_http, code, status, words):
    fake_http.reply(status, json=wa_error(code, f"(#{code}) Message Undeliverable."))
    reason = refuses(whatsapp, a_message(channel=Channel.WHATSAPP), NotOnWhatsApp)
    assert words in reason and str(code) in reason


def test_whatsapp_refused_token_is_permanent_not_a_reason_for_sms(whatsapp, fake_http):
    fake_http.reply(401, json=wa_error(190, f"Error validating access token {WA_TOKEN}"))
    with pytest.raises(PermanentError) as caught:
        whatsapp.send(a_message(channel=Channel.WHATSAPP))
    assert not isinstance(caught.value, NotOnWhatsApp)
    assert "token" in str(caught.value) and WA_TOKEN not in str(caught.value)


def test_whatsapp_invalid_parameter_is_permanent(whatsapp, fake_http):
    fake_http.reply(400, json=wa_error(100, "(#100) Invalid parameter"))
    assert "code 100" in refuses(whatsapp, a_message(channel=Channel.WHATSAPP), PermanentError)


@pytest.mark.parametrize("code, status", [(131000, 500), (130429, 429), (None, 503)])
def test_whatsapp_service_trouble_and_rate_limits_are_temporary(whatsapp, fake_http, code, status):
    if code is None:
        fake_http.reply(status, body="upstream unavailable", content_type="text/plain")
    else:
        fake_http.reply(status, json=wa_error(code, "(#%s) try again later" % code))
    refuses(whatsapp, a_message(channel=Channel.WHATSAPP), TemporaryError)


def test_whatsapp_timeout_and_refused_connection_are_temporary(whatsapp, fake_http, settings, quick_timeout):
    fake_http.reply(200, json=WA_SENT, delay=3)
    refuses(whatsapp, a_message(channel=Channel.WHATSAPP), TemporaryError)

    settings.WHATSAPP_BASE_URL = refused_url() + "/v21.0"
    refuses(whatsapp, a_message(channel=Channel.WHATSAPP), TemporaryError)


# --- SMTP ----------------------------------------------------------------------------------------------


@pytest.fixture
def smtp(settings):
    settings.MESSAGE_TRANSPORTS = {**settings.MESSAGE_TRANSPORTS, "email": "smtp"}
    return transports.for_channel(Channel.EMAIL)


def an_email(**fields):
    values = {
        "channel": Channel.EMAIL,
        "recipient": "fatimah@example.sa",
        "subject": "استلام طلبكم رقم 1024",
        "body": "السلام عليكم،\nتم استلام طلبكم رقم 1024.\n\nالمستندات: هوية <وطنية> & صك",
    }
    values.update(fields)
    return a_message(**values)


def test_smtp_is_chosen_by_settings_and_is_not_idempotent(smtp):
    assert isinstance(smtp, SmtpTransport)
    assert smtp.idempotent is False


def test_smtp_sends_arabic_subject_plain_text_and_right_to_left_html(smtp, fake_smtp):
    message_id = smtp.send(an_email())

    received = fake_smtp.last
    assert received.rcpt_tos == ["fatimah@example.sa"]
    assert received.mail_from == "no-reply@aoun.example.sa"
    email = received.message
    assert email["Subject"] == "استلام طلبكم رقم 1024"
    assert b"=?utf-8?" in received.raw  # the Arabic subject travels RFC 2047-encoded
    assert email["Message-ID"] == message_id
    assert email["From"] == "جمعية عون <no-reply@aoun.example.sa>"
    assert received.part("text/plain").strip() == an_email().body
    html = received.part("text/html")
    assert '<html lang="ar" dir="rtl">' in html
    assert "تم استلام طلبكم رقم 1024." in html
    assert "السلام عليكم،<br>" in html  # a line break kept
    assert html.count("<p>") == 2  # a blank line starts a paragraph
    assert "هوية &lt;وطنية&gt; &amp; صك" in html  # escaped
    assert "<وطنية>" not in html


def test_smtp_english_message_is_left_to_right(smtp, fake_smtp):
    smtp.send(an_email(language="en", subject="Request 1024 received", body="Your request 1024 was received."))
    assert '<html lang="en" dir="ltr">' in fake_smtp.last.part("text/html")


def test_smtp_resend_carries_the_same_message_id(smtp, fake_smtp):
    assert smtp.send(an_email()) == smtp.send(an_email())
    assert smtp.send(an_email(idempotency_key="case-event:42/beneficiary:7")) != smtp.send(an_email())


def test_smtp_logs_in_with_the_configured_credentials(smtp, fake_smtp_with_login):
    smtp.send(an_email())
    assert fake_smtp_with_login.logins == ["mustafid"]
    assert len(fake_smtp_with_login.messages) == 1


def test_smtp_refused_login_is_permanent_and_holds_no_password(smtp, fake_smtp_with_login, settings):
    settings.EMAIL_HOST_PASSWORD = "wrong-password"
    reason = refuses(smtp, an_email(), PermanentError)
    assert "credentials" in reason and "535" in reason and "wrong-password" not in reason
    assert fake_smtp_with_login.messages == []


def test_smtp_refused_recipient_is_permanent(smtp, fake_smtp):
    fake_smtp.refuse_recipients = "550 5.1.1 Mailbox unavailable"
    assert "recipient" in refuses(smtp, an_email(), PermanentError)


def test_smtp_deferred_recipient_is_temporary(smtp, fake_smtp):
    fake_smtp.refuse_recipients = "451 4.3.0 Try again later"
    assert "451" in refuses(smtp, an_email(), TemporaryError)


def test_smtp_refused_connection_is_temporary(smtp, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    assert "refused the connection" in refuses(smtp, an_email(), TemporaryError)


def test_smtp_server_that_never_answers_is_temporary(smtp, settings):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # the connection is accepted by the kernel; no greeting ever comes
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent.getsockname()[1]
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 0.5
        assert "did not answer" in refuses(smtp, an_email(), TemporaryError)
    finally:
        silent.close()


def test_whatsapp_sends_a_one_time_code_as_an_authentication_template_with_its_copy_code_button(whatsapp, fake_http):
    fake_http.reply(200, json=WA_SENT)
    message = a_message(channel=Channel.WHATSAPP, purpose=Purpose.CODE, template="portal_code",
                        context={"association": "عون", "code": "[محذوف]"},
                        body="رمز الدخول إلى خدمات عون: 482913، صالح لخمس دقائق. لا تشاركه مع أحد.")

    whatsapp.send(message)

    # The code from the text (never stored in the context), as the body's parameter and the button's.
    assert fake_http.last.json["template"] == {
        "name": "portal_code",
        "language": {"policy": "deterministic", "code": "ar"},
        "components": [
            {"type": "body", "parameters": [{"type": "text", "text": "482913"}]},
            {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "482913"}]},
        ],
    }


def test_whatsapp_refuses_a_code_message_whose_digits_are_already_hidden(whatsapp, fake_http):
    message = a_message(channel=Channel.WHATSAPP, purpose=Purpose.CODE, template="portal_code",
                        body="رمز الدخول إلى خدمات عون: ••••••، صالح لخمس دقائق.")
    with pytest.raises(PermanentError, match="without its code"):
        whatsapp.send(message)
    assert fake_http.requests == []
