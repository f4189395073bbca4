from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from mustafid.lib import searches
from mustafid.lib.arabic import clean_query
from mustafid.lib.composition import audit_subject_targets
from mustafid.lib.forms import DualDateField, refuse_reversed_range, within_days
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
@require_http_methods(["GET", "POST"])
def audit_list(request):
    """The audit trail for managers and auditors, filterable by event, staff member and the person a row is about.

    The filters are POSTed and kept in the session (`lib/searches.py`): a beneficiary's name, ID or mobile
    typed to find the rows about them never travels in a URL. The links carry `?s=<key>` and the cursor.
    """
    if not request.user.may_read_audit:
        raise PermissionDenied
    if request.method == "POST":
        typed = {name: clean_query(request.POST.get(name)) for name in ("type", "actor", "subject")}
        dates = AuditDatesForm(request.POST)
        if not dates.is_valid():
            return _render(request, AuditEvent.objects.none(), dates=dates, status=400,
                           **{name: typed[name] for name in ("actor", "subject")}, type=typed["type"])
        typed.update({name: value.isoformat() for name, value in dates.cleaned_data.items() if value})
        key = searches.remember(request, {name: value for name, value in typed.items() if value})
        return redirect(f"{reverse('audit:list')}?s={key}")
    key = request.GET.get("s", "")
    kept = searches.recall(request, key)
    events = AuditEvent.objects.select_related("actor")
    # Filters come from the session or the address bar (a row's own record link): anything may arrive (NUL,
    # a pasted page, "²"); only a known event type and cleaned, bounded texts reach the database.
    event_type = str(kept.get("type", request.GET.get("type", "")))
    if event_type not in {str(value) for value in EventType.values}:
        event_type = ""
    if event_type:
        events = events.filter(event_type=int(event_type))
    actor = clean_query(kept.get("actor", request.GET.get("actor")))
    if actor:
        # A staff member by user name or by their name as people know it («نورة العتيبي»): the few matching
        # accounts' user names, read through `audit_actor_at_idx`.
        events = events.filter(actor_label__in=[actor, *staff_usernames(actor)])
    subject = clean_query(kept.get("subject"))
    if subject:
        # The person a row is about, by name or number: the apps that own the records say which rows
        # (lib/composition.audit_subjects), each read through `audit_target_at_idx`.
        about = Q(pk__in=[])
        for target_type, ids in audit_subject_targets(subject, request.user):
            about |= Q(target_type=target_type, target_id__in=ids)
        events = events.filter(about)
    # A date range in either calendar, read as whole days in Riyadh, on `audit_at_idx`.
    dates = AuditDatesForm({name: kept.get(name, "") for name in ("at_from", "at_to")})
    if dates.is_valid():
        events = within_days(events, "at", dates.cleaned_data["at_from"], dates.cleaned_data["at_to"])
    target = clean_query(request.GET.get("target")).replace(" ", "")
    if target:
        # A row's link to the other rows about the same record.
        kind, _, pk = target.partition(":")
        events = events.filter(target_type=kind, target_id=pk) if pk else events.filter(target_type=kind)
    links = {"s": key} if kept else {name: value for name, value in
                                     {"type": event_type, "actor": actor, "target": target}.items() if value}
    return _render(request, events, dates=dates, type=event_type, actor=actor, subject=subject, target=target,
                   list_query=urlencode(links))


class AuditDatesForm(forms.Form):
    at_from = DualDateField(label=_("من تاريخ"), required=False)
    at_to = DualDateField(label=_("إلى تاريخ"), required=False)

    def clean(self):
        data = super().clean()
        return refuse_reversed_range(self, data, "at_from", "at_to")


def _render(request, events, *, dates, status=200, **filters):
    # Keyset pages in the order (-at, -id), served by `audit_at_idx` or, filtered, by the index that leads
    # with the filter (`audit_type_at_idx`, `audit_actor_at_idx`, `audit_target_at_idx`): no count of the
    # whole trail, no OFFSET. See lib/paging.py.
    page = page_of(request, events, ("-at", "-id"), size=50)
    filters.setdefault("list_query", "")
    return render(request, "audit/list.html", {
        "page": page, "dates": dates, **filters,
        # The filter's choices with their values as the form posts them back (compared as text, no filter per option).
        "types": [(str(value), label) for value, label in EventType.choices],
    }, status=status)
