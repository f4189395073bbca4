"""The research committee as a body (لجنة البحث): meetings, attendance, quorum, votes and numbered decisions.

A decision answers a request submitted to the committee: approved (with the support granted) or rejected
(a listed reason and text), recorded by the chair — at a meeting that has its quorum, or between meetings by
circulation once the quorum of members has voted. Every change is an action in `actions.py`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mustafid.accounts.models import Role, User
from mustafid.audit.actors import ActedBy, actor_columns
from mustafid.association.models import Association, bilingual
from mustafid.cases.models import Case, SupportType
from mustafid.lib.counts import add_to


def committee_members():
    """The committee: active staff holding the member or the chair role."""
    return User.objects.with_role(Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR).filter(is_active=True)


def quorum_for(members_count):
    """How many members make the quorum: the association's number, or a majority (half plus one)."""
    association = Association.objects.order_by("pk").first()
    configured = association.committee_quorum if association else None
    if configured:
        return min(configured, members_count) if members_count else configured
    return members_count // 2 + 1


def quorum_requires_chair():
    association = Association.objects.order_by("pk").first()
    return association.quorum_requires_chair if association else True


class VoteChoice(models.TextChoices):
    APPROVE = "approve", _("موافقة")
    REJECT = "reject", _("رفض")
    RETURN = "return", _("إعادة لاستكمال المعلومات")
    ABSTAIN = "abstain", _("امتناع")


class RejectionReason(models.Model):
    """A reason the committee may give for a rejection (settings: «أسباب الرفض»), completed by the text."""

    name_ar = models.CharField(_("سبب الرفض"), max_length=150)
    name_en = models.CharField(_("سبب الرفض بالإنجليزية"), max_length=150, blank=True)
    active = models.BooleanField(_("متاح"), default=True)
    order = models.PositiveSmallIntegerField(_("الترتيب"), default=0)

    class Meta:
        verbose_name = _("سبب رفض")
        verbose_name_plural = _("أسباب الرفض")
        ordering = ["order", "pk"]

    def __str__(self):
        return bilingual(self, "name")


class Decision(models.Model):
    class Outcome(models.TextChoices):
        APPROVED = "approved", _("مقبول")
        REJECTED = "rejected", _("مرفوض")

    case = models.ForeignKey(Case, verbose_name=_("طلب الدعم"), on_delete=models.PROTECT, related_name="decisions")
    number = models.CharField(_("رقم القرار"), max_length=20, unique=True)
    outcome = models.CharField(_("القرار"), max_length=10, choices=Outcome.choices)
    reasons = models.TextField(_("الأسباب"))
    # Where it was taken: at a meeting, or between meetings by circulation (بالتمرير), or neither (before meetings).
    meeting = models.ForeignKey("Meeting", verbose_name=_("الاجتماع"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="decisions")
    by_circulation = models.BooleanField(_("بالتمرير"), default=False)
    # An approval: the support granted.
    support_type = models.ForeignKey(SupportType, verbose_name=_("نوع الدعم الممنوح"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("المبلغ (ريال)"), max_digits=10, decimal_places=2, null=True, blank=True)
    quantity = models.PositiveIntegerField(_("الكمية"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(_("المدة (بالأشهر)"), null=True, blank=True)
    starts_on = models.DateField(_("يبدأ من"), null=True, blank=True)
    # A rejection: the listed reason (the text is `reasons`).
    rejection_reason = models.ForeignKey(RejectionReason, verbose_name=_("سبب الرفض"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("سجله"), on_delete=models.PROTECT, related_name="decisions"
    )
    decided_at = models.DateTimeField(_("تاريخ القرار"), default=timezone.now)
    # The decision clock as it stood: on time or late, kept for reports.
    within_response_period = models.BooleanField(_("ضمن مدة الرد"), default=True)
    # When that clock started (the latest submission or appeal before the decision), kept with the decision so
    # the days to decision of a period are read from the decisions alone (reports/indicators.py).
    clock_started_at = models.DateTimeField(_("بدء عداد القرار"), null=True, blank=True)

    class Meta:
        verbose_name = _("قرار")
        verbose_name_plural = _("قرارات لجنة البحث")
        ordering = ["-decided_at", "-pk"]
        indexes = [
            # The manager's indicator on the staff home (reports/views.py `decisions_on_time`): the decisions of
            # the last 90 days and how many were within the response period, read from this index alone.
            # With the outcome and the clock's start beside it (PostgreSQL), the managers' indicators of a period
            # (reports/indicators.py: decisions on time, approved, days to decision) read this index alone.
            models.Index(fields=["decided_at", "within_response_period"], include=["outcome", "clock_started_at"],
                         name="decision_decided_idx"),
        ]

    def __str__(self):
        return f"{_('قرار')} {self.number}: {self.get_outcome_display()}"


class DecisionDayCount(models.Model):
    """The decisions recorded each day, by the branch that received the request and whether they came within the
    response period: the deadlines page's share decided on time, by month and by branch (reports/views.py
    `decided_within_period`).

    The day is the local date of `decided_at`. Kept by `record_decision` in the decision's transaction (an `F()`
    increment); decisions are never removed or changed. A year reads a few rows a day from the unique index (day
    first), never the decisions: at a million requests a year holds some 150,000 decisions, and counting them with
    their requests' branches took 360 ms. `manage.py rebuild_decision_counts` recomputes it from the decisions
    (after a restore or a bulk load, or to check).
    """

    day = models.DateField()
    branch_id = models.IntegerField()
    within_response_period = models.BooleanField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "branch_id", "within_response_period"],
                                               name="decision_day_count_once")]

    def __str__(self):
        return f"{self.day} {self.branch_id} {self.within_response_period} {self.n}"

    @classmethod
    def add(cls, decision):
        """Count `decision` (with its request's branch), in the caller's transaction."""
        key = {"day": timezone.localdate(decision.decided_at), "branch_id": decision.case.branch_id,
               "within_response_period": decision.within_response_period}
        add_to(cls, key, 1)

    @classmethod
    def rebuild(cls):
        """Recount from the decisions (one GROUP BY over every decision: for the command, never a page)."""
        from django.db.models.functions import TruncDate

        rows = (Decision.objects.order_by()
                .annotate(decided_on=TruncDate("decided_at", tzinfo=timezone.get_current_timezone()))
                .values("decided_on", "case__branch_id", "within_response_period")
                .annotate(total=models.Count("pk")))
        cls.objects.all().delete()
        cls.objects.bulk_create([
            cls(day=r["decided_on"], branch_id=r["case__branch_id"],
                within_response_period=r["within_response_period"], n=r["total"])
            for r in rows.iterator(chunk_size=5000)
        ], batch_size=5000)

    @classmethod
    def counts(cls):
        """{(day, branch, within the period): n} without the empty ones (to compare)."""
        return {(c.day, c.branch_id, c.within_response_period): c.n for c in cls.objects.exclude(n=0)}


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


class MeetingCounter(models.Model):
    """The last meeting number given in a Hijri year: locked while the next one is taken (as `DecisionCounter`)."""

    year = models.PositiveIntegerField(_("السنة الهجرية"), unique=True)
    last = models.PositiveIntegerField(_("آخر رقم"), default=0)

    class Meta:
        verbose_name = _("عداد الاجتماعات")
        verbose_name_plural = _("عدادات الاجتماعات")

    def __str__(self):
        return f"{self.year}: {self.last}"


class Meeting(models.Model):
    """A meeting of the research committee, numbered per Hijri year of its date (1448/03).

    Its agenda is the requests with the committee when it was created, earliest due first (`AgendaItem`);
    it decides only while its quorum is present (`has_quorum`).
    """

    number = models.CharField(_("رقم الاجتماع"), max_length=12, unique=True)
    starts_at = models.DateTimeField(_("موعد الاجتماع"))
    place = models.CharField(_("المكان"), max_length=200, blank=True)
    link = models.URLField(_("رابط الاجتماع عن بعد"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("أنشأه"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("تاريخ الإنشاء"), default=timezone.now)
    # Closed by the chair when the meeting ends: no more attendance, votes, outcomes or agenda changes.
    closed_at = models.DateTimeField(_("أقفل في"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("أقفله"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    # The minutes (minutes.py) are made on demand from the rows; once the signed scan is attached they are locked.
    minutes_scan = models.FileField(_("المحضر الموقع"), upload_to="committee/minutes/", blank=True)
    minutes_signed_at = models.DateTimeField(_("اعتمد المحضر في"), null=True, blank=True)
    minutes_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("أرفق المحضر الموقع"), null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("اجتماع لجنة")
        verbose_name_plural = _("اجتماعات لجنة البحث")
        ordering = ["-starts_at", "-pk"]
        indexes = [
            # The meetings list (views.py `meeting_list`): keyset pages by (-starts_at, -id).
            models.Index(fields=["-starts_at", "-id"], name="meeting_starts_idx"),
        ]

    def __str__(self):
        return f"{_('اجتماع')} {self.number}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("committee:meeting", args=[self.pk])

    def present_members(self):
        return [row.member for row in self.attendance.select_related("member") if row.present]

    def quorum(self):
        """(needed, present, chair present, has quorum) from the attendance recorded and the committee's size."""
        members = committee_members().count()
        needed = quorum_for(members)
        present = [row.member for row in self.attendance.filter(present=True).select_related("member")]
        chair_present = any(member.is_committee_chair for member in present)
        ok = len(present) >= needed and (chair_present or not quorum_requires_chair())
        return Quorum(needed=needed, present=len(present), members=members, chair_present=chair_present, ok=ok)

    @property
    def has_quorum(self):
        return self.quorum().ok


class Quorum:
    def __init__(self, *, needed, present, members, chair_present, ok):
        self.needed, self.present, self.members, self.chair_present, self.ok = needed, present, members, chair_present, ok


class Attendance(models.Model):
    """An invited member and whether they attended (None until the chair records it)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("العضو"), on_delete=models.PROTECT,
                               related_name="+")
    present = models.BooleanField(_("حاضر"), null=True, blank=True)

    class Meta:
        verbose_name = _("حضور")
        verbose_name_plural = _("الحضور")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")]

    def __str__(self):
        return f"{self.meeting} {self.member}"


class AgendaItem(models.Model):
    """A request on a meeting's agenda and what the meeting decided about it."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("مقبول")
        REJECTED = "rejected", _("مرفوض")
        RETURNED = "returned", _("معاد لاستكمال المعلومات")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(Case, verbose_name=_("طلب الدعم"), on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("الترتيب"))
    outcome = models.CharField(_("النتيجة"), max_length=10, choices=Outcome.choices, blank=True)
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("بند جدول الأعمال")
        verbose_name_plural = _("بنود جدول الأعمال")
        ordering = ["meeting", "position"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="agenda_item_once")]

    def __str__(self):
        return f"{self.meeting} {self.position}"


class Circulation(models.Model):
    """A decision between meetings by circulation (بالتمرير) for an urgent request: open until the chair records it."""

    case = models.ForeignKey(Case, verbose_name=_("طلب الدعم"), on_delete=models.PROTECT, related_name="circulations")
    started_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("تمرير")
        verbose_name_plural = _("قرارات بالتمرير")
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(closed_at__isnull=True), name="circulation_open_once"),
        ]

    def __str__(self):
        return f"{_('تمرير')} {self.case_id}"


class Vote(models.Model):
    """One member's vote on one request, at a meeting or in a circulation; changed in place, never twice."""

    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="votes")
    circulation = models.ForeignKey(Circulation, null=True, blank=True, on_delete=models.CASCADE, related_name="votes")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("العضو"), on_delete=models.PROTECT,
                               related_name="+")
    choice = models.CharField(_("التصويت"), max_length=10, choices=VoteChoice.choices)
    note = models.CharField(_("ملاحظة"), max_length=500, blank=True)
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("تصويت")
        verbose_name_plural = _("التصويت")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case", "member"], condition=Q(meeting__isnull=False),
                                    name="vote_once_per_meeting"),
            models.UniqueConstraint(fields=["circulation", "member"], condition=Q(circulation__isnull=False),
                                    name="vote_once_per_circulation"),
        ]

    def __str__(self):
        return f"{self.member_id} {self.choice}"


class Conflict(models.Model):
    """A member's declared conflict of interest in a request: they do not vote on it (at a meeting or by circulation)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("العضو"), on_delete=models.PROTECT,
                               related_name="+")
    note = models.CharField(_("سبب التعارض"), max_length=300, blank=True)
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("تعارض مصالح")
        verbose_name_plural = _("تعارض المصالح")
        constraints = [models.UniqueConstraint(fields=["case", "member"], name="conflict_once")]

    def __str__(self):
        return f"{self.member_id} {self.case_id}"


class Appeal(models.Model):
    """A rejected applicant's appeal (تظلم) against a decision, within `APPEAL_DAYS` of it.

    The request goes back to the committee with its whole history and a clock of its own (`due_on`, from the
    policy in force when the appeal was filed); the committee's answer is a new numbered decision (`decision`).
    """

    case = models.ForeignKey(Case, verbose_name=_("طلب الدعم"), on_delete=models.PROTECT, related_name="appeals")
    appealed = models.OneToOneField(Decision, verbose_name=_("القرار المتظلم منه"), on_delete=models.PROTECT,
                                    related_name="appeal")
    reason = models.TextField(_("سبب التظلم"))
    filed_at = models.DateTimeField(_("تاريخ التظلم"), default=timezone.now)
    filed_by, filed_by_kind, filed_by_label = actor_columns(_("سجله"))
    due_on = models.DateField(_("موعد البت في التظلم"), null=True, blank=True)
    decision = models.OneToOneField(Decision, verbose_name=_("القرار في التظلم"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="answers_appeal")

    class Meta:
        verbose_name = _("تظلم")
        verbose_name_plural = _("التظلمات")
        ordering = ["-filed_at", "-pk"]

    def __str__(self):
        return f"{_('تظلم')} {self.appealed.number}"

    acted_by = ActedBy("filed_by")


def vote_counts(votes):
    """{choice: n} for every choice (zeros included), from an iterable of `Vote`s or of choices."""
    counts = {choice: 0 for choice in VoteChoice.values}
    for vote in votes:
        counts[getattr(vote, "choice", vote)] += 1
    return counts
