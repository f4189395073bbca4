from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from mustafid.lib.arabic import clean_query
from mustafid.lib.paging import page_of

from .models import AuditEvent, EventType


def staff_usernames(name, limit=20):
    """The user names of the staff whose first and last names hold every word of `name` (a small table)."""
    words = name.split()[:4]
    people = get_user_model().objects.all()
    for word in words:
        people = people.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return list(people.order_by("username").values_list("username", flat=True)[:limit])


@login_required
@require_GET
def audit_list(request):
    """The audit trail for managers and auditors, filterable by event, person and record."""
    if not request.user.may_read_audit:
        raise PermissionDenied
    events = AuditEvent.objects.select_related("actor")
    # Filters come from the address bar: anything may arrive (NUL, a pasted page, "²"); only a known
    # event type and cleaned, bounded texts reach the database.
    event_type = request.GET.get("type", "")
    if event_type not in {str(value) for value in EventType.values}:
        event_type = ""
    if event_type:
        events = events.filter(event_type=int(event_type))
    actor = clean_query(request.GET.get("actor"))
    if actor:
        # A staff member by user name or by their name as people know it («نورة العتيبي»): the few matching
        # accounts' user names, read through `audit_actor_at_idx`.
        events = events.filter(actor_label__in=[actor, *staff_usernames(actor)])
    target = clean_query(request.GET.get("target")).replace(" ", "")
    if target:
        kind, _, pk = target.partition(":")
        events = events.filter(target_type=kind, target_id=pk) if pk else events.filter(target_type=kind)
    # Keyset pages in the order (-at, -id), served by `audit_at_idx` or, filtered, by the index that leads
    # with the filter (`audit_type_at_idx`, `audit_actor_at_idx`, `audit_target_at_idx`): no count of the
    # whole trail, no OFFSET. See lib/paging.py.
    page = page_of(request, events, ("-at", "-id"), size=50)
    filters = {"type": event_type, "actor": actor, "target": target}
    return render(request, "audit/list.html", {
        "page": page, "types": EventType.choices, **filters,
        "list_query": urlencode({name: value for name, value in filters.items() if value}),
    })
