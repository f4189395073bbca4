"""Messages in the states the staff pages show, made the real way: queued, then sent by the worker."""

import itertools

from django.test import override_settings

from mustafid.notifications import outbox, sending, transports
from mustafid.notifications.models import Message, MessageStatus

_events = itertools.count(1)


def sent_through(beneficiary, *, transport_settings, key="referred"):
    """A message to `beneficiary`, queued and handed to the worker at once under `transport_settings`."""
    with override_settings(MESSAGE_QUIET_HOURS=(0, 0), **transport_settings):
        transports.reset()
        try:
            message = outbox.queue(key, to=beneficiary.as_recipient(), context={"association": "عون", "reference": "R-7"},
                                   event_key=f"staff-pages:{next(_events)}")
            sending.deliver(message.pk)
        finally:
            transports.reset()
    return Message.objects.get(pk=message.pk)


def failed_message(beneficiary):
    """A message that failed for good: Unifonic chosen without its credential (a permanent error, nothing sent)."""
    message = sent_through(beneficiary, transport_settings={
        "MESSAGE_TRANSPORTS": {"sms": "unifonic", "email": "off", "whatsapp": "off"}, "UNIFONIC_APP_SID": "",
    })
    assert message.status == MessageStatus.FAILED
    return message
