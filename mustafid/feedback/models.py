"""The beneficiary's voice: satisfaction surveys (docs/feedback.md).

The policy makes rating the service «حق من حقوق المستفيد», and «أداة للتقويم والتطوير لا للعقاب والتشهير»: the
results are read in aggregate (anonymous below a threshold of responses), and a low rating becomes a follow-up task
for a manager, never a mark against anyone.

* `SurveySettings` — the association's choices (one row): expiry, reminder, anonymity threshold, follow-up rule,
  and whether a contact or a decision is followed by a survey too (a delivery always is, when a survey is active).
* `Survey` and its `Question`s — what is asked, in order; one active survey per trigger.
* `SurveyInvitation` — one per thing a beneficiary is asked about (a delivery, a contact, a decision), unique on
  that thing; the link carries a random token, the row keeps only its keyed digest.
* `SurveyResponse` and its `Answer`s — at most one per invitation (unique).
* `FollowUp` — a low rating or a request to be contacted, with its own due date in working days.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from mustafid.audit.actors import ActedBy, actor_columns


class Trigger(models.TextChoices):
    DELIVERY = "delivery", _("بعد تقديم الخدمة")
    CONTACT = "contact", _("بعد التواصل")
    DECISION = "decision", _("بعد قرار لجنة البحث")


class SurveySettings(models.Model):
    """The association's survey choices: one row (`SurveySettings.current()`)."""

    expiry_days = models.PositiveSmallIntegerField(
        _("مدة صلاحية رابط الاستبيان (بالأيام)"), default=14,
        help_text=_("بعدها لا يُقبل الرابط وتُحتسب الدعوة منتهية"))
    reminder_days = models.PositiveSmallIntegerField(
        _("التذكير بعد (أيام)"), default=3,
        help_text=_("تذكير واحد فقط إن لم يُجب المستفيد ولم تنته الصلاحية؛ 0 لا تذكير"))
    anonymity_threshold = models.PositiveSmallIntegerField(
        _("الحد الأدنى للإجابات لعرض النتائج"), default=5,
        help_text=_("دون هذا العدد من الإجابات لا تُعرض التوزيعات ولا التعليقات، حفاظًا على عدم معرفة المجيب"))
    follow_up_rating = models.PositiveSmallIntegerField(
        _("تقييم يستدعي المتابعة (أقل من أو يساوي)"), default=2,
        help_text=_("تقييم الرضا من 1 إلى 5؛ ما كان عند هذا الحد أو دونه يفتح مهمة متابعة للمدير"))
    follow_up_days = models.PositiveSmallIntegerField(
        _("مدة المتابعة (أيام عمل)"), default=3)
    after_contact = models.BooleanField(_("استبيان بعد التواصل"), default=False)
    after_decision = models.BooleanField(_("استبيان بعد قرار لجنة البحث"), default=False)

    class Meta:
        verbose_name = _("إعدادات استبيانات الرضا")
        verbose_name_plural = _("إعدادات استبيانات الرضا")
        constraints = [
            models.CheckConstraint(condition=models.Q(expiry_days__gte=1), name="survey_settings_expiry_positive"),
            models.CheckConstraint(condition=models.Q(anonymity_threshold__gte=1),
                                   name="survey_settings_threshold_positive"),
        ]

    def __str__(self):
        return str(_("إعدادات استبيانات الرضا"))

    @classmethod
    def current(cls):
        row = cls.objects.order_by("pk").first()
        return row if row is not None else cls.objects.create()

    def wants(self, trigger):
        """Whether a survey follows this trigger: deliveries always (if a survey is active), the others by choice."""
        if trigger == Trigger.CONTACT:
            return self.after_contact
        if trigger == Trigger.DECISION:
            return self.after_decision
        return True


class SurveyQuerySet(models.QuerySet):
    def active_for(self, trigger):
        return self.filter(active=True, trigger=trigger).order_by("-pk").first()


class Survey(models.Model):
    name = models.CharField(_("اسم الاستبيان"), max_length=120)
    trigger = models.CharField(_("يُرسل"), max_length=10, choices=Trigger.choices, default=Trigger.DELIVERY)
    active = models.BooleanField(_("مفعل"), default=False)
    intro_ar = models.CharField(_("مقدمة الاستبيان"), max_length=300, blank=True)
    intro_en = models.CharField(_("المقدمة بالإنجليزية"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("استبيان الرضا")
        verbose_name_plural = _("استبيانات الرضا")
        constraints = [
            # One active survey per trigger: the invitation never has to choose.
            models.UniqueConstraint(fields=["trigger"], condition=models.Q(active=True), name="survey_one_active"),
        ]

    def __str__(self):
        return self.name

    @property
    def intro(self):
        return (self.intro_en if translation.get_language() == "en" and self.intro_en else self.intro_ar)


class QuestionQuerySet(models.QuerySet):
    def asked(self):
        return self.filter(retired=False).order_by("position", "pk")


class Question(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating_1_5", _("تقييم من 1 إلى 5 (وجوه)")
        YES_NO = "yes_no", _("نعم / لا")
        CHOICE = "choice", _("اختيار من قائمة")
        TEXT = "short_text", _("نص قصير")
        NPS = "nps_0_10", _("من 0 إلى 10 (التوصية)")

    class Role(models.TextChoices):
        NONE = "", _("سؤال عادي")
        SATISFACTION = "satisfaction", _("سؤال الرضا")
        RECOMMENDATION = "recommendation", _("سؤال التوصية")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("الترتيب"), default=0)
    kind = models.CharField(_("نوع السؤال"), max_length=12, choices=Kind.choices)
    text_ar = models.CharField(_("نص السؤال"), max_length=200)
    text_en = models.CharField(_("النص بالإنجليزية"), max_length=200, blank=True)
    required = models.BooleanField(_("إجابته مطلوبة"), default=False)
    # For a choice question: [{"ar": "…", "en": "…"}, …] in order; the answer keeps the option's index.
    choices = models.JSONField(_("الخيارات"), default=list, blank=True)
    role = models.CharField(_("دوره في النتائج"), max_length=14, choices=Role.choices, default=Role.NONE, blank=True)
    # Removed from the survey after it was answered: kept for the results, no longer asked.
    retired = models.BooleanField(default=False)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("سؤال")
        verbose_name_plural = _("الأسئلة")
        ordering = ["survey", "position", "pk"]
        constraints = [
            # One satisfaction question and one recommendation question per survey, at most.
            models.UniqueConstraint(fields=["survey", "role"], condition=~models.Q(role=""),
                                    name="question_one_role_per_survey"),
        ]

    def __str__(self):
        return self.text

    @property
    def text(self):
        return self.text_en if translation.get_language() == "en" and self.text_en else self.text_ar

    def option_labels(self):
        english = translation.get_language() == "en"
        return [(item.get("en") if english and item.get("en") else item.get("ar", "")) for item in self.choices or []]


class InvitationQuerySet(models.QuerySet):
    def open(self, now=None):
        """Not answered, not expired: the link still takes an answer."""
        return self.filter(answered_at__isnull=True, expires_at__gt=now or timezone.now())


class SurveyInvitation(models.Model):
    """One beneficiary asked about one thing (a delivery, a contact, a decision) through a single-use link.

    The link carries a random token; the row keeps only its keyed digest (`token_digest`), and the reminder's
    new token's digest (`reminder_digest`): either opens the survey, once.
    """

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations")
    beneficiary = models.ForeignKey("beneficiaries.Beneficiary", on_delete=models.CASCADE,
                                    related_name="survey_invitations")
    # What it is about, as the outbox and the audit trail keep it (a label and a key): no import of the app above.
    about_type = models.CharField(max_length=60)
    about_id = models.BigIntegerField()
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    reminder_digest = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("تاريخ الدعوة"), default=timezone.now)
    sent_at = models.DateTimeField(_("أُرسلت"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("التذكير"), null=True, blank=True)
    expires_at = models.DateTimeField(_("تنتهي صلاحيتها"))
    expired_at = models.DateTimeField(_("انتهت صلاحيتها"), null=True, blank=True)
    answered_at = models.DateTimeField(_("أجاب"), null=True, blank=True)
    invited_by, invited_by_kind, invited_by_label = actor_columns(_("بواسطة"))

    invited = ActedBy("invited_by")
    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("دعوة إلى استبيان")
        verbose_name_plural = _("الدعوات إلى الاستبيانات")
        constraints = [
            # One invitation per delivery (contact, decision): a retried step never asks twice.
            models.UniqueConstraint(fields=["about_type", "about_id"], name="invitation_one_per_subject"),
        ]
        indexes = [
            # The reminder job (feedback/reminders.py): unanswered, not yet reminded, oldest first.
            models.Index(fields=["created_at"], name="invitation_remind_idx",
                         condition=models.Q(answered_at__isnull=True, reminded_at__isnull=True,
                                            expired_at__isnull=True)),
            models.Index(fields=["survey", "-created_at"], name="invitation_survey_idx"),
            # The indicators' invitations sent in a period, by month (reports/indicators.py `satisfaction`).
            models.Index(fields=["sent_at"], name="invitation_sent_idx"),
        ]

    def __str__(self):
        return f"{_('دعوة إلى استبيان')} #{self.pk}"

    @property
    def is_answered(self):
        return self.answered_at is not None

    def is_expired(self, now=None):
        return self.expires_at <= (now or timezone.now())


class SurveyResponse(models.Model):
    """The one answer to an invitation. Results read these rows, never who wrote them."""

    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.CASCADE, related_name="response")
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    answered_at = models.DateTimeField(default=timezone.now)
    # Copied from the marked questions' answers, for the results without a join per question.
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    recommendation = models.PositiveSmallIntegerField(null=True, blank=True)
    wants_contact = models.BooleanField(_("يرغب أن يُتواصل معه"), default=False)

    class Meta:
        verbose_name = _("إجابة استبيان")
        verbose_name_plural = _("إجابات الاستبيانات")
        indexes = [
            models.Index(fields=["survey", "-answered_at"], name="response_survey_idx"),
            # The indicators' answers of a period with their two marked figures (reports/indicators.py
            # `satisfaction`, the board's report), from this index alone on PostgreSQL.
            models.Index(fields=["answered_at"], include=["satisfaction", "recommendation"],
                         name="response_answered_idx"),
        ]

    def __str__(self):
        return f"{_('إجابة استبيان')} #{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    # A rating, 0/1 for yes/no, the option's index for a choice, 0–10 for a recommendation; the text for a text.
    number = models.SmallIntegerField(null=True, blank=True)
    text = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_one_per_question")]


class FollowUp(models.Model):
    """A manager's task opened by an answer: a low rating, or «أرغب أن يتواصل معي أحد»."""

    class Reason(models.TextChoices):
        LOW_RATING = "low_rating", _("تقييم منخفض")
        WANTS_CONTACT = "wants_contact", _("طلب التواصل")
        BOTH = "both", _("تقييم منخفض وطلب التواصل")

    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.CASCADE, related_name="follow_up")
    response = models.OneToOneField(SurveyResponse, on_delete=models.CASCADE, related_name="follow_up")
    reason = models.CharField(_("السبب"), max_length=14, choices=Reason.choices)
    opened_at = models.DateTimeField(_("فُتحت"), default=timezone.now)
    due_on = models.DateField(_("موعد المتابعة"))
    done_at = models.DateTimeField(_("أُنجزت"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("أنجزها"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("ملاحظة"), blank=True)

    class Meta:
        verbose_name = _("مهمة متابعة")
        verbose_name_plural = _("مهام المتابعة")
        indexes = [
            # The managers' list (feedback:follow_ups): open ones, earliest due first.
            models.Index(fields=["due_on", "id"], name="follow_up_open_idx", condition=models.Q(done_at__isnull=True)),
        ]

    def __str__(self):
        return f"{_('مهمة متابعة')} #{self.pk}"

    @property
    def is_done(self):
        return self.done_at is not None

    @property
    def is_overdue(self):
        return not self.is_done and timezone.localdate() > self.due_on


# ---------------------------------------------------------------------------------------------------------------
# The register of complaints, suggestions and compliments (docs/feedback.md «سجل الشكاوى والمقترحات»)
# ---------------------------------------------------------------------------------------------------------------

class FeedbackCategory(models.Model):
    """A category the association sorts its complaints and suggestions by (configurable in the settings)."""

    name_ar = models.CharField(_("الاسم بالعربية"), max_length=80)
    name_en = models.CharField(_("الاسم بالإنجليزية"), max_length=80, blank=True)
    # The working days the association gives itself to answer an item of this category.
    response_days = models.PositiveSmallIntegerField(_("مدة الرد (أيام عمل)"), default=5)
    position = models.PositiveSmallIntegerField(_("الترتيب"), default=0)
    active = models.BooleanField(_("مفعّل"), default=True)

    class Meta:
        verbose_name = _("تصنيف الشكاوى والمقترحات")
        verbose_name_plural = _("تصنيفات الشكاوى والمقترحات")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(response_days__gte=1), name="feedback_category_days_positive"),
        ]

    def __str__(self):
        if translation.get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_ar


class FeedbackQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=Feedback.Status.CLOSED)

    def overdue(self, today=None):
        return self.filter(OPEN_FEEDBACK, due_on__lt=today or timezone.localdate())

    def visible_to(self, user):
        """What of the register `user` may see (docs/feedback.md «سجل الشكاوى والمقترحات»).

        Managers and auditors: everything; officers: the items that are not confidential; branch representatives
        (not also officers): those of their branch; everyone else nothing. A confidential item (about a staff
        member) is never seen by the staff member concerned, whatever their roles.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.reads_everything:
            return self.exclude(about_staff=user)
        if user.is_officer:
            return self.filter(confidential=False)
        if user.is_branch_rep:
            return self.filter(confidential=False, branch_id=user.branch_id) if user.branch_id else self.none()
        return self.none()


class Feedback(models.Model):
    """One complaint, suggestion or compliment in the register, from any channel, with its reference number.

    A complaint about a staff member (`about_staff`) is confidential: only managers (auditors read-only) see it, and
    never the staff member concerned (`feedback/access.py`). Nothing here is ever shown on a request's pages.
    """

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("شكوى")
        SUGGESTION = "suggestion", _("اقتراح")
        COMPLIMENT = "compliment", _("شكر")

    class Status(models.TextChoices):
        OPEN = "open", _("جديدة")
        IN_PROGRESS = "in_progress", _("قيد المعالجة")
        ANSWERED = "answered", _("تم الرد")
        APPEALED = "appealed", _("قيد المراجعة الثانية")
        CLOSED = "closed", _("مغلقة")

    reference = models.CharField(_("الرقم المرجعي"), max_length=20, unique=True)
    kind = models.CharField(_("النوع"), max_length=12, choices=Kind.choices)
    category = models.ForeignKey(FeedbackCategory, verbose_name=_("التصنيف"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="items")
    channel = models.CharField(_("قناة الورود"), max_length=20)  # association.Channel's values
    status = models.CharField(_("الحالة"), max_length=12, choices=Status.choices, default=Status.OPEN)
    text = models.TextField(_("النص"))
    # Who sent it: a registered beneficiary, or a name and a way back, or nobody (anonymous).
    beneficiary = models.ForeignKey("beneficiaries.Beneficiary", verbose_name=_("المستفيد"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    sender_name = models.CharField(_("اسم المرسل"), max_length=120, blank=True)
    sender_mobile = models.CharField(_("جوال المرسل"), max_length=16, blank=True)
    sender_email = models.EmailField(_("بريد المرسل"), blank=True)
    anonymous = models.BooleanField(_("دون ذكر الاسم"), default=False)
    # The staff member complained about: the item is confidential (managers and auditors only, never this user).
    about_staff = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("الموظف المعني"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    confidential = models.BooleanField(_("سرية"), default=False)
    # The contact that brought it (the channel's record in the contacts log), when there is one.
    interaction = models.OneToOneField("interactions.Interaction", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="feedback")
    branch = models.ForeignKey("association.Branch", verbose_name=_("المكتب"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("المسؤول عن المعالجة"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("تاريخ الورود"), default=timezone.now)
    received_by, received_by_kind, received_by_label = actor_columns(_("سجلها"))
    due_on = models.DateField(_("موعد الرد"))
    escalated_at = models.DateTimeField(_("صُعّدت إلى المدير"), null=True, blank=True)
    response = models.TextField(_("الرد"), blank=True)
    answered_at = models.DateTimeField(_("تاريخ الرد"), null=True, blank=True)
    answered_by, answered_by_kind, answered_by_label = actor_columns(_("رد عليها"))
    # The sender's word on the answer, asked at closure (1–5), and their appeal for a second look.
    sender_rating = models.PositiveSmallIntegerField(_("رضا المرسل عن المعالجة"), null=True, blank=True)
    appeal_text = models.TextField(_("سبب طلب المراجعة"), blank=True)
    appealed_at = models.DateTimeField(_("تاريخ طلب المراجعة"), null=True, blank=True)
    closed_at = models.DateTimeField(_("تاريخ الإغلاق"), null=True, blank=True)
    closed_by, closed_by_kind, closed_by_label = actor_columns(_("أغلقها"))

    received = ActedBy("received_by")
    answerer = ActedBy("answered_by")
    closer = ActedBy("closed_by")
    objects = FeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("شكوى أو اقتراح")
        verbose_name_plural = _("سجل الشكاوى والمقترحات")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(sender_rating__isnull=True) | models.Q(sender_rating__range=(1, 5)),
                                   name="feedback_sender_rating_1_5"),
            # About a staff member means confidential, whoever logged it.
            models.CheckConstraint(condition=models.Q(about_staff__isnull=True) | models.Q(confidential=True),
                                   name="feedback_about_staff_confidential"),
        ]
        indexes = [
            # The register (newest first), by kind, by status, by assignee, by branch: keyset pages.
            models.Index(fields=["-received_at", "-id"], name="feedback_received_idx"),
            models.Index(fields=["kind", "-received_at", "-id"], name="feedback_kind_idx"),
            models.Index(fields=["assignee", "-received_at", "-id"], name="feedback_assignee_idx"),
            models.Index(fields=["branch", "-received_at", "-id"], name="feedback_branch_idx"),
            # Open items by due date: the escalation job and the manager's home («متأخرة»).
            models.Index(fields=["due_on", "id"], name="feedback_open_due_idx",
                         condition=~models.Q(status="closed")),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference}"

    @property
    def is_open(self):
        return self.status != self.Status.CLOSED

    def is_overdue(self, today=None):
        return self.is_open and self.answered_at is None and (today or timezone.localdate()) > self.due_on


OPEN_FEEDBACK = ~models.Q(status=Feedback.Status.CLOSED) & models.Q(answered_at__isnull=True)


class FeedbackEvent(models.Model):
    """The timeline of one item of the register: received, assigned, escalated, answered, appealed, closed."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("ورود")
        ASSIGNED = "assigned", _("إسناد")
        ESCALATED = "escalated", _("تصعيد إلى المدير")
        ANSWERED = "answered", _("الرد على المرسل")
        APPEALED = "appealed", _("طلب مراجعة ثانية")
        CLOSED = "closed", _("إغلاق")
        NOTE = "note", _("ملاحظة داخلية")

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor, actor_kind, actor_label = actor_columns(_("بواسطة"))
    note = models.TextField(blank=True)

    acted_by = ActedBy("actor")

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["feedback", "at"], name="feedback_event_idx"),
            # The indicators: resolved in a period.
            models.Index(fields=["kind", "at"], name="feedback_event_kind_at_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.feedback_id}"
