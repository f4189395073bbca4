"""The staff lists as Excel or CSV files (docs/reports.md «التصدير»): the requests, the registry, the contacts log.

Each export takes the same filters as its list (the same form, the same saved search key `s`) and the list's
own access rule and `visible_to`; it shows a beneficiary through `disclose` (a reader who does not see IDs and
mobiles gets no ID or mobile column at all); it reads at most `exports.MAX_ROWS` rows in the list's index order;
and it writes one audit row: who, which list, the filters, how many rows.
"""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mustafid.association.models import Channel
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.beneficiaries.disclosure import disclose
from mustafid.beneficiaries.models import SEARCH_LIMIT_MAX, Beneficiary
from mustafid.cases.filters import CaseFilterForm, apply_filters
from mustafid.cases.models import Case
from mustafid.interactions.forms import ContactFilterForm
from mustafid.interactions.models import Interaction
from mustafid.lib import searches
from mustafid.lib.arabic import clean_query
from mustafid.lib.forms import within_days

from . import exports

CHUNK = 2000


def _plain(filters):
    return {name: value.isoformat() if isinstance(value, datetime.date) else getattr(value, "pk", value)
            for name, value in filters.items() if name != "q"}


def _send(request, name, sheet, data):
    fmt = exports.wanted_format(request) or "xlsx"
    response, written = exports.export_response(fmt, name, [sheet])
    record(EventType.LIST_EXPORTED, actor=request.user, data={
        "list": name, "format": fmt, **data, "results": written["rows"], **({"capped": True} if written["capped"] else {}),
    })
    return response


def _query(request):
    return clean_query(searches.recall(request, request.GET.get("s", "")).get("q", ""))


@login_required
@require_GET
def export_cases(request):
    """The requests list (cases/views.py `case_list`) with its filters, in its order."""
    user = request.user
    if not user.sees_sensitive_data:
        raise PermissionDenied
    filters = CaseFilterForm(request.GET).valid_filters()
    filters.pop("q", None)
    query = _query(request)
    cases, order = apply_filters(Case.objects.visible_to(user), filters)
    if query:
        cases = cases.filter(beneficiary__in=Beneficiary.objects.search(query, user=user))
    # `disclose` reads the beneficiary's category, region and branch: joined here, never a query per row (at a
    # million a month's export took 77 s through 40,000 of them).
    cases = cases.select_related("beneficiary__category", "beneficiary__region", "beneficiary__branch", "support_type",
                                 "branch").order_by(*order)

    def rows():
        for case in cases[:exports.MAX_ROWS + 1].iterator(chunk_size=CHUNK):
            person = disclose(case.beneficiary, user)
            yield [case.reference, person.full_name, person.national_id, person.mobile, str(case.support_type),
                   case.get_channel_display(), str(case.branch), case.get_status_display(), case.received_at,
                   case.decision_due_on, case.decided_at, case.closed_at]

    columns = [(_("رقم الطلب"), "text"), (_("المستفيد"), "text"), (_("رقم الهوية"), "text"), (_("الجوال"), "text"),
               (_("نوع الدعم"), "text"), (_("قناة الاستلام"), "text"), (_("المكتب"), "text"), (_("الحالة"), "text"),
               (_("تاريخ الاستلام"), "date"), (_("موعد القرار"), "date"), (_("تاريخ القرار"), "date"),
               (_("تاريخ الإغلاق"), "date")]
    sheet = exports.Sheet(_("طلبات الدعم"), columns, rows())
    return _send(request, "cases", sheet, {**_plain(filters), "query": query})


@login_required
@require_GET
def export_beneficiaries(request):
    """The registry (beneficiaries/views.py `beneficiary_list`): everyone the reader may see, the newest first, or
    the people their saved search found. A reader who does not see IDs gets no ID, mobile or category column."""
    user = request.user
    complete = user.sees_sensitive_data
    query = _query(request)
    visible = Beneficiary.objects.visible_to(user).rows()
    if query:
        people = visible.search(query, user=user, limit=SEARCH_LIMIT_MAX)
    else:
        people = visible.order_by("-created_at", "-pk")[:exports.MAX_ROWS + 1].iterator(chunk_size=CHUNK)

    columns = [(_("رقم التسجيل"), "text"), (_("الاسم"), "text")]
    if complete:
        columns += [(_("رقم الهوية"), "text"), (_("الجوال"), "text"), (_("الفئة"), "text")]
    columns += [(_("المنطقة"), "text"), (_("المدينة"), "text"), (_("المكتب"), "text"), (_("تاريخ التسجيل"), "date"),
                (_("تاريخ الإضافة"), "date")]

    def rows():
        for beneficiary in people:
            person = disclose(beneficiary, user)
            row = [person.registration_number, person.full_name]
            if complete:
                row += [person.national_id, person.mobile, str(person.category or "")]
            yield row + [str(person.region), person.city, str(person.branch), beneficiary.registered_at,
                         beneficiary.created_at]

    sheet = exports.Sheet(_("سجل المستفيدين"), columns, rows())
    return _send(request, "beneficiaries", sheet, {"query": query})


@login_required
@require_GET
def export_contacts(request):
    """The contacts log (interactions/views.py `interaction_list`) with its filters, in its order."""
    user = request.user
    if not (user.may_log_contacts or user.reads_everything):
        raise PermissionDenied
    complete = user.sees_sensitive_data
    filters = ContactFilterForm(request.GET, channels=Channel.choices).valid_filters()
    contacts = Interaction.objects.visible_to(user).select_related(
        "beneficiary__category", "beneficiary__region", "beneficiary__branch", "staff")
    if filters.get("channel"):
        contacts = contacts.filter(channel=filters["channel"])
    if filters.get("kind"):
        contacts = contacts.filter(kind=filters["kind"])
    if filters.get("reply") == "waiting":
        contacts = contacts.awaiting_answer()
    contacts = within_days(contacts, "occurred_at", filters.get("occurred_from"), filters.get("occurred_to"))
    contacts = contacts.order_by(*ContactFilterForm.SORTS[filters.get("sort") or "new"])

    columns = [(_("وقت التواصل"), "date"), (_("القناة"), "text"), (_("النوع"), "text"), (_("المتواصل"), "text")]
    if complete:
        columns.append((_("الجوال"), "text"))
    columns += [(_("الموضوع"), "text"), (_("سجله"), "text"), (_("وقت الرد"), "date")]

    def rows():
        for contact in contacts[:exports.MAX_ROWS + 1].iterator(chunk_size=CHUNK):
            person = disclose(contact.beneficiary, user) if contact.beneficiary_id else None
            row = [contact.occurred_at, contact.get_channel_display(), contact.get_kind_display(),
                   person.full_name if person else (contact.contact_name or _("غير مسجل"))]
            if complete:
                row.append(person.mobile if person else contact.contact_mobile)
            yield row + [contact.summary, str(contact.recorded_by), contact.answered_at]

    sheet = exports.Sheet(_("سجل التواصل"), columns, rows())
    return _send(request, "contacts", sheet, _plain(filters))
