"""What the reports keep of their own: the public statistics' snapshot and the evidence of each policy notice.

* `StatisticsSnapshot`: the public statistics page (public_stats.py) of one Hijri year, computed by a periodic job
  and read by the page, so no visitor's request ever groups the whole registry.
* `PolicyNotice`: the notice to beneficiaries of a policy version (policy_notice.py), once per version — who
  started it and when, how far the background batches went, how many messages were queued; the governance
  standard's evidence that beneficiaries were told of a policy update.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StatisticsSnapshot(models.Model):
    hijri_year = models.PositiveSmallIntegerField(_("السنة الهجرية"), unique=True)
    # The figures as the page shows them, small counts already suppressed (public_stats.build).
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField(_("آخر تحديث"), default=timezone.now)

    class Meta:
        verbose_name = _("إحصاءات المستفيدين المنشورة")
        verbose_name_plural = _("إحصاءات المستفيدين المنشورة")
        ordering = ["-hijri_year"]

    def __str__(self):
        return str(self.hijri_year)


class PolicyNotice(models.Model):
    policy = models.OneToOneField(
        "association.PolicyVersion", verbose_name=_("إصدار السياسة"), on_delete=models.PROTECT,
        related_name="notice",
    )
    started_at = models.DateTimeField(_("بدأ في"), default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("بدأه"), on_delete=models.PROTECT, related_name="+"
    )
    # The last beneficiary (by id) a batch went through: the next batch starts after it.
    cursor = models.BigIntegerField(default=0)
    recipients = models.PositiveIntegerField(_("الرسائل المرسلة"), default=0)
    unreachable = models.PositiveIntegerField(_("لا وسيلة للتواصل معهم"), default=0)
    progressed_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(_("انتهى في"), null=True, blank=True)

    class Meta:
        verbose_name = _("إشعار المستفيدين بالسياسة")
        verbose_name_plural = _("إشعارات المستفيدين بالسياسة")
        ordering = ["-started_at"]

    def __str__(self):
        return str(self.policy)


class BoardReport(models.Model):
    """The period report for the board (board_report.py): issued once per period and branch, its PDF kept as it
    was issued (the governance standard's evidence does not change when later data do), with its SHA-256."""

    period_start = models.DateField(_("بداية الفترة"))
    period_end = models.DateField(_("نهاية الفترة"))  # exclusive, as indicators.Period
    period_label = models.CharField(_("الفترة"), max_length=80)
    branch = models.ForeignKey("association.Branch", verbose_name=_("المكتب"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("تاريخ الإصدار"), default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("أصدره"), on_delete=models.PROTECT,
                                  related_name="+")
    pdf = models.FileField(_("التقرير"), upload_to="board-reports/")
    sha256 = models.CharField(max_length=64, editable=False)
    # The figures the PDF was built from, for the page that lists reports and their recommendations.
    figures = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("تقرير الفترة لمجلس الإدارة")
        verbose_name_plural = _("تقارير الفترات لمجلس الإدارة")
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["-issued_at", "-id"], name="board_report_issued_idx")]

    def __str__(self):
        return f"{_('تقرير الفترة')} {self.period_label}"


class BoardRecommendation(models.Model):
    """A board recommendation on a period report's results, recorded by a manager and, when decided, published on
    the public statistics page."""

    report = models.ForeignKey(BoardReport, verbose_name=_("التقرير"), on_delete=models.PROTECT,
                               related_name="recommendations")
    text = models.TextField(_("التوصية"))
    board_meeting = models.CharField(_("اجتماع المجلس"), max_length=80, blank=True)
    recorded_at = models.DateTimeField(_("تاريخ التسجيل"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("سجلها"), on_delete=models.PROTECT,
                                    related_name="+")
    published_at = models.DateTimeField(_("تاريخ النشر"), null=True, blank=True)

    class Meta:
        verbose_name = _("توصية مجلس الإدارة")
        verbose_name_plural = _("توصيات مجلس الإدارة")
        ordering = ["recorded_at", "pk"]
        indexes = [
            models.Index(fields=["-published_at", "-id"], name="recommendation_published_idx",
                         condition=models.Q(published_at__isnull=False)),
        ]

    def __str__(self):
        return self.text[:60]
