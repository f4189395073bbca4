"""Queue a message: written in the caller's transaction, handed to the worker after its commit.

    queue("request_received", to=recipient, context={...}, event_key=f"case-event:{event.pk}")

The idempotency key is the event and the recipient, unique in the database: the same step never
produces two messages, whatever double clicks, retries or two workers do. A rolled-back step
leaves no message and wakes no worker.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from mustafid.audit.actors import Actor, as_actor
from mustafid.audit.log import REDACTED, is_secret_key

from . import catalogue, transports
from .models import Channel, Message, Purpose

logger = logging.getLogger(__name__)
RIYADH = ZoneInfo("Asia/Riyadh")


@dataclass(frozen=True)
class Recipient:
    """Who a message is for, and how they may be reached (from the beneficiary's or staff member's record)."""

    person_type: str
    person_id: int
    mobile: str = ""  # E.164
    email: str = ""
    preferred_channel: str = ""  # one of Channel, or "" for the association's default (SMS)
    language: str = "ar"
    # Recorded consent to awareness messages, not withdrawn (service messages need none).
    awareness_consent: bool = False

    def address(self, channel):
        return self.email if channel == Channel.EMAIL else self.mobile

    def channel(self):
        """The preferred channel when it is on and reachable, then SMS, then e-mail; None when nothing is."""
        order = [self.preferred_channel] if self.preferred_channel else []
        order += [Channel.SMS, Channel.EMAIL]
        for channel in order:
            if channel and self.address(channel) and transports.channel_enabled(channel):
                return channel
        return None


def quiet_until(now, purpose):
    """When a message made at `now` may leave: now, or the end of the quiet hours (Riyadh time)."""
    start, end = settings.MESSAGE_QUIET_HOURS
    if purpose == Purpose.CODE or start == end:
        return now
    local = now.astimezone(RIYADH)
    hour = local.hour
    quiet = (start <= hour or hour < end) if start > end else (start <= hour < end)
    if not quiet:
        return now
    day = local.date() if hour < end else local.date() + timedelta(days=1)
    return datetime.combine(day, time(end), tzinfo=RIYADH)


def queue(key, *, to, context, event_key, purpose=None, about=None, by=None, channel=None):
    """Write the message of `key` for `to` and wake the worker after commit; None when it cannot or must not go.

    `about` is the record the message concerns (a request); `by` who queued it by hand (a staff user),
    the system otherwise; `channel` forces a channel (a staff member's choice), else the recipient's.
    """
    kind = catalogue.get(key)
    purpose = purpose or kind.purpose
    if purpose == Purpose.AWARENESS and not to.awareness_consent:
        return None
    channel = channel or to.channel()
    if channel is None or not to.address(channel) or not transports.channel_enabled(channel):
        return None
    language = to.language if to.language in catalogue.LANGUAGES else "ar"
    subject, body = catalogue.render(kind, language, context)
    now = timezone.now()
    actor = as_actor(by) if by is not None else Actor.system("messages")
    message = Message(
        idempotency_key=f"{event_key}/{to.person_type}:{to.person_id}"[:200],
        purpose=purpose,
        channel=channel,
        recipient=to.address(channel),
        language=language,
        template=key,
        # A secret (a one-time code) is in the text while it waits to leave, never in the stored context.
        context={name: REDACTED if is_secret_key(name) else str(value)
                 for name, value in context.items() if name in kind.variables},
        subject=subject,
        body=body,
        next_attempt_at=quiet_until(now, purpose),
        created_at=now,
        person_type=to.person_type,
        person_id=to.person_id,
        about_type=about._meta.label_lower if about is not None else "",
        about_id=about.pk if about is not None else None,
        **actor.columns("queued_by"),
    )
    return save_and_wake(message)


def save_and_wake(message):
    """Insert `message` unless its idempotency key exists (then return the existing row); wake the worker on commit."""
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return Message.objects.get(idempotency_key=message.idempotency_key)
    transaction.on_commit(partial(wake, message.pk, message.next_attempt_at))
    return message


def wake(pk, at=None):
    """Enqueue the sending task (after commit). If the task queue is unreachable, the periodic sweep sends it."""
    from .tasks import deliver

    try:
        if at is not None and at > timezone.now():
            deliver.using(run_after=at).enqueue(pk)
        else:
            deliver.enqueue(pk)
    except Exception:
        logger.exception("could not enqueue message %s; the periodic sweep will send it", pk)
