"""The audit trail: who did or saw what, when, from which address.

Rows are written explicitly by actions (writes) and by access helpers (reads of
sensitive records), never by signals, so each row is a deliberate statement.
Rows are never updated or deleted by the application.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .actors import Actor, ActorKind


class EventType(models.IntegerChoices):
    # 1xx: reads of sensitive records
    BENEFICIARY_VIEWED = 101, _("عرض ملف مستفيد")
    CASE_VIEWED = 102, _("عرض طلب دعم")
    DOCUMENT_VIEWED = 103, _("عرض مستند")
    DECLARATION_VIEWED = 104, _("عرض إقرار")
    REGISTRY_SEARCHED = 105, _("بحث في سجل المستفيدين")
    REGISTRY_LISTED = 106, _("عرض قائمة المستفيدين")
    CASES_LISTED = 107, _("عرض قائمة طلبات الدعم")
    CONTACTS_LISTED = 108, _("عرض سجل التواصل")
    REFERRALS_LISTED = 109, _("عرض قائمة الإحالات")
    REFERRAL_VIEWED = 110, _("عرض إحالة")
    AGENDA_VIEWED = 111, _("عرض جدول أعمال لجنة البحث")
    MESSAGES_LISTED = 112, _("عرض الرسائل المتعذرة")
    RESEARCH_REPORT_VIEWED = 114, _("عرض تقرير بحث اجتماعي")
    DEADLINES_VIEWED = 113, _("عرض الطلبات المتأخرة والقريبة من موعدها")
    DECISION_LETTER_VIEWED = 115, _("عرض خطاب قرار لجنة البحث")
    MINUTES_VIEWED = 116, _("عرض محضر اجتماع لجنة البحث")
    SURVEY_RESPONSES_VIEWED = 117, _("عرض إجابات استبيانات الرضا")
    INDICATORS_VIEWED = 118, _("عرض المؤشرات")
    LIST_EXPORTED = 119, _("تصدير قائمة أو مؤشرات")
    # 2xx: the registry
    BENEFICIARY_CREATED = 201, _("تسجيل مستفيد")
    BENEFICIARY_UPDATED = 202, _("تعديل بيانات مستفيد")
    HOUSEHOLD_MEMBER_ADDED = 203, _("إضافة فرد أسرة")
    HOUSEHOLD_MEMBER_REMOVED = 204, _("حذف فرد أسرة")
    BENEFICIARY_SELF_REGISTERED = 205, _("تسجيل مستفيد لنفسه عبر خدمات المستفيد")
    BENEFICIARY_VERIFIED = 206, _("تحقق الموظف من تسجيل ذاتي")
    SELF_REGISTRATION_REJECTED = 207, _("رفض تسجيل ذاتي")
    GUARDIAN_ADDED = 208, _("إضافة ولي أمر يتصرف عن المستفيد")
    GUARDIAN_ENDED = 209, _("إلغاء صلاحية ولي أمر")
    # 3xx: contacts over the channels
    INTERACTION_LOGGED = 301, _("تسجيل تواصل")
    INTERACTION_ANSWERED = 302, _("الرد على تواصل")
    FAQ_CHANGED = 303, _("تعديل الأسئلة الشائعة")
    # 32x: messages (the outbox)
    MESSAGE_SENT_BY_HAND = 321, _("إرسال رسالة لمستفيد")
    MESSAGE_RESENT = 322, _("إعادة إرسال رسالة")
    MESSAGE_TEMPLATE_CHANGED = 323, _("تعديل نص رسالة")
    # 4xx: the support request workflow
    CASE_OPENED = 401, _("فتح طلب دعم")
    DOCUMENT_UPLOADED = 402, _("رفع مستند")
    DOCUMENT_VERIFIED = 403, _("التحقق من مستند")
    DOCUMENT_REFUSED = 404, _("رفض مستند")
    CASE_MARKED_INCOMPLETE = 405, _("طلب غير مكتمل")
    DECLARATION_RECORDED = 406, _("تسجيل الإقرار")
    CASE_SUBMITTED = 407, _("رفع الطلب للجنة البحث")
    DECISION_RECORDED = 408, _("تسجيل قرار اللجنة")
    BENEFICIARY_REGISTERED = 409, _("استكمال التسجيل")
    SERVICE_DELIVERED = 410, _("تقديم خدمة")
    CASE_CLOSED = 411, _("إغلاق الطلب")
    CASE_RETURNED = 412, _("إعادة الطلب لاستكمال المعلومات")
    INFORMATION_PROVIDED = 413, _("استكمال المعلومات المطلوبة")
    APPEAL_FILED = 414, _("تسجيل تظلم من قرار لجنة البحث")
    # 5xx: social research
    REFERRAL_CREATED = 501, _("إحالة إلى الباحث الاجتماعي")
    REFERRAL_ANSWERED = 502, _("رد الباحث الاجتماعي")
    RESEARCH_REPORT_SAVED = 503, _("حفظ مسودة تقرير البحث الاجتماعي")
    RESEARCH_REPORT_FILED = 504, _("اعتماد تقرير البحث الاجتماعي")
    # 6xx: the research committee as a body
    MEETING_CREATED = 601, _("إنشاء اجتماع للجنة البحث")
    ATTENDANCE_RECORDED = 602, _("تسجيل حضور اجتماع اللجنة")
    VOTE_CAST = 603, _("تصويت عضو اللجنة على طلب")
    CONFLICT_DECLARED = 604, _("إفصاح عن تعارض مصالح")
    AGENDA_ITEM_ADDED = 605, _("إضافة طلب إلى جدول أعمال اجتماع")
    MEETING_CLOSED = 606, _("إقفال اجتماع لجنة البحث")
    MINUTES_SIGNED = 607, _("إرفاق المحضر الموقع واعتماده")
    # 7xx: the beneficiary's voice (feedback)
    SURVEY_CHANGED = 701, _("تعديل استبيان الرضا")
    SURVEY_ANSWERED = 702, _("إجابة استبيان رضا")
    FOLLOW_UP_OPENED = 703, _("فتح مهمة متابعة لتقييم منخفض")
    FOLLOW_UP_DONE = 704, _("إنهاء مهمة متابعة")
    FEEDBACK_RECEIVED = 705, _("ورود شكوى أو اقتراح")
    FEEDBACK_ASSIGNED = 706, _("إسناد شكوى أو اقتراح")
    FEEDBACK_ESCALATED = 707, _("تصعيد شكوى متأخرة إلى المدير")
    FEEDBACK_ANSWERED = 708, _("الرد على شكوى أو اقتراح")
    FEEDBACK_APPEALED = 709, _("طلب مراجعة ثانية لشكوى")
    FEEDBACK_CLOSED = 710, _("إغلاق شكوى أو اقتراح")
    FEEDBACK_VIEWED = 711, _("الاطلاع على شكوى سرية")
    SURVEY_REPLY_RECEIVED = 712, _("رد على استبيان برسالة نصية")
    FEEDBACK_NOTED = 713, _("ملاحظة داخلية على شكوى أو اقتراح")
    # 8xx: settings
    SETTINGS_CHANGED = 801, _("تعديل الإعدادات")
    SETTINGS_DELETED = 802, _("حذف من الإعدادات")
    POLICY_NOTICE_SENT = 803, _("إشعار المستفيدين بإصدار السياسة")
    BOARD_REPORT_ISSUED = 804, _("إصدار تقرير الفترة لمجلس الإدارة")
    BOARD_RECOMMENDATION_RECORDED = 805, _("تسجيل توصية مجلس الإدارة")
    BOARD_RECOMMENDATION_PUBLISHED = 806, _("نشر توصية مجلس الإدارة")
    # 9xx: sign-in
    SIGNED_IN = 901, _("تسجيل الدخول")
    SIGNED_OUT = 902, _("تسجيل الخروج")
    PASSWORD_SET = 903, _("تعيين كلمة مرور موظف")
    PASSWORD_CHANGED = 904, _("تغيير كلمة المرور")
    SIGN_IN_FAILED = 905, _("محاولة دخول فاشلة")
    LOCKED_OUT = 906, _("إيقاف الدخول مؤقتًا")
    # 95x: the beneficiary's portal (sign-in by one-time code; the code itself is never written)
    PORTAL_SIGNED_IN = 951, _("دخول مستفيد إلى خدمات المستفيد")
    PORTAL_SIGN_IN_FAILED = 952, _("رمز دخول خاطئ في خدمات المستفيد")
    PORTAL_LOCKED_OUT = 953, _("إيقاف الدخول إلى خدمات المستفيد مؤقتًا")
    PORTAL_SIGNED_OUT = 954, _("خروج مستفيد من خدمات المستفيد")


class AuditEvent(models.Model):
    # Indexed with the id in `audit_at_idx` (the list's order); a single-column index would only slow writes.
    at = models.DateTimeField(_("الوقت"), default=timezone.now)
    # The actor row may be deactivated later; the label keeps who it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("المستخدم"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("اسم المستخدم"), max_length=150, blank=True)
    # A staff member, the beneficiary through the portal (or their guardian), or the system (see actors.py).
    actor_kind = models.CharField(_("نوع المنفذ"), max_length=12, choices=ActorKind.choices, default=ActorKind.STAFF)
    # Indexed, with the time, in `audit_type_at_idx`.
    event_type = models.PositiveSmallIntegerField(_("الحدث"), choices=EventType.choices)
    # Generic target (model label + primary key) so the audit app imports nothing above it.
    target_type = models.CharField(_("نوع السجل"), max_length=50, blank=True)
    target_id = models.CharField(_("رقم السجل"), max_length=50, blank=True)
    target_label = models.CharField(_("السجل"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("عنوان الجهاز"), null=True, blank=True)
    # Old and new values of what changed, a note, or the reason given.
    data = models.JSONField(_("التفاصيل"), default=dict, blank=True)

    class Meta:
        verbose_name = _("حدث تدقيق")
        verbose_name_plural = _("سجل التدقيق")
        ordering = ["-at", "-id"]
        indexes = [
            # A record's history (the request and beneficiary pages) and the audit list filtered by a record.
            models.Index(fields=["target_type", "target_id", "-at"], name="audit_target_idx"),
            # The audit list (audit/views.py `audit_list`): keyset pages by (-at, -id), unfiltered or
            # filtered by an event type or a user name.
            models.Index(fields=["-at", "-id"], name="audit_at_idx"),
            models.Index(fields=["event_type", "-at", "-id"], name="audit_type_at_idx"),
            models.Index(fields=["actor_label", "-at", "-id"], name="audit_actor_at_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.get_event_type_display()}"

    @property
    def acted_by(self):
        """Who, in words: the user name kept for history, «المستفيد عبر البوابة» or «النظام»."""
        return Actor(self.actor_kind, None, self.actor_label)


class FormSubmission(models.Model):
    """One row per form posted with a `_once` token ({% once_token %}): a repeat of the token is refused.

    Written by `audit.once.OnceMiddleware` in its own transaction before the view runs, so a
    double-click or a resent form never writes twice. Not part of the trail: rows carry no
    personal data and may be pruned (`manage.py prune_form_submissions`, older than 7 days).
    """

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    path = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("نموذج مستلم")
        verbose_name_plural = _("النماذج المستلمة")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.path}"
