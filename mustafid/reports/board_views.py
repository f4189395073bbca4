"""«تقرير مجلس الإدارة» (board_report.py, docs/reports.md): the list of issued reports and the issue form, one
report with the board's recommendations, its PDF; managers issue and record, auditors read and download."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mustafid.lib.errors import ActionRefused
from mustafid.lib.uploads import serve_file

from . import board_report
from .models import BoardReport
from .periods import IndicatorFilterForm

LISTED = 100


class RecommendationForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("التوصية"), max_length=board_report.RECOMMENDATION_MAX,
                           widget=forms.Textarea(attrs={"rows": 4}))
    board_meeting = forms.CharField(label=gettext_lazy("اجتماع المجلس"), max_length=board_report.MEETING_MAX,
                                    required=False, help_text=gettext_lazy("مثل: الاجتماع الثالث لعام ١٤٤٨ هـ"))


def _list_page(request, form, status=200):
    reports = BoardReport.objects.select_related("branch", "issued_by").order_by("-issued_at", "-id")[:LISTED]
    return render(request, "reports/board/list.html", {
        "form": form, "reports": reports, "may_issue": board_report.may_issue_board_reports(request.user),
        "nav_section": "indicators",
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def board_reports(request):
    """The issued reports, newest first, and (for managers) the period to issue next."""
    user = request.user
    if not board_report.may_read_board_reports(user):
        raise PermissionDenied
    if request.method == "GET":
        return _list_page(request, IndicatorFilterForm(request.GET or None, today=timezone.localdate()))
    if not board_report.may_issue_board_reports(user):
        raise PermissionDenied
    form = IndicatorFilterForm(request.POST, today=timezone.localdate())
    period, branch = form.chosen()
    if form.errors:
        return _list_page(request, form, status=400)
    try:
        report = board_report.issue_report(period, branch, by=user)
    except board_report.AlreadyIssued as issued:
        messages.info(request, issued.message)
        return redirect("reports:board_report", issued.report.pk)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return _list_page(request, form, status=400)
    messages.success(request, _("صدر تقرير الفترة %(period)s؛ نزّله من هنا.") % {"period": report.period_label})
    return redirect("reports:board_report", report.pk)


def _report_page(request, report, form=None, status=200):
    may_issue = board_report.may_issue_board_reports(request.user)
    return render(request, "reports/board/detail.html", {
        "report": report, "figures": report.figures, "last_day": report.period_end - datetime.timedelta(days=1),
        "recommendations": list(report.recommendations.select_related("recorded_by")),
        "form": (form or RecommendationForm()) if may_issue else None, "may_issue": may_issue,
        "nav_section": "indicators",
    }, status=status)


@login_required
@require_GET
def board_report_detail(request, pk):
    return _report_page(request, board_report.access_board_report(request.user, pk))


@login_required
@require_GET
def board_report_pdf(request, pk):
    report = board_report.access_board_report(request.user, pk)
    return serve_file(report.pdf, filename=board_report.filename(report))


@login_required
@require_POST
def recommend(request, pk):
    report = board_report.access_board_report(request.user, pk, write=True)
    form = RecommendationForm(request.POST)
    if not form.is_valid():
        return _report_page(request, report, form, status=400)
    try:
        board_report.record_recommendation(report, text=form.cleaned_data["text"],
                                           board_meeting=form.cleaned_data["board_meeting"], by=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return _report_page(request, report, form, status=400)
    messages.success(request, _("سُجلت توصية المجلس؛ انشرها حين يقرر المجلس نشرها."))
    return redirect("reports:board_report", report.pk)


@login_required
@require_POST
def publish(request, pk):
    recommendation = board_report.access_recommendation(request.user, pk)
    try:
        board_report.publish_recommendation(recommendation, by=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("reports:board_report", recommendation.report_id)
    messages.success(request, _("نُشرت التوصية في صفحة إحصاءات المستفيدين."))
    return redirect("reports:board_report", recommendation.report_id)

