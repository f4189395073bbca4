"""WhatsApp template messages through Meta's WhatsApp Business Cloud API.

Documentation relied on (read 2026-11-30):

* The send request, as Meta's own SDK documents its objects
  (https://whatsapp.github.io/WhatsApp-Nodejs-SDK/api-reference/types/TemplateObject and
  …/types/language_object): `POST {graph}/{phone-number-id}/messages`, `Authorization: Bearer {token}`,
  JSON `{"messaging_product": "whatsapp", "recipient_type": "individual", "to": "9665…", "type":
  "template", "template": {"name": …, "language": {"policy": "deterministic", "code": …},
  "components": [{"type": "body", "parameters": [{"type": "text", "text": …}, …]}]}}`; the answer
  `{"messaging_product": "whatsapp", "contacts": [{"input": …, "wa_id": …}], "messages": [{"id":
  "wamid.…"}]}`.
* https://developers.facebook.com/docs/whatsapp/api/messages/message-templates (its table of
  languages, shared with the Cloud API): Arabic is `ar`, English `en` (also `en_US`, `en_GB`); the code
  must be the one the template was approved in.
* `biz_opaque_callback_data`: «an arbitrary string, useful for tracking … included in statuses object
  within webhook payloads. Cloud API does not process this field» (512 characters at most; Meta's reference as quoted by
  https://whatsappapijs.web.app/types/types.ClientMessageRequest.html). We put
  the idempotency key there so delivery reports name the message.
* https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes/ —
  errors come as `{"error": {"message", "type", "code", "error_data": {"details"}, "fbtrace_id"}}`:
  0 / 190 (token expired or invalid, HTTP 401) and 10 / 200–299 (permission, HTTP 403) are refused
  credentials; 131026 «message undeliverable» (not a WhatsApp number, terms not accepted, outdated
  client) and the template errors 132000 (parameter count differs), 132001 (template does not exist
  in that language / not approved), 132005 (translated text too long), 132007 (format policy),
  132012 (parameter format), 132015 (paused), 132016 (disabled) mean this message cannot go as
  WhatsApp — `NotOnWhatsApp`, so the worker sends it as SMS; 1, 2, 4, 80007, 130429, 131000, 131016,
  131048, 131056, 133004 (service trouble, rate limits) are temporary.

Idempotent: no. The Cloud API takes no idempotency key: `biz_opaque_callback_data` is only echoed in
webhooks, and a repeated request is a second message. A message interrupted mid-send waits for review.

A one-time code (purpose "code", the portal's sign-in) goes as an authentication template with a copy-code
button (https://developers.facebook.com/docs/whatsapp/business-management-api/authentication-templates/
copy-code-button-authentication-templates: «upon creation the button type will be set to URL»): the code is the
body's one parameter and the button's (`{"type": "button", "sub_type": "url", "index": "0"}`). It is never in the
stored context (outbox.py keeps it out): it is read from the message's text, where it waits until the message
has left (sending.py then hides its digits).

Body parameters, in order: `message.context["_params"]` when the message carries that list (the
template's {{1}}, {{2}} … in its own order), otherwise the context's values sorted by key (keys
beginning with "_" left out). Meta refuses a parameter holding a new line, a tab or more than four
spaces in a row («Param text cannot have new-line/tab characters or more than 4 consecutive spaces»,
e.g. github.com/netflie/whatsapp-cloud-api/issues/201), and an empty one: whitespace is folded to
single spaces and an empty value becomes "-".
"""

import re

from django.conf import settings

from ..models import Purpose
from . import http
from .base import NotOnWhatsApp, PermanentError, TemporaryError, Transport

# Our message languages → the Cloud API's template language codes.
LANGUAGE_CODES = {"ar": "ar", "en": "en"}
NOT_ON_WHATSAPP = {
    131026: "WhatsApp could not deliver to this number (not on WhatsApp, or an outdated app)",
    132000: "the WhatsApp template's parameters differ from the approved template",
    132001: "the WhatsApp template is not approved in this language (or does not exist)",
    132005: "the WhatsApp template's text is too long once filled",
    132007: "the WhatsApp template breaks the format policy",
    132012: "the WhatsApp template's parameters differ from the approved template",
    132015: "the WhatsApp template is paused",
    132016: "the WhatsApp template is disabled",
}
TEMPORARY = {1, 2, 4, 80007, 130429, 131000, 131016, 131048, 131056, 133004}
CREDENTIALS = {0, 10, 190}
PERMANENT = {
    131030: "the number is not on the test account's list of allowed recipients",
    131031: "the WhatsApp Business account is locked",
    131042: "the WhatsApp Business account has a payment problem",
    133010: "the business phone number is not registered with the Cloud API",
    368: "the WhatsApp Business account is restricted for a policy violation",
    130497: "the WhatsApp Business account may not message this country",
}
_spaces = re.compile(r"\s+")


# A one-time code in a message's text: the portal's codes are six ASCII digits (portal/actions.py `new_code`).
_code = re.compile(r"(?<![0-9])[0-9]{6}(?![0-9])")


def one_time_code(message):
    """The code a code message carries in its text while it waits to leave; PermanentError without one (its
    digits already hidden: a code is never sent twice)."""
    found = _code.findall(message.body or "")
    if len(found) != 1:
        raise PermanentError("a one-time code message without its code (already sent or hidden)")
    return found[0]


def components(message):
    """The template's components: the body's parameters, and for a one-time code its copy-code button."""
    if message.purpose == Purpose.CODE:
        code = [{"type": "text", "text": one_time_code(message)}]
        return [{"type": "body", "parameters": code},
                {"type": "button", "sub_type": "url", "index": "0", "parameters": code}]
    parameters = body_parameters(message)
    if not parameters:
        return []
    return [{"type": "body", "parameters": [{"type": "text", "text": p} for p in parameters]}]


def body_parameters(message):
    context = message.context or {}
    values = context.get("_params")
    if not isinstance(values, list):
        values = [value for key, value in sorted(context.items()) if not str(key).startswith("_")]
    return [_parameter(value) for value in values]


def _parameter(value):
    text = _spaces.sub(" ", "" if value is None else str(value)).strip()
    return text or "-"


class WhatsAppTransport(Transport):
    name = "whatsapp"
    idempotent = False

    def send(self, message):
        token, phone_number_id = settings.WHATSAPP_TOKEN, settings.WHATSAPP_PHONE_NUMBER_ID
        if not token or not phone_number_id:
            raise PermanentError("WhatsApp is chosen but WHATSAPP_TOKEN or WHATSAPP_PHONE_NUMBER_ID is not set")
        language = {"policy": "deterministic", "code": LANGUAGE_CODES.get(message.language, message.language)}
        template = {"name": message.template, "language": language}
        parts = components(message)
        if parts:
            template["components"] = parts
        number = http.msisdn(message.recipient)
        payload = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": number,
            "type": "template",
            "template": template,
            "biz_opaque_callback_data": message.idempotency_key[:512],
        }
        answer = http.post(
            "WhatsApp",
            f"{settings.WHATSAPP_BASE_URL.rstrip('/')}/{phone_number_id}/messages",
            http.json_body(payload),
            {"Authorization": f"Bearer {token}", "Content-Type": "application/json; charset=utf-8"},
        )
        return self._read(answer, token, number)

    def _read(self, answer, token, number):
        payload = answer.json()
        payload = payload if isinstance(payload, dict) else {}
        if answer.status < 400 and not payload.get("error"):
            messages = payload.get("messages") or [{}]
            reference = messages[0].get("id") if isinstance(messages[0], dict) else None
            if not reference:
                raise TemporaryError(f"WhatsApp answered HTTP {answer.status} without a message id")
            return str(reference)
        error = payload.get("error") if isinstance(payload.get("error"), dict) else {}
        code = error.get("code")
        code = int(code) if str(code).isdigit() else None
        detail = http.scrub(str(error.get("message") or answer.text(120)), token, number)[:160]
        label = f"code {code}" if code is not None else f"HTTP {answer.status}"
        if code in NOT_ON_WHATSAPP:
            raise NotOnWhatsApp(f"{NOT_ON_WHATSAPP[code]} ({label})")
        if code in TEMPORARY or (code is None and http.is_temporary_status(answer.status)):
            raise TemporaryError(f"WhatsApp is busy or unavailable ({label}, HTTP {answer.status})")
        if code in CREDENTIALS or (code is not None and 200 <= code <= 299) or answer.status in (401, 403):
            raise PermanentError(f"WhatsApp refused the access token or its permissions ({label}; check WHATSAPP_TOKEN)")
        if code in PERMANENT:
            raise PermanentError(f"{PERMANENT[code]} ({label})")
        if http.is_temporary_status(answer.status):
            raise TemporaryError(f"WhatsApp answered HTTP {answer.status} ({label})")
        raise PermanentError(f"WhatsApp refused the message ({label}: {detail})")
