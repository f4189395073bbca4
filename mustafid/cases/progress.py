"""Where a request stands, for the top of its page: the path's stages, what is missing, what the reader may do now.

One function, `progress(case, user)`, read by `cases/page.py`. The actions offered come from the step facts
(`case.offers(step, user)`, see `models.py`), never a second copy of the rules: a button shows here exactly
when its panel's form would be accepted.
"""

from dataclasses import dataclass, field
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .clock import last_day_to_appeal
from .models import CaseEvent, Status, Step

# The path every request follows, in order; each stage is done once the request has passed it.
STAGES = [
    ("received", _("الاستلام")),
    ("documents", _("المستندات")),
    ("declaration", _("الإقرار")),
    ("committee", _("الرفع للجنة")),
    ("decision", _("القرار")),
    ("registration", _("التسجيل")),
    ("service", _("الخدمة")),
    ("closed", _("الإغلاق")),
]

# The stage a request in each state is at (the one the next step belongs to).
CURRENT_STAGE = {
    Status.RECEIVED: "documents",
    Status.INCOMPLETE: "documents",
    Status.DOCUMENTS_COMPLETE: "declaration",
    Status.DECLARED: "committee",
    Status.WITH_COMMITTEE: "decision",
    Status.RETURNED: "decision",
    Status.APPROVED: "registration",
    Status.REGISTERED: "service",
    Status.IN_SERVICE: "service",
    Status.REJECTED: "closed",
    Status.CLOSED: "closed",
}

# The words beside each stage, so its state is never told by colour alone.
STATE_WORDS = {
    "done": pgettext_lazy("مرحلة", "تمت"),
    "current": pgettext_lazy("مرحلة", "الحالية"),
    "next": pgettext_lazy("مرحلة", "لاحقة"),
    "incomplete": pgettext_lazy("مرحلة", "غير مكتمل"),
    "rejected": pgettext_lazy("مرحلة", "مرفوض"),
    "skipped": pgettext_lazy("مرحلة", "لا تنطبق"),
}


@dataclass
class Stage:
    key: str
    label: str
    state: str  # done, current, next, incomplete, rejected, skipped

    @property
    def is_current(self):
        return self.state in ("current", "incomplete")

    @property
    def state_words(self):
        return STATE_WORDS[self.state]


@dataclass
class NextAction:
    """One thing the reader may do now: a link to its panel's form (`href`, an anchor on the page).

    Even one-click steps (submit, register) link to their panel, where the form says what the step means
    (the response period to tell the beneficiary) — and a page never holds two buttons of the same name.
    """

    step: str
    label: str
    href: str = ""  # an anchor on the page


@dataclass
class Progress:
    stages: list
    missing: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    waiting_on: str = ""

    @property
    def current(self):
        return next((stage for stage in self.stages if stage.is_current), None)


def _was_rejected(case):
    return case.status == Status.REJECTED or (
        case.status == Status.CLOSED and case.events.filter(to_status=Status.REJECTED).exists()
    )


def _stages(case, rejected):
    keys = [key for key, _label in STAGES]
    current = keys.index(CURRENT_STAGE[Status(case.status)])
    stages = []
    for index, (key, label) in enumerate(STAGES):
        if case.status == Status.CLOSED:
            state = "done"
        elif index < current:
            state = "done"
        elif index == current:
            state = "incomplete" if case.status == Status.INCOMPLETE else "current"
        else:
            state = "next"
        if rejected and key == "decision":
            state = "rejected"
        elif rejected and key in ("registration", "service"):
            state = "skipped"
        stages.append(Stage(key, label, state))
    return stages


def open_referrals(case):
    """The researchers whose answer is awaited, from the request's timeline (referred, not yet answered)."""
    asked, answered = {}, set()
    for kind, data in case.events.filter(
        kind__in=[CaseEvent.Kind.REFERRED, CaseEvent.Kind.REFERRAL_ANSWERED]
    ).values_list("kind", "data"):
        referral = (data or {}).get("referral")
        if kind == CaseEvent.Kind.REFERRED:
            asked[referral] = (data or {}).get("researcher", "")
        else:
            answered.add(referral)
    return [name for referral, name in asked.items() if referral not in answered]


def _missing(case, today):
    missing = []
    if case.is_open_for(Step.DOCUMENTS):
        for doc_type, document in case.document_checklist():
            if document is None:
                missing.append(_("لم يُرفع: %(doc)s") % {"doc": doc_type})
            elif document.status == document.Review.REFUSED:
                missing.append(_("رُفض، يلزم رفعه من جديد: %(doc)s") % {"doc": doc_type})
            elif document.is_expired(today):
                missing.append(_("انتهت صلاحيته: %(doc)s") % {"doc": doc_type})
            elif not document.is_verified:
                missing.append(_("بانتظار التحقق: %(doc)s") % {"doc": doc_type})
    if case.status == Status.RETURNED:
        asked = case.information_request()
        if asked is not None:
            missing.append(_("ما طلبته لجنة البحث: %(asked)s") % {"asked": asked.note})
    if case.status in (Status.DOCUMENTS_COMPLETE, Status.DECLARED):
        declaration = case.current_declaration
        if declaration is None:
            missing.append(_("لم يُوقَّع الإقرار"))
        elif not declaration.matches_current_data():
            missing.append(_("تغيرت البيانات بعد توقيع الإقرار؛ يلزم إقرار جديد"))
    for name in open_referrals(case) if case.is_open else []:
        missing.append(_("بانتظار رد الباحث الاجتماعي %(name)s") % {"name": name} if name
                       else _("بانتظار رد الباحث الاجتماعي"))
    return missing


def _may_still_appeal(case, today):
    """A rejection not yet appealed, within `APPEAL_DAYS` of it (committee/appeals.py refuses otherwise, and says why;
    a rejected request with an appeal behind it holds the decision on the appeal, which is final)."""
    if case.decided_at is None or today > last_day_to_appeal(case.decided_at):
        return False
    return not case.events.filter(kind=CaseEvent.Kind.APPEALED).exists()


def _actions(case, user, missing_documents, today):
    """The one or two steps this reader may take now, most pressing first."""
    actions = []
    if case.offers(Step.DOCUMENTS, user) and missing_documents:
        pending = [d for _t, d in case.document_checklist() if d is not None and d.status == d.Review.PENDING]
        if pending:
            actions.append(NextAction(Step.DOCUMENTS, _("التحقق من المستندات"), href="#documents"))
        if len(pending) < len(missing_documents):
            actions.append(NextAction(Step.DOCUMENTS, _("رفع مستند"), href="#upload"))
    if case.offers(Step.DECLARE, user):
        actions.append(NextAction(Step.DECLARE, _("توقيع الإقرار"), href="#declaration"))
    if case.offers(Step.SUBMIT, user):
        declaration = case.current_declaration
        if declaration is not None and declaration.matches_current_data():
            actions.append(NextAction(Step.SUBMIT, _("رفع الطلب للجنة البحث"), href="#submit"))
    if case.offers(Step.DECIDE, user):
        # The committee decides as a body (a meeting with its quorum, or by circulation): the panel says where.
        actions.append(NextAction(Step.DECIDE, _("القرار في اجتماع اللجنة"), href="#decision"))
    if case.offers(Step.PROVIDE_INFORMATION, user):
        actions.append(NextAction(Step.PROVIDE_INFORMATION, _("تسجيل المعلومات المقدمة"), href="#returned"))
    if case.offers(Step.REGISTER, user):
        actions.append(NextAction(Step.REGISTER, _("استكمال التسجيل"), href="#register"))
    if case.offers(Step.DELIVER, user):
        actions.append(NextAction(Step.DELIVER, _("تسجيل تقديم الخدمة"), href="#delivery"))
    if case.offers(Step.APPEAL, user) and _may_still_appeal(case, today):
        actions.append(NextAction(Step.APPEAL, _("تسجيل تظلم"), href="#appeal"))
    if case.offers(Step.CLOSE, user):
        actions.append(NextAction(Step.CLOSE, _("إغلاق الطلب"), href="#close"))
    if user.is_researcher and getattr(user, "display_name", "") in open_referrals(case):
        actions.insert(0, NextAction(Step.REFER, _("الرد على الإحالة"), href="#referral"))
    return actions[:2]


WAITING_ON = {
    Status.RECEIVED: _("بانتظار المستندات والتحقق منها"),
    Status.INCOMPLETE: _("بانتظار ما ينقص الطلب من المستفيد"),
    Status.DOCUMENTS_COMPLETE: _("بانتظار توقيع الإقرار"),
    Status.DECLARED: _("بانتظار الرفع للجنة البحث"),
    Status.WITH_COMMITTEE: _("بانتظار قرار لجنة البحث"),
    Status.RETURNED: _("أعادته لجنة البحث لاستكمال المعلومات؛ مدة الرد متوقفة حتى تصل"),
    Status.APPROVED: _("بانتظار استكمال التسجيل"),
    Status.REGISTERED: _("بانتظار تقديم الخدمة"),
    Status.IN_SERVICE: _("تُقدَّم الخدمة؛ يُغلق الطلب عند انتهائها"),
    Status.REJECTED: _("رُفض الطلب؛ بانتظار إغلاقه"),
    Status.CLOSED: _("الطلب مغلق"),
}


def progress(case, user):
    """The stepper's stages, what the request still lacks, and the reader's next steps (at most two)."""
    today = timezone.localdate()
    missing = _missing(case, today)
    missing_documents = case.missing_documents() if case.offers(Step.DOCUMENTS, user) else []
    return Progress(
        stages=_stages(case, _was_rejected(case)),
        missing=missing,
        actions=_actions(case, user, missing_documents, today),
        waiting_on=_("بانتظار قرار لجنة البحث في التظلم") if case.under_appeal and case.status == Status.WITH_COMMITTEE
        else WAITING_ON[Status(case.status)],
    )


# The parts of the declared data, in words, for "what changed since signing" (keys of `Case.fingerprint_data`).
DATA_PARTS = {
    "name": _("الاسم"),
    "national_id": _("رقم الهوية"),
    "mobile": _("رقم الجوال"),
    "birth_date": _("تاريخ الميلاد"),
    "gender": _("الجنس"),
    "nationality": _("الجنسية"),
    "region": _("المنطقة"),
    "city": _("المدينة"),
    "category": _("الفئة"),
    "household": _("أفراد الأسرة"),
    "support_type": _("نوع الدعم"),
    "need": _("وصف الحاجة"),
    "documents": _("المستندات المتحقق منها"),
}


def changed_since_signing(declaration):
    """The parts of the data that differ from what the declaration covers, in words ([] when unchanged)."""
    covered = declaration.covered_data or {}
    current = declaration.case.fingerprint_data()
    flat_covered = {**(covered.get("beneficiary") or {}), **{k: v for k, v in covered.items() if k != "beneficiary"}}
    flat_current = {**current["beneficiary"], **{k: v for k, v in current.items() if k != "beneficiary"}}
    changed = [key for key in flat_current if flat_covered.get(key) != flat_current[key]]
    return [DATA_PARTS.get(key, key) for key in changed]
