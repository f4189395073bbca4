"""Writing audit rows: `record(EventType.CASE_SUBMITTED, actor=user, target=case, data={...})`."""

from django.core.serializers.json import DjangoJSONEncoder
import json
import re

from .actors import Actor, as_actor
from .context import client_ip
from .models import AuditEvent


# Keys whose values are never written to the trail, at any depth: password hashes, one-time codes, tokens.
# Matched as words of the key ("password", "new_password1", "otp_code", "api_token", "hashed_secret").
SECRET_KEY_PATTERN = re.compile(r"(^|[^a-z])(passwords?\d*|passcode|token|secret|code|otp|hash\w*|pin)($|[^a-z])",
                                re.IGNORECASE)
REDACTED = "[محجوب]"


def is_secret_key(key):
    return bool(SECRET_KEY_PATTERN.search(str(key)))


def strip_secrets(value):
    """A copy of `value` with the value of every secret-looking key replaced, in dicts at any depth."""
    if isinstance(value, dict):
        return {key: REDACTED if is_secret_key(key) else strip_secrets(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [strip_secrets(item) for item in value]
    return value


def _jsonable(data):
    # Dates, decimals and lazy strings become plain JSON values; secrets never reach the row.
    return strip_secrets(json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder, default=str)))


def record(event_type, *, actor, target=None, data=None):
    """Write one audit row. Call it inside the action's transaction.

    `actor` is a staff user, an `Actor` (the beneficiary through the portal, the system), or None
    for an anonymous visitor (a failed sign-in).
    """
    known = isinstance(actor, Actor) or getattr(actor, "pk", None) is not None
    who = as_actor(actor).columns("actor") if known else {"actor": None, "actor_label": ""}
    return AuditEvent.objects.create(
        event_type=event_type,
        **who,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        ip_address=client_ip(),
        data=_jsonable(data),
    )
