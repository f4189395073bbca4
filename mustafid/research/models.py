"""Referrals to a social researcher (الإحالة إلى الباحث الاجتماعي).

The policy: when the procedures are unclear to the beneficiary, the officer
refers them to the social researcher, who answers their questions and explains
the organisational side. A referral may concern a request, or only a
beneficiary or a contact before any request exists.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mustafid.beneficiaries.models import Beneficiary
from mustafid.cases.models import Case
from mustafid.interactions.models import Interaction


class ReferralQuerySet(models.QuerySet):
    def open(self):
        return self.filter(answered_at__isnull=True)

    def visible_to(self, user):
        if user.reads_everything or user.is_officer:
            return self
        # Several roles: what each of them sees, together.
        seen = Q(pk__in=[])
        if user.is_researcher:
            seen |= Q(researcher=user)
        if user.is_branch_rep and user.branch_id:
            # What the referral is about decides, as for requests and beneficiaries: its request's
            # branch, else its beneficiary's, else the contact's. Not the branch of whoever referred.
            seen |= (
                Q(case__beneficiary__branch_id=user.branch_id)
                | Q(case__isnull=True, beneficiary__branch_id=user.branch_id)
                | Q(case__isnull=True, beneficiary__isnull=True, interaction__branch_id=user.branch_id)
            )
        if user.may_refer:
            seen |= Q(referred_by=user)
        return self.filter(seen)


class Referral(models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("طلب الدعم"), null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    beneficiary = models.ForeignKey(
        Beneficiary,
        verbose_name=_("المستفيد"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    interaction = models.ForeignKey(
        Interaction,
        verbose_name=_("التواصل"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    researcher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("الباحث الاجتماعي"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    question = models.TextField(_("سبب الإحالة / تساؤلات المستفيد"))
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("أحاله"), on_delete=models.PROTECT, related_name="referrals_made"
    )
    referred_at = models.DateTimeField(_("تاريخ الإحالة"), default=timezone.now)
    answer = models.TextField(_("رد الباحث"), blank=True)
    answered_at = models.DateTimeField(_("تاريخ الرد"), null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("إحالة")
        verbose_name_plural = _("الإحالات إلى الباحث الاجتماعي")
        ordering = ["-referred_at", "-pk"]
        indexes = [
            # The referrals list (research/views.py `referral_list`): keyset pages by (-referred_at, -id),
            # all of them ("الكل") and those awaiting an answer (the default).
            models.Index(fields=["-referred_at", "-id"], name="referral_referred_idx"),
            models.Index(
                fields=["-referred_at", "-id"], name="referral_open_idx", condition=models.Q(answered_at__isnull=True)
            ),
            # A researcher's open referrals: the staff home's "waiting for my answer" and their list.
            models.Index(
                fields=["researcher", "-referred_at", "-id"],
                name="referral_researcher_open_idx",
                condition=models.Q(answered_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{_('إحالة')} #{self.pk} — {self.subject}"

    @property
    def subject(self):
        if self.beneficiary_id:
            return self.beneficiary.full_name
        if self.interaction_id:
            return self.interaction.who
        return ""

    @property
    def is_answered(self):
        return self.answered_at is not None
