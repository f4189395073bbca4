"""The association, its branches, its board-approved policy and its staff library.

One deployment serves one association (its beneficiaries live in its own
database), so `Association.objects.current()` is the association.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mustafid.lib.kept import Kept
from mustafid.lib.workdays import DEFAULT_HOLIDAYS_TEXT


def bilingual(obj, field):
    """The English text when English is active and one was given, else the Arabic.

    The Arabic column is `<field>_ar`, or plain `<field>` where the glossary names it so.
    """
    if (get_language() or "ar").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, f"{field}_ar") if hasattr(obj, f"{field}_ar") else getattr(obj, field)


class Region(models.Model):
    """The 13 administrative regions of the Kingdom (seeded by a migration)."""

    code = models.SlugField(_("الرمز"), max_length=30, unique=True)
    name_ar = models.CharField(_("الاسم"), max_length=60)
    name_en = models.CharField(_("الاسم بالإنجليزية"), max_length=60)
    capital_ar = models.CharField(_("المقر"), max_length=60, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("منطقة")
        verbose_name_plural = _("المناطق")
        ordering = ["order"]

    def __str__(self):
        return bilingual(self, "name")


class Channel(models.TextChoices):
    """The eight channels of the policy, in the policy's order."""

    INTERVIEW = "interview", _("المقابلة")
    PHONE = "phone", _("الاتصالات الهاتفية")
    SOCIAL_MEDIA = "social_media", _("وسائل التواصل الاجتماعي")
    LETTER = "letter", _("الخطابات")
    HELP_REQUEST = "help_request", _("خدمات طلب المساعدة")
    VOLUNTEERING = "volunteering", _("خدمة التطوع")
    WEBSITE = "website", _("الموقع الإلكتروني للجمعية")
    BRANCH_REP = "branch_rep", _("مناديب المكاتب الفرعية")


class AssociationQuerySet(models.QuerySet):
    def current(self):
        return self.select_related("region").order_by("pk").first()


class Association(models.Model):
    name_ar = models.CharField(_("اسم الجمعية"), max_length=200)
    name_en = models.CharField(_("الاسم بالإنجليزية"), max_length=200, blank=True)
    short_name_ar = models.CharField(_("الاسم المختصر"), max_length=60, blank=True)
    short_name_en = models.CharField(_("الاسم المختصر بالإنجليزية"), max_length=60, blank=True)
    registration_number = models.CharField(_("رقم التسجيل"), max_length=30, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("المنطقة"), on_delete=models.PROTECT)
    city = models.CharField(_("المدينة"), max_length=60)
    address = models.CharField(_("العنوان"), max_length=200, blank=True)
    phone = models.CharField(_("الهاتف"), max_length=20, blank=True)
    email = models.EmailField(_("البريد الإلكتروني"), blank=True)
    website = models.CharField(_("الموقع الإلكتروني"), max_length=100, blank=True)
    logo = models.ImageField(_("الشعار"), upload_to="association/", blank=True)
    # The research committee's quorum (committee/models.py `quorum_for`): empty is a majority of the members,
    # the chair included (half the members plus one).
    committee_quorum = models.PositiveSmallIntegerField(
        _("نصاب اجتماع لجنة البحث (عدد الأعضاء)"), null=True, blank=True,
        help_text=_("اتركه فارغًا ليكون النصاب أغلبية الأعضاء (نصفهم زائد واحد)، ومنهم الرئيس."),
    )
    quorum_requires_chair = models.BooleanField(_("لا يكتمل النصاب إلا بحضور رئيس اللجنة"), default=True)
    # The minutes (committee/minutes.py) give the votes as counts; the names of who voted how only if chosen here.
    minutes_name_voters = models.BooleanField(_("ذكر أسماء الأعضاء وتصويتهم في المحضر"), default=False)

    objects = AssociationQuerySet.as_manager()

    class Meta:
        verbose_name = _("الجمعية")
        verbose_name_plural = _("الجمعية")

    def __str__(self):
        return bilingual(self, "name")

    @property
    def short_name(self):
        return bilingual(self, "short_name") or str(self)

    def policy_in_force(self, on=None):
        return self.policies.in_force(on).first()


def current_policy(on=None):
    """The policy version governing the deployment's association on a day, or None before one is configured."""
    association = Association.objects.current()
    return association.policy_in_force(on) if association else None


class Branch(models.Model):
    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="branches")
    name_ar = models.CharField(_("اسم المكتب"), max_length=100)
    name_en = models.CharField(_("الاسم بالإنجليزية"), max_length=100, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("المنطقة"), on_delete=models.PROTECT)
    city = models.CharField(_("المدينة"), max_length=60)
    is_head_office = models.BooleanField(_("المقر الرئيسي"), default=False)

    class Meta:
        verbose_name = _("مكتب فرعي")
        verbose_name_plural = _("المكاتب الفرعية")
        ordering = ["-is_head_office", "name_ar"]

    def __str__(self):
        return bilingual(self, "name")


# The offices as pages show them (the requests filter's options, the office written in a list's rows), kept by each
# process for 30 seconds (lib/kept.py).
BRANCHES = Kept(lambda: list(Branch.objects.order_by("pk")), Branch)
# The regions as a list's rows show them (the registry's), kept in the same way.
REGIONS = Kept(lambda: list(Region.objects.order_by("pk")), Region)


class PolicyQuerySet(models.QuerySet):
    def in_force(self, on=None):
        """Versions in force on a day, newest first: the first one governs."""
        on = on or timezone.localdate()
        return self.filter(effective_from__lte=on).order_by("-effective_from", "-pk")


class PolicyVersion(models.Model):
    """One board-approved version of the beneficiary relationship policy.

    Its parameters govern the work: the response period starts the decision
    clock of every request submitted while it is in force, and only its
    channels can be chosen when a contact is logged.
    """

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="policies")
    version = models.CharField(_("رقم الإصدار"), max_length=20)
    board_meeting = models.CharField(
        _("اجتماع مجلس الإدارة"),
        max_length=120,
        blank=True,
        help_text=_("كما ورد في محضر الاعتماد، مثل: الجلسة الثانية"),
    )
    board_meeting_en = models.CharField(_("اجتماع مجلس الإدارة بالإنجليزية"), max_length=120, blank=True)
    approved_on = models.DateField(_("تاريخ الاعتماد"), null=True, blank=True)
    approval_note = models.CharField(
        _("ملاحظة الاعتماد"),
        max_length=200,
        blank=True,
        help_text=_("حين لا يُعرف التاريخ بدقة، مثل: لعام 2024م"),
    )
    approval_note_en = models.CharField(_("ملاحظة الاعتماد بالإنجليزية"), max_length=200, blank=True)
    effective_from = models.DateField(_("نافذة من"), default=timezone.localdate)
    response_days = models.PositiveSmallIntegerField(
        _("مدة الرد على الطلب (بالأيام)"),
        default=14,
        help_text=_("المدة التي تدرس فيها لجنة البحث الطلب وترد عليه: 14 يومًا (أسبوعان) أو 30 يومًا (شهر)"),
    )
    # How the response period is counted (kept with each request when it is submitted: `cases/clock.py`).
    count_working_days = models.BooleanField(
        _("احتساب مدة الرد بأيام العمل"),
        default=False,
        help_text=_("بدون الجمعة والسبت والإجازات أدناه؛ وإلا فبالأيام التقويمية (كما تقول السياسة: أسبوعان أو شهر)"),
    )
    holidays = models.TextField(
        _("الإجازات (بالتاريخ الهجري)"),
        blank=True,
        default=DEFAULT_HOLIDAYS_TEXT,
        help_text=_("إجازة في كل سطر: الشهر/اليوم-الشهر/اليوم ثم الاسم، مثل 10/1-10/3 عيد الفطر. "
                    "لا تُحتسب من مدة الرد حين تُحتسب بأيام العمل."),
    )
    channels = models.JSONField(_("قنوات التواصل المفعلة"), default=list)
    # Qader's policy has no referral step among its process steps; the others do.
    referral_step = models.BooleanField(
        _("خطوة الإحالة إلى الباحث الاجتماعي"),
        default=True,
        help_text=_("تنص السياسة على إحالة المستفيد إلى الباحث الاجتماعي عند عدم وضوح الإجراءات له"),
    )
    general_goal_ar = models.TextField(_("الهدف العام"))
    general_goal_en = models.TextField(_("الهدف العام بالإنجليزية"), blank=True)
    detailed_goals_ar = models.TextField(_("الأهداف التفصيلية"), help_text=_("هدف في كل سطر"))
    detailed_goals_en = models.TextField(_("الأهداف التفصيلية بالإنجليزية"), blank=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("إصدار السياسة")
        verbose_name_plural = _("إصدارات سياسة تنظيم العلاقة مع المستفيدين")
        ordering = ["-effective_from", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["association", "version"], name="policy_version_unique"),
            models.CheckConstraint(condition=models.Q(response_days__gte=1), name="policy_response_days_positive"),
        ]

    def __str__(self):
        return f"{_('الإصدار')} {self.version}"

    @property
    def channel_choices(self):
        """(value, label) pairs of the enabled channels, in the policy's order."""
        enabled = set(self.channels)
        return [(value, label) for value, label in Channel.choices if value in enabled]

    @property
    def general_goal(self):
        return bilingual(self, "general_goal")

    @property
    def detailed_goals(self):
        return [line.strip(" -•") for line in bilingual(self, "detailed_goals").splitlines() if line.strip()]

    @property
    def board_meeting_text(self):
        return bilingual(self, "board_meeting")

    @property
    def approval_note_text(self):
        return bilingual(self, "approval_note")

    @property
    def response_period_in_words(self):
        return period_in_words(self.response_days)


def period_in_words(days):
    """The response period as the policy says it: «أسبوعين», «شهر», or a count of days."""
    english = (get_language() or "ar").startswith("en")
    named = {
        7: ("أسبوع", "one week"),
        14: ("أسبوعين", "two weeks"),
        21: ("ثلاثة أسابيع", "three weeks"),
        30: ("شهر", "one month"),
        60: ("شهرين", "two months"),
        90: ("ثلاثة أشهر", "three months"),
    }
    if days in named:
        return named[days][1 if english else 0]
    if english:
        return "one day" if days == 1 else f"{days} days"
    if days == 1:
        return "يوم واحد"
    if days == 2:
        return "يومين"
    if 3 <= days <= 10:
        return f"{days} أيام"
    return f"{days} يومًا"


class StaffToolQuerySet(models.QuerySet):
    def current(self):
        """The newest published version of each tool."""
        newest = {}
        for tool in self.filter(published_on__lte=timezone.localdate()).order_by("kind", "-published_on", "-pk"):
            newest.setdefault(tool.kind, tool)
        return [newest[kind] for kind in StaffTool.Kind.values if kind in newest]


class StaffTool(models.Model):
    """One version of a document staff work with (الأدوات المتاحة لموظفي علاقات المستفيدين)."""

    class Kind(models.TextChoices):
        BYLAWS = "bylaws", _("اللائحة الأساسية للجمعية")
        RESEARCH_GUIDE = "research_guide", _("دليل خدمات البحث الاجتماعي")
        SUPPORT_POLICY = "support_policy", _("دليل سياسة الدعم للمستفيدين")
        REQUEST_FORM = "request_form", _("نموذج طلب دعم مستفيد")

    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="staff_tools")
    kind = models.CharField(_("الأداة"), max_length=20, choices=Kind.choices)
    title_ar = models.CharField(_("العنوان"), max_length=150)
    title_en = models.CharField(_("العنوان بالإنجليزية"), max_length=150, blank=True)
    version = models.CharField(_("الإصدار"), max_length=20)
    published_on = models.DateField(_("تاريخ النشر"), default=timezone.localdate)
    summary_ar = models.TextField(_("الملخص"), blank=True)
    summary_en = models.TextField(_("الملخص بالإنجليزية"), blank=True)
    file = models.FileField(_("الملف"), upload_to="staff-tools/", blank=True)

    objects = StaffToolQuerySet.as_manager()

    class Meta:
        verbose_name = _("أداة لموظفي علاقات المستفيدين")
        verbose_name_plural = _("الأدوات المتاحة لموظفي علاقات المستفيدين")
        ordering = ["kind", "-published_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["association", "kind", "version"], name="staff_tool_version_unique"),
        ]

    def __str__(self):
        return f"{self.title} ({self.version})"

    @property
    def title(self):
        return bilingual(self, "title")

    @property
    def summary(self):
        return bilingual(self, "summary")
