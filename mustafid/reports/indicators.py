"""The managers' and auditors' indicators (docs/reports.md), each computed in the database over one period's rows.

Every indicator is a `Table`: a title, its definition (shown beside it, in the page and the exports), its
column headers and rows of numbers. Each is a GROUP BY bounded by the period (and the branch that received
the request, when one is chosen) — never a loop over every request:

* requests opened: the `opened` timeline rows in the period, counted by the request's channel, receiving
  branch, support type, the beneficiary's category and the request's current state — read from their daily
  counts (`CaseOpenedCount`, kept by the workflow kernel), one GROUP BY over the period's days, summed per
  column here;
* days to decision: the decisions recorded in the period, each less its clock's start (the latest `submitted` or
  `appealed` row before it: cases/clock.py, kept with the decision when it was recorded); the median and 90th
  percentile are nearest-rank values read at their rank in the database (ORDER BY the difference, one row at an
  OFFSET; on PostgreSQL one `percentile_disc` pass);
* decisions within the response period: the decisions recorded in the period (`Decision.within_response_period`,
  kept by the decision clock when it was recorded: `decision_decided_idx`);
* services delivered: the deliveries of the period, by service: cash (SAR) totals, in-kind counts and quantities;
* messages: the outbox's messages to beneficiaries created in the period, by state (they carry no branch);
* satisfaction: the survey invitations sent and responses received in the period (feedback app), the mean
  satisfaction (1–5) and the recommendation score (promoters 9–10 less detractors 0–6, in points), per month.
"""

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mustafid.association.models import Branch, Channel
from mustafid.beneficiaries.models import Category
from mustafid.cases.models import CaseOpenedCount, Status, SupportType
from mustafid.committee.models import Decision
from mustafid.lib.hijri import GREGORIAN_MONTHS_AR, GREGORIAN_MONTHS_EN
from mustafid.notifications.models import Message, MessageStatus, Purpose
from mustafid.services.models import Service, ServiceDelivery

# Messages that reached the provider.
SENT = [MessageStatus.SENT, MessageStatus.DELIVERED]


@dataclass
class Table:
    key: str
    title: str
    definition: str
    headers: list
    rows: list = field(default_factory=list)  # [label, number, number, ...]
    chart: str = ""  # "bar", "line" or "" (a table only)
    series: list = field(default_factory=lambda: [1])  # the columns the chart draws (the table shows them all)
    note: str = ""

    @property
    def empty(self):
        return not self.rows


def _name(row, prefix):
    english = get_language() == "en"
    return (row.get(f"{prefix}_en") if english else "") or row.get(f"{prefix}_ar") or "—"


def _names(model):
    return {row["pk"]: _name(row, "name") for row in model.objects.order_by().values("pk", "name_ar", "name_en")}


def _share(part, whole):
    return round(100 * part / whole, 1) if whole else None


def _month_label(day):
    months = GREGORIAN_MONTHS_EN if get_language() == "en" else GREGORIAN_MONTHS_AR
    return f"{months[day.month - 1]} {day.year}"


def _in_branch(queryset, branch, path):
    return queryset.filter(**{path: branch}) if branch is not None else queryset


# ---------------------------------------------------------------------------------------------
# Requests opened
# ---------------------------------------------------------------------------------------------

def opened_tables(period, branch):
    """Five tables from one GROUP BY over the period's days of `CaseOpenedCount`: the `opened` timeline rows of
    each day, counted by the workflow kernel as the requests open and move (cases/models.py)."""
    days = CaseOpenedCount.objects.filter(day__gte=period.start, day__lt=period.end).order_by()
    if branch is not None:
        days = days.filter(branch_id=branch.pk)
    combos = [
        row[:3] + (row[3] or None,) + row[4:] for row in
        days.values_list("channel", "branch_id", "support_type_id", "category_id", "status").annotate(n=Sum("n"))
        if row[-1]
    ]
    total = sum(row[-1] for row in combos)
    labels = [
        ("channel", _("الطلبات المستلمة حسب القناة"), _("القناة"), dict(Channel.choices)),
        ("branch", _("الطلبات المستلمة حسب المكتب"), _("المكتب"), _names(Branch)),
        ("support_type", _("الطلبات المستلمة حسب نوع الدعم"), _("نوع الدعم"), _names(SupportType)),
        ("category", _("الطلبات المستلمة حسب فئة المستفيد"), _("الفئة"), _names(Category)),
        ("status", _("الطلبات المستلمة حسب حالتها الآن"), _("الحالة"), dict(Status.choices)),
    ]
    definitions = {
        "channel": _("عدد صفوف «استلام الطلب» في سجل الطلبات خلال الفترة، موزعة على قناة استلام الطلب."),
        "branch": _("عدد صفوف «استلام الطلب» خلال الفترة، موزعة على المكتب الذي استلم الطلب."),
        "support_type": _("عدد صفوف «استلام الطلب» خلال الفترة، موزعة على نوع الدعم المطلوب."),
        "category": _("عدد صفوف «استلام الطلب» خلال الفترة، موزعة على فئة المستفيد الحالية؛ «—» لمن لم تحدد فئته بعد."),
        "status": _("الطلبات المستلمة خلال الفترة، موزعة على حالتها اليوم (لا حالتها في نهاية الفترة)."),
    }
    tables = []
    for position, (key, title, column, names) in enumerate(labels):
        counted = {}
        for row in combos:
            counted[row[position]] = counted.get(row[position], 0) + row[-1]
        order = list(names) + [value for value in counted if value not in names]
        rows = [[str(names.get(value, "—")), counted[value], _share(counted[value], total)]
                for value in order if counted.get(value)]
        tables.append(Table(key=f"opened_{key}", title=title, definition=definitions[key],
                            headers=[column, _("الطلبات"), _("النسبة %")], rows=rows, chart="bar"))
    return total, tables


# ---------------------------------------------------------------------------------------------
# Decisions: days to decision, and within the response period
# ---------------------------------------------------------------------------------------------

# Counts name an indexed, never-null column of the period's index (`Count("decided_at")`, not `Count("pk")`):
# COUNT(id) would make PostgreSQL read every row's heap tuple (or the whole table) instead of the index alone.


def _decided_rows(period, branch):
    """The decisions recorded in the period, each with `waited`: its time less the start of its decision clock,
    kept with it when it was recorded (`Decision.clock_started_at`: the latest `submitted` or `appealed` row before
    it, cases/clock.py). Read from `decision_decided_idx`, without the timeline."""
    since, until = period.bounds()
    rows = Decision.objects.filter(decided_at__gte=since, decided_at__lt=until, clock_started_at__isnull=False)
    rows = _in_branch(rows.order_by(), branch, "case__branch")
    return rows.annotate(waited=ExpressionWrapper(F("decided_at") - F("clock_started_at"),
                                                  output_field=DurationField()))


class PercentilesDisc(Aggregate):
    """PostgreSQL's `percentile_disc(ARRAY[f, ...]) WITHIN GROUP (ORDER BY x)`: for each f, the first value whose
    cumulative share reaches f — the value at the nearest rank ⌈f × n⌉. One ordered pass for every fraction
    (the expression is referenced once, so its subquery runs once per row)."""

    function = "percentile_disc"
    template = "%(function)s(ARRAY[%(fractions)s]) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fractions, **extra):
        from django.contrib.postgres.fields import ArrayField

        super().__init__(expression, fractions=", ".join(str(float(f)) for f in fractions),
                         output_field=ArrayField(DurationField()), **extra)


def _days(value):
    if value is None:
        return None
    if not isinstance(value, datetime.timedelta):  # SQLite may hand back microseconds
        value = datetime.timedelta(microseconds=int(value))
    return round(value.total_seconds() / 86400, 1)


def nearest_rank(rows, count, fraction):
    """The value at the nearest rank ⌈fraction × count⌉ of `waited`, read in the database (None when no rows):
    ORDER BY it and take one row at that OFFSET (the portable way; PostgreSQL uses `PercentilesDisc`)."""
    if not count:
        return None
    rank = max(1, math.ceil(fraction * count))
    waited = rows.filter(waited__isnull=False).order_by("waited", "pk").values_list("waited", flat=True)
    return _days(next(iter(waited[rank - 1:rank]), None))


def days_to_decision(period, branch):
    rows = _decided_rows(period, branch)
    if connection.vendor == "postgresql":
        # One pass over the period's decisions: the count and both percentiles in one aggregate.
        found = rows.aggregate(count=Count("decided_at"), ranks=PercentilesDisc("waited", [0.5, 0.9]))
        median, p90 = found["ranks"] or [None, None]
        count, median, p90 = found["count"], _days(median), _days(p90)
    else:
        count = rows.filter(waited__isnull=False).count()
        median, p90 = nearest_rank(rows, count, 0.5), nearest_rank(rows, count, 0.9)
    return Table(
        key="days_to_decision", title=_("الأيام حتى القرار"),
        definition=_("لكل قرار سجلته لجنة البحث خلال الفترة: وقته ناقص بدء عداد القرار قبله (آخر «رفع الطلب "
                     "للجنة البحث» أو «تظلم» في سجل الطلب، محفوظًا مع القرار حين سُجل)، بالأيام التقويمية بما فيها "
                     "أيام الإعادة لاستكمال المعلومات. الوسيط والمئين التسعون بطريقة أقرب رتبة: القيمة في الترتيب "
                     "⌈ن × ٠٫٥⌉ و⌈ن × ٠٫٩⌉."),
        headers=[_("المؤشر"), _("القيمة")],
        rows=[[str(_("القرارات")), count], [str(_("الوسيط (أيام)")), median],
              [str(_("المئين التسعون (أيام)")), p90]],
    )


def decisions_on_time(period, branch):
    since, until = period.bounds()
    decisions = Decision.objects.filter(decided_at__gte=since, decided_at__lt=until).order_by()
    decisions = _in_branch(decisions, branch, "case__branch")
    # One pass over the period's decisions, by month; the period's totals are the sums of its months.
    months = list(
        decisions.annotate(month=TruncMonth("decided_at")).values("month").annotate(
            total=Count("decided_at"), on_time=Count("decided_at", filter=Q(within_response_period=True)),
            approved=Count("decided_at", filter=Q(outcome=Decision.Outcome.APPROVED)),
        ).order_by()
    )
    months.sort(key=lambda item: item["month"])  # a dozen rows here, not a sort of every decision there
    total, on_time = sum(item["total"] for item in months), sum(item["on_time"] for item in months)
    row = {"approved": sum(item["approved"] for item in months)}
    by_month = [[_month_label(item["month"]), item["total"], item["on_time"], _share(item["on_time"], item["total"])]
                for item in months]
    summary = Table(
        key="on_time", title=_("القرارات ضمن مدة الرد"),
        definition=_("القرارات المسجلة خلال الفترة، وما سُجل منها في موعده أو قبله: حُفظ ذلك عند تسجيل القرار "
                     "من عداد القرار (مدة الرد في السياسة النافذة عند الرفع، موقوفة أيام الإعادة)."),
        headers=[_("المؤشر"), _("القيمة")],
        rows=[[str(_("القرارات")), total], [str(_("ضمن مدة الرد")), on_time],
              [str(_("بعد مدة الرد")), total - on_time], [str(_("النسبة ضمن المدة %")), _share(on_time, total)],
              [str(_("مقبولة")), row["approved"] or 0], [str(_("مرفوضة")), total - (row["approved"] or 0)]],
    )
    monthly = Table(
        key="on_time_by_month", title=_("القرارات ضمن مدة الرد حسب الشهر"),
        definition=_("القرارات المسجلة في كل شهر ميلادي من الفترة، وما كان منها ضمن مدة الرد."),
        headers=[_("الشهر"), _("القرارات"), _("ضمن المدة"), _("النسبة %")], rows=by_month, chart="bar", series=[1, 2],
    )
    return summary, monthly


# ---------------------------------------------------------------------------------------------
# Services, messages
# ---------------------------------------------------------------------------------------------

def _plain_amount(value):
    """An amount as a reader writes it: 500, not 500.00 (PostgreSQL's sum keeps the column's two places and
    SQLite's does not, so the page and the exports would differ by database); 12.5 stays 12.5."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else value.normalize()


def services_delivered(period, branch):
    deliveries = ServiceDelivery.objects.filter(delivered_on__gte=period.start, delivered_on__lt=period.end).order_by()
    deliveries = _in_branch(deliveries, branch, "case__branch")
    rows = list(deliveries.values("service", "service__name_ar", "service__name_en", "service__measure")
                .annotate(n=Count("delivered_on"), total=Sum("quantity")).order_by("service"))
    for row in rows:
        row["total"] = _plain_amount(row["total"])
    cash = _plain_amount(sum((row["total"] for row in rows if row["service__measure"] == Service.Measure.AMOUNT),
                             Decimal(0)))
    in_kind = sum(row["n"] for row in rows if row["service__measure"] != Service.Measure.AMOUNT)
    measures = dict(Service.Measure.choices)
    table = Table(
        key="services", title=_("الخدمات المقدمة"),
        definition=_("ما سُجل من تقديم الخدمات بتاريخ تقديم داخل الفترة، لكل خدمة: عدد مرات التقديم ومجموع "
                     "المبلغ (ريال) للخدمات النقدية أو مجموع الكمية للخدمات العينية."),
        headers=[_("الخدمة"), _("تقاس بـ"), _("مرات التقديم"), _("المجموع")],
        rows=[[_name(row, "service__name"), str(measures.get(row["service__measure"], "")), row["n"], row["total"]]
              for row in rows],
        chart="bar", series=[2],
    )
    summary = Table(
        key="services_summary", title=_("المساعدات النقدية والعينية"),
        definition=_("مجموع مبالغ الخدمات النقدية (ريال) وعدد مرات تقديم الخدمات العينية والجلسات خلال الفترة."),
        headers=[_("المؤشر"), _("القيمة")],
        rows=[[str(_("المساعدات النقدية (ريال)")), cash], [str(_("مرات تقديم الخدمات العينية")), in_kind]],
    )
    return summary, table


def messages_sent(period):
    since, until = period.bounds()
    messages = Message.objects.filter(created_at__gte=since, created_at__lt=until).exclude(purpose=Purpose.STAFF)
    # Three counts in one pass (COUNT(created_at) FILTER …: a column of message_created_idx, never null, so the
    # index alone serves them): grouping by the state instead cost PostgreSQL a hash aggregate over every row.
    counted = messages.order_by().aggregate(
        total=Count("created_at"), sent=Count("created_at", filter=Q(status__in=SENT)),
        failed=Count("created_at", filter=Q(status=MessageStatus.FAILED)),
    )
    total, sent, failed = counted["total"] or 0, counted["sent"] or 0, counted["failed"] or 0
    rows = [[str(_("أُرسلت (أو وصلت)")), sent, _share(sent, total)],
            [str(_("تعذّر الإرسال")), failed, _share(failed, total)]]
    others = total - sent - failed
    if others:
        rows.append([str(_("لم تُرسل بعد أو أُلغيت")), others, _share(others, total)])
    return Table(
        key="messages", title=_("الرسائل إلى المستفيدين"),
        definition=_("رسائل صندوق الإرسال إلى المستفيدين (لا تذكيرات الموظفين) التي أُنشئت خلال الفترة، "
                     "حسب حالتها اليوم. الرسائل لا تحمل مكتبًا: لا يطبق عليها اختيار المكتب."),
        headers=[_("الحالة"), _("الرسائل"), _("النسبة %")], rows=rows, chart="bar",
    )


# ---------------------------------------------------------------------------------------------
# Satisfaction (the feedback app's surveys)
# ---------------------------------------------------------------------------------------------

def satisfaction(period):
    """Invitations sent, responses, the response rate, mean satisfaction and the recommendation score, per month.

    Under the association's anonymity threshold of responses, a month's averages are not shown.
    """
    from mustafid.feedback.models import SurveyInvitation, SurveyResponse, SurveySettings

    since, until = period.bounds()
    threshold = SurveySettings.current().anonymity_threshold
    invited = dict(
        SurveyInvitation.objects.filter(sent_at__gte=since, sent_at__lt=until).order_by()
        .annotate(month=TruncMonth("sent_at")).values_list("month").annotate(n=Count("sent_at")).values_list("month", "n")
    )
    answered = {
        row["month"]: row for row in
        SurveyResponse.objects.filter(answered_at__gte=since, answered_at__lt=until).order_by()
        .annotate(month=TruncMonth("answered_at")).values("month").annotate(
            n=Count("answered_at"), rated=Count("satisfaction"), rating=Sum("satisfaction"),
            scored=Count("recommendation"), promoters=Count("answered_at", filter=Q(recommendation__gte=9)),
            detractors=Count("answered_at", filter=Q(recommendation__lte=6)),
        )
    }
    rows = []
    for month in sorted(set(invited) | set(answered)):
        row = answered.get(month, {})
        n, sent = row.get("n", 0), invited.get(month, 0)
        shown = n >= threshold
        mean = round(row["rating"] / row["rated"], 2) if shown and row.get("rated") else None
        nps = (round(100 * (row["promoters"] - row["detractors"]) / row["scored"]) if shown and row.get("scored")
               else None)
        rows.append([_month_label(month), sent, n, _share(n, sent), mean, nps])
    return Table(
        key="satisfaction", title=_("رضا المستفيدين والتوصية"),
        definition=_("لكل شهر ميلادي من الفترة: دعوات الاستبيان المرسلة، والإجابات المستلمة، ونسبة الاستجابة "
                     "(الإجابات ÷ الدعوات)، ومتوسط الرضا من ١ إلى ٥، ومؤشر التوصية (نسبة من أعطى ٩–١٠ ناقص نسبة "
                     "من أعطى ٠–٦، من −١٠٠ إلى ١٠٠). لا يُعرض المتوسط ولا المؤشر لشهر إجاباته دون حد عدم "
                     "معرفة المجيب (%(n)s)، ولا يطبق عليها اختيار المكتب.") % {"n": threshold},
        headers=[_("الشهر"), _("الدعوات"), _("الإجابات"), _("نسبة الاستجابة %"), _("متوسط الرضا"),
                 _("مؤشر التوصية")],
        rows=rows, chart="line", series=[3, 5],
    )


def complaints(period, branch):
    """The register of complaints, suggestions and compliments (feedback/register.py `figures`): received in the
    period by kind, closed in the period, open past their due date now, and the median days to closure."""
    from mustafid.feedback.models import Feedback
    from mustafid.feedback.register import figures

    found = figures(period.start, period.last_day, branch)
    kinds = dict(Feedback.Kind.choices)
    rows = [[str(_("وردت: %(kind)s") % {"kind": kinds[kind]}), count] for kind, count in found["received"].items()]
    rows += [[str(_("أُغلقت خلال الفترة")), found["resolved"]],
             [str(_("متأخرة عن موعد الرد الآن")), found["overdue"]],
             [str(_("الوسيط من الورود إلى الإغلاق (أيام)")), found["median_days"]]]
    return Table(
        key="complaints", title=_("الشكاوى والمقترحات"),
        definition=_("من سجل الشكاوى والمقترحات: صفوف «ورود» خلال الفترة حسب النوع، وصفوف «إغلاق» خلال الفترة "
                     "(ما أُغلق مرتين بعد طلب مراجعة يُحسب مرتين)، وما هو مفتوح دون رد وقد تجاوز موعد الرد اليوم، "
                     "ووسيط الأيام من الورود إلى الإغلاق لما أُغلق خلال الفترة."),
        headers=[_("المؤشر"), _("القيمة")], rows=rows,
    )


# ---------------------------------------------------------------------------------------------

def compute(period, branch=None):
    """Every indicator of the period (and branch), in the page's order: (headline figures, tables)."""
    opened, opened_by = opened_tables(period, branch)
    on_time, on_time_by_month = decisions_on_time(period, branch)
    days = days_to_decision(period, branch)
    services_summary, services = services_delivered(period, branch)
    tables = [*opened_by, days, on_time, on_time_by_month, services_summary, services, messages_sent(period)]
    tables.append(satisfaction(period))
    complaint_table = complaints(period, branch)
    if complaint_table is not None:
        tables.append(complaint_table)
    headline = {
        "opened": opened,
        "decisions": on_time.rows[0][1], "on_time_share": on_time.rows[3][1],
        "median_days": days.rows[1][1], "p90_days": days.rows[2][1],
        "cash": services_summary.rows[0][1], "in_kind": services_summary.rows[1][1],
    }
    return headline, tables
