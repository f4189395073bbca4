from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mustafid.association.models import StaffTool
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.beneficiaries.access import access_beneficiary
from mustafid.cases.access import access_case
from mustafid.cases.models import Step
from mustafid.cases.page import render_case, show_refusal
from mustafid.interactions.access import access_interaction
from mustafid.lib.errors import ActionRefused
from mustafid.lib.forms import within_days
from mustafid.lib.paging import page_of

from . import actions
from .access import access_referral
from .forms import AnswerForm, ReferralFilterForm, ReferralForm
from .models import Referral


@login_required
@require_POST
def refer_case(request, pk):
    case = access_case(request.user, pk, step=Step.REFER)
    form = ReferralForm(request.POST)
    if not form.is_valid():
        return render_case(request, case, bound={"referral": form}, status=400)
    try:
        actions.refer_to_researcher(case=case, by=request.user, **form.cleaned_data)
    except ActionRefused as refusal:
        return show_refusal(request, case, refusal, panel="referral", form=form)
    messages.success(request, _("تمت الإحالة إلى الباحث الاجتماعي."))
    return redirect(case)


@login_required
def refer_other(request, kind, pk):
    """Refer a beneficiary's or a contact's questions before any request exists."""
    if not request.user.may_refer:
        raise PermissionDenied
    if kind == "beneficiary":
        subject = {"beneficiary": access_beneficiary(request.user, pk)}
    else:
        subject = {"interaction": access_interaction(request.user, pk)}
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = actions.refer_to_researcher(by=request.user, **subject, **form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("تمت الإحالة إلى الباحث الاجتماعي."))
            return redirect("research:detail", referral.pk)
    return render(request, "research/refer.html", {"form": form, **subject},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def referral_list(request):
    user = request.user
    # The two staff members on each row are read apart (`_with_staff`): joined in too, the seven tables
    # took PostgreSQL 18 ms to plan for a query it runs in 1.
    referrals = Referral.objects.visible_to(user).rows()
    state = "all" if request.GET.get("state") == "all" else ""
    if state != "all":
        referrals = referrals.open()
    # Dates carry no personal data: the filter is a plain GET form. A mistyped date is said on the form.
    filters = ReferralFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    referrals = within_days(referrals, "referred_at", chosen.get("referred_from"), chosen.get("referred_to"))
    # A researcher's queue of referrals awaiting their answer: the earliest due first by default (the due date is
    # `referred_at` plus the period, so the oldest referred first, as the same indexes serve).
    queue = state != "all" and user.is_researcher
    oldest_first = chosen.get("sort") == "old" or (queue and not chosen.get("sort"))
    if queue and not filters.is_bound:
        filters.fields["sort"].initial = "old"
    # Keyset pages in the order of `referral_referred_idx` (open ones: `referral_open_idx`), read either way;
    # see lib/paging.py.
    order = ("referred_at", "pk") if oldest_first else ("-referred_at", "-pk")
    page = page_of(request, referrals, order, size=30)
    _with_staff(page.rows)
    # Who was referred and why: each view of the list is a read of personal data.
    record(EventType.REFERRALS_LISTED, actor=user, data={
        "state": state, "page": page.number, "results": len(page),
        **{name: str(value) for name, value in chosen.items() if value},
    })
    params = {"state": state} if state else {}
    params.update({name: (value.isoformat() if hasattr(value, "isoformat") else value)
                   for name, value in chosen.items() if value})
    return render(request, "research/list.html", {
        "referrals": page, "page": page, "state": state, "filters": filters, "list_query": urlencode(params),
    }, status=400 if filters.is_bound and filters.errors else 200)


def _with_staff(referrals):
    """Give each referral its researcher and the person who referred, read in one query by id."""
    ids = {r.researcher_id for r in referrals} | {r.referred_by_id for r in referrals}
    staff = get_user_model().objects.in_bulk(ids)
    for referral in referrals:
        referral.researcher, referral.referred_by = staff[referral.researcher_id], staff[referral.referred_by_id]


@login_required
def referral_detail(request, pk):
    referral = access_referral(request.user, pk, answer=request.method == "POST")
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.answer_referral(referral, answer=form.cleaned_data["answer"], by=request.user)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("تم تسجيل الرد."))
            return redirect("research:detail", referral.pk)
    record(EventType.REFERRAL_VIEWED, actor=request.user, target=referral)
    return render(request, "research/detail.html", {
        "referral": referral,
        "form": form if referral.researcher_id == request.user.pk and not referral.is_answered else None,
        "guide": next((t for t in StaffTool.objects.current() if t.kind == StaffTool.Kind.RESEARCH_GUIDE), None),
    }, status=400 if request.method == "POST" else 200)
