from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mustafid.association.models import Channel, current_policy
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.beneficiaries.access import access_beneficiary
from mustafid.lib.errors import ActionRefused
from mustafid.lib.paging import page_of

from . import actions
from .forms import InteractionForm
from .models import Interaction


@login_required
@require_GET
def interaction_list(request):
    if not (request.user.may_log_contacts or request.user.reads_everything):
        raise PermissionDenied
    interactions = Interaction.objects.visible_to(request.user).select_related("beneficiary", "staff")
    channel = request.GET.get("channel", "")
    if channel in Channel.values:
        interactions = interactions.filter(channel=channel)
    kind = request.GET.get("kind", "")
    if kind in Interaction.Kind.values:
        interactions = interactions.filter(kind=kind)
    # Keyset pages in the order of `contact_occurred_idx` (no count, no OFFSET): see lib/paging.py.
    page = page_of(request, interactions, ("-occurred_at", "-pk"), size=30)
    # Names, mobiles and what was said: each page shown is a read of personal data.
    record(EventType.CONTACTS_LISTED, actor=request.user, data={
        "channel": channel, "kind": kind, "page": page.number, "results": len(page),
    })
    return render(request, "interactions/list.html", {
        "page": page, "channel": channel, "kind": kind, "channels": Channel.choices, "kinds": Interaction.Kind.choices,
        "list_query": urlencode({name: value for name, value in (("channel", channel), ("kind", kind)) if value}),
        "sensitive": request.user.sees_sensitive_data,
    })


@login_required
def interaction_new(request):
    """Log a contact, with a known beneficiary (?beneficiary=ID) or someone not yet registered."""
    if not request.user.may_log_contacts:
        raise PermissionDenied
    beneficiary = None
    beneficiary_pk = request.GET.get("beneficiary") or request.POST.get("beneficiary")
    if beneficiary_pk:
        if not str(beneficiary_pk).isdigit():
            return redirect("interactions:new")
        beneficiary = access_beneficiary(request.user, int(beneficiary_pk))
    policy = current_policy()
    if policy is None:
        messages.error(request, _("لا توجد سياسة معتمدة نافذة؛ يضيفها المدير من الإعدادات."))
        return redirect("reports:home")
    form = InteractionForm(request.POST or None, policy=policy, beneficiary=beneficiary)
    if request.method == "POST" and form.is_valid():
        try:
            interaction = actions.log_interaction(by=request.user, beneficiary=beneficiary, **form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("تم تسجيل التواصل."))
            if beneficiary is not None:
                return redirect(beneficiary)
            if "register" in request.POST and request.user.may_intake:
                return redirect(f"{reverse('beneficiaries:new')}?contact={interaction.pk}")
            return redirect("interactions:list")
    return render(request, "interactions/form.html", {"form": form, "beneficiary": beneficiary},
                  status=400 if request.method == "POST" else 200)
