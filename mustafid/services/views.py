from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mustafid.cases.access import access_case
from mustafid.cases.models import Step
from mustafid.cases.page import render_case, show_refusal
from mustafid.lib.errors import ActionRefused

from . import actions
from .forms import DeliveryForm


@login_required
@require_POST
def record_delivery(request, pk):
    case = access_case(request.user, pk, step=Step.DELIVER)
    form = DeliveryForm(request.POST)
    if not form.is_valid():
        return render_case(request, case, bound={"delivery": form}, status=400)
    try:
        actions.record_delivery(case, by=request.user, **form.cleaned_data)
    except ActionRefused as refusal:
        return show_refusal(request, case, refusal, panel="delivery", form=form)
    messages.success(request, _("تم تسجيل تقديم الخدمة."))
    return redirect(case)
