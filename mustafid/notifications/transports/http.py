"""What the HTTP transports (Unifonic, Taqnyat, Msegat, WhatsApp) share: one POST, and the number format.

Standard library only (`urllib.request`): no runtime dependency for four small JSON/form calls.
A network failure — refused connection, timeout, a dropped connection, a TLS failure — is a
`TemporaryError`; an HTTP answer of any status is returned to the caller, which knows what its
provider's codes mean.

Nothing here puts a credential, a number or a message's text into an error: the reasons end up
in `Message.last_error`, on staff screens and in logs.
"""

import http.client
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from .base import MaybeSent, PermanentError, TemporaryError


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes

    def json(self):
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None

    def text(self, limit=200):
        return self.body.decode("utf-8", "replace").strip()[:limit]


def msisdn(recipient):
    """`+9665XXXXXXXX` (E.164, as the outbox keeps mobiles) → `9665XXXXXXXX`, the form the Saudi providers ask for.

    Every provider used here documents «international format without 00 or +».
    """
    number = (recipient or "").strip().replace(" ", "")
    if number.startswith("+"):
        number = number[1:]
    elif number.startswith("00"):
        number = number[2:]
    if not number.isdigit() or not 8 <= len(number) <= 15:
        raise PermanentError("the recipient is not a mobile number in international format")
    return number


def form_body(fields):
    """application/x-www-form-urlencoded, UTF-8 (Arabic is percent-encoded bytes of UTF-8)."""
    return urllib.parse.urlencode(fields, encoding="utf-8").encode("ascii")


def json_body(payload):
    # ensure_ascii=False: the Arabic travels as UTF-8, as the providers document, not as \\u escapes.
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def post(provider, url, body, headers):
    """POST `body`; the provider's answer whatever its status, or `TemporaryError` when none came.

    A timeout after the request was written is ambiguous (the provider may have taken the message);
    the reason says so, and the worker's retry relies on the provider's duplicate check or idempotent
    reference where it has one.
    """
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    timeout = settings.MESSAGE_SEND_TIMEOUT
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, response.read())
    except urllib.error.HTTPError as error:
        with error:
            try:
                return Answer(error.code, error.read())
            except (OSError, http.client.HTTPException):
                return Answer(error.code, b"")
    except urllib.error.URLError as error:
        raise _failure(error.reason)(f"{provider}: {_network_reason(error.reason, timeout)}") from None
    except (TimeoutError, socket.timeout):
        raise MaybeSent(f"{provider}: no answer within {timeout} s (it may have been sent)") from None
    except (OSError, http.client.HTTPException) as error:
        raise _failure(error)(f"{provider}: {_network_reason(error, timeout)}") from None


def _failure(reason):
    """MaybeSent when the request may have reached the provider (the connection dropped before the answer)."""
    if isinstance(reason, (ConnectionResetError, http.client.RemoteDisconnected)):
        return MaybeSent
    return TemporaryError


def _network_reason(reason, timeout):
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no connection within {timeout} s"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return "the provider's host name cannot be resolved"
    if isinstance(reason, (ConnectionResetError, http.client.RemoteDisconnected)):
        return "the connection was closed before an answer (it may have been sent)"
    name = reason.__class__.__name__ if isinstance(reason, BaseException) else "network error"
    return f"network error ({name})"


def scrub(text, *secrets):
    """`text` with every non-empty secret replaced: a provider that echoes a credential never leaks it to a log."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def is_temporary_status(status):
    """The HTTP statuses worth retrying: the provider's trouble or a rate limit, not our request's."""
    return status >= 500 or status in (408, 425, 429)
