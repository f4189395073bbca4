"""The service catalogue and the deliveries made to registered beneficiaries (تقديم الخدمة)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mustafid.association.models import bilingual
from mustafid.cases.models import Case


class Service(models.Model):
    class Measure(models.TextChoices):
        AMOUNT = "amount", _("مبلغ مالي (ريال)")
        QUANTITY = "quantity", _("كمية")
        SESSIONS = "sessions", _("جلسات")

    name_ar = models.CharField(_("الخدمة"), max_length=100)
    name_en = models.CharField(_("الخدمة بالإنجليزية"), max_length=100, blank=True)
    measure = models.CharField(_("تقاس بـ"), max_length=10, choices=Measure.choices)
    unit_ar = models.CharField(_("الوحدة"), max_length=30, blank=True, help_text=_("مثل: سلة، جلسة، ريال"))
    unit_en = models.CharField(_("الوحدة بالإنجليزية"), max_length=30, blank=True)
    active = models.BooleanField(_("متاحة"), default=True)

    class Meta:
        verbose_name = _("خدمة")
        verbose_name_plural = _("الخدمات")
        ordering = ["pk"]

    def __str__(self):
        return bilingual(self, "name")

    @property
    def unit(self):
        if self.measure == self.Measure.AMOUNT:
            return _("ريال")
        return bilingual(self, "unit")


class ServiceDelivery(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("طلب الدعم"), on_delete=models.PROTECT, related_name="deliveries")
    service = models.ForeignKey(Service, verbose_name=_("الخدمة"), on_delete=models.PROTECT)
    # Amount in riyals for cash, or a count of the service's unit (baskets, sessions).
    quantity = models.DecimalField(_("المبلغ أو الكمية"), max_digits=12, decimal_places=2)
    delivered_on = models.DateField(_("تاريخ التقديم"), default=timezone.localdate)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("قدمها"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("ملاحظة"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("تقديم خدمة")
        verbose_name_plural = _("الخدمات المقدمة")
        ordering = ["-delivered_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="delivery_quantity_positive"),
        ]
        # The indicators' services of a period (reports/indicators.py `services_delivered`).
        # The indicators of a period (reports/indicators.py): the deliveries by service with their quantities, from
        # this index alone on PostgreSQL.
        indexes = [models.Index(fields=["delivered_on"], include=["service", "quantity"],
                                name="delivery_delivered_on_idx")]

    def __str__(self):
        return f"{self.service} — {self.quantity} {self.service.unit}"
