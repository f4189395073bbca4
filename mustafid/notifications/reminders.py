"""Reminders to staff of what waits on them, by milestones of a due date, each sent once.

A job (registered with `sending.register_periodic` by the app that owns the deadline) lists what
is due within its horizon and calls `remind(...)`. The idempotency key names the thing, the
milestone and the person, so two runs at once, or a run every minute, send each reminder once.
Only the latest milestone reached is sent: a request found two days before its due date gets
that reminder, not the half-way one as well.
"""

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mustafid.lib.hijri import format_gregorian, format_hijri_or_gregorian

from .models import Channel, Message, Purpose
from .outbox import Recipient, queue


def milestone(due, today, period_days):
    """"due" on the day, "two_days" two days before, "half" once half the period remains; None otherwise."""
    left = (due - today).days
    if left < 0:
        return None
    if left == 0:
        return "due"
    if left <= 2:
        return "two_days"
    if left <= max(period_days // 2, 3):
        return "half"
    return None


def staff_recipient(user):
    """A staff member is reminded by e-mail (staff records have no mobile)."""
    return Recipient(person_type="accounts.user", person_id=user.pk, email=user.email or "",
                     preferred_channel=Channel.EMAIL, language="ar")


def remaining_in_words(due, today):
    left = (due - today).days
    if left <= 0:
        return _("اليوم آخر موعد")
    return ngettext("بقي يوم واحد", "بقي %(count)d أيام", left) % {"count": left}


def due_context(due, language="ar"):
    today = timezone.localdate()
    with translation.override(language):
        return {"due_hijri": format_hijri_or_gregorian(due, language), "due_gregorian": format_gregorian(due, language),
                "remaining": str(remaining_in_words(due, today))}


def remind(key, *, items, people, context, about=None):
    """Queue reminder `key` to each of `people` for each (thing_key, due, milestone, obj) in `items`, once.

    `context(obj)` gives the message's variables. Returns how many were queued.
    """
    people = [person for person in people if person.email]
    wanted = {}
    for thing_key, milestone_name, obj in items:
        for person in people:
            recipient = staff_recipient(person)
            event_key = f"reminder:{thing_key}:{milestone_name}"
            wanted[f"{event_key}/{recipient.person_type}:{recipient.person_id}"] = (event_key, recipient, obj)
    # Most runs find every reminder already written: one indexed read instead of an insert each.
    existing = set(Message.objects.filter(idempotency_key__in=list(wanted)).values_list("idempotency_key", flat=True))
    queued = 0
    for full_key, (event_key, recipient, obj) in wanted.items():
        if full_key in existing:
            continue
        if queue(key, to=recipient, context=context(obj), event_key=event_key, purpose=Purpose.STAFF,
                 about=about(obj) if about else obj):
            queued += 1
    return queued
