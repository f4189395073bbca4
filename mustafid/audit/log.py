"""Writing audit rows: `record(EventType.CASE_SUBMITTED, actor=user, target=case, data={...})`."""

from django.core.serializers.json import DjangoJSONEncoder
import json

from .context import client_ip
from .models import AuditEvent


def _jsonable(data):
    # Dates, decimals and lazy strings become plain JSON values.
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder, default=str))


def record(event_type, *, actor, target=None, data=None):
    """Write one audit row. Call it inside the action's transaction."""
    return AuditEvent.objects.create(
        event_type=event_type,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "username", "") or "",
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        ip_address=client_ip(),
        data=_jsonable(data),
    )
