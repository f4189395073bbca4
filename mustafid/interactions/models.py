"""Contacts over the channels: every conversation with a beneficiary, known or not yet known."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mustafid.association.models import Branch, Channel
from mustafid.beneficiaries.models import Beneficiary


class InteractionQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.reads_everything or user.is_officer:
            return self
        # Several roles: what each of them sees, together.
        seen = Q(pk__in=[])
        if user.is_branch_rep and user.branch_id:
            seen |= Q(branch_id=user.branch_id)
        # Volunteers and researchers see the contacts they logged themselves.
        if user.may_log_contacts:
            seen |= Q(staff=user)
        return self.filter(seen)


class Interaction(models.Model):
    class Direction(models.TextChoices):
        INCOMING = "in", _("وارد من المستفيد")
        OUTGOING = "out", _("صادر من الجمعية")

    class Kind(models.TextChoices):
        INQUIRY = "inquiry", _("استفسار")
        REQUEST = "request", _("طلب")
        COMPLAINT = "complaint", _("شكوى")
        SUGGESTION = "suggestion", _("اقتراح")
        FOLLOW_UP = "follow_up", _("متابعة")

    channel = models.CharField(_("قناة التواصل"), max_length=20, choices=Channel.choices)
    direction = models.CharField(_("الاتجاه"), max_length=3, choices=Direction.choices, default=Direction.INCOMING)
    kind = models.CharField(_("نوع التواصل"), max_length=12, choices=Kind.choices)
    summary = models.TextField(_("الموضوع"))
    outcome = models.TextField(_("ما تم"), blank=True)
    beneficiary = models.ForeignKey(
        Beneficiary,
        verbose_name=_("المستفيد"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interactions",
    )
    # For someone not (yet) in the registry: how to reach them again.
    contact_name = models.CharField(_("اسم المتواصل"), max_length=120, blank=True)
    contact_mobile = models.CharField(_("جوال المتواصل"), max_length=16, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("الموظف"), on_delete=models.PROTECT, related_name="interactions"
    )
    branch = models.ForeignKey(Branch, verbose_name=_("المكتب"), null=True, blank=True, on_delete=models.PROTECT)
    # Indexed with the id in `contact_occurred_idx` (the list's order).
    occurred_at = models.DateTimeField(_("وقت التواصل"), default=timezone.now)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        verbose_name = _("تواصل")
        verbose_name_plural = _("سجل التواصل")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            # The contacts list (interactions/views.py `interaction_list`): keyset pages by (-occurred_at, -id),
            # for those who see every contact, and filtered by a channel.
            models.Index(fields=["-occurred_at", "-id"], name="contact_occurred_idx"),
            models.Index(fields=["channel", "-occurred_at", "-id"], name="contact_channel_idx"),
            # ...for a branch representative (their branch's contacts) and a volunteer (the ones they logged).
            models.Index(fields=["branch", "-occurred_at", "-id"], name="contact_branch_idx"),
            models.Index(fields=["staff", "-occurred_at", "-id"], name="contact_staff_idx"),
        ]

    def __str__(self):
        who = self.beneficiary or self.contact_name or _("غير معروف")
        return f"{self.get_kind_display()} — {self.get_channel_display()} — {who}"

    @property
    def who(self):
        return self.beneficiary.full_name if self.beneficiary_id else (self.contact_name or _("غير مسجل"))

    def registration_initial(self):
        """The registration form's first values from this contact: the name split into its four parts, the mobile."""
        parts = self.contact_name.split()
        if len(parts) > 4:
            parts = parts[:3] + [" ".join(parts[3:])]
        initial = dict(zip(["first_name", "father_name", "grandfather_name", "family_name"], parts))
        initial["mobile"] = self.contact_mobile
        return initial
