"""SMS through Msegat's gateway.

Documentation relied on (read 2026-11-30):

* https://msegat.docs.apiary.io and the current «MSEGAT Communication Platform API» collection
  (https://documenter.gw.postman.com/view/metadata/2sBXwqqqD2): HTTPS POST with the parameters in the
  body; authentication in the body as `userName` and `apiKey`; sending is `POST {base}/gw/sendsms.php`
  with `userName`, `apiKey`, `numbers` (international, no + or 00; several separated by commas),
  `userSender` (the activated sender name), `msg` and `msgEncoding` (`UTF8`, the default, or
  `windows-1256`). This transport sends the body as JSON, as Msegat's examples and the issue do.
* The answer is `{"code": …, "message": …}` with HTTP 200 whatever the outcome; the error codes:
  `1` / `M0000` success; `1010` / `M0001` variables missing; `1020` / `M0002` invalid login;
  `1050` empty text; `1060` balance not enough; `1061` message duplicated; `1064` free-OTP account
  sending other content; `1110` sender name missing or incorrect; `1120` mobile numbers not correct
  (or international messaging off); `1140` text too long; `M0029` invalid sender name.

Idempotent: no. Msegat takes no client reference. It does refuse a duplicated message (1061),
which this transport reports as sent — a retry after an ambiguous timeout is then not sent twice —
but that is a content check of unknown duration, not an idempotency key, so a message interrupted
mid-send is left for a person to review.
"""

from django.conf import settings

from . import http
from .base import PermanentError, TemporaryError, Transport

PATH = "/gw/sendsms.php"
SUCCESS = {"1", "M0000"}
DUPLICATE = {"1061"}
BAD_CREDENTIALS = "Msegat refused the credentials (check MSEGAT_USERNAME and MSEGAT_API_KEY)"
BAD_SENDER = "Msegat refused the sender name (missing, incorrect or not activated)"
PERMANENT = {
    "1010": "Msegat refused the request: a required field is missing",
    "M0001": "Msegat refused the request: a required field is missing",
    "1020": BAD_CREDENTIALS,
    "M0002": BAD_CREDENTIALS,
    "1050": "Msegat refused the message: the text is empty",
    "1064": BAD_SENDER,
    "1110": BAD_SENDER,
    "M0029": BAD_SENDER,
    "1120": "Msegat refused the recipient's number (not correct, or international messaging is off)",
    "1140": "Msegat refused the message: the text is too long",
}
# The account's balance can be topped up: worth trying again later.
TEMPORARY = {"1060": "Msegat: the account's balance is not enough"}


class MsegatTransport(Transport):
    name = "msegat"
    idempotent = False

    def send(self, message):
        username, api_key = settings.MSEGAT_USERNAME, settings.MSEGAT_API_KEY
        if not username or not api_key:
            raise PermanentError("Msegat is chosen but MSEGAT_USERNAME or MSEGAT_API_KEY is not set")
        if not settings.SMS_SENDER_NAME:
            raise PermanentError("Msegat needs the activated sender name: SMS_SENDER_NAME is not set")
        number = http.msisdn(message.recipient)
        payload = {
            "userName": username,
            "apiKey": api_key,
            "numbers": number,
            "userSender": settings.SMS_SENDER_NAME,
            "msg": message.body,
            "msgEncoding": "UTF8",
        }
        answer = http.post(
            "Msegat",
            settings.MSEGAT_BASE_URL.rstrip("/") + PATH,
            http.json_body(payload),
            {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"},
        )
        return self._read(answer, api_key, username, number)

    def _read(self, answer, api_key, username, number):
        if http.is_temporary_status(answer.status):
            raise TemporaryError(f"Msegat answered HTTP {answer.status}")
        if answer.status in (401, 403):
            raise PermanentError(f"{BAD_CREDENTIALS} (HTTP {answer.status})")
        payload = answer.json()
        if isinstance(payload, dict):
            code = str(payload.get("code", "")).strip()
            detail = str(payload.get("message") or "")
        else:  # older gateways answer the bare code as text
            code, detail = answer.text(20), ""
        detail = http.scrub(detail, api_key, username, number)[:120]
        if code in SUCCESS:
            return str(payload.get("id") or "") if isinstance(payload, dict) else ""
        if code in DUPLICATE:
            return ""  # an earlier attempt went out: Msegat refused the repeat
        if code in TEMPORARY:
            raise TemporaryError(TEMPORARY[code])
        if code in PERMANENT:
            raise PermanentError(f"{PERMANENT[code]} ({code})")
        if answer.status >= 400:
            raise PermanentError(f"Msegat refused the message (HTTP {answer.status}: {detail or code})")
        raise PermanentError(f"Msegat refused the message (code {code or 'none'}: {detail})")
