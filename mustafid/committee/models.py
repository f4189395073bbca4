"""The research committee's decisions (قرار لجنة البحث).

A decision answers a request submitted to the committee: approved or rejected,
always with reasons, recorded by a committee member. Meetings, agenda, quorum
and votes build on this model.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mustafid.cases.models import Case


class Decision(models.Model):
    class Outcome(models.TextChoices):
        APPROVED = "approved", _("مقبول")
        REJECTED = "rejected", _("مرفوض")

    case = models.ForeignKey(Case, verbose_name=_("طلب الدعم"), on_delete=models.PROTECT, related_name="decisions")
    number = models.CharField(_("رقم القرار"), max_length=20, unique=True)
    outcome = models.CharField(_("القرار"), max_length=10, choices=Outcome.choices)
    reasons = models.TextField(_("الأسباب"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("سجله"), on_delete=models.PROTECT, related_name="decisions"
    )
    decided_at = models.DateTimeField(_("تاريخ القرار"), default=timezone.now)
    # The decision clock as it stood: on time or late, kept for reports.
    within_response_period = models.BooleanField(_("ضمن مدة الرد"), default=True)

    class Meta:
        verbose_name = _("قرار")
        verbose_name_plural = _("قرارات لجنة البحث")
        ordering = ["-decided_at", "-pk"]
        indexes = [
            # The manager's indicator on the staff home (reports/views.py `decisions_on_time`): the decisions of
            # the last 90 days and how many were within the response period, read from this index alone.
            models.Index(fields=["decided_at", "within_response_period"], name="decision_decided_idx"),
        ]

    def __str__(self):
        return f"{_('قرار')} {self.number}: {self.get_outcome_display()}"


class DecisionCounter(models.Model):
    """The last decision number given in a Hijri year: locked while the next one is taken, so decisions
    recorded at the same moment get consecutive numbers, never the same one."""

    year = models.PositiveIntegerField(_("السنة الهجرية"), unique=True)
    last = models.PositiveIntegerField(_("آخر رقم"), default=0)

    class Meta:
        verbose_name = _("عداد القرارات")
        verbose_name_plural = _("عدادات القرارات")

    def __str__(self):
        return f"{self.year}: {self.last}"
