"""Delivery reports: the providers that tell us what became of a message (Unifonic, WhatsApp Cloud API).

Each report names the message by the reference the provider gave when it accepted it (the
`provider_ref` the worker recorded), and is applied with one conditional UPDATE per report, so a
report repeated or arriving out of order never moves a message backwards:

* "delivered" (WhatsApp's "read" too) turns a *sent* message into *delivered*; a message already
  delivered, failed or cancelled is left as it is;
* "failed" (Unifonic's "Undeliverable") turns a *sent* message into *failed* with the reason in
  `last_error`; a message already delivered stays delivered;
* "sent" and the provider's other interim states change nothing.

A WhatsApp message reported failed because the number has no WhatsApp or the template cannot be used
(the codes of `transports.whatsapp.NOT_ON_WHATSAPP`: the Cloud API accepts the request and reports these
later) goes again as SMS, exactly as when the send itself is refused: one copy, keyed on the original.

A report about a reference we do not know (another system on the same account, a message deleted
since) is answered 200 and changes nothing, so the provider stops retrying it. A request that is not
signed with our secret is answered 403, a body we cannot read 400 — never 500.

Unifonic (https://docs.unifonic.com/docs/receiving-delivery-status-via-webhook and the support article
«Can I receive DLR receipt update through a webhook?», read 2026-11-30): the account's DLR webhook
POSTs, for each message, its `MessageID` (the id the send request answered with), the delivery status
`DLR` («Delivered» or «Undeliverable»), the `Recipient` and timestamps, and expects 200 OK (otherwise
it retries, up to 6 times within 72 hours). The newer platform sends JSON with `messageId`, `status`
and `correlationId`; both spellings are read, as a form or as JSON. Unifonic signs nothing, so the
URL we give it carries a secret (`UNIFONIC_WEBHOOK_SECRET`), compared in constant time.

WhatsApp Cloud API (Meta's webhooks documentation): a GET with `hub.mode=subscribe`,
`hub.verify_token` and `hub.challenge` verifies the endpoint (we answer the challenge when the token
is `WHATSAPP_VERIFY_TOKEN`); each POST is signed in `X-Hub-Signature-256: sha256=<hex>`, the
HMAC-SHA256 of the raw body with the app secret (`WHATSAPP_APP_SECRET`), and carries
`entry[].changes[].value.statuses[]` with `id` (the wamid the send answered with), `status`
(sent, delivered, read, failed), `timestamp` and, when failed, `errors[]` (`code`, `title`,
`message`, `error_data.details`).

Replies (`replies.py`), on the channels of `MESSAGE_REPLY_CHANNELS` only:

* WhatsApp: the same webhook (subscribed to the `messages` field) carries `entry[].changes[].value.messages[]` with
  `from` (the sender's number, digits without «+»), `id`, `timestamp`, `type` and, for a text, `text.body` (a
  quick-reply button: `button.text`; an interactive reply: `interactive.button_reply.title` or `list_reply.title`).
* SMS: we found no published inbound (reply) format for the SMS providers we send through (Unifonic, Taqnyat,
  Msegat; read 2026-12-01), so we take a plain, documented request that a provider's forwarding (or a small relay)
  can make: `POST /messages/hooks/sms-reply/<SMS_REPLY_WEBHOOK_SECRET>/`, form-encoded or JSON (one object or a
  list), with the sender in `from` (also read: `sender`, `msisdn`, `mobile`) and the text in `text` (also read:
  `message`, `body`, `content`). The secret in the URL authenticates it, as Unifonic's delivery reports.

A reply is answered 200 whatever becomes of it (taken, ignored, from an unknown number), and the answer says
nothing about it.
"""

import datetime
import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.db import transaction
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http.multipartparser import MultiPartParserError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, HttpResponseNotAllowed
from django.http.request import RawPostDataException
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from mustafid.lib.saudi import clean_mobile

from . import replies
from .models import Channel, Message, MessageStatus, Purpose
from .transports.whatsapp import NOT_ON_WHATSAPP

logger = logging.getLogger(__name__)

DELIVERED, FAILED = "delivered", "failed"
# Provider words → what the report means for us (anything else is an interim state: nothing changes).
UNIFONIC_STATES = {
    "delivered": DELIVERED, "deliverd": DELIVERED,
    "undeliverable": FAILED, "undelivered": FAILED, "failed": FAILED, "rejected": FAILED, "expired": FAILED,
}
WHATSAPP_STATES = {"delivered": DELIVERED, "read": DELIVERED, "failed": FAILED}
# A reference longer than the column cannot be ours.
MAX_REFERENCE = Message._meta.get_field("provider_ref").max_length


class Malformed(ValueError):
    """The body is not a report we can read (answered 400)."""


def apply_report(provider, reference, state, *, reason="", at=None):
    """Apply one delivery report to the message `provider` knows as `reference`. Returns the rows changed (0 or 1).

    Only forwards: sent → delivered, sent → failed. Everything else (a repeat, a late "sent", a
    "failed" after "delivered", an unknown reference) changes nothing.
    """
    reference = str(reference or "").strip()
    if not reference or len(reference) > MAX_REFERENCE or state not in (DELIVERED, FAILED):
        return 0
    sent = Message.objects.filter(provider=provider, provider_ref=reference, status=MessageStatus.SENT)
    if state == DELIVERED:
        return sent.update(status=MessageStatus.DELIVERED, delivered_at=at or timezone.now())
    return sent.update(status=MessageStatus.FAILED, last_error=(reason or f"{provider}: not delivered")[:500])


def fall_back_to_sms(reference):
    """The SMS copy of the failed WhatsApp message `reference` (the worker's fallback, reached asynchronously)."""
    from .sending import sms_copy

    message = Message.objects.filter(provider="whatsapp", provider_ref=reference, status=MessageStatus.FAILED).first()
    if message is None or message.purpose == Purpose.CODE:
        # A one-time code's digits were hidden once it left: no copy to send (the person asks for a new code).
        return None
    return sms_copy(message)


def _same(given, expected):
    """Constant-time comparison of a secret; an empty expected secret matches nothing."""
    return bool(expected) and hmac.compare_digest(str(given).encode("utf-8"), str(expected).encode("utf-8"))


def _body(request):
    try:
        return request.body
    except (RawPostDataException, SuspiciousOperation) as error:
        raise Malformed(str(error)) from error


def _json(raw):
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise Malformed("not JSON") from error
    return payload


# --- Unifonic ------------------------------------------------------------------------------------------

def _unlogged(response, reason, what="Unifonic delivery report"):
    """A refusal logged without its address: the Unifonic path holds the secret, and Django's request log
    («Bad Request: /messages/hooks/unifonic/<secret>/») would write it to the server's log."""
    logger.warning("%s %s", what, reason)
    response._has_been_logged = True  # what django.utils.log.log_response checks before logging a 4xx
    return response


def _pick(fields, *names):
    """The first non-empty value among `names`, matched without regard to case."""
    lowered = {str(key).lower(): value for key, value in fields.items()}
    for name in names:
        value = lowered.get(name.lower())
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return ""


def _posted_objects(request, what):
    """The objects a provider posted: one, or a list of them; form-encoded or JSON; a wrapped one ({"data":
    {...}}) unwrapped over its envelope. Malformed (`what` names the object) when one is not an object."""
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            items = [{name: request.POST.get(name) for name in request.POST}]
        except (SuspiciousOperation, MultiPartParserError, ValueError) as error:
            raise Malformed(str(error)) from error
    else:
        payload = _json(_body(request))
        items = payload if isinstance(payload, list) else [payload]
    for item in items:
        if not isinstance(item, dict):
            raise Malformed(f"{what} is not an object")
        yield {**item, **item["data"]} if isinstance(item.get("data"), dict) else item


def _unifonic_reports(request):
    """The reports in a Unifonic callback: one object, or a list of them; form-encoded or JSON."""
    reports = []
    for item in _posted_objects(request, "a report"):
        message_id = _pick(item, "MessageID", "messageId", "message_id")
        correlation = _pick(item, "CorrelationID", "correlationId", "correlation_id")
        status = _pick(item, "DLR", "status", "Status", "deliveryStatus")
        if not (message_id or correlation) or not status:
            raise Malformed("a report without a message id or a status")
        detail = _pick(item, "errorCode", "error_code", "reason", "description", "Comments")
        reports.append((message_id, correlation, status, detail))
    return reports


@csrf_exempt
def unifonic(request, secret):
    """Unifonic's DLR webhook: `POST /messages/hooks/unifonic/<UNIFONIC_WEBHOOK_SECRET>/`."""
    if request.method != "POST":  # not @require_POST, which would log the path (and so the secret)
        return _unlogged(HttpResponseNotAllowed(["POST"]), f"refused: {request.method[:10]} instead of POST")
    if not _same(secret, settings.UNIFONIC_WEBHOOK_SECRET):
        return _unlogged(HttpResponseForbidden("forbidden", content_type="text/plain"), "refused: wrong secret")
    try:
        reports = _unifonic_reports(request)
    except Malformed as error:
        return _unlogged(HttpResponseBadRequest(f"unreadable report: {error}", content_type="text/plain"),
                         f"unreadable report: {error}")
    changed = 0
    for message_id, correlation, status, detail in reports:
        state = UNIFONIC_STATES.get(status.lower())
        reason = f"Unifonic: {status}" + (f" ({detail})" if detail else "")
        # The worker kept Unifonic's MessageID, or our CorrelationID when the answer had no MessageID.
        for reference in dict.fromkeys(ref for ref in (message_id, correlation) if ref):
            found = apply_report("unifonic", reference, state, reason=reason)
            changed += found
            if found:
                break
    return HttpResponse(f"ok {changed}", content_type="text/plain")


# --- WhatsApp Cloud API --------------------------------------------------------------------------------

def _signed(request, raw):
    header = request.headers.get("X-Hub-Signature-256", "")
    if not settings.WHATSAPP_APP_SECRET or not header.startswith("sha256="):
        return False
    expected = hmac.new(settings.WHATSAPP_APP_SECRET.encode("utf-8"), raw, hashlib.sha256).hexdigest()
    return _same(header.removeprefix("sha256=").strip().lower(), expected)


def _as_list(value, what):
    if value is None:
        return []
    if not isinstance(value, list):
        raise Malformed(f"{what} is not a list")
    return value


def _as_dict(value, what):
    if not isinstance(value, dict):
        raise Malformed(f"{what} is not an object")
    return value


def _whatsapp_values(payload):
    payload = _as_dict(payload, "the body")
    values = []
    for entry in _as_list(payload.get("entry"), "entry"):
        for change in _as_list(_as_dict(entry, "an entry").get("changes"), "changes"):
            value = _as_dict(change, "a change").get("value")
            values.append({} if value is None else _as_dict(value, "a change's value"))
    return values


def _whatsapp_statuses(payload):
    return [_as_dict(status, "a status")
            for value in _whatsapp_values(payload) for status in _as_list(value.get("statuses"), "statuses")]


def _whatsapp_text(message):
    """The text of an incoming WhatsApp message (a text, a quick-reply button, an interactive reply), or ""."""
    kind = message.get("type")
    part = message.get(kind) if isinstance(kind, str) else None
    if not isinstance(part, dict):
        return ""
    if kind == "interactive":
        part = part.get("button_reply") or part.get("list_reply")
        text = part.get("title") if isinstance(part, dict) else None
    else:
        text = part.get("body") if kind == "text" else part.get("text") if kind == "button" else None
    return text if isinstance(text, str) else ""


def _whatsapp_replies(payload):
    """The replies in a WhatsApp webhook body, as `replies.Reply` (a sender we cannot read is left out)."""
    found = []
    for value in _whatsapp_values(payload):
        for message in _as_list(value.get("messages"), "messages"):
            message = _as_dict(message, "a message")
            mobile = _mobile(message.get("from"))
            if mobile:
                found.append(replies.Reply(Channel.WHATSAPP, mobile, _whatsapp_text(message), provider="whatsapp"))
    return found


def _mobile(value):
    """The sender as a Saudi mobile in E.164, or "" (a foreign or malformed number, which nothing here sent to)."""
    if not isinstance(value, (str, int)) or isinstance(value, bool) or len(str(value)) > 20:
        return ""
    try:
        return clean_mobile(str(value))
    except ValidationError:
        return ""


def _error_codes(status):
    errors = status.get("errors")
    codes = [error.get("code") for error in errors if isinstance(error, dict)] if isinstance(errors, list) else []
    return {int(code) for code in codes if str(code).isdigit() and len(str(code)) < 12}


def _whatsapp_reason(status):
    parts = []
    errors = status.get("errors")
    for error in errors if isinstance(errors, list) else []:
        if not isinstance(error, dict):
            continue
        details = error.get("error_data", {}).get("details") if isinstance(error.get("error_data"), dict) else ""
        text = " — ".join(str(part) for part in (error.get("title") or error.get("message"), details) if part)
        parts.append(f"{text} (code {error.get('code')})" if error.get("code") is not None else text)
    return "WhatsApp: " + ("; ".join(part for part in parts if part) or "not delivered")


def _timestamp(value):
    """A report's Unix time, if it is one and not in the future; else None (now is used)."""
    try:
        at = datetime.datetime.fromtimestamp(int(str(value)), tz=datetime.timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
    return at if at <= timezone.now() else None


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp(request):
    """Meta's webhook for the WhatsApp Cloud API: the GET verification, then signed POSTs of statuses."""
    if request.method == "GET":
        mode, token = request.GET.get("hub.mode"), request.GET.get("hub.verify_token", "")
        challenge = request.GET.get("hub.challenge", "")
        if mode == "subscribe" and _same(token, settings.WHATSAPP_VERIFY_TOKEN) and 0 < len(challenge) <= 200:
            return HttpResponse(challenge, content_type="text/plain")
        return HttpResponseForbidden("forbidden", content_type="text/plain")
    try:
        raw = _body(request)
    except Malformed:
        raw = None  # already parsed as a form (multipart): its bytes cannot be checked, so it is not signed
    if raw is None or not _signed(request, raw):
        return HttpResponseForbidden("forbidden", content_type="text/plain")
    try:
        payload = _json(raw)
        statuses, received = _whatsapp_statuses(payload), _whatsapp_replies(payload)
    except Malformed as error:
        return HttpResponseBadRequest(f"unreadable report: {error}", content_type="text/plain")
    for reply in received:  # taken or ignored, the answer is the same
        replies.receive(reply)
    changed = 0
    for status in statuses:
        state = WHATSAPP_STATES.get(str(status.get("status") or "").lower())
        reference = status.get("id")
        if not isinstance(reference, str):
            continue
        reason = _whatsapp_reason(status) if state == FAILED else ""
        with transaction.atomic():  # the failure and its SMS copy together, or neither (the report comes again)
            found = apply_report("whatsapp", reference, state, reason=reason, at=_timestamp(status.get("timestamp")))
            if found and state == FAILED and _error_codes(status) & set(NOT_ON_WHATSAPP):
                fall_back_to_sms(reference)
        changed += found
    return HttpResponse(f"ok {changed}", content_type="text/plain")


# --- Replies by SMS -----------------------------------------------------------------------------------

def _sms_replies(request):
    """The replies in a forwarded SMS: one object, or a list of them; form-encoded or JSON."""
    found = []
    for item in _posted_objects(request, "a reply"):
        sender = _pick(item, "from", "sender", "msisdn", "mobile")
        text = item.get(next((key for key in item if str(key).lower() in ("text", "message", "body", "content")), ""))
        mobile = _mobile(sender)
        if mobile and isinstance(text, str):
            found.append(replies.Reply(Channel.SMS, mobile, text, provider="sms"))
    return found


@csrf_exempt
def sms_reply(request, secret):
    """Replies to our SMS, forwarded by the provider: `POST /messages/hooks/sms-reply/<SMS_REPLY_WEBHOOK_SECRET>/`."""
    what = "SMS reply"
    if request.method != "POST":  # not @require_POST, which would log the path (and so the secret)
        return _unlogged(HttpResponseNotAllowed(["POST"]), f"refused: {request.method[:10]} instead of POST", what)
    if not _same(secret, settings.SMS_REPLY_WEBHOOK_SECRET):
        return _unlogged(HttpResponseForbidden("forbidden", content_type="text/plain"), "refused: wrong secret", what)
    try:
        received = _sms_replies(request)
    except Malformed as error:
        return _unlogged(HttpResponseBadRequest(f"unreadable reply: {error}", content_type="text/plain"),
                         f"unreadable: {error}", what)
    for reply in received:  # taken or ignored, the answer is the same
        replies.receive(reply)
    return HttpResponse("ok", content_type="text/plain")
