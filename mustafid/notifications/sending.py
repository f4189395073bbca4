"""The worker's side of the outbox: claim, send, record — never the same message twice.

* `deliver(pk)` claims the row with a conditional UPDATE (queued and due → sending, one more
  attempt): of two workers given the same message, exactly one gets it.
* The transport's answer decides the row: sent (with the provider's reference); no answer after
  the request went out (`MaybeSent`) is retried only through an idempotent provider and otherwise
  held for review; a temporary failure goes back to the queue with back-off (1, 2, 4 … minutes, capped at an hour) until
  `MESSAGE_MAX_ATTEMPTS`; a permanent one fails with its reason; a number without WhatsApp
  is sent again as SMS (a new row, linked to the first).
* `recover_stuck()` finds messages left "sending" by a worker that died mid-send: through a
  provider that recognises a resend (`transport.idempotent`) they are queued again and resent
  with the same reference; otherwise they wait for a person ("review"), never sent twice.
* `sweep()` runs both, sends everything due (retries, quiet hours over, a lost wake-up), and
  the periodic jobs other apps register (`periodic_jobs`): `manage.py send_reminders`, and the
  worker's `tick` task every minute.
"""

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import transports
from .models import Channel, Message, MessageStatus, Purpose

logger = logging.getLogger(__name__)

# A one-time code not sent within this many minutes is no use to anyone (the portal's codes live five).
CODE_WAIT_MINUTES = 10
# name -> callable(now): jobs run by every sweep (staff reminders from `cases`, survey invitations later).
periodic_jobs = {}


def register_periodic(name, job):
    periodic_jobs[name] = job
    return job


def backoff(attempts):
    """Seconds to wait after the given number of failed attempts: 60, 120, 240 … capped at 3600."""
    return min(3600, 60 * 2 ** max(0, attempts - 1))


def claim(pk, now=None):
    now = now or timezone.now()
    claimed = Message.objects.filter(pk=pk, status=MessageStatus.QUEUED, next_attempt_at__lte=now).update(
        status=MessageStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return Message.objects.get(pk=pk) if claimed else None


def without_code(text):
    """A one-time code's text with its digits hidden: what is kept of a code message once it has left."""
    return re.sub(r"\d", "•", text or "")


def _finish(message, **fields):
    """Record the outcome, only if the row is still ours (claimed by this attempt).

    A one-time code is never retried (the person asks for a new one) and its digits are not kept once the
    message has left or failed: the stored text keeps its words only.
    """
    if message.purpose == Purpose.CODE:
        fields["body"] = without_code(message.body)
    return Message.objects.filter(
        pk=message.pk, status=MessageStatus.SENDING, claimed_at=message.claimed_at
    ).update(**fields)


def deliver(pk):
    """Send one message if it is queued and due. Returns its status afterwards (for logs and tests)."""
    message = claim(pk)
    if message is None:
        return None
    transport = transports.for_channel(message.channel)
    now = timezone.now()
    if transport is None:
        _finish(message, status=MessageStatus.FAILED, last_error="channel is off", claimed_at=None)
        return MessageStatus.FAILED
    try:
        reference = transport.send(message)
    except transports.NotOnWhatsApp as error:
        _fall_back_to_sms(message, str(error))
        return MessageStatus.FAILED
    except transports.PermanentError as error:
        _finish(message, status=MessageStatus.FAILED, provider=transport.name, last_error=str(error)[:500])
        logger.warning("message %s failed permanently: %s", message.pk, error)
        return MessageStatus.FAILED
    except transports.MaybeSent as error:
        if not transport.idempotent:
            # The provider may have it and cannot tell a resend apart: a person checks before resending.
            _finish(message, status=MessageStatus.REVIEW, provider=transport.name, last_error=str(error)[:500])
            logger.warning("message %s may have been sent; held for review: %s", message.pk, error)
            return MessageStatus.REVIEW
        return _retry(message, transport, error, now)
    except Exception as error:  # TemporaryError, or a bug in a transport: retry, do not lose the message
        if not isinstance(error, transports.TemporaryError):
            logger.exception("transport %s raised unexpectedly for message %s", transport.name, message.pk)
        return _retry(message, transport, error, now)
    _finish(
        message, status=MessageStatus.SENT, provider=transport.name, provider_ref=str(reference)[:120],
        sent_at=timezone.now(), last_error="",
    )
    return MessageStatus.SENT


def _retry(message, transport, error, now):
    """Back to the queue after a back-off, or failed once the attempts are used up."""
    reason = str(error)[:500] or error.__class__.__name__
    if message.attempts >= settings.MESSAGE_MAX_ATTEMPTS or message.purpose == Purpose.CODE:
        _finish(message, status=MessageStatus.FAILED, provider=transport.name, last_error=reason)
        return MessageStatus.FAILED
    retry_at = now + timedelta(seconds=backoff(message.attempts))
    if _finish(message, status=MessageStatus.QUEUED, next_attempt_at=retry_at, last_error=reason, claimed_at=None):
        from .outbox import wake

        wake(message.pk, retry_at)
    return MessageStatus.QUEUED


def _fall_back_to_sms(message, reason):
    with transaction.atomic():
        if _finish(message, status=MessageStatus.FAILED, provider="whatsapp", last_error=reason[:500]):
            sms_copy(message)


def sms_copy(message):
    """The SMS copy of a WhatsApp `message` that could not go as WhatsApp (once: its own idempotency key)."""
    from .outbox import save_and_wake

    if not transports.channel_enabled(Channel.SMS):
        return None
    return save_and_wake(
        Message(
            idempotency_key=f"{message.idempotency_key}/sms"[:200], purpose=message.purpose, channel=Channel.SMS,
            recipient=message.recipient, language=message.language, template=message.template,
            context=message.context, subject=message.subject, body=message.body, person_type=message.person_type,
            person_id=message.person_id, about_type=message.about_type, about_id=message.about_id,
            fallback_of=message, queued_by_id=message.queued_by_id, queued_by_kind=message.queued_by_kind,
            queued_by_label=message.queued_by_label,
        )
    )


def recover_stuck(now=None):
    """Requeue (idempotent provider) or mark for review the messages a dead worker left "sending"."""
    now = now or timezone.now()
    limit = now - timedelta(minutes=settings.MESSAGE_STUCK_AFTER_MINUTES)
    recovered = 0
    for message in Message.objects.filter(status=MessageStatus.SENDING, claimed_at__lt=limit).order_by("claimed_at")[:500]:
        transport = transports.for_channel(message.channel)
        still = Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING, claimed_at=message.claimed_at)
        if message.purpose == Purpose.CODE:
            # A code that late is useless: failed, its digits gone (the person asks for a new one).
            still.update(status=MessageStatus.FAILED, body=without_code(message.body),
                         last_error="interrupted while sending a one-time code")
        elif transport is not None and transport.idempotent:
            recovered += still.update(status=MessageStatus.QUEUED, next_attempt_at=now, claimed_at=None)
        else:
            still.update(
                status=MessageStatus.REVIEW,
                last_error="interrupted while sending; the provider cannot tell a resend apart — check before resending",
            )
    return recovered


def expire_codes(now=None):
    """One-time codes still waiting after CODE_WAIT_MINUTES (no worker ran) are cancelled, their digits gone."""
    now = now or timezone.now()
    stale = Message.objects.filter(purpose=Purpose.CODE, status=MessageStatus.QUEUED,
                                   created_at__lt=now - timedelta(minutes=CODE_WAIT_MINUTES))
    expired = 0
    for pk, body in stale.values_list("pk", "body")[:500]:
        expired += Message.objects.filter(pk=pk, status=MessageStatus.QUEUED).update(
            status=MessageStatus.CANCELLED, body=without_code(body), last_error="one-time code expired before sending")
    return expired


def send_due(now=None, limit=500):
    """Send what is queued and due (oldest first). Returns how many were sent."""
    now = now or timezone.now()
    due = Message.objects.filter(status=MessageStatus.QUEUED, next_attempt_at__lte=now).order_by("next_attempt_at")
    return sum(deliver(pk) == MessageStatus.SENT for pk in due.values_list("pk", flat=True)[:limit])


def sweep(now=None):
    """Everything a periodic run does; safe to run in parallel (every step claims before it acts)."""
    now = now or timezone.now()
    results = {"recovered": recover_stuck(now), "codes_expired": expire_codes(now)}
    for name, job in list(periodic_jobs.items()):
        try:
            results[name] = job(now)
        except Exception:
            logger.exception("periodic job %s failed", name)
    results["sent"] = send_due()
    return results
