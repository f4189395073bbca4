"""E-mail through Django's mail backend (SMTP with the `EMAIL_*` settings).

Each message leaves as one e-mail with two parts: the plain text, and the same text as HTML whose
`<html lang dir>` follow the message's language (Arabic right-to-left), escaped, paragraphs and line
breaks kept. Subject and body are UTF-8 (Django encodes the Arabic subject as an RFC 2047 word).

The connection is `django.core.mail.get_connection()`, so `EMAIL_BACKEND` decides the way out: Django's
SMTP backend by default (docs/operations.md «Messages»), or any backend that speaks Django's mail API.
The errors below are SMTP's (Python's `smtplib`, https://docs.python.org/3/library/smtplib.html, and
the reply codes of RFC 5321 §4.2: 5yz permanent, 4yz transient): a refused login, sender or recipient
with a 5xx code is permanent; a 4xx code, a refused or dropped connection or a timeout is temporary.

Returns the Message-ID. It is derived from the idempotency key, so a resend carries the same one, which
some mailboxes use to drop a copy — but SMTP promises nothing of the kind: idempotent is False, and a
message interrupted mid-send waits for review.
"""

import hashlib
import smtplib
import socket
import ssl
from email.utils import parseaddr

from django.conf import settings
from django.core import mail
from django.utils.html import escape, linebreaks

from .base import PermanentError, TemporaryError, Transport

RIGHT_TO_LEFT = {"ar", "fa", "he", "ur"}


def message_id(message):
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(message.idempotency_key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def html_body(message):
    language = message.language or "ar"
    direction = "rtl" if language in RIGHT_TO_LEFT else "ltr"
    align = "right" if direction == "rtl" else "left"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(language)}" dir="{direction}">\n'
        f'<head><meta charset="utf-8"><title>{escape(message.subject)}</title></head>\n'
        f'<body dir="{direction}" style="direction:{direction};text-align:{align};'
        'font-family:Tahoma,Arial,sans-serif;font-size:16px;line-height:1.6">\n'
        f"{linebreaks(message.body, autoescape=True)}\n"
        "</body>\n</html>\n"
    )


class SmtpTransport(Transport):
    name = "smtp"
    idempotent = False

    def send(self, message):
        reference = message_id(message)
        email = mail.EmailMultiAlternatives(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            headers={"Message-ID": reference},
        )
        email.attach_alternative(html_body(message), "text/html")
        timeout = settings.EMAIL_TIMEOUT or settings.MESSAGE_SEND_TIMEOUT
        try:
            with mail.get_connection(fail_silently=False, timeout=timeout) as connection:
                sent = connection.send_messages([email])
        except Exception as error:  # noqa: BLE001 - every way out is classified, none escapes unnamed
            raise _classify(error, timeout) from None
        if not sent:
            raise PermanentError("the mail backend sent nothing (no valid recipient)")
        return reference


def _classify(error, timeout):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _text in error.recipients.values()})
        if any(code >= 500 for code in codes):
            return PermanentError(f"the SMTP server refused the recipient's address (code {codes[-1]})")
        return TemporaryError(f"the SMTP server deferred the recipient (code {codes[0] if codes else '?'})")
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return PermanentError("the SMTP server does not offer what the settings ask (AUTH or STARTTLS: check EMAIL_USE_TLS)")
    if isinstance(error, smtplib.SMTPResponseException):
        code = error.smtp_code
        if isinstance(error, smtplib.SMTPAuthenticationError):
            what = "refused the credentials (EMAIL_HOST_USER / EMAIL_HOST_PASSWORD)"
        elif isinstance(error, smtplib.SMTPSenderRefused):
            what = "refused the sender address (DEFAULT_FROM_EMAIL)"
        elif isinstance(error, smtplib.SMTPConnectError):
            what = "refused the connection"
        else:
            what = "refused the message"
        if 500 <= code < 600:
            return PermanentError(f"the SMTP server {what} (code {code})")
        return TemporaryError(f"the SMTP server {what} for now (code {code})")
    if isinstance(error, smtplib.SMTPServerDisconnected):
        # smtplib reports a read that timed out as a disconnection; the timeout is its context.
        if isinstance(error.__context__, (TimeoutError, socket.timeout)):
            return TemporaryError(f"the SMTP server did not answer within {timeout} s")
        return TemporaryError("the SMTP server closed the connection")
    if isinstance(error, (TimeoutError, socket.timeout)):
        return TemporaryError(f"the SMTP server did not answer within {timeout} s")
    if isinstance(error, ConnectionRefusedError):
        return TemporaryError("the SMTP server refused the connection")
    if isinstance(error, socket.gaierror):
        return TemporaryError("the SMTP server's host name cannot be resolved (EMAIL_HOST)")
    if isinstance(error, ssl.SSLError):
        return TemporaryError(f"TLS with the SMTP server failed ({error.__class__.__name__})")
    if isinstance(error, OSError):
        return TemporaryError(f"network error with the SMTP server ({error.__class__.__name__})")
    return TemporaryError(f"the mail backend failed ({error.__class__.__name__})")
