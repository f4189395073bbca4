"""«تقرير الفترة لمجلس الإدارة»: the governance evidence of a period in one PDF, and the board's recommendations on it.

The governance standard asks the board to see, each period, the satisfaction results, the complaints and
suggestions and what was done about them, the aid given, the decisions within the response period and the policy
versions it approved — and to record its recommendations and publish them. A manager chooses a period (and a
branch) on «تقرير مجلس الإدارة» (board_views.py) and issues the report:

* `build_figures(period, branch)` reads every figure once, in Arabic, as plain JSON (the indicators' own
  functions, indicators.py, with their definitions): (1) satisfaction with the response rate, no mean or score
  under the anonymity threshold and never a comment or a distribution; (2) the complaints and suggestions
  received in the period with their responses and times — a confidential item shows its reference, kind, dates
  and status only («سرية — لدى الإدارة»); no sender appears anywhere; (3) aid by service and by beneficiary
  category, a category of fewer than 5 people shown as «أقل من ٥» (as public_stats.py); (4) decisions within the
  response period, the median and 90th percentile days; (5) the policy versions with their board approval.
* `issue_report(period, branch, *, by)` (the action): once per period and branch; renders the PDF on the
  association's letterhead (committee/_letterhead.html) with «صفحة ١ من ٣» page numbers, stores it with its
  SHA-256 and the figures, and writes BOARD_REPORT_ISSUED — in one transaction; the file is removed if it fails.
* `record_recommendation` and `publish_recommendation` (actions): the board's recommendation on a report, then
  its publication on the public statistics page (public_views.py), each with its audit row.

Managers issue and record; auditors read and download (`may_read_board_reports`); nobody else knows of them.
"""

import hashlib

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mustafid.association.models import Association, PolicyVersion
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.beneficiaries.models import Category
from mustafid.committee.letters import _logo_data_uri, numeric_dates
from mustafid.lib.errors import ActionRefused, refuse_unless
from mustafid.lib.forms import validate_plain_text
from mustafid.lib.pdf import render_pdf
from mustafid.lib.uploads import removed_on_failure
from mustafid.services.models import Service, ServiceDelivery

from . import indicators
from .models import BoardRecommendation, BoardReport
from .periods import RANGE, period_of
from .public_stats import SMALL

TEMPLATE = "reports/board/report_pdf.html"
# The log of a period lists at most this many items (a year of a large association); the counts cover them all.
LOG_MAX = 1000
TEXT_SHOWN = 600
RECOMMENDATION_MAX = 3000
MEETING_MAX = 80


def may_read_board_reports(user):
    return bool(getattr(user, "reads_everything", False))


def may_issue_board_reports(user):
    """Issue a report, record and publish the board's recommendations: managers (auditors read only)."""
    return bool(getattr(user, "is_manager", False))


def access_board_report(user, pk, *, write=False):
    """The report `user` may read (403 for a role that reads no indicators; 403 for an auditor writing)."""
    if not may_read_board_reports(user) or (write and not may_issue_board_reports(user)):
        raise PermissionDenied
    return get_object_or_404(BoardReport.objects.select_related("branch", "issued_by"), pk=pk)


def access_recommendation(user, pk):
    if not may_issue_board_reports(user):
        raise PermissionDenied
    return get_object_or_404(BoardRecommendation.objects.select_related("report"), pk=pk)


# ---------------------------------------------------------------------------------------------------- figures

def _dates(moment):
    """(Hijri, Gregorian) digits of a datetime's or date's day in the association's time zone, as letters write it."""
    day = timezone.localdate(moment) if hasattr(moment, "tzinfo") else moment
    return list(numeric_dates(day))


def _table(table):
    return {"title": str(table.title), "definition": str(table.definition),
            "headers": [str(header) for header in table.headers],
            "rows": [[str(cell) if not isinstance(cell, (int, float, type(None))) else cell for cell in row]
                     for row in table.rows]}


def _people(n):
    return _("أقل من ٥") if 0 < n < SMALL else n


def satisfaction_figures(period):
    """The period's survey figures: invitations, responses, rate, and — at or above the threshold only — the mean
    satisfaction and the recommendation score; per month as the indicators page shows them. Never a comment."""
    from mustafid.feedback.models import SurveyInvitation, SurveyResponse, SurveySettings

    since, until = period.bounds()
    threshold = SurveySettings.current().anonymity_threshold
    invited = SurveyInvitation.objects.filter(sent_at__gte=since, sent_at__lt=until).count()
    row = SurveyResponse.objects.filter(answered_at__gte=since, answered_at__lt=until).aggregate(
        n=Count("pk"), rated=Count("satisfaction"), rating=Sum("satisfaction"), scored=Count("recommendation"),
        promoters=Count("pk", filter=Q(recommendation__gte=9)), detractors=Count("pk", filter=Q(recommendation__lte=6)),
    )
    answered = row["n"] or 0
    shown = answered >= threshold
    return {
        "invited": invited, "answered": answered, "threshold": threshold, "shown": shown,
        "rate": indicators._share(answered, invited),
        "mean": round(row["rating"] / row["rated"], 2) if shown and row["rated"] else None,
        "nps": (round(100 * (row["promoters"] - row["detractors"]) / row["scored"]) if shown and row["scored"]
                else None),
        "monthly": _table(indicators.satisfaction(period)),
    }


def _days_between(start, end):
    return round((end - start).total_seconds() / 86400, 1) if start and end else None


def feedback_figures(period, branch):
    """The complaints and suggestions received in the period (the branch that received them, when one is chosen),
    oldest first: reference, kind, category, received, answered, days, status and — unless confidential — the
    text and the response. No sender: the register's sender columns are never read here."""
    from mustafid.feedback.models import Feedback

    since, until = period.bounds()
    items = Feedback.objects.filter(received_at__gte=since, received_at__lt=until)
    if branch is not None:
        items = items.filter(branch=branch)
    counted = items.order_by().aggregate(
        total=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)),
        confidential=Count("pk", filter=Q(confidential=True)),
        **{kind: Count("pk", filter=Q(kind=kind)) for kind in Feedback.Kind.values},
    )
    kinds, statuses = dict(Feedback.Kind.choices), dict(Feedback.Status.choices)
    rows = []
    columns = ("reference", "kind", "category__name_ar", "status", "received_at", "due_on", "answered_at",
               "confidential", "text", "response")
    for item in items.order_by("received_at", "pk").values(*columns)[:LOG_MAX]:
        confidential = item["confidential"]
        answered = item["answered_at"]
        rows.append({
            "reference": item["reference"], "kind": str(kinds.get(item["kind"], item["kind"])),
            "category": item["category__name_ar"] or "—", "status": str(statuses.get(item["status"], item["status"])),
            "received": _dates(item["received_at"]), "due": _dates(item["due_on"]),
            "answered": _dates(answered) if answered else None,
            "days": _days_between(item["received_at"], answered),
            "on_time": (timezone.localdate(answered) <= item["due_on"]) if answered else None,
            "confidential": confidential,
            "text": None if confidential else _short(item["text"]),
            "response": None if confidential else _short(item["response"]),
        })
    return {
        "definition": _("الشكاوى والاقتراحات والشكر الواردة خلال الفترة (بتاريخ ورودها)، لكل منها: رقمها المرجعي "
                        "ونوعها وتصنيفها وتاريخ ورودها وموعد الرد وتاريخ الرد وعدد الأيام حتى الرد (أيام تقويمية) "
                        "وحالتها اليوم والرد. لا يُذكر المرسل، ولا يُعرض نص البنود السرية (عن موظف) ولا ردها."),
        "total": counted["total"] or 0, "answered": counted["answered"] or 0,
        "confidential": counted["confidential"] or 0,
        "by_kind": [[str(label), counted[kind] or 0] for kind, label in Feedback.Kind.choices],
        "rows": rows, "capped": (counted["total"] or 0) > len(rows),
    }


def _short(text):
    text = (text or "").strip()
    return text if len(text) <= TEXT_SHOWN else text[:TEXT_SHOWN] + "…"


def aid_figures(period, branch):
    """Aid by service (the indicators' tables) and by the beneficiary's category: the people served (fewer than 5
    shown as «أقل من ٥», with neither their amount nor their count), cash totals and in-kind deliveries."""
    summary, services = indicators.services_delivered(period, branch)
    deliveries = ServiceDelivery.objects.filter(delivered_on__gte=period.start, delivered_on__lt=period.end).order_by()
    if branch is not None:
        deliveries = deliveries.filter(case__branch=branch)
    cash = Q(service__measure=Service.Measure.AMOUNT)
    by_category = {
        row["case__beneficiary__category"]: row for row in
        deliveries.values("case__beneficiary__category").annotate(
            people=Count("case__beneficiary", distinct=True), cash=Sum("quantity", filter=cash),
            in_kind=Count("pk", filter=~cash))
    }
    names = {pk: name for pk, name in Category.objects.values_list("pk", "name_ar")}
    order = [pk for pk in Category.objects.order_by("order", "pk").values_list("pk", flat=True) if pk in by_category]
    if None in by_category:
        order.append(None)
    rows = []
    for pk in order:
        row = by_category[pk]
        small = row["people"] < SMALL
        rows.append([names.get(pk, _("غير محددة")), _people(row["people"]),
                     None if small else indicators._plain_amount(row["cash"] or 0),
                     None if small else row["in_kind"]])
    return {
        "summary": _table(summary),
        "services": _table(services),
        "by_category": {
            "title": _("المساعدات حسب فئة المستفيد"),
            "definition": _("ما قُدّم خلال الفترة موزعًا على فئة المستفيد الحالية: عدد المستفيدين المخدومين ومجموع "
                            "المساعدات النقدية (ريال) ومرات تقديم الخدمات العينية. الفئة التي خُدم فيها أقل من ٥ "
                            "مستفيدين يظهر عددها «أقل من ٥» ولا تظهر مبالغها."),
            "headers": [_("الفئة"), _("المستفيدون"), _("المساعدات النقدية (ريال)"), _("مرات التقديم العينية")],
            "rows": rows,
        },
    }


def decision_figures(period, branch):
    on_time, _monthly = indicators.decisions_on_time(period, branch)
    days = indicators.days_to_decision(period, branch)
    return {"on_time": _table(on_time), "days": _table(days)}


def policy_figures():
    """Every policy version, newest first, with its board approval (meeting, date in both calendars or the note)."""
    versions = []
    for policy in PolicyVersion.objects.order_by("-effective_from", "-pk"):
        versions.append({
            "version": policy.version, "board_meeting": policy.board_meeting,
            "approved_on": _dates(policy.approved_on) if policy.approved_on else None,
            "approval_note": policy.approval_note, "effective_from": _dates(policy.effective_from),
            "response_days": policy.response_days,
        })
    return {
        "definition": _("إصدارات سياسة تنظيم العلاقة مع المستفيدين كما سُجلت في النظام: رقم الإصدار، واجتماع مجلس "
                        "الإدارة الذي اعتمده وتاريخ الاعتماد بالتقويمين (أو ملاحظة الاعتماد حين لا يُعرف التاريخ)، "
                        "وتاريخ النفاذ، ومدة الرد على الطلب."),
        "versions": versions,
    }


def build_figures(period, branch=None):
    """Every figure of the report as plain JSON, in Arabic (the board's language, whatever the manager's screen)."""
    with translation.override("ar"):
        return {
            "period": {"code": period.code, "label": period.label, "first": _dates(period.start),
                       "last": _dates(period.last_day), "branch": branch.name_ar if branch else None},
            "satisfaction": satisfaction_figures(period),
            "feedback": feedback_figures(period, branch),
            "aid": aid_figures(period, branch),
            "decisions": decision_figures(period, branch),
            "policies": policy_figures(),
        }


def render_report(figures, *, issued_at, issued_by):
    association = Association.objects.current()
    with translation.override("ar"):
        return render_pdf(TEMPLATE, {
            "figures": figures, "association": association, "logo": _logo_data_uri(association),
            "issued": _dates(issued_at), "issued_by": issued_by.display_name,
        })


# ---------------------------------------------------------------------------------------------------- actions

class AlreadyIssued(ActionRefused):
    """The period's report (for this branch) was issued before: the evidence does not change."""

    def __init__(self, report):
        super().__init__(_("صدر تقرير هذه الفترة لهذا النطاق من قبل؛ افتحه من القائمة."))
        self.report = report


def _issued(period, branch):
    return BoardReport.objects.filter(period_start=period.start, period_end=period.end, branch=branch).first()


def issue_report(period, branch=None, *, by):
    """Issue the board's report of `period` (and `branch`): once; the PDF as issued, its SHA-256 and its figures.

    The figures and the PDF are made first (a few seconds), then, under a lock on the association's row (two
    managers, two tabs), the report is checked not issued yet, saved with its file and audited together.
    """
    refuse_unless(may_issue_board_reports(by), _("يصدر تقرير الفترة لمجلس الإدارة المدير."))
    refuse_unless(period.start < period.end, _("اختر فترة صحيحة."))
    existing = _issued(period, branch)
    if existing is not None:
        raise AlreadyIssued(existing)
    if period.code != RANGE:  # the board's label, in Arabic, whatever the manager's screen
        with translation.override("ar"):
            period = period_of(period.code) or period
    now = timezone.now()
    figures = build_figures(period, branch)
    pdf = render_report(figures, issued_at=now, issued_by=by)
    digest = hashlib.sha256(pdf).hexdigest()
    with removed_on_failure() as written, transaction.atomic():
        # One issuer at a time: the association's row is the lock (BoardReport has no unique period key).
        list(Association.objects.select_for_update().order_by("pk").values_list("pk", flat=True)[:1])
        existing = _issued(period, branch)
        if existing is not None:
            raise AlreadyIssued(existing)
        report = BoardReport(period_start=period.start, period_end=period.end, period_label=period.label[:80],
                             branch=branch, issued_at=now, issued_by=by, sha256=digest, figures=figures)
        report.pdf.save(f"board-report-{period.code}-{branch.pk if branch else 'all'}-{now:%Y%m%d%H%M%S}.pdf",
                        ContentFile(pdf), save=False)
        written.append(report.pdf)
        report.save()
        record(EventType.BOARD_REPORT_ISSUED, actor=by, target=report,
               data={"period": period.code, "start": period.start.isoformat(), "end": period.last_day.isoformat(),
                     "branch": branch.pk if branch else None, "sha256": digest, "size": len(pdf)})
    return report


def _clean(text, what, limit, required=True):
    text = (text or "").strip() if isinstance(text, str) else ""
    try:
        validate_plain_text(text)
    except Exception as error:  # ValidationError: the same words as the form's
        raise ActionRefused(" ".join(getattr(error, "messages", [str(error)]))) from None
    refuse_unless(text or not required, _("اكتب %(what)s.") % {"what": what})
    refuse_unless(len(text) <= limit, _("%(what)s أطول من %(limit)s حرف؛ اختصره.") % {"what": what, "limit": limit})
    return text


def record_recommendation(report, *, text, board_meeting="", by):
    """Record a recommendation of the board on `report`'s results (not published yet)."""
    refuse_unless(may_issue_board_reports(by), _("يسجل توصيات مجلس الإدارة المدير."))
    text = _clean(text, _("التوصية"), RECOMMENDATION_MAX)
    board_meeting = _clean(board_meeting, _("اجتماع المجلس"), MEETING_MAX, required=False)
    with transaction.atomic():
        recommendation = BoardRecommendation.objects.create(report=report, text=text, board_meeting=board_meeting,
                                                            recorded_by=by)
        record(EventType.BOARD_RECOMMENDATION_RECORDED, actor=by, target=recommendation,
               data={"report": report.pk, "period": report.period_label, "board_meeting": board_meeting})
    return recommendation


def publish_recommendation(recommendation, *, by):
    """Publish a recorded recommendation on the public statistics page; once (it is not withdrawn here)."""
    refuse_unless(may_issue_board_reports(by), _("ينشر توصيات مجلس الإدارة المدير."))
    with transaction.atomic():
        recommendation = BoardRecommendation.objects.select_for_update().get(pk=recommendation.pk)
        refuse_unless(recommendation.published_at is None, _("نُشرت هذه التوصية من قبل."))
        recommendation.published_at = timezone.now()
        recommendation.save(update_fields=["published_at"])
        record(EventType.BOARD_RECOMMENDATION_PUBLISHED, actor=by, target=recommendation,
               data={"report": recommendation.report_id})
    return recommendation


def published_recommendations(limit=20):
    """The latest published recommendations, for the public statistics page (its partial index)."""
    return list(BoardRecommendation.objects.filter(published_at__isnull=False).select_related("report")
                .order_by("-published_at", "-id")[:limit])


def filename(report):
    return f"board-report-{report.period_start:%Y%m%d}-{report.pk}.pdf"

