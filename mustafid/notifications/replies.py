"""Replies: what a person sends back to the association's SMS number or WhatsApp, handed to the apps that wait for one.

The providers deliver replies to our webhooks (`webhooks.py`: `sms_reply`, and the WhatsApp webhook's `messages`)
only on the channels listed in `MESSAGE_REPLY_CHANNELS` (default none: the association's SMS account may not take
replies at all). Each reply is offered to the registered handlers in order, each in its own transaction, until one
takes it (the satisfaction survey answered with a digit, `feedback/replies.py`). A reply no handler takes is
ignored: the provider is answered 200 all the same, so it stops sending it, and learns nothing.

This app sits low (level 2): it never imports its handlers; they register here in their `AppConfig.ready()`.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from .models import Channel

logger = logging.getLogger(__name__)
# What a reply may be: a digit, a word or two. Longer texts are no answer to anything we ask, and are not read.
MAX_TEXT = 500


@dataclass(frozen=True)
class Reply:
    channel: str  # Channel.SMS or Channel.WHATSAPP
    mobile: str  # the sender, E.164
    text: str
    provider: str = ""


_handlers = {}


def register(name, handler):
    """`handler(reply)` → True when it took the reply. Registering a name again replaces the handler."""
    _handlers[name] = handler
    return handler


def channels():
    """The channels whose replies the provider delivers to us (`MESSAGE_REPLY_CHANNELS`, e.g. "sms,whatsapp")."""
    value = getattr(settings, "MESSAGE_REPLY_CHANNELS", "") or ""
    if isinstance(value, str):
        value = value.split(",")
    known = {Channel.SMS.value, Channel.WHATSAPP.value}
    return {str(item).strip().lower() for item in value} & known


def accepts(channel):
    return channel in channels()


def receive(reply):
    """Offer `reply` to the handlers; the name of the one that took it, or None (ignored)."""
    if not accepts(reply.channel) or not reply.mobile or len(reply.text or "") > MAX_TEXT:
        return None
    for name, handler in list(_handlers.items()):
        with transaction.atomic():
            if handler(reply):
                return name
    logger.info("a %s reply was ignored: no handler took it", reply.channel)
    return None
