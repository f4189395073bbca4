"""The transport of each channel, chosen by settings alone (see docs/operations.md «Messages»)."""

from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

from .base import MaybeSent, NotOnWhatsApp, PermanentError, TemporaryError, Transport, TransportError

__all__ = ["MaybeSent", "NotOnWhatsApp", "PermanentError", "TemporaryError", "Transport", "TransportError", "for_channel"]

# settings.MESSAGE_TRANSPORTS = {"sms": "unifonic", "email": "smtp", "whatsapp": "whatsapp"}
PROVIDERS = {
    "file": "mustafid.notifications.transports.file.FileTransport",
    "smtp": "mustafid.notifications.transports.smtp.SmtpTransport",
    "unifonic": "mustafid.notifications.transports.unifonic.UnifonicTransport",
    "taqnyat": "mustafid.notifications.transports.taqnyat.TaqnyatTransport",
    "msegat": "mustafid.notifications.transports.msegat.MsegatTransport",
    "whatsapp": "mustafid.notifications.transports.whatsapp.WhatsAppTransport",
}


@lru_cache(maxsize=None)
def _build(provider):
    return import_string(PROVIDERS[provider])()


def for_channel(channel):
    """The configured transport for a channel ("sms", "email", "whatsapp"), or None if the channel is off."""
    provider = settings.MESSAGE_TRANSPORTS.get(channel) or ""
    if not provider or provider == "off":
        return None
    return _build(provider)


def channel_enabled(channel):
    return bool(settings.MESSAGE_TRANSPORTS.get(channel)) and settings.MESSAGE_TRANSPORTS.get(channel) != "off"


def reset():
    """Forget built transports (tests change settings)."""
    _build.cache_clear()
