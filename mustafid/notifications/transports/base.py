"""One interface for every way a message leaves: `send(message) -> provider reference`.

A transport raises `PermanentError` when sending again cannot help (a bad number, a rejected
sender, a refused credential) and `TemporaryError` when it may (a timeout, a 5xx, a refused
connection); the worker retries only the second, with back-off. `NotOnWhatsApp` (permanent)
asks the worker to send the same text again as SMS.

`idempotent` says whether the provider recognises a resend of the same message (by a reference
we give it: Unifonic's CorrelationID, WhatsApp's client reference, the file transport's file
name). A message found stuck in "sending" after a crash is resent only through such a
transport; otherwise it waits for a person (status "review"), so nobody gets it twice.

Credentials come from the environment (settings), never from the database, never in a log or
an error message.
"""


class TransportError(Exception):
    """A clear, loggable reason (no credentials, no message text)."""


class PermanentError(TransportError):
    pass


class TemporaryError(TransportError):
    pass


class MaybeSent(TemporaryError):
    """No answer after the request went out (a read timeout, a dropped connection): it may have been sent.

    Retried only through an idempotent transport; otherwise held for a person, so nobody gets it twice.
    """


class NotOnWhatsApp(PermanentError):
    """The number has no WhatsApp, or the template is not approved: send it as SMS instead."""


class Transport:
    name = ""
    idempotent = False

    def send(self, message):  # pragma: no cover - the interface
        """Send `message` (a `notifications.Message`) and return the provider's reference."""
        raise NotImplementedError
