from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url

from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.lib import searches
from mustafid.lib.composition import registration_sources, timeline_rows
from mustafid.lib.errors import ActionRefused

from . import actions
from .access import access_beneficiary
from .disclosure import disclose
from .forms import BeneficiaryForm, HouseholdMemberForm
from .models import NUMBER_SEARCH_REFUSED, Beneficiary, HouseholdMember, clean_search, number_search_refused


@login_required
@require_http_methods(["GET", "POST"])
def beneficiary_list(request):
    """The registry, searched by name (Arabic-normalised), and by ID or mobile for roles that see them.

    The search is POSTed and kept in the session (`lib.searches`): links carry `?s=<key>&page=N`, never
    what was typed. Each page shown is audited: who, what was searched, how many were found.
    """
    user = request.user
    if request.method == "POST":
        query = clean_search(request.POST.get("q", ""))
        key = searches.remember(request, {"q": query}) if query else ""
        if not request.htmx:
            # Post/Redirect/Get: reloading the results does not resend the form.
            return redirect(_list_url(key))
    else:
        key = request.GET.get("s", "")
        query = clean_search(searches.recall(request, key).get("q", ""))
        key = key if query else ""
    beneficiaries = Beneficiary.objects.visible_to(user).search(query, user=user).select_related(
        "branch", "category", "region"
    )
    page = Paginator(beneficiaries, 25).get_page(request.GET.get("page") if request.method == "GET" else 1)
    refused = number_search_refused(user, query)
    data = {"page": page.number, "results": page.paginator.count}
    if query:
        data = {"query": query, **data, **({"refused": True} if refused else {})}
    record(EventType.REGISTRY_SEARCHED if query else EventType.REGISTRY_LISTED, actor=user, data=data)
    context = {
        "page": page, "query": query, "search_key": key, "sensitive": user.sees_sensitive_data,
        "number_search_refused": NUMBER_SEARCH_REFUSED if refused else "",
    }
    if request.htmx:
        # One partial for the page and the search-as-you-type swap; the address bar gets the key only.
        return push_url(render(request, "beneficiaries/_rows.html", context), _list_url(key))
    return render(request, "beneficiaries/list.html", context)


def _list_url(key):
    url = reverse("beneficiaries:list")
    return f"{url}?s={key}" if key else url


@login_required
def beneficiary_new(request):
    if not request.user.may_intake:
        raise PermissionDenied
    contact = _unlinked_contact(request)
    initial = {}
    if contact is not None:
        initial = contact.registration_initial()
    form = BeneficiaryForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            beneficiary = actions.create_beneficiary(by=request.user, contact=contact, **form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("تم تسجيل المستفيد %(name)s.") % {"name": beneficiary.full_name})
            return redirect(beneficiary)
    return render(request, "beneficiaries/form.html", {"form": form, "contact": contact},
                  status=400 if request.method == "POST" else 200)


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


def render_detail(request, beneficiary, *, household_form=None, status=200):
    user = request.user
    # The page is given what the reader may see (disclosure.py), never the record itself.
    shown = disclose(beneficiary, user)
    context = {"beneficiary": shown}
    if shown.complete:
        context.update(
            household=shown.household,
            household_form=household_form or (HouseholdMemberForm() if user.may_intake else None),
            cases=beneficiary.cases.visible_to(user).select_related("support_type"),
            timeline=timeline(beneficiary, user),
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
