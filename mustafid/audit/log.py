"""Writing audit rows: `record(EventType.CASE_SUBMITTED, actor=user, target=case, data={...})`."""

from django.core.serializers.json import DjangoJSONEncoder
import json

from .actors import Actor, as_actor
from .context import client_ip
from .models import AuditEvent


def _jsonable(data):
    # Dates, decimals and lazy strings become plain JSON values.
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder, default=str))


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
