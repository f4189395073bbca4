import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url

from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.lib import searches
from mustafid.lib.composition import registration_sources, timeline_rows
from mustafid.lib.arabic import clean_query
from mustafid.lib.errors import ActionRefused

from . import actions
from .access import access_beneficiary
from .disclosure import disclose, disclose_guardians
from .search import likely_duplicates
from .forms import (
    BeneficiaryForm, GuardianForm, HouseholdMemberForm, RejectRegistrationForm, VerifyRegistrationForm,
)
from .models import (
    NUMBER_SEARCH_REFUSED,
    SEARCH_LIMIT_MAX,
    Beneficiary,
    Guardian,
    HouseholdMember,
    number_search_refused,
)


@login_required
@require_http_methods(["GET", "POST"])
def beneficiary_list(request):
    """The registry, searched by name (Arabic-normalised), and by ID or mobile for roles that see them.

    The search is POSTed and kept in the session (`lib.searches`): links carry `?s=<key>&page=N`, never
    what was typed. Each page shown is audited: who, what was searched, how many were found so far.

    Nothing here counts or sorts the whole registry: a search asks `search` for the people up to the
    end of the page plus one (to know there is a next page, shown as «25+»); the plain list reads the
    (created_at, id) index from where the previous page stopped (`?after=<id>`).
    """
    user = request.user
    if request.method == "POST":
        query = clean_query(request.POST.get("q", ""))
        if request.htmx and 0 < len(query) < SEARCH_MIN_CHARS:
            # Search as you type starts at two letters; until then the rows shown stay (204: no swap).
            return HttpResponse(status=204)
        key = searches.remember(request, {"q": query}) if query else ""
        if not request.htmx:
            # Post/Redirect/Get: reloading the results does not resend the form.
            return redirect(_list_url(key))
        page_number = 1
    else:
        key = request.GET.get("s", "")
        query = clean_query(searches.recall(request, key).get("q", ""))
        key = key if query else ""
        page_number = _page_number(request.GET.get("page"), most=MAX_SEARCH_PAGES if query else 10**6)
    visible = Beneficiary.objects.visible_to(user)
    offset = (page_number - 1) * PER_PAGE
    after = None
    if query:
        found = list(visible.search(query, user=user, limit=offset + PER_PAGE + 1).rows())
        rows, more = found[offset:offset + PER_PAGE], len(found) > offset + PER_PAGE
        more_url = _list_url(key, page=page_number + 1) if more and page_number < MAX_SEARCH_PAGES else ""
    else:
        listed = visible.rows().order_by("-created_at", "-pk")
        after = _cursor(request.GET.get("after") if request.method == "GET" else None)
        if after is not None:
            listed = listed.filter(created_at__lte=after.created_at).filter(
                Q(created_at__lt=after.created_at) | Q(pk__lt=after.pk))
        else:
            page_number, offset = 1, 0
        found = list(listed[:PER_PAGE + 1])
        rows, more = found[:PER_PAGE], len(found) > PER_PAGE
        more_url = f"{_list_url('')}?after={rows[-1].pk}&page={page_number + 1}" if more else ""
    refused = number_search_refused(user, query)
    data = {"page": page_number, "results": offset + len(rows), **({"more": True} if more else {})}
    if query:
        data = {"query": query, **data, **({"refused": True} if refused else {})}
    record(EventType.REGISTRY_SEARCHED if query else EventType.REGISTRY_LISTED, actor=user, data=data)
    context = {
        "rows": rows, "page_number": page_number, "more": more, "next_url": more_url,
        "first_url": _list_url(key) if page_number > 1 else "",
        "previous_url": _list_url(key, page=page_number - 1) if query and page_number > 2 else "",
        "found": f"{offset + len(rows)}+" if more else str(offset + len(rows)),
        "query": query, "search_key": key, "sensitive": user.sees_sensitive_data,
        "number_search_refused": NUMBER_SEARCH_REFUSED if refused else "",
    }
    if request.htmx:
        # One partial for the page and the search-as-you-type swap; the address bar gets the key only.
        return push_url(render(request, "beneficiaries/_rows.html", context), _list_url(key))
    return render(request, "beneficiaries/list.html", context)


PER_PAGE = 25
# A search shows at most this many pages (`search` returns at most SEARCH_LIMIT_MAX people): past it, refine.
MAX_SEARCH_PAGES = SEARCH_LIMIT_MAX // PER_PAGE
# Search as you type waits for this many letters.
SEARCH_MIN_CHARS = 2


def _page_number(text, *, most=10**6):
    if not re.fullmatch(r"[0-9]{1,6}", str(text or "")):
        return 1
    return max(1, min(int(text), most))


def _cursor(text):
    """The row the previous page of the plain list ended on (`?after=<id>`), or None."""
    if not re.fullmatch(r"[0-9]{1,18}", str(text or "")):
        return None
    return Beneficiary.objects.filter(pk=int(text)).only("pk", "created_at").first()


def _list_url(key, page=None):
    url = reverse("beneficiaries:list")
    if key and page and page > 1:
        return f"{url}?s={key}&page={page}"
    return f"{url}?s={key}" if key else url


@login_required
def beneficiary_new(request):
    """Register a beneficiary, after showing the officer the registered people this may already be.

    A valid form is checked against the registry (`likely_duplicates`: same mobile, a household
    member's ID, the same or a similar name born the same year); when someone is found, nothing is
    saved and the matches are shown with their reasons, as the reader may see them. The officer opens
    the existing record, or confirms «ليس الشخص نفسه» (the hidden `not_duplicate_of` names the people
    they were shown) and the registration goes ahead, the confirmation kept in its audit row.
    """
    if not request.user.may_intake:
        raise PermissionDenied
    contact = _unlinked_contact(request)
    initial = {}
    if contact is not None:
        initial = contact.registration_initial()
    form = BeneficiaryForm(request.POST or None, user=request.user, initial=initial)
    duplicates, status = [], 200
    if request.method == "POST" and form.is_valid():
        duplicates = _duplicates_for(form, request.user)
        shown = sorted(pk for _shown, _reasons, pk in duplicates)
        confirmed = request.POST.get("not_duplicate_of", "") == _pk_list(shown)
        if not duplicates or confirmed:
            try:
                beneficiary = actions.create_beneficiary(
                    by=request.user, contact=contact, **form.cleaned_data,
                    **({"not_duplicate_of": shown} if shown else {}))
            except ActionRefused as refusal:
                form.add_error(None, refusal.message)
                status = 400
            else:
                messages.success(request, _("تم تسجيل المستفيد %(name)s.") % {"name": beneficiary.full_name})
                return redirect(beneficiary)
    elif request.method == "POST":
        status = 400
    context = {"form": form, "contact": contact, "duplicates": duplicates,
               "not_duplicate_of": _pk_list(sorted(pk for _shown, _reasons, pk in duplicates))}
    return render(request, "beneficiaries/form.html", context, status=status)


def _pk_list(pks):
    return ",".join(str(pk) for pk in pks)


def _duplicates_for(form, user):
    """The likely duplicates of a valid registration form, each as this reader may see them (disclosure.py).

    People the reader may not know exist (another branch's, for a branch representative) are named
    only as «a possible match at another office». Showing them is a read of the registry: audited.
    """
    data = form.cleaned_data
    found = likely_duplicates(
        national_id=data["national_id"], mobile=data["mobile"], birth_date=data["birth_date"],
        names=[data["first_name"], data["father_name"], data["grandfather_name"], data["family_name"]])
    if not found:
        return []
    visible = set(Beneficiary.objects.visible_to(user).filter(pk__in=[b.pk for b, _r in found])
                  .values_list("pk", flat=True))
    record(EventType.REGISTRY_SEARCHED, actor=user,
           data={"duplicate_check": True, "results": len(found), "shown": sorted(visible)})
    return [(disclose(b, user) if b.pk in visible else None, [str(r) for r in reasons], b.pk)
            for b, reasons in found]


def _unlinked_contact(request):
    """The contact (?contact=ID) this registration follows, if the user may see it and it has no beneficiary yet."""
    pk = request.GET.get("contact") or request.POST.get("contact")
    source = registration_sources.get("contact")
    if not pk or not str(pk).isdigit() or source is None:
        return None
    return source.find(request.user, int(pk))


@login_required
def beneficiary_edit(request, pk):
    # The edit form shows the whole record: opening it is a read, and audited as one.
    beneficiary = access_beneficiary(request.user, pk, write=True, audit_read=request.method == "GET")
    form = BeneficiaryForm(request.POST or None, instance=beneficiary, user=request.user)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        # Re-read: the form's instance was already modified by validation.
        current = Beneficiary.objects.get(pk=beneficiary.pk)
        try:
            actions.update_beneficiary(current, by=request.user, **changes)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("تم حفظ التعديلات."))
            return redirect(beneficiary)
    return render(request, "beneficiaries/form.html", {"form": form, "beneficiary": beneficiary},
                  status=400 if request.method == "POST" else 200)


def timeline(beneficiary, user):
    """One list of the beneficiary's contacts and of the events of their requests, newest first.

    Only what the reader may see: each app above this one brings its own rows through
    `beneficiary_timeline` (mustafid/lib/composition.py) and filters them with its `visible_to`.
    """
    return timeline_rows(beneficiary, user)


def render_detail(request, beneficiary, *, household_form=None, guardian_form=None, verify_form=None, reject_form=None,
                  status=200):
    user = request.user
    # The page is given what the reader may see (disclosure.py), never the record itself.
    shown = disclose(beneficiary, user)
    # Every reader gets the timeline: each source shows only what its app lets this reader see (a volunteer:
    # the contacts they logged, and that a message was sent and its status — no request, no message text).
    context = {"beneficiary": shown, "timeline": timeline(beneficiary, user)}
    # «أولياء الأمور»: who may act for them in the portal (masked as the beneficiary's own ID and mobile).
    context.update(
        guardians=disclose_guardians(beneficiary, user, ended=shown.complete),
        guardian_form=guardian_form or (GuardianForm(beneficiary=beneficiary) if user.may_intake else None),
    )
    if shown.complete:
        context.update(
            household=shown.household,
            household_form=household_form or (HouseholdMemberForm() if user.may_intake else None),
            cases=beneficiary.cases.visible_to(user).select_related("support_type"),
        )
    # A self-registration from the portal awaiting an officer: verify or reject it (_verify.html).
    if beneficiary.awaiting_verification and user.may_intake:
        context.update(
            verify_form=verify_form or VerifyRegistrationForm(user=user, beneficiary=beneficiary),
            reject_form=reject_form or RejectRegistrationForm(),
        )
    return render(request, "beneficiaries/detail.html", context, status=status)


@login_required
@require_GET
def beneficiary_detail(request, pk):
    return render_detail(request, access_beneficiary(request.user, pk))


@login_required
@require_POST
def household_add(request, pk):
    beneficiary = access_beneficiary(request.user, pk, write=True)
    form = HouseholdMemberForm(request.POST)
    if form.is_valid():
        actions.add_household_member(beneficiary, by=request.user, **form.cleaned_data)
        messages.success(request, _("تمت إضافة فرد الأسرة."))
        return redirect(beneficiary)
    return render_detail(request, beneficiary, household_form=form, status=400)


@login_required
@require_POST
def household_remove(request, pk, member_pk):
    beneficiary = access_beneficiary(request.user, pk, write=True)
    member = get_object_or_404(HouseholdMember, pk=member_pk, beneficiary=beneficiary)
    actions.remove_household_member(member, by=request.user)
    messages.success(request, _("تم حذف فرد الأسرة."))
    return redirect(beneficiary)


@login_required
@require_POST
def guardian_add(request, pk):
    beneficiary = access_beneficiary(request.user, pk, write=True)
    form = GuardianForm(request.POST, beneficiary=beneficiary)
    if form.is_valid():
        try:
            actions.add_guardian(beneficiary, by=request.user, **form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("أُضيف ولي الأمر، ويمكنه الدخول إلى خدمات المستفيد برقم هويته."))
            return redirect(beneficiary)
    return render_detail(request, beneficiary, guardian_form=form, status=400)


@login_required
@require_POST
def guardian_end(request, pk, guardian_pk):
    beneficiary = access_beneficiary(request.user, pk, write=True)
    guardian = get_object_or_404(Guardian, pk=guardian_pk, beneficiary=beneficiary)
    try:
        actions.end_guardian(guardian, by=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("أُلغيت صلاحية ولي الأمر %(name)s.") % {"name": guardian.name})
    return redirect(beneficiary)


@login_required
@require_POST
def verify_registration(request, pk):
    """The officer checked a self-registration against the ID: the category set, its requests may proceed."""
    beneficiary = access_beneficiary(request.user, pk, write=True)
    form = VerifyRegistrationForm(request.POST, user=request.user, beneficiary=beneficiary)
    if form.is_valid():
        try:
            actions.verify_self_registration(beneficiary, by=request.user, category=form.cleaned_data["category"],
                                             branch=form.cleaned_data["branch"])
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("اعتُمد تسجيل %(name)s.") % {"name": beneficiary.full_name})
        return redirect(beneficiary)
    return render_detail(request, beneficiary, verify_form=form, status=400)


@login_required
@require_POST
def reject_registration(request, pk):
    """A self-registration that is not the ID holder's: deleted with its draft requests (the reason audited)."""
    beneficiary = access_beneficiary(request.user, pk, write=True)
    form = RejectRegistrationForm(request.POST)
    if form.is_valid():
        try:
            actions.reject_self_registration(beneficiary, by=request.user, reason=form.cleaned_data["reason"])
        except ActionRefused as refusal:
            if not beneficiary.awaiting_verification:
                messages.error(request, refusal.message)
                return redirect(beneficiary)
            form.add_error("reason", refusal.message)
        else:
            messages.success(request, _("رُفض التسجيل وحُذف السجل."))
            return redirect("beneficiaries:list")
    return render_detail(request, beneficiary, reject_form=form, status=400)
