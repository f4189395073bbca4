"""Support requests (طلبات الدعم) and their path through the policy.

received ──► documents_complete ──► declared ──► with_committee ──► approved ──► registered ──► in_service ──► closed
    │              ▲                                   │    ▲
    └─ incomplete ─┘                                   │    └── returned (for information; the clock pauses)
                                                       └──► rejected ──► closed
                                                             └──► with_committee (an appeal, within APPEAL_DAYS)

Only the actions in `cases/actions.py` (and the committee's and services' own
actions) change `Case.status`, each inside one transaction that also writes a
`CaseEvent` (the timeline) and an audit row.
"""

import datetime
import hashlib
import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mustafid.association.models import BRANCHES, Branch, Channel, PolicyVersion, bilingual
from mustafid.audit.actors import ActedBy, ActorKind, actor_columns
from mustafid.beneficiaries.models import Beneficiary
from mustafid.lib.counts import add_to
from mustafid.lib.kept import Kept, rows_with

DUE_SOON_DAYS = 3


class DocumentType(models.Model):
    name_ar = models.CharField(_("المستند"), max_length=100)
    name_en = models.CharField(_("المستند بالإنجليزية"), max_length=100, blank=True)
    # An ID card or a medical report has an expiry; a lease contract may not.
    requires_expiry = models.BooleanField(_("له تاريخ انتهاء"), default=True)

    class Meta:
        verbose_name = _("نوع مستند")
        verbose_name_plural = _("أنواع المستندات")
        ordering = ["pk"]

    def __str__(self):
        return bilingual(self, "name")


class SupportType(models.Model):
    """An entry of the support catalogue and the documents it requires."""

    name_ar = models.CharField(_("نوع الدعم"), max_length=100)
    name_en = models.CharField(_("نوع الدعم بالإنجليزية"), max_length=100, blank=True)
    description_ar = models.TextField(_("الوصف"), blank=True)
    description_en = models.TextField(_("الوصف بالإنجليزية"), blank=True)
    required_documents = models.ManyToManyField(
        DocumentType, verbose_name=_("المستندات المطلوبة"), blank=True, related_name="support_types"
    )
    active = models.BooleanField(_("متاح"), default=True)
    # A request of this type goes to the committee only with a filed social research report that
    # recommends (cases/actions.py `submit_to_committee` asks the checks research registers).
    requires_research = models.BooleanField(_("يتطلب تقرير بحث اجتماعي قبل الرفع للجنة"), default=False)

    class Meta:
        verbose_name = _("نوع دعم")
        verbose_name_plural = _("أنواع الدعم")
        ordering = ["pk"]

    def __str__(self):
        return bilingual(self, "name")

    @property
    def description(self):
        return bilingual(self, "description")


# The support types as pages show them (the requests filter's options, a list's rows): kept by each process for 30
# seconds (lib/kept.py).
SUPPORT_TYPES = Kept(lambda: list(SupportType.objects.order_by("pk")), SupportType)


class Status(models.TextChoices):
    RECEIVED = "received", _("مستلم")
    INCOMPLETE = "incomplete", _("غير مكتمل")
    DOCUMENTS_COMPLETE = "documents_complete", _("مستندات مكتملة")
    DECLARED = "declared", _("تم الإقرار")
    WITH_COMMITTEE = "with_committee", _("لدى لجنة البحث")
    RETURNED = "returned", _("معاد لاستكمال المعلومات")
    APPROVED = "approved", _("مقبول")
    REJECTED = "rejected", _("مرفوض")
    REGISTERED = "registered", _("تم التسجيل")
    IN_SERVICE = "in_service", _("تقدم له الخدمة")
    CLOSED = "closed", _("مغلق")


class Step(models.TextChoices):
    """The steps a request offers. Each is taken by one action; see `STEP_STATES` and `STEP_ROLE_FACTS`."""

    DOCUMENTS = "documents", _("المستندات")
    MARK_INCOMPLETE = "mark_incomplete", _("طلب غير مكتمل")
    REFER = "refer", _("الإحالة إلى الباحث الاجتماعي")
    DECLARE = "declare", _("الإقرار")
    SUBMIT = "submit", _("الرفع للجنة البحث")
    DECIDE = "decide", _("قرار لجنة البحث")
    RETURN = "return", _("إعادة الطلب لاستكمال المعلومات")
    PROVIDE_INFORMATION = "provide_information", _("استكمال المعلومات المطلوبة")
    REGISTER = "register", _("استكمال التسجيل")
    DELIVER = "deliver", _("تقديم الخدمة")
    CLOSE = "close", _("إغلاق الطلب")
    APPEAL = "appeal", _("التظلم من قرار الرفض")


# A step's rule, written once: the states in which the request accepts it. The action refuses outside
# them, the request page shows the step's button only inside them, and `access_case(step=...)` names it.
STEP_STATES = {
    # Returned for information: the answer is often a document, uploaded and verified as any other.
    Step.DOCUMENTS: {Status.RECEIVED, Status.INCOMPLETE, Status.DOCUMENTS_COMPLETE, Status.DECLARED, Status.RETURNED},
    Step.MARK_INCOMPLETE: {Status.RECEIVED, Status.DOCUMENTS_COMPLETE, Status.DECLARED},
    Step.REFER: set(Status) - {Status.CLOSED},
    Step.DECLARE: {Status.DOCUMENTS_COMPLETE},
    Step.SUBMIT: {Status.DECLARED},
    Step.DECIDE: {Status.WITH_COMMITTEE},
    Step.RETURN: {Status.WITH_COMMITTEE},
    Step.PROVIDE_INFORMATION: {Status.RETURNED},
    Step.REGISTER: {Status.APPROVED},
    Step.DELIVER: {Status.REGISTERED, Status.IN_SERVICE},
    Step.CLOSE: {Status.IN_SERVICE, Status.REJECTED},
    # A rejected applicant's appeal (committee/appeals.py `file_appeal`, within `APPEAL_DAYS` of the decision).
    Step.APPEAL: {Status.REJECTED},
}

# ...and the role fact (on `accounts.User`) a staff member needs to take it.
STEP_ROLE_FACTS = {
    Step.DOCUMENTS: "may_intake",
    Step.MARK_INCOMPLETE: "may_intake",
    Step.REFER: "may_refer",
    Step.DECLARE: "may_intake",
    Step.SUBMIT: "may_intake",
    Step.DECIDE: "may_record_decisions",
    Step.RETURN: "may_record_decisions",
    Step.PROVIDE_INFORMATION: "may_intake",
    Step.REGISTER: "may_intake",
    Step.DELIVER: "may_intake",
    Step.CLOSE: "may_intake",
    Step.APPEAL: "may_intake",
}


def may_take(user, step):
    """Whether this staff member's roles allow the step at all (the request's state aside)."""
    return bool(getattr(user, STEP_ROLE_FACTS[Step(step)], False))


# The requests waiting on the intake staff: not yet with the committee, or approved and not yet served
# (the staff home's "my open work", served by the partial index `case_waiting_idx`).
WAITING_ON_INTAKE = [
    Status.RECEIVED, Status.INCOMPLETE, Status.DOCUMENTS_COMPLETE, Status.DECLARED, Status.APPROVED, Status.REGISTERED,
]


# The states a request reaches only through `submit_to_committee` (so `submitted_at` is set): what a
# committee member sees (`visible_to`), counted for them from `CaseStatusCount`.
SUBMITTED_STATES = [
    Status.WITH_COMMITTEE, Status.RETURNED, Status.APPROVED, Status.REJECTED, Status.REGISTERED, Status.IN_SERVICE, Status.CLOSED,
]


class InformationFrom(models.TextChoices):
    """Of whom the committee asks the information it lacks (a request returned for information)."""

    APPLICANT = "applicant", _("مقدم الطلب")
    RESEARCHER = "researcher", _("الباحث الاجتماعي")
    OFFICER = "officer", _("موظف الاستقبال")


# What a request's row in a list shows (`{% case_row %}`, the home's lists, the deadlines): its number, state, dates
# and source, the beneficiary's four names, the support type's and the office's names. Lists read these columns
# only: compiling and reading every column of the four joined tables cost more than the rest of the row.
ROW_FIELDS = (
    "id", "status", "received_at", "received_by_kind", "decision_due_on", "clock_paused_on", "decided_at",
    "beneficiary__first_name", "beneficiary__father_name", "beneficiary__grandfather_name", "beneficiary__family_name",
    "support_type", "branch",
)
# A row's support type and office come from the kept copies, not a join (`lib.kept.rows_with`).
_KeptRows = rows_with(support_type=SUPPORT_TYPES, branch=BRANCHES)


class CaseQuerySet(models.QuerySet):
    def rows(self):
        """The requests as their rows in a list show them (`ROW_FIELDS`): one query joining the beneficiary; the
        support type and office come from the copies each process keeps of them (`lib.kept.rows_with`)."""
        rows = self.select_related("beneficiary").only(*ROW_FIELDS)
        rows._iterable_class = _KeptRows
        return rows

    def visible_to(self, user):
        """What a staff member may know exists (volunteers: no requests at all).

        A staff member with several roles sees what each of their roles sees, together.
        """
        if user.reads_everything or user.is_officer:
            return self
        seen = Q(pk__in=[])
        if user.is_branch_rep and user.branch_id:
            # Requests follow their beneficiary: the branch that serves them now sees all of them.
            seen |= Q(beneficiary__branch_id=user.branch_id)
        if user.is_researcher:
            # A subquery, not a join: no duplicate rows, no DISTINCT over the whole list.
            seen |= Q(pk__in=Case.objects.filter(referrals__researcher=user).values("pk"))
        if user.is_committee_member:
            seen |= Q(submitted_at__isnull=False)
        return self.filter(seen)

    def open(self):
        return self.exclude(status=Status.CLOSED)

    def awaiting_committee(self):
        return self.filter(status=Status.WITH_COMMITTEE)

    def returned(self):
        """Returned for information, the longest waiting first (served by `case_returned_idx`)."""
        return self.filter(status=Status.RETURNED).order_by("clock_paused_on", "id")

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.awaiting_committee().filter(decision_due_on__lt=today)

    def due_soon(self, today=None, days=DUE_SOON_DAYS):
        today = today or timezone.localdate()
        return self.awaiting_committee().filter(
            decision_due_on__gte=today, decision_due_on__lte=today + datetime.timedelta(days=days)
        )


class Case(models.Model):
    beneficiary = models.ForeignKey(
        Beneficiary, verbose_name=_("المستفيد"), on_delete=models.PROTECT, related_name="cases"
    )
    support_type = models.ForeignKey(SupportType, verbose_name=_("نوع الدعم"), on_delete=models.PROTECT)
    channel = models.CharField(_("قناة الاستلام"), max_length=20, choices=Channel.choices)
    need = models.TextField(_("وصف الحاجة"))
    # The branch that received the request (for reports); who may see it follows the beneficiary's branch.
    branch = models.ForeignKey(Branch, verbose_name=_("المكتب"), on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(_("الحالة"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    received_by, received_by_kind, received_by_label = actor_columns(_("استلمه"), related_name="received_cases")
    received_at = models.DateTimeField(_("تاريخ الاستلام"), default=timezone.now)
    # The decision clock: set by `submit_to_committee` from the policy in force at submission.
    submitted_at = models.DateTimeField(_("تاريخ الرفع للجنة"), null=True, blank=True)
    policy_version = models.ForeignKey(
        PolicyVersion, verbose_name=_("السياسة المطبقة"), null=True, blank=True, on_delete=models.PROTECT
    )
    response_days = models.PositiveSmallIntegerField(_("مدة الرد"), null=True, blank=True)
    decision_due_on = models.DateField(_("موعد القرار"), null=True, blank=True, db_index=True)
    # Set while the request is returned for information (the clock stands still from that day); the due date
    # is recomputed from the timeline when the answer comes (`clock.DecisionClock`).
    clock_paused_on = models.DateField(_("أوقف العداد في"), null=True, blank=True)
    decided_at = models.DateTimeField(_("تاريخ القرار"), null=True, blank=True)
    closed_at = models.DateTimeField(_("تاريخ الإغلاق"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("طلب دعم")
        verbose_name_plural = _("طلبات الدعم")
        ordering = ["-received_at", "-pk"]
        indexes = [
            # `Case.objects.overdue()` / `due_soon()` on the staff home read only requests with the committee;
            # the committee agenda (committee/views.py `agenda`) pages through it by (decision_due_on, id).
            models.Index(
                fields=["decision_due_on", "id"],
                name="case_pending_decision_idx",
                condition=models.Q(status="with_committee"),
            ),
            # The staff home's returned requests (`Case.objects.returned()`): the longest waiting first.
            models.Index(
                fields=["clock_paused_on", "id"], name="case_returned_idx", condition=models.Q(status="returned"),
            ),
            # The requests list (cases/views.py `case_list`): keyset pages by (-received_at, -id).
            models.Index(fields=["-received_at", "-id"], name="case_received_idx"),
            # The requests list sorted by decision due date (cases/filters.py, sort=due): those that have one.
            models.Index(
                fields=["decision_due_on", "id"], name="case_due_idx", condition=models.Q(decision_due_on__isnull=False)
            ),
            # The requests list filtered by a status, and the staff home's per-status counts for a branch.
            models.Index(fields=["status", "-received_at", "-id"], name="case_status_received_idx"),
            # The staff home's "my open work" (reports/views.py `home`): the oldest waiting requests first.
            models.Index(
                fields=["received_at", "id"],
                name="case_waiting_idx",
                condition=models.Q(status__in=[status.value for status in WAITING_ON_INTAKE]),
            ),
            # The officer's «طلبات من بوابة المستفيد» (reports/views.py `home`): the waiting requests the applicants
            # opened themselves, oldest first. Few among many: read from `case_waiting_idx`, finding none meant
            # reading every waiting request (110 ms at half a million).
            models.Index(
                fields=["received_at", "id"],
                name="case_portal_waiting_idx",
                condition=models.Q(status__in=[status.value for status in WAITING_ON_INTAKE],
                                   received_by_kind__in=[ActorKind.BENEFICIARY.value, ActorKind.GUARDIAN.value]),
            ),
        ]

    def __str__(self):
        return f"{self.reference} — {self.beneficiary}"

    def get_absolute_url(self):
        return reverse("cases:detail", args=[self.pk])

    @property
    def reference(self):
        """«R-2026-00042»: R for request, so it never reads as a registration number («2026-00042»).

        The registry search takes it with or without the R (`beneficiaries.models.REFERENCE`).
        """
        return f"R-{self.received_at.year}-{self.pk:05d}"  # .year, not strftime: 15 µs less a row

    @property
    def is_open(self):
        return self.status != Status.CLOSED

    @property
    def is_overdue(self):
        return (
            self.status == Status.WITH_COMMITTEE
            and self.decision_due_on is not None
            and timezone.localdate() > self.decision_due_on
        )

    @property
    def days_left(self):
        if self.status != Status.WITH_COMMITTEE or self.decision_due_on is None:
            return None
        return (self.decision_due_on - timezone.localdate()).days

    @property
    def is_due_soon(self):
        left = self.days_left
        return left is not None and 0 <= left <= DUE_SOON_DAYS

    @property
    def is_paused(self):
        return self.status == Status.RETURNED and self.clock_paused_on is not None

    @property
    def days_left_when_paused(self):
        """Calendar days the committee had left when the request was returned (the clock stands still)."""
        if not self.is_paused or self.decision_due_on is None:
            return None
        return (self.decision_due_on - self.clock_paused_on).days

    receiver = ActedBy("received_by")

    def information_request(self):
        """While returned for information: the timeline row saying what the committee asked (note) and of whom."""
        if self.status != Status.RETURNED:
            return None
        return self.events.filter(kind=CaseEvent.Kind.RETURNED).select_related("actor").order_by("-at", "-pk").first()

    def is_open_for(self, step):
        """The request's state allows this step (who may take it is `may_take`)."""
        if self.status in STEP_STATES[Step(step)]:
            return True
        # An appeal's new documents are uploaded and verified while it waits for the committee.
        return step == Step.DOCUMENTS and self.status == Status.WITH_COMMITTEE and self.under_appeal

    @property
    def under_appeal(self):
        """Back with the committee on the applicant's appeal (committee/appeals.py `file_appeal`).

        Only an appeal brings a request the committee has decided (`decided_at`) back to it.
        """
        return self.decided_at is not None and self.status in (Status.WITH_COMMITTEE, Status.RETURNED)

    def offers(self, step, user):
        """The step's button is shown to this user: their roles allow it and the request's state accepts it."""
        return may_take(user, step) and self.is_open_for(step)

    @property
    def accepts_documents(self):
        return self.is_open_for(Step.DOCUMENTS)

    def document_checklist(self):
        """Each required document type with its latest upload (or None), in catalogue order."""
        latest = {}
        for document in self.documents.order_by("uploaded_at", "pk"):
            latest[document.document_type_id] = document
        return [(doc_type, latest.get(doc_type.pk)) for doc_type in self.support_type.required_documents.all()]

    def missing_documents(self):
        """Required document types without a verified, still-valid upload."""
        today = timezone.localdate()
        return [
            doc_type
            for doc_type, document in self.document_checklist()
            if document is None or not document.is_verified or document.is_expired(today)
        ]

    @property
    def current_declaration(self):
        return self.declarations.order_by("-signed_at", "-pk").first()

    def fingerprint_data(self):
        """Everything the applicant vouches for: their data, the request and its documents."""
        return {
            "beneficiary": self.beneficiary.fingerprint_data(),
            "support_type": self.support_type_id,
            "need": self.need,
            "documents": [
                [d.document_type_id, d.sha256, d.issued_on.isoformat() if d.issued_on else "",
                 d.expires_on.isoformat() if d.expires_on else ""]
                for d in self.documents.filter(status=CaseDocument.Review.VERIFIED).order_by("pk")
            ],
        }

    def fingerprint(self):
        payload = json.dumps(self.fingerprint_data(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def case_upload_to(instance, filename):
    # The stored name carries no personal data; the original name is kept in a column.
    return f"cases/{instance.case_id}/{timezone.now():%Y%m%d%H%M%S}-{instance.sha256[:12]}"


class CaseDocument(models.Model):
    class Review(models.TextChoices):
        PENDING = "pending", _("بانتظار التحقق")
        VERIFIED = "verified", _("تم التحقق")
        REFUSED = "refused", _("مرفوض")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    document_type = models.ForeignKey(DocumentType, verbose_name=_("المستند"), on_delete=models.PROTECT)
    file = models.FileField(_("الملف"), upload_to=case_upload_to)
    original_name = models.CharField(_("اسم الملف"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    issued_on = models.DateField(_("تاريخ الإصدار"), null=True, blank=True)
    expires_on = models.DateField(_("تاريخ الانتهاء"), null=True, blank=True)
    uploaded_by, uploaded_by_kind, uploaded_by_label = actor_columns(_("رفعه"))
    uploaded_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(_("التحقق"), max_length=10, choices=Review.choices, default=Review.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.CharField(_("سبب الرفض"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("مستند")
        verbose_name_plural = _("المستندات")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"{self.document_type} — {self.original_name}"

    uploader = ActedBy("uploaded_by")

    @property
    def is_verified(self):
        return self.status == self.Review.VERIFIED

    def is_expired(self, on=None):
        on = on or timezone.localdate()
        return self.expires_on is not None and self.expires_on < on


class Declaration(models.Model):
    """The applicant's signed declaration (الإقرار), bound to the data it covers.

    The policy: the applicant signs that the data are correct and that they are
    directly responsible for them. The SHA-256 of the covered data is stored;
    if any of it changes later, `matches_current_data()` turns false and the
    request cannot go to the committee until a new declaration is signed.
    """

    class Method(models.TextChoices):
        ON_SCREEN = "on_screen", _("توقيع على الشاشة")
        PAPER = "paper", _("نموذج ورقي موقع (مسح ضوئي)")
        # Signed by the applicant in the portal: the tick, the name typed as registered, a fresh one-time code.
        PORTAL = "portal", _("إقرار إلكتروني برمز تحقق عبر خدمات المستفيد")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="declarations")
    method = models.CharField(_("طريقة التوقيع"), max_length=10, choices=Method.choices)
    signer_name = models.CharField(_("اسم الموقّع"), max_length=160)
    text = models.TextField(_("نص الإقرار"))
    signature = models.FileField(_("التوقيع"), upload_to="declarations/", blank=True)
    scan = models.FileField(_("النموذج الموقع"), upload_to="declarations/", blank=True)
    scan_content_type = models.CharField(max_length=100, blank=True)
    fingerprint = models.CharField(_("بصمة البيانات"), max_length=64)
    covered_data = models.JSONField(_("البيانات المقر بها"))
    signed_at = models.DateTimeField(_("وقت التوقيع"), default=timezone.now)
    taken_by, taken_by_kind, taken_by_label = actor_columns(_("استلمه"))

    class Meta:
        verbose_name = _("إقرار")
        verbose_name_plural = _("الإقرارات")
        ordering = ["-signed_at", "-pk"]

    def __str__(self):
        return f"{_('إقرار')} {self.signer_name}"

    taker = ActedBy("taken_by")

    def matches_current_data(self):
        return self.fingerprint == self.case.fingerprint()


class CaseEvent(models.Model):
    """One row of a request's timeline: the source of deadlines and reports.

    Written only by `cases.workflow.move()` (and `record_event` for the opening), in the same
    transaction as the change it records, with its audit row. Read by the request page and the
    beneficiary's timeline, by the decision clock (`submitted` carries the due date), and by reports;
    after commit, each new row is handed to the listeners of `cases.workflow` (proactive messages).
    """

    class Kind(models.TextChoices):
        OPENED = "opened", pgettext_lazy("سجل الطلب", "استلام الطلب")
        DOCUMENT_UPLOADED = "document_uploaded", pgettext_lazy("سجل الطلب", "رفع مستند")
        DOCUMENT_VERIFIED = "document_verified", pgettext_lazy("سجل الطلب", "التحقق من مستند")
        DOCUMENT_REFUSED = "document_refused", pgettext_lazy("سجل الطلب", "رفض مستند")
        MARKED_INCOMPLETE = "marked_incomplete", pgettext_lazy("سجل الطلب", "طلب غير مكتمل")
        REFERRED = "referred", pgettext_lazy("سجل الطلب", "إحالة إلى الباحث الاجتماعي")
        REFERRAL_ANSWERED = "referral_answered", pgettext_lazy("سجل الطلب", "رد الباحث الاجتماعي")
        RESEARCH_FILED = "research_filed", pgettext_lazy("سجل الطلب", "اعتماد تقرير البحث الاجتماعي")
        DECLARED = "declared", pgettext_lazy("سجل الطلب", "توقيع الإقرار")
        SUBMITTED = "submitted", pgettext_lazy("سجل الطلب", "رفع الطلب للجنة البحث")
        DECIDED = "decided", pgettext_lazy("سجل الطلب", "قرار لجنة البحث")
        RETURNED = "returned", pgettext_lazy("سجل الطلب", "إعادة الطلب لاستكمال المعلومات")
        INFORMATION_PROVIDED = "information_provided", pgettext_lazy("سجل الطلب", "استكمال المعلومات المطلوبة")
        REGISTERED = "registered", pgettext_lazy("سجل الطلب", "استكمال التسجيل")
        SERVICE_DELIVERED = "service_delivered", pgettext_lazy("سجل الطلب", "تقديم الخدمة")
        CLOSED = "closed", pgettext_lazy("سجل الطلب", "إغلاق الطلب")
        APPEALED = "appealed", pgettext_lazy("سجل الطلب", "تظلم من قرار لجنة البحث")

    # Indexed with the time (`case_event_case_at_idx`): a request's rows in order.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", db_index=False)
    kind = models.CharField(_("الحدث"), max_length=20, choices=Kind.choices)
    from_status = models.CharField(_("من"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("إلى"), max_length=20, choices=Status.choices, blank=True)
    actor, actor_kind, actor_label = actor_columns(_("بواسطة"))
    # Indexed with its kind (`case_event_kind_at_idx`): every query by time asks for one kind of row; a request's
    # own rows are found by `case`.
    at = models.DateTimeField(_("الوقت"), default=timezone.now)
    note = models.TextField(_("ملاحظة"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("حدث في الطلب")
        verbose_name_plural = _("سجل الطلب")
        ordering = ["at", "pk"]
        indexes = [
            # The managers' indicators (reports/indicators.py): one kind of row in a period («استلام الطلب»,
            # «قرار لجنة البحث»), without reading every other row of the period, and on PostgreSQL with the
            # request's id in the index (read without the table). The index on `at` alone it replaces made
            # PostgreSQL read a year's every row to keep one kind (500 ms against 48 at a million requests).
            models.Index(fields=["kind", "at"], include=["case"], name="case_event_kind_at_idx"),
            # A request's rows in order (its page, its clock), and on PostgreSQL with the kind in the index: the
            # days to decision read, for each decision of a period, the clock's latest start before it from the
            # index alone (1.0 s to 0.6 s for a year at a million requests).
            models.Index(fields=["case", "at", "id"], include=["kind"], name="case_event_case_at_idx"),
        ]

    def __str__(self):
        return f"{self.case.reference}: {self.get_kind_display()}"

    acted_by = ActedBy("actor")

    @property
    def changed_status(self):
        return self.from_status != self.to_status


class CaseStatusCount(models.Model):
    """How many requests stand in each state, per branch serving their beneficiary: the staff home's counts.

    Kept by the workflow kernel (`workflow.record_event`) in the same transaction as the step that
    opens or moves a request, with `F()` increments, and moved with a beneficiary who changes branch
    (`move_branch_counts`, called by `update_beneficiary`), so the home never counts every request on
    every load. `manage.py rebuild_case_counts` recomputes it from the requests (after a restore, a bulk
    load, or to check). The branch is the beneficiary's, as in `visible_to`: summed over branches it
    serves those who see every request; one branch's rows serve its branch representative; the submitted
    states serve the committee. A researcher's requests (those referred to them) are counted instead.
    """

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["branch", "status"], name="case_status_count_once")]

    def __str__(self):
        return f"{self.branch_id} {self.status} {self.n}"

    @classmethod
    def shift(cls, branch_id, *, from_status, to_status):
        """One request of `branch_id` leaves `from_status` ("" when it is new) for `to_status`.

        Rows are touched in a fixed order (by status) so two steps at once never deadlock.
        """
        changes = sorted(
            [(status, delta) for status, delta in ((from_status, -1), (to_status, 1)) if status],
        )
        for status, delta in changes:
            add_to(cls, {"branch_id": branch_id, "status": status}, delta)

    @classmethod
    def totals(cls, statuses=None, branch_id=None):
        """status -> number of requests, over every branch or one (a few dozen rows, whatever the registry's size)."""
        rows = cls.objects.order_by()
        if statuses is not None:
            rows = rows.filter(status__in=statuses)
        if branch_id is not None:
            rows = rows.filter(branch_id=branch_id)
        return dict(rows.values_list("status").annotate(total=models.Sum("n")).values_list("status", "total"))

    @classmethod
    def rebuild(cls):
        """Recount from the requests (one GROUP BY over every request: for the command, never a page)."""
        rows = (
            Case.objects.order_by().values("beneficiary__branch_id", "status").annotate(total=models.Count("pk"))
        )
        cls.objects.all().delete()
        cls.objects.bulk_create(
            [cls(branch_id=r["beneficiary__branch_id"], status=r["status"], n=r["total"]) for r in rows]
        )

    @classmethod
    def move_branch_counts(cls, beneficiary, old_branch_id):
        """A beneficiary now served by another branch takes their requests' counts with them.

        Their requests are locked first, so a step on one of them waits for the move (and then counts
        under the new branch) rather than shifting the old branch's counts in between.
        """
        cases = Case.objects.select_for_update().filter(beneficiary=beneficiary).order_by("pk")
        for status in sorted(cases.values_list("status", flat=True)):
            cls.shift(old_branch_id, from_status=status, to_status="")
            cls.shift(beneficiary.branch_id, from_status="", to_status=status)


class CaseOpenedCount(models.Model):
    """The requests opened each day, by channel, receiving branch, support type, the beneficiary's category now and
    the request's state now: the indicators' «الطلبات المستلمة» tables (reports/indicators.py `opened_tables`).

    The day is the local date of the request's `opened` timeline row, so a period of days reads exactly the rows
    the timeline would give. Kept in the step's transaction beside `CaseStatusCount`: an opening adds one, a step
    moves one from its old state to its new one (`workflow.record_event`), a removed request takes its one away
    (`actions.discard_drafts_of`), and a beneficiary whose category changes takes their requests' counts with them
    (`move_category_counts`, called by `update_beneficiary` and `verify_self_registration`). A period reads a few
    hundred rows a day from the unique index (day first) — never the timeline, the requests or the registry, so a
    year at a million requests costs what a year of days costs. `manage.py rebuild_case_counts` recomputes it
    from the timeline (after a restore or a bulk load, or to check).
    """

    day = models.DateField()
    branch_id = models.IntegerField()
    channel = models.CharField(max_length=20)
    support_type_id = models.IntegerField()
    category_id = models.IntegerField(default=0)  # 0: no category yet
    status = models.CharField(max_length=20)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["day", "branch_id", "channel", "support_type_id", "category_id", "status"],
            name="case_opened_count_once")]

    def __str__(self):
        return f"{self.day} {self.channel} {self.branch_id} {self.support_type_id} {self.category_id} {self.status} {self.n}"

    @staticmethod
    def key(case, day, category_id):
        return {"day": day, "branch_id": case.branch_id, "channel": case.channel,
                "support_type_id": case.support_type_id, "category_id": category_id or 0}

    @staticmethod
    def opened_day(case_id):
        """The local date of the request's `opened` row (None for a request without one: not counted)."""
        at = (CaseEvent.objects.filter(case_id=case_id, kind=CaseEvent.Kind.OPENED).order_by("at")
              .values_list("at", flat=True).first())
        return timezone.localdate(at) if at else None

    @classmethod
    def shift(cls, key, *, from_status, to_status):
        """One request of `key` leaves `from_status` ("": it is new) for `to_status` ("": it is gone); rows are
        touched in a fixed order (by state), so two steps at once never deadlock."""
        changes = sorted((status, delta) for status, delta in ((from_status, -1), (to_status, 1)) if status)
        for status, delta in changes:
            add_to(cls, {**key, "status": status}, delta)

    @classmethod
    def step(cls, case, *, from_status, to_status, opened_at=None):
        """`case` (with its beneficiary) opened at `opened_at`, moved, or removed (`to_status` "")."""
        day = timezone.localdate(opened_at) if opened_at is not None else cls.opened_day(case.pk)
        if day is not None:
            cls.shift(cls.key(case, day, case.beneficiary.category_id), from_status=from_status, to_status=to_status)

    @classmethod
    def move_category_counts(cls, beneficiary, old_category_id):
        """A beneficiary whose category changed takes their requests' counts to the new category (their requests
        locked first, as `CaseStatusCount.move_branch_counts`)."""
        cases = list(Case.objects.select_for_update().filter(beneficiary=beneficiary).order_by("pk"))
        for case in cases:
            day = cls.opened_day(case.pk)
            if day is None:
                continue
            cls.shift(cls.key(case, day, old_category_id), from_status=case.status, to_status="")
            cls.shift(cls.key(case, day, beneficiary.category_id), from_status="", to_status=case.status)

    @classmethod
    def rebuild(cls):
        """Recount from the `opened` rows (one GROUP BY over the timeline: for the command, never a page)."""
        from django.db.models.functions import TruncDate

        rows = (CaseEvent.objects.filter(kind=CaseEvent.Kind.OPENED).order_by()
                .annotate(opened_on=TruncDate("at", tzinfo=timezone.get_current_timezone()))
                .values("opened_on", "case__branch_id", "case__channel", "case__support_type_id",
                        "case__beneficiary__category_id", "case__status")
                .annotate(total=models.Count("pk")))
        cls.objects.all().delete()
        cls.objects.bulk_create([
            cls(day=r["opened_on"], branch_id=r["case__branch_id"], channel=r["case__channel"],
                support_type_id=r["case__support_type_id"], category_id=r["case__beneficiary__category_id"] or 0,
                status=r["case__status"], n=r["total"]) for r in rows.iterator(chunk_size=5000)
        ], batch_size=5000)

    @classmethod
    def counts(cls):
        """{(day, branch, channel, support type, category, state): n} without the empty ones (to compare)."""
        return {(c.day, c.branch_id, c.channel, c.support_type_id, c.category_id, c.status): c.n
                for c in cls.objects.exclude(n=0)}
