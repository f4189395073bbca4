"""Referrals to a social researcher (الإحالة إلى الباحث الاجتماعي).

The policy: when the procedures are unclear to the beneficiary, the officer
refers them to the social researcher, who answers their questions and explains
the organisational side. A referral may concern a request, or only a
beneficiary or a contact before any request exists.
"""

from functools import lru_cache

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mustafid.lib.workdays import DEFAULT_HOLIDAYS_TEXT, add_days, as_ranges, counted_between

from mustafid.beneficiaries.models import Beneficiary
from mustafid.cases.models import Case
from mustafid.interactions.models import Interaction


# What a referral's row in the list shows: whom it is about (the beneficiary's names, or the contact's), the
# request's number, when, by whom to whom (`views._with_staff`), and whether answered. The list reads these only.
ROW_FIELDS = (
    "id", "referred_at", "answered_at", "researcher", "referred_by", "case__received_at",
    "beneficiary__first_name", "beneficiary__father_name", "beneficiary__grandfather_name", "beneficiary__family_name",
    "interaction__contact_name", "interaction__beneficiary__first_name", "interaction__beneficiary__father_name",
    "interaction__beneficiary__grandfather_name", "interaction__beneficiary__family_name",
)


class ReferralQuerySet(models.QuerySet):
    def rows(self):
        """The referrals as the list's rows show them (`ROW_FIELDS`), with what they join, in one query."""
        return self.select_related("beneficiary", "interaction__beneficiary", "case").only(*ROW_FIELDS)

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

    # A referral's answer is due REFERRAL_DUE_DAYS after it was made: working days (no Friday, Saturday or Eid)
    # by default, calendar days when REFERRAL_DUE_WORKING_DAYS is off. A function of `referred_at` alone, so the
    # earliest due come first in the order of the referral indexes (oldest referred first).
    @property
    def due_on(self):
        return _due_on(timezone.localdate(self.referred_at), settings.REFERRAL_DUE_DAYS,
                       bool(settings.REFERRAL_DUE_WORKING_DAYS))  # the setting is part of the cache's key

    @property
    def days_left(self):
        """Days (as counted) from today to the due date; negative once overdue."""
        return counted_between(timezone.localdate(), self.due_on, **_referral_counting())

    @property
    def is_overdue(self):
        return not self.is_answered and timezone.localdate() > self.due_on


_EID_RANGES = as_ranges(DEFAULT_HOLIDAYS_TEXT)


@lru_cache(maxsize=4096)
def _due_on(referred_on, days, working):
    """The due date of a referral made that day: the same for every referral of the day, counted once (a list
    of referrals asked each row's three times, day by day over the working days)."""
    return add_days(referred_on, days, **_referral_counting(working))


def _referral_counting(working=None):
    working = bool(settings.REFERRAL_DUE_WORKING_DAYS) if working is None else working
    return {"working": working, "ranges": _EID_RANGES if working else ()}


# The social research report (تقرير البحث الاجتماعي): one per request, written by the researcher the
# request was referred to, usually on a phone during the home visit; the committee reads its
# recommendation before deciding (see actions.py and the submission check in apps.py).

# Monthly amounts above this are typing mistakes (an extra zero or two), not incomes.
MAX_MONTHLY_AMOUNT = 1_000_000


def research_photo_upload_to(instance, filename):
    # Under MEDIA_ROOT (outside the web root, served only by `report_photo`); no personal data in the name.
    return f"research/{instance.report.case_id}/{timezone.now():%Y%m%d%H%M%S}-{instance.sha256[:12]}"


class ResearchReport(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("مسودة")
        FILED = "filed", _("معتمد")

    class HousingType(models.TextChoices):
        APARTMENT = "apartment", _("شقة")
        HOUSE = "house", _("بيت شعبي")
        VILLA = "villa", _("فيلا")
        ROOM = "room", _("غرفة أو ملحق")
        OTHER = "other", _("أخرى")

    class Tenure(models.TextChoices):
        OWNED = "owned", _("ملك")
        RENTED = "rented", _("إيجار")
        OTHER = "other", _("أخرى (سكن خيري، مع الأقارب…)")

    class Condition(models.TextChoices):
        GOOD = "good", _("جيدة")
        FAIR = "fair", _("متوسطة")
        POOR = "poor", _("سيئة")

    class VisitMode(models.TextChoices):
        HOME = "home", _("زيارة منزلية")
        OFFICE = "office", _("في مقر الجمعية")
        REMOTE = "remote", _("عن بعد (هاتف أو مرئي)")

    class Recommendation(models.TextChoices):
        APPROVE = "approve", _("التوصية بالقبول")
        REJECT = "reject", _("التوصية بالرفض")
        OTHER_SUPPORT = "other_support", _("التوصية بدعم آخر")

    case = models.OneToOneField(Case, verbose_name=_("طلب الدعم"), on_delete=models.PROTECT,
                                related_name="research_report")
    researcher = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("الباحث الاجتماعي"),
                                   on_delete=models.PROTECT, related_name="research_reports")
    state = models.CharField(_("حالة التقرير"), max_length=10, choices=State.choices, default=State.DRAFT)
    housing_type = models.CharField(_("نوع السكن"), max_length=12, choices=HousingType.choices, blank=True)
    tenure = models.CharField(_("ملكية السكن"), max_length=10, choices=Tenure.choices, blank=True)
    housing_condition = models.CharField(_("حالة السكن"), max_length=10, choices=Condition.choices, blank=True)
    housing_notes = models.TextField(_("وصف السكن"), blank=True)
    health_notes = models.TextField(_("الحالة الصحية والإعاقة"), blank=True)
    visit_on = models.DateField(_("تاريخ الزيارة"), null=True, blank=True)
    visitor = models.CharField(_("القائم بالزيارة"), max_length=150, blank=True)
    visit_mode = models.CharField(_("نوع الزيارة"), max_length=10, choices=VisitMode.choices, blank=True)
    visit_place = models.CharField(_("مكان الزيارة"), max_length=300, blank=True)
    needs = models.TextField(_("الاحتياجات"), blank=True)
    recommendation = models.CharField(_("التوصية"), max_length=15, choices=Recommendation.choices, blank=True)
    recommendation_reasons = models.TextField(_("أسباب التوصية"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    filed_at = models.DateTimeField(_("تاريخ الاعتماد"), null=True, blank=True)

    class Meta:
        verbose_name = _("تقرير بحث اجتماعي")
        verbose_name_plural = _("تقارير البحث الاجتماعي")

    def __str__(self):
        return f"{_('تقرير بحث اجتماعي')} — {self.case.reference}"

    @property
    def is_filed(self):
        return self.state == self.State.FILED

    def figures(self):
        """The totals the committee reads: income, expenses, per person, and the share that goes on rent."""
        from decimal import ROUND_HALF_UP, Decimal

        incomes = list(self.incomes.all())
        expenses = list(self.expenses.all())
        total_income = sum((line.amount for line in incomes), Decimal(0))
        total_expenses = sum((line.amount for line in expenses), Decimal(0))
        rent = sum((line.amount for line in expenses if line.kind == ExpenseLine.Kind.RENT), Decimal(0))
        # The applicant and the household members the researcher listed.
        household_size = len(self.members.all()) + 1
        cent = Decimal("0.01")
        return {
            "total_income": total_income,
            "total_expenses": total_expenses,
            "balance": total_income - total_expenses,
            "household_size": household_size,
            "per_capita": (total_income / household_size).quantize(cent, ROUND_HALF_UP),
            "rent": rent,
            # None when there is no income to divide by (the page says so instead of a percentage).
            "rent_share": (rent * 100 / total_income).quantize(Decimal("0.1"), ROUND_HALF_UP) if total_income else None,
            "debts": sum((debt.amount for debt in self.debts.all()), Decimal(0)),
            "instalments": sum((debt.instalment or 0 for debt in self.debts.all()), Decimal(0)),
        }


def _amount(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=10, decimal_places=2, **kwargs)


class ReportMember(models.Model):
    """A household member as the researcher found them at the visit (not the registry's household list)."""

    report = models.ForeignKey(ResearchReport, on_delete=models.CASCADE, related_name="members")
    relation = models.CharField(_("صلة القرابة"), max_length=60)
    age = models.PositiveSmallIntegerField(_("العمر"), null=True, blank=True)
    education = models.CharField(_("التعليم"), max_length=100, blank=True)
    health = models.CharField(_("الحالة الصحية"), max_length=200, blank=True)
    work = models.CharField(_("العمل"), max_length=100, blank=True)
    income = _amount(_("الدخل الشهري"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]


class IncomeLine(models.Model):
    class Kind(models.TextChoices):
        SALARY = "salary", _("راتب")
        PENSION = "pension", _("راتب تقاعدي")
        SOCIAL_SECURITY = "social_security", _("الضمان الاجتماعي")
        CITIZEN_ACCOUNT = "citizen_account", _("حساب المواطن")
        REHABILITATION = "rehabilitation", _("إعانة التأهيل الشامل")
        OTHER_ASSOCIATIONS = "associations", _("دعم جمعيات أخرى")
        OTHER = "other", _("أخرى")

    report = models.ForeignKey(ResearchReport, on_delete=models.CASCADE, related_name="incomes")
    kind = models.CharField(_("مصدر الدخل"), max_length=20, choices=Kind.choices)
    amount = _amount(_("المبلغ الشهري"))
    note = models.CharField(_("ملاحظة"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]


class ExpenseLine(models.Model):
    class Kind(models.TextChoices):
        RENT = "rent", _("الإيجار")
        UTILITIES = "utilities", _("الكهرباء والماء والاتصالات")
        MEDICAL = "medical", _("العلاج")
        TRANSPORT = "transport", _("المواصلات")
        FOOD = "food", _("الغذاء")
        OTHER = "other", _("أخرى")

    report = models.ForeignKey(ResearchReport, on_delete=models.CASCADE, related_name="expenses")
    kind = models.CharField(_("بند المصروف"), max_length=20, choices=Kind.choices)
    amount = _amount(_("المبلغ الشهري"))
    note = models.CharField(_("ملاحظة"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]


class Debt(models.Model):
    report = models.ForeignKey(ResearchReport, on_delete=models.CASCADE, related_name="debts")
    creditor = models.CharField(_("الدائن"), max_length=150)
    amount = _amount(_("المبلغ المتبقي"))
    instalment = _amount(_("القسط الشهري"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]


class HousingPhoto(models.Model):
    report = models.ForeignKey(ResearchReport, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("الصورة"), upload_to=research_photo_upload_to)
    original_name = models.CharField(_("اسم الملف"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
