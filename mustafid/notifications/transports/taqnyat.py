"""SMS through Taqnyat's REST API.

Documentation relied on (read 2026-11-30):

* https://dev.taqnyat.sa/en/doc/sms/ — base URL `https://api.taqnyat.sa/`; «a unique Bearer token
  generated from your account … submitted within the header Authorization»; the message text in
  UTF-8; «mobile numbers … must be in international format without 00 or symbol (+)»; «you must have
  an active sender name»; sending is `POST /v1/messages` with JSON `recipients` (a list), `body`,
  `sender` (and optionally `scheduledDatetime`, `deleteId`).
* The answer to a send, as the same page and Taqnyat's own client (github.com/taqnyat/python,
  `sendMsg`) show it: HTTP 201 with `{"statusCode": 201, "messageId": …, "cost": …, "accepted":
  "[966…,]", "rejected": "[]"}`; a refusal is an HTTP error status with a `message`.

The page lists no per-error codes for SMS (https://docs.taqnyat.sa/support/error-code-reference lists
e-mail's), so this transport reads HTTP statuses: 401/403 refused credentials, other 4xx a refused
request (bad number, inactive sender: the reason carries Taqnyat's words), 5xx/429 temporary.

Idempotent: no. Taqnyat's API takes no client reference and documents no duplicate check, so a
message interrupted mid-send is left for a person to review rather than sent twice.
"""

from django.conf import settings

from . import http
from .base import PermanentError, TemporaryError, Transport

PATH = "/v1/messages"


class TaqnyatTransport(Transport):
    name = "taqnyat"
    idempotent = False

    def send(self, message):
        token = settings.TAQNYAT_TOKEN
        if not token:
            raise PermanentError("Taqnyat is chosen but TAQNYAT_TOKEN is not set")
        if not settings.SMS_SENDER_NAME:
            raise PermanentError("Taqnyat needs the approved sender name: SMS_SENDER_NAME is not set")
        number = http.msisdn(message.recipient)
        payload = {"recipients": [number], "body": message.body, "sender": settings.SMS_SENDER_NAME}
        answer = http.post(
            "Taqnyat",
            settings.TAQNYAT_BASE_URL.rstrip("/") + PATH,
            http.json_body(payload),
            {
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
            },
        )
        return self._read(answer, number, token)

    def _read(self, answer, number, token):
        payload = answer.json()
        payload = payload if isinstance(payload, dict) else {}
        status = answer.status
        # Some answers carry the outcome in the body's statusCode with HTTP 200.
        if status < 400 and str(payload.get("statusCode", "")).isdigit():
            status = int(payload["statusCode"])
        detail = http.scrub(str(payload.get("message") or answer.text(120)), token, number)
        if http.is_temporary_status(status):
            raise TemporaryError(f"Taqnyat answered HTTP {status}")
        if status in (401, 403):
            raise PermanentError(f"Taqnyat refused the credentials (HTTP {status}; check TAQNYAT_TOKEN)")
        if status >= 400:
            raise PermanentError(f"Taqnyat refused the message (HTTP {status}: {detail})")
        if number not in str(payload.get("accepted", number)) or number in str(payload.get("rejected", "")):
            raise PermanentError("Taqnyat rejected the recipient's number")
        if "messageId" not in payload:
            raise TemporaryError(f"Taqnyat answered HTTP {answer.status} without a message id")
        return str(payload["messageId"])
