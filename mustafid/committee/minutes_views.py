"""A meeting's minutes and its end: the minutes PDF, closing the meeting, the signed scan, adding to the agenda.

The forms live on the meeting page (views.py `_meeting_page` takes them from `meeting_extras`); a refusal or an
invalid form shows that page again with the message (400).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from mustafid.cases.forms import UPLOAD_ACCEPT
from mustafid.cases.models import Case, Step, may_take
from mustafid.lib.errors import ActionRefused
from mustafid.lib.uploads import serve_file

from . import actions, minutes
from .access import access_meeting, require_scheduler

# The most requests the «add to the agenda» list offers (earliest due first); more wait for the next meeting.
CANDIDATES = 200


class CloseMeetingForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("أؤكد إقفال الاجتماع: بعده لا يُسجَّل حضور ولا تصويت ولا نتيجة، ولا يتغير جدول الأعمال."),
        error_messages={"required": gettext_lazy("أكّد إقفال الاجتماع أولًا.")},
    )


class MinutesScanForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("المحضر الموقع"),
        help_text=gettext_lazy("PDF أو صورة JPG أو PNG للمحضر بعد توقيعه؛ بعد إرفاقه يُعتمد المحضر ولا يتغير."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = UPLOAD_ACCEPT


class AgendaAddForm(forms.Form):
    case = forms.ChoiceField(
        label=gettext_lazy("الطلب"),
        help_text=gettext_lazy("الطلبات لدى اللجنة وليست على جدول أعمال اجتماع مفتوح، الأقرب موعدًا أولًا."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cases = (actions.agenda_candidates().filter(pk__in=Case.objects.visible_to(user).values("pk"))
                 .select_related("beneficiary").order_by("decision_due_on", "pk")[:CANDIDATES])
        self.cases = {str(case.pk): case for case in cases}
        self.fields["case"].choices = [("", _("اختر الطلب"))] + [
            (pk, f"{case.reference} — {case.beneficiary.full_name}") for pk, case in self.cases.items()
        ]

    def clean_case(self):
        return self.cases[self.cleaned_data["case"]]


def meeting_extras(user, meeting, bound):
    """The meeting page's minutes link, close button, signed-scan upload and «add to the agenda» form."""
    closed = meeting.closed_at is not None
    scheduler = actions.may_schedule_meetings(user)
    chair = may_take(user, Step.DECIDE)
    add_form = None
    if not closed and scheduler:
        add_form = bound.get("agenda_add") or AgendaAddForm(user=user)
    return {
        "closed": closed,
        "close_form": (bound.get("close") or CloseMeetingForm()) if not closed and chair else None,
        "scan_form": (bound.get("minutes_scan") or MinutesScanForm())
        if closed and not meeting.minutes_signed_at and actions.may_attach_minutes(user) else None,
        "agenda_add_form": add_form if add_form is not None and (add_form.cases or add_form.is_bound) else None,
        "agenda_add_none": add_form is not None and not add_form.cases and not add_form.is_bound,
    }


def _page(request, meeting, bound, refusal=None):
    from .views import _meeting_page

    if refusal is not None:
        messages.error(request, refusal.message)
    return _meeting_page(request, meeting, bound=bound, status=400)


@login_required
@require_GET
def minutes_pdf(request, pk):
    """The meeting's minutes: made from the rows, or the signed scan once attached (then they never change)."""
    meeting = minutes.access_minutes(request.user, pk)
    if meeting.minutes_signed_at and meeting.minutes_scan:
        return serve_file(meeting.minutes_scan, filename=minutes.filename(meeting, extension=""))
    try:
        pdf = minutes.render_minutes(meeting, request=request)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return redirect(meeting)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{minutes.filename(meeting)}"'
    return response


@login_required
@require_POST
def close(request, pk):
    meeting = access_meeting(request.user, pk, chair=True)
    form = CloseMeetingForm(request.POST)
    if not form.is_valid():
        return _page(request, meeting, {"close": form})
    try:
        actions.close_meeting(meeting, by=request.user)
    except ActionRefused as refusal:
        return _page(request, meeting, {}, refusal)
    messages.success(request, _("أُقفل الاجتماع رقم %(number)s؛ نزّل المحضر للتوقيع ثم أرفق نسخته الموقعة.")
                     % {"number": meeting.number})
    return redirect(meeting)


@login_required
@require_POST
def minutes_scan(request, pk):
    meeting = access_meeting(request.user, pk)
    if not actions.may_attach_minutes(request.user):
        raise PermissionDenied
    form = MinutesScanForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, meeting, {"minutes_scan": form})
    try:
        actions.attach_signed_minutes(meeting, form.cleaned_data["file"], by=request.user)
    except ActionRefused as refusal:
        return _page(request, meeting, {"minutes_scan": form}, refusal)
    messages.success(request, _("أُرفق المحضر الموقع واعتُمد؛ لا يتغير بعد الآن."))
    return redirect(meeting)


@login_required
@require_POST
def agenda_add(request, pk):
    meeting = access_meeting(request.user, pk)
    require_scheduler(request.user)
    form = AgendaAddForm(request.POST, user=request.user)
    if not form.is_valid():
        return _page(request, meeting, {"agenda_add": form})
    case = form.cleaned_data["case"]
    try:
        actions.add_to_agenda(meeting, case, by=request.user)
    except ActionRefused as refusal:
        return _page(request, meeting, {"agenda_add": form}, refusal)
    messages.success(request, _("أُضيف الطلب %(reference)s إلى جدول الأعمال.") % {"reference": case.reference})
    return redirect(f"{meeting.get_absolute_url()}#item-{case.pk}")
