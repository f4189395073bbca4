"""Contacts over the channels: every conversation with a beneficiary, known or not yet known."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mustafid.association.models import Branch, Channel
from mustafid.audit.actors import ActedBy, ActorKind, actor_columns
from mustafid.beneficiaries.models import Beneficiary

# The association's answer to a written contact (`actions.answer_interaction`): a few SMS at most for a sender of
# the public form, who receives it whole.
ANSWER_MAX = 1000
# Who records a contact sent in writing by its own author: the beneficiary or guardian through the portal, the
# system for the public form. Any other contact was logged by a staff member.
SENDER_KINDS = (ActorKind.BENEFICIARY, ActorKind.GUARDIAN, ActorKind.SYSTEM)
# The contacts waiting for the association's answer (`contact_awaiting_answer_idx`, the officer's home and the
# list's «بانتظار الرد»): written by their sender on the website, not answered yet.
AWAITING_ANSWER = Q(channel=Channel.WEBSITE, direction="in", staff_kind__in=SENDER_KINDS, answered_at__isnull=True)


# What a contact's line on the staff home shows (`reports/_contacts.html`, «رسائل بانتظار الرد»): when, how, about
# what, whether it awaits an answer, and the beneficiary's four names. The home reads these columns only.
ROW_FIELDS = (
    "id", "occurred_at", "channel", "direction", "kind", "summary", "contact_name", "staff_kind", "answered_at",
    "beneficiary__first_name", "beneficiary__father_name", "beneficiary__grandfather_name", "beneficiary__family_name",
)


# ... and the contacts list's rows also the contact's mobile and who recorded it.
LIST_FIELDS = ("contact_mobile", "staff_label", "staff__first_name", "staff__last_name", "staff__username")


class InteractionQuerySet(models.QuerySet):
    def rows(self):
        """The contacts as the home's lines show them (`ROW_FIELDS`), with their beneficiary, in one query."""
        return self.select_related("beneficiary").only(*ROW_FIELDS)

    def list_rows(self):
        """The contacts as the list's rows show them (`ROW_FIELDS`, `LIST_FIELDS`), in one query."""
        return self.select_related("beneficiary", "staff").only(*ROW_FIELDS, *LIST_FIELDS)

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

    def awaiting_answer(self):
        return self.filter(AWAITING_ANSWER)


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
    # Who recorded the contact: the staff member who logged it, or the beneficiary (or guardian) who sent it from
    # the portal, or the system for the public form (no staff user then).
    staff, staff_kind, staff_label = actor_columns(_("الموظف"), related_name="interactions")
    recorded_by = ActedBy("staff")
    # The association's answer to a contact that came in writing (the portal, the public form): sent back to the
    # sender through their channel and shown on the portal's «تواصلي مع الجمعية».
    answer = models.TextField(_("الرد"), blank=True)
    answered_at = models.DateTimeField(_("وقت الرد"), null=True, blank=True)
    answered_by, answered_by_kind, answered_by_label = actor_columns(_("رد عليه"))
    answered_by_actor = ActedBy("answered_by")
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
            # ...and the written contacts not answered yet (interactions 0004), the oldest first on the home.
            models.Index(fields=["occurred_at", "id"], condition=AWAITING_ANSWER, name="contact_awaiting_answer_idx"),
        ]

    def __str__(self):
        who = self.beneficiary or self.contact_name or _("غير معروف")
        return f"{self.get_kind_display()} — {self.get_channel_display()} — {who}"

    @property
    def is_written(self):
        """Sent in writing by its own author from the website (the portal, the public form): it may be answered."""
        return (self.channel == Channel.WEBSITE and self.direction == self.Direction.INCOMING
                and self.staff_kind in SENDER_KINDS)

    @property
    def awaits_answer(self):
        return self.is_written and self.answered_at is None

    @property
    def answerer(self):
        """Who answered (an `Actor`), or None."""
        return self.answered_by_actor if self.answered_at else None

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


class FaqEntry(models.Model):
    """One question the association answers often, in Arabic and English: published on a public page, offered to
    officers as they type an inquiry, and shown in the portal. `question_key` is the Arabic question and answer
    after normalisation (lib/arabic.search_key), written on save, for search as you type."""

    question_ar = models.CharField(_("السؤال"), max_length=300)
    answer_ar = models.TextField(_("الإجابة"))
    question_en = models.CharField(_("السؤال بالإنجليزية"), max_length=300, blank=True)
    answer_en = models.TextField(_("الإجابة بالإنجليزية"), blank=True)
    search_key = models.TextField(editable=False, blank=True)
    published = models.BooleanField(_("منشور"), default=True)
    order = models.PositiveSmallIntegerField(_("الترتيب"), default=0)
    updated_at = models.DateTimeField(_("آخر تعديل"), auto_now=True)
    updated_by, updated_by_kind, updated_by_label = actor_columns(_("عدّله"))

    class Meta:
        verbose_name = _("سؤال شائع")
        verbose_name_plural = _("الأسئلة الشائعة")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.question_ar
