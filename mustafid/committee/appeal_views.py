"""The appeal (التظلم) on the request page and its own page: the officer records the applicant's appeal against a
rejection within `APPEAL_DAYS` (appeals.py); the panel shows each appeal, its clock and the decision on it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.cases.access import access_case
from mustafid.cases.models import Status, Step
from mustafid.lib.composition import Panel, request_panels
from mustafid.lib.errors import ActionRefused

from . import appeals


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("سبب التظلم"), widget=forms.Textarea(attrs={"rows": 4}), max_length=appeals.REASON_MAX,
        help_text=gettext_lazy("كما بيّنه المتظلم: ما يراه في القرار، وما استجد من ظروفه أو مستنداته."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_appeal_%s")
        super().__init__(*args, **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def appeal(request, pk):
    """The appeal's form (GET) and its recording (POST) by the intake staff."""
    case = access_case(request.user, pk, step=Step.APPEAL)
    form = AppealForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                appeals.file_appeal(case, reason=form.cleaned_data["reason"], by=request.user)
            except ActionRefused as refusal:
                messages.error(request, refusal.message)
            else:
                messages.success(request, _("سُجّل التظلم وعاد الطلب إلى لجنة البحث بموعد قرار جديد؛ "
                                            "ارفع ما أحضره المتظلم من مستندات جديدة من قسم المستندات."))
                return redirect(f"{case.get_absolute_url()}#appeal")
        status = 400
    else:
        # The page shows the applicant's name and the decision's reasons: a read of the request.
        record(EventType.CASE_VIEWED, actor=request.user, target=case)
    decision, refusal = appeals.appeal_refusal(case)
    return render(request, "committee/appeal.html", {
        "case": case, "decision": decision, "refusal": refusal, "form": form if not refusal else None,
        "last_day": appeals.last_day(decision) if decision is not None else None,
        "appeal_days": appeals.appeal_days(), "nav_section": "cases",
    }, status=status)


def _appeal_panel(case, user, bound):
    """The request's appeals (reason, clock, answer), and the button while one may be filed."""
    rows = list(case.appeals.select_related("appealed", "decision").order_by("filed_at", "pk"))
    offered = case.offers(Step.APPEAL, user)
    if not rows and not offered:
        return None
    decision, refusal = appeals.appeal_refusal(case) if offered else (None, "")
    return {
        "appeals": rows,
        "may_file": offered and not refusal,
        "refusal": refusal if offered and decision is not None and decision.outcome == "rejected" else "",
        "last_day": appeals.last_day(decision) if decision is not None and offered else None,
        "pending": case.under_appeal,
        "today": timezone.localdate(),
        "rejected": case.status == Status.REJECTED,
    }


def register_panel():
    request_panels.register(Panel("appeal", 63, "committee/panels/appeal.html", _appeal_panel))
