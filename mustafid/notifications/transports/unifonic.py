"""SMS through Unifonic's REST API.

Documentation relied on (read 2026-11-30):

* https://docs.unifonic.com/docs/sending-your-first-sms-via-unifonic-api — `POST {base}/rest/SMS/messages`,
  form-encoded (`Content-Type: application/x-www-form-urlencoded`, `Accept: application/json`) with
  `AppSid` (the application's credential), `SenderID` (the registered sender name), `Recipient`
  («international format without 00 or +», e.g. 966507679351), `Body` (Arabic supported),
  `responseType=JSON`, `CorrelationID` («unique identifier value that is attached to requests and
  messages») and, for KSA traffic, `MessageType` (3 services, 6 awareness; 1 government warnings and
  5 promotional are not ours).
* https://docs.unifonic.com/reference/sms-api — the answer: `{"success": true, "errorCode": "ER-00",
  "data": {"MessageID": …, "CorrelationID": …, "Status": "Sent", …}}`, or `{"success": false,
  "message": "Dest num is too short", "errorCode": "ER-04", "data": {}}`.
* https://docs.unifonic.com/reference/http-status-codes — 401 authentication failed, 402 missing
  AppSid, 403 invalid IP address, 409 «this message is duplicate», 410 invalid recipient format,
  429 too many requests, 440 wrong sender format, 456 wrong correlationId format, 480 «this user
  cannot use specified SenderID», 481 country does not exist, 482 invalid destination number,
  483 operator not found, 599 request failed.
* https://docs.unifonic.com/docs/understanding-reasons-of-sms-non-delivery — ER-01 no rate or
  insufficient funds, ER-02/03/04 invalid destination number, ER-05 no route, ER-06 empty body,
  ER-07 filtered, ER-08 invalid SenderID, ER-09 duplicated message (same content, same recipient,
  recently).

Idempotent: yes, as the outbox counts it. Every send carries a `CorrelationID` derived from the
message's idempotency key (the same on every resend: 32 hexadecimal characters of its SHA-256), and
Unifonic refuses a recent message with the same content to the same recipient (409 / ER-09), which
this transport reports as sent — the earlier attempt went out. The documentation does not say in so
many words that a repeated CorrelationID alone is refused; it is what lets a resend be matched in
Unifonic's reports and delivery callbacks.
"""

import hashlib

from django.conf import settings

from ..models import Purpose
from . import http
from .base import PermanentError, TemporaryError, Transport

PATH = "/rest/SMS/messages"
# MessageType, KSA traffic only: awareness messages are classed as such, everything else is a service message.
AWARENESS, SERVICES = "6", "3"

BAD_NUMBER = "Unifonic refused the recipient's number (not a valid mobile number)"
BAD_SENDER = "Unifonic refused the sender name (not registered for this account, or terminated)"
BAD_CREDENTIALS = "Unifonic refused the credentials (check UNIFONIC_APP_SID and the allowed IP addresses)"
# HTTP statuses of the REST API (reference/http-status-codes).
STATUS_REASONS = {
    401: BAD_CREDENTIALS,
    402: BAD_CREDENTIALS,
    403: BAD_CREDENTIALS,
    410: BAD_NUMBER,
    440: BAD_SENDER,
    456: "Unifonic refused the CorrelationID's format",
    480: BAD_SENDER,
    481: BAD_NUMBER,
    482: BAD_NUMBER,
    483: BAD_NUMBER,
    412: "Unifonic refused the message: the text is too long",
    421: "Unifonic refused the message: the text is empty",
    449: "Unifonic refused the message: the text is empty",
}
# errorCode values of a failed answer (understanding-reasons-of-sms-non-delivery).
ERROR_REASONS = {
    "ER-02": BAD_NUMBER,
    "ER-03": BAD_NUMBER,
    "ER-04": BAD_NUMBER,
    "ER-05": "Unifonic found no route to the number (unknown, inactive or a landline)",
    "ER-06": "Unifonic refused the message: the text is empty or unreadable",
    "ER-07": "Unifonic or the operator filtered the message's content",
    "ER-08": BAD_SENDER,
}
# Worth trying again later: the account's balance can be topped up.
TEMPORARY_ERRORS = {"ER-01": "Unifonic: the account's balance is too low or the country package is missing"}
DUPLICATE_ERRORS = {"ER-09"}


def correlation_id(message):
    """Stable for a message across resends, within any length limit, letters and digits only."""
    return hashlib.sha256(message.idempotency_key.encode("utf-8")).hexdigest()[:32]


class UnifonicTransport(Transport):
    name = "unifonic"
    idempotent = True

    def send(self, message):
        app_sid = settings.UNIFONIC_APP_SID
        if not app_sid:
            raise PermanentError("Unifonic is chosen but UNIFONIC_APP_SID is not set")
        reference = correlation_id(message)
        number = http.msisdn(message.recipient)
        fields = {
            "AppSid": app_sid,
            "Recipient": number,
            "Body": message.body,
            "responseType": "JSON",
            "CorrelationID": reference,
            "MessageType": AWARENESS if message.purpose == Purpose.AWARENESS else SERVICES,
        }
        if settings.SMS_SENDER_NAME:
            fields["SenderID"] = settings.SMS_SENDER_NAME
        answer = http.post(
            "Unifonic",
            settings.UNIFONIC_BASE_URL.rstrip("/") + PATH,
            http.form_body(fields),
            {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": "application/json"},
        )
        return self._read(answer, reference, app_sid, number)

    def _read(self, answer, reference, app_sid, number):
        payload = answer.json()
        payload = payload if isinstance(payload, dict) else {}
        code = str(payload.get("errorCode") or "")
        detail = http.scrub(str(payload.get("message") or answer.text(120)), app_sid, number)
        if answer.status == 409 or code in DUPLICATE_ERRORS:
            return reference  # already sent by an earlier attempt: Unifonic refused the repeat
        if http.is_temporary_status(answer.status):
            raise TemporaryError(f"Unifonic answered HTTP {answer.status}")
        if answer.status < 400 and _is_true(payload.get("success")):
            data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
            status = str(data.get("Status") or "")
            if status.lower() in {"rejected", "failed"}:
                raise PermanentError(f"Unifonic {status.lower()} the message ({code or 'no code'})")
            return str(data.get("MessageID") or reference)
        if code in TEMPORARY_ERRORS:
            raise TemporaryError(TEMPORARY_ERRORS[code])
        if code in ERROR_REASONS:
            raise PermanentError(f"{ERROR_REASONS[code]} ({code})")
        if answer.status in STATUS_REASONS:
            raise PermanentError(f"{STATUS_REASONS[answer.status]} (HTTP {answer.status})")
        if answer.status >= 400:
            raise PermanentError(f"Unifonic refused the message (HTTP {answer.status}: {detail})")
        if not payload:
            raise TemporaryError(f"Unifonic answered HTTP {answer.status} without a readable result")
        raise PermanentError(f"Unifonic refused the message ({code or 'no code'}: {detail})")


def _is_true(value):
    # The single-message example answers true; the bulk one "true".
    return value is True or str(value).lower() == "true"
