"""A request as its applicant follows it: where it stands in plain words, the steps, the dates, what is asked.

Written for the beneficiary, not the staff: no internal step (a referral, a researcher's question, what the
committee asks its own staff) and no support type or category (a shared phone must not tell what the help is).
"""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mustafid.cases.models import CaseEvent, InformationFrom, Status

WORDS = {
    Status.RECEIVED: _("وصل طلبك، ونراجع مستنداته."),
    Status.INCOMPLETE: _("طلبك ينقصه شيء، وسنتواصل معك بما يلزم."),
    Status.DOCUMENTS_COMPLETE: _("اكتملت مستنداتك، وبقي توقيع الإقرار."),
    Status.DECLARED: _("وقّعت الإقرار، وسيُرفع طلبك إلى لجنة البحث."),
    Status.WITH_COMMITTEE: _("طلبك لدى لجنة البحث لاتخاذ القرار."),
    Status.RETURNED: _("طلبك لدى لجنة البحث، وتحتاج اللجنة معلومات إضافية."),
    Status.APPROVED: _("وافقت لجنة البحث على طلبك."),
    Status.REJECTED: _("لم توافق لجنة البحث على طلبك."),
    Status.REGISTERED: _("تم تسجيلك لدى الجمعية."),
    Status.IN_SERVICE: _("تُقدَّم لك الخدمة."),
    Status.CLOSED: _("اكتمل طلبك وأُغلق."),
}

# The applicant's five steps (the staff stepper's eight, in their words).
STEPS = [
    ("apply", pgettext_lazy("خطوات المستفيد", "تقديم الطلب")),
    ("documents", pgettext_lazy("خطوات المستفيد", "المستندات")),
    ("declaration", pgettext_lazy("خطوات المستفيد", "الإقرار")),
    ("decision", pgettext_lazy("خطوات المستفيد", "قرار اللجنة")),
    ("service", pgettext_lazy("خطوات المستفيد", "الخدمة")),
]
CURRENT = {
    Status.RECEIVED: "documents",
    Status.INCOMPLETE: "documents",
    Status.DOCUMENTS_COMPLETE: "declaration",
    Status.DECLARED: "decision",
    Status.WITH_COMMITTEE: "decision",
    Status.RETURNED: "decision",
    Status.APPROVED: "service",
    Status.REGISTERED: "service",
    Status.IN_SERVICE: "service",
    Status.REJECTED: "decision",
    Status.CLOSED: "service",
}
STATE_WORDS = {
    "done": pgettext_lazy("خطوات المستفيد", "تمت"),
    "current": pgettext_lazy("خطوات المستفيد", "الآن"),
    "next": pgettext_lazy("خطوات المستفيد", "لاحقًا"),
    "rejected": pgettext_lazy("خطوات المستفيد", "لم يُوافق"),
    "skipped": pgettext_lazy("خطوات المستفيد", "لا تنطبق"),
}


@dataclass
class Step:
    key: str
    label: str
    state: str

    @property
    def words(self):
        return STATE_WORDS[self.state]

    @property
    def is_current(self):
        return self.state == "current"


@dataclass
class Followed:
    case: object
    words: str
    steps: list = field(default_factory=list)
    asked: str = ""  # what the committee asked the applicant (returned for information)
    missing: str = ""  # what the staff said the request lacks (incomplete)
    due_on: object = None
    days_left: int | None = None
    paused: bool = False
    decision: object = None

    @property
    def overdue(self):
        return self.days_left is not None and self.days_left < 0


def _rejected(case, kinds):
    return case.status == Status.REJECTED or (case.status == Status.CLOSED and Status.REJECTED in kinds)


def steps(case, reached=()):
    rejected = _rejected(case, reached)
    keys = [key for key, _label in STEPS]
    current = keys.index(CURRENT[Status(case.status)])
    shown = []
    for index, (key, label) in enumerate(STEPS):
        if case.status == Status.CLOSED and not rejected:
            state = "done"
        elif index < current:
            state = "done"
        elif index == current:
            state = "current"
        else:
            state = "next"
        if rejected and key == "decision":
            state = "rejected"
        elif rejected and key == "service":
            state = "skipped"
        shown.append(Step(key, label, state))
    return shown


def _latest_note(case, kind):
    return case.events.filter(kind=kind).order_by("-at", "-pk").first()


def follow(case, decision=None, *, detail=False):
    """The request in the applicant's words; `detail` also reads what the staff said it lacks."""
    reached = set()
    if case.status == Status.CLOSED:
        reached = set(case.events.exclude(to_status="").values_list("to_status", flat=True))
    followed = Followed(case=case, words=WORDS[Status(case.status)], steps=steps(case, reached), decision=decision)
    if case.status == Status.WITH_COMMITTEE and case.decision_due_on:
        followed.due_on = case.decision_due_on
        followed.days_left = (case.decision_due_on - timezone.localdate()).days
    if case.status == Status.RETURNED:
        event = _latest_note(case, CaseEvent.Kind.RETURNED)
        # Only what the committee asks the applicant; what it asks its own staff stays inside.
        if event is not None and (event.data or {}).get("of_whom") == InformationFrom.APPLICANT:
            followed.asked = event.note
            followed.paused = True
        else:
            followed.words = WORDS[Status.WITH_COMMITTEE]
    if detail and case.status == Status.INCOMPLETE:
        event = _latest_note(case, CaseEvent.Kind.MARKED_INCOMPLETE)
        followed.missing = event.note if event is not None else ""
    return followed
