"""The outbox: one row per message, per recipient and event, sent after the step's commit.

A message is written in the transaction of the step that causes it (a request received, a
decision, a reminder to staff), with an idempotency key unique in the database, so the same
step never produces two messages whatever retries, double clicks or two workers do. The
worker (`sending.py`, run by `manage.py db_worker` through the tasks in `tasks.py`) claims a
row with a conditional UPDATE, hands it to the channel's transport and records the outcome.

This app sits at the ground with `audit`: it keeps who a message is for (`person_*`) and what
it is about (`about_*`) as a model label and a primary key, and imports nothing above it.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mustafid.audit.actors import ActedBy, actor_columns


class Channel(models.TextChoices):
    SMS = "sms", _("رسالة نصية")
    WHATSAPP = "whatsapp", _("واتساب")
    EMAIL = "email", _("البريد الإلكتروني")


class Purpose(models.TextChoices):
    # About the person's own request: sent to everyone who has a mobile or an e-mail.
    SERVICE = "service", _("خدمية")
    # Awareness and news: only with recorded consent, and never after an opt-out (PDPL).
    AWARENESS = "awareness", _("توعوية")
    # One-time sign-in codes: the only messages sent during quiet hours.
    CODE = "code", _("رمز تحقق")
    # Reminders to staff of what waits on them.
    STAFF = "staff", _("تذكير للموظفين")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("في الانتظار")
    SENDING = "sending", _("قيد الإرسال")
    SENT = "sent", _("أُرسلت")
    DELIVERED = "delivered", _("وصلت")
    FAILED = "failed", _("تعذّر الإرسال")
    CANCELLED = "cancelled", _("أُلغيت")
    # Stuck in "sending" after a crash, through a provider that cannot tell a resend from a new
    # message: a person decides, so it is never sent twice.
    REVIEW = "review", _("بحاجة إلى مراجعة")


class Message(models.Model):
    idempotency_key = models.CharField(max_length=200, unique=True, editable=False)
    purpose = models.CharField(_("نوع الرسالة"), max_length=10, choices=Purpose.choices, default=Purpose.SERVICE)
    channel = models.CharField(_("القناة"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("المستلم"), max_length=254)
    language = models.CharField(_("اللغة"), max_length=2, default="ar")
    template = models.CharField(_("القالب"), max_length=60)
    context = models.JSONField(default=dict, blank=True)
    subject = models.CharField(_("الموضوع"), max_length=200, blank=True)
    body = models.TextField(_("النص"))
    status = models.CharField(_("الحالة"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("المحاولات"), default=0)
    next_attempt_at = models.DateTimeField(_("المحاولة التالية"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    provider = models.CharField(_("مزود الخدمة"), max_length=20, blank=True)
    provider_ref = models.CharField(_("مرجع المزود"), max_length=120, blank=True)
    last_error = models.CharField(_("سبب التعذر"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("وقت الإنشاء"), default=timezone.now)
    sent_at = models.DateTimeField(_("وقت الإرسال"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("وقت الوصول"), null=True, blank=True)
    # Who the message is for (a beneficiary, a staff member) and what it is about (a request):
    # a model label and a primary key, as the audit trail keeps its targets.
    person_type = models.CharField(max_length=60, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True)
    about_type = models.CharField(max_length=60, blank=True)
    about_id = models.BigIntegerField(null=True, blank=True)
    # A WhatsApp message that could not be delivered as WhatsApp is sent again as SMS.
    fallback_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="fallback", editable=False
    )
    # A message sent by hand from a template (None for the automatic ones: the system).
    queued_by, queued_by_kind, queued_by_label = actor_columns(_("أرسلها"))
    queued_by_actor = ActedBy("queued_by")

    class Meta:
        verbose_name = _("رسالة")
        verbose_name_plural = _("الرسائل")
        indexes = [
            # A person's messages on their timeline, newest first.
            models.Index(fields=["person_type", "person_id", "-created_at"], name="message_person_idx"),
            # The worker's and the sweeper's: what is due now.
            models.Index(fields=["status", "next_attempt_at"], name="message_due_idx"),
            # The staff list of failed messages, newest first; and delivery reports by reference.
            models.Index(fields=["status", "-created_at", "-id"], name="message_status_idx"),
            models.Index(fields=["provider", "provider_ref"], name="message_provider_ref_idx"),
            # The indicators' messages of a period (reports/indicators.py `messages_sent`).
            models.Index(fields=["created_at"], include=["purpose", "status"], name="message_created_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient} ({self.template})"

    @property
    def is_final(self):
        return self.status in {MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.FAILED, MessageStatus.CANCELLED}


class MessageTemplate(models.Model):
    """The manager's wording of one message in one language; without a row, the text shipped in its folder."""

    key = models.CharField(max_length=60)
    language = models.CharField(max_length=2)
    subject = models.CharField(_("الموضوع (للبريد)"), max_length=200, blank=True)
    body = models.TextField(_("نص الرسالة"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by, updated_by_kind, updated_by_label = actor_columns(_("عدّلها"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "language"], name="message_template_key_language")]
