"""The register of complaints, suggestions and compliments: its actions (docs/feedback.md «سجل الشكاوى والمقترحات»).

Every change is one transaction with its `FeedbackEvent` and its audit row; every refusal is an `ActionRefused`
with a message for the screen.

* `receive(...)` — an item from any channel (the portal, the public form, staff logging a call or a letter): a
  reference number a caller can read over the phone (`FB-2026-00012`, race-safe), its due date in working days,
  a discreet record in the contacts log (the kind and the reference, never the text).
* `assign`, `answer`, `close`, `appeal`, `add_note` — the staff's side; `answer` sends the response back through
  the outbox, `close` asks the sender to rate the handling (a signed link, `rating_link`).
* `rate(token, rating, appeal_reason)` — the sender's one answer on that link (and their appeal, if any).
* `escalate_overdue(today)` — the periodic job: open items past their due date go to the managers, once.
* `figures(start, end, branch)` — the indicators, from the timeline rows.
"""

import re
import statistics
from datetime import datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mustafid.accounts.models import Role, User
from mustafid.association.models import Association, Channel, current_policy
from mustafid.audit.actors import Actor, as_actor
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.interactions.actions import log_interaction
from mustafid.interactions.models import Interaction
from mustafid.lib.errors import ActionRefused, refuse_unless
from mustafid.lib.forms import BIDI_CONTROLS
from mustafid.lib.workdays import DEFAULT_HOLIDAYS_TEXT, add_days, as_ranges
from mustafid.notifications import outbox
from mustafid.notifications.catalogue import MessageKind
from mustafid.notifications.models import Purpose
from mustafid.notifications.outbox import Recipient
from mustafid.notifications.reminders import staff_recipient

from .models import Feedback, FeedbackCategory, FeedbackEvent

MESSAGES = Path(__file__).resolve().parent / "messages"
ANSWER_MESSAGE = MessageKind(
    "feedback_answer", gettext_lazy("الرد على شكوى أو اقتراح"), folder=MESSAGES / "feedback_answer",
    variables={"association": gettext_lazy("اسم الجمعية"), "reference": gettext_lazy("الرقم المرجعي"),
               "response": gettext_lazy("الرد")},
)
RATING_MESSAGE = MessageKind(
    "feedback_rating", gettext_lazy("طلب تقييم معالجة شكوى أو اقتراح"), folder=MESSAGES / "feedback_rating",
    variables={"association": gettext_lazy("اسم الجمعية"), "reference": gettext_lazy("الرقم المرجعي"),
               "link": gettext_lazy("رابط التقييم")},
)
# The system's job name, as the audit trail and the timeline keep it.
JOB = "feedback-register"
TEXT_MAX = 5000
REFERENCE_PREFIX = "FB"
DEFAULT_RESPONSE_DAYS = 5
RATING_SALT = "mustafid.feedback.rating"
RATING_MAX_AGE = timedelta(days=30)
# Staff who log an item received by phone, letter or in person.
LOGGING_ROLES = (Role.OFFICER, Role.BRANCH_REP, Role.MANAGER)

_REFERENCE_RE = re.compile(r"^[A-Z]+-(\d{4})-(\d+)$")


# ---------------------------------------------------------------------------------------------------- helpers

def clean_text(text, *, what=None, limit=TEXT_MAX):
    """The text stripped, or a refusal: empty, control characters (NUL), direction overrides, too long."""
    what = what or _("النص")
    if not isinstance(text, str):
        raise ActionRefused(_("%(what)s غير مقروء.") % {"what": what})
    text = text.strip()
    if any(char in BIDI_CONTROLS for char in text):
        raise ActionRefused(_("%(what)s يحتوي على محرف خفي يغيّر اتجاه الكتابة؛ احذفه وأعد كتابة النص.")
                            % {"what": what})
    if any(char not in "\t\n\r" and (ord(char) < 32 or 0x7f <= ord(char) < 0xa0 or 0xd800 <= ord(char) <= 0xdfff)
           for char in text):
        raise ActionRefused(_("%(what)s يحتوي على محرف تحكم غير مقبول؛ احذفه وأعد كتابة النص.") % {"what": what})
    refuse_unless(text, _("اكتب %(what)s.") % {"what": what})
    refuse_unless(len(text) <= limit, _("%(what)s أطول من %(limit)s حرف؛ اختصره.") % {"what": what, "limit": limit})
    return text


def _holidays():
    policy = current_policy()
    return as_ranges(policy.holidays if policy is not None else DEFAULT_HOLIDAYS_TEXT)


def due_date(start, category=None):
    """`start` plus the category's response days (5 by default), in working days."""
    days = category.response_days if category is not None else DEFAULT_RESPONSE_DAYS
    return add_days(start, days, working=True, ranges=_holidays())


def _association_name():
    association = Association.objects.current()
    return association.short_name if association else ""


def _last_number(year):
    prefix = f"{REFERENCE_PREFIX}-{year}-"
    last = (Feedback.objects.filter(reference__startswith=prefix).order_by("-reference")
            .values_list("reference", flat=True).first())
    match = _REFERENCE_RE.match(last or "")
    return int(match.group(2)) if match else 0


def _save_with_reference(feedback, year):
    """Save `feedback` with the year's next reference number.

    The number is the highest given plus one, and the unique constraint on `reference` settles a race: of two
    receives at the same moment, the second waits on the first's row (PostgreSQL) and, once it commits, fails on
    the constraint inside its savepoint and takes the next number. Never the same number twice.
    """
    for _attempt in range(20):
        feedback.reference = f"{REFERENCE_PREFIX}-{year}-{_last_number(year) + 1:05d}"
        try:
            with transaction.atomic():
                feedback.save(force_insert=True)
            return feedback
        except IntegrityError:
            feedback.pk = None
            continue
    raise ActionRefused(_("تعذر إعطاء رقم مرجعي الآن؛ أعد المحاولة بعد لحظات."))


def _event(feedback, kind, by, note="", at=None):
    return FeedbackEvent.objects.create(feedback=feedback, kind=kind, note=note, at=at or timezone.now(),
                                        **as_actor(by).columns("actor"))


def _is_staff_user(by):
    return not isinstance(by, Actor) and getattr(by, "pk", None) is not None


def may_log(user):
    """Log an item received by phone, letter or in person: officers, branch representatives, managers."""
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*LOGGING_ROLES))


def _locked(feedback):
    return Feedback.objects.select_for_update().get(pk=feedback.pk)


# ---------------------------------------------------------------------------------------------------- receive

def receive(*, kind, text, channel, by, beneficiary=None, sender_name="", sender_mobile="", sender_email="",
            anonymous=False, category=None, about_staff=None, branch=None) -> Feedback:
    """Put an item in the register, from any channel; returns it with its reference number.

    `by` is the staff user who logs it, or an `Actor` (the beneficiary through the portal, the system for the
    public form). One transaction: the item (a reference number, the due date: received day + the category's
    response days in working days), a discreet incoming contact in the contacts log (the kind and the reference —
    never the text, never the sender: the contacts list is read by officers and volunteers), the RECEIVED event
    and the audit row. A compliment is logged in the contacts log as a suggestion (the contacts have no compliment
    kind). An item about a staff member is confidential.
    """
    refuse_unless(kind in Feedback.Kind.values, _("اختر نوعًا: شكوى أو اقتراح أو شكر."))
    refuse_unless(channel in Channel.values, _("اختر قناة الورود."))
    if _is_staff_user(by):
        refuse_unless(may_log(by), _("تسجيل الشكاوى والمقترحات لموظف علاقات المستفيدين والمندوب والمدير."))
    actor = as_actor(by)
    text = clean_text(text)
    anonymous = bool(anonymous)
    if anonymous:
        beneficiary, sender_name, sender_mobile, sender_email = None, "", "", ""
    else:
        sender_name = clean_text(sender_name, what=_("اسم المرسل"), limit=120) if (sender_name or "").strip() else ""
        sender_mobile = (sender_mobile or "").strip()
        refuse_unless(len(sender_mobile) <= 16 and (not sender_mobile or sender_mobile.lstrip("+").isdigit()),
                      _("رقم الجوال غير صحيح."))
        sender_email = (sender_email or "").strip()
        refuse_unless(len(sender_email) <= 254 and (not sender_email or "@" in sender_email),
                      _("البريد الإلكتروني غير صحيح."))
        if sender_email:
            clean_text(sender_email, what=_("البريد الإلكتروني"), limit=254)
    if category is not None:
        refuse_unless(category.active, _("هذا التصنيف موقوف؛ اختر تصنيفًا آخر."))
    if about_staff is not None:
        refuse_unless(getattr(about_staff, "pk", None) is not None and about_staff.is_active,
                      _("اختر الموظف المعني من القائمة."))
    if branch is None:
        branch = beneficiary.branch if beneficiary is not None else getattr(actor.user, "branch", None)
    now = timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        contact = log_interaction(
            channel=channel, direction=Interaction.Direction.INCOMING,
            kind=(Interaction.Kind.COMPLAINT if kind == Feedback.Kind.COMPLAINT else Interaction.Kind.SUGGESTION),
            summary=_("%(kind)s — تُعالج في سجل الشكاوى والمقترحات") % {"kind": Feedback.Kind(kind).label},
            by=by, occurred_at=now,
            audit_actor=by if _is_staff_user(by) or actor.kind != "system" else None,
        )
        feedback = Feedback(
            kind=kind, category=category, channel=channel, text=text, beneficiary=beneficiary,
            sender_name=sender_name, sender_mobile=sender_mobile, sender_email=sender_email, anonymous=anonymous,
            about_staff=about_staff, confidential=about_staff is not None, interaction=contact, branch=branch,
            received_at=now, due_on=due_date(today, category), **actor.columns("received_by"),
        )
        _save_with_reference(feedback, today.year)
        # The contact names its reference once it has one (a discreet summary, no text, no sender).
        contact.summary = _("%(kind)s — الرقم المرجعي %(reference)s") % {
            "kind": feedback.get_kind_display(), "reference": feedback.reference}
        contact.save(update_fields=["summary"])
        _event(feedback, FeedbackEvent.Kind.RECEIVED, by, at=now)
        record(EventType.FEEDBACK_RECEIVED, actor=by if _is_staff_user(by) or actor.kind != "system" else None,
               target=feedback,
               data={"reference": feedback.reference, "kind": kind, "channel": channel,
                     "confidential": feedback.confidential, "anonymous": anonymous,
                     "due_on": feedback.due_on.isoformat()})
    return feedback


# ---------------------------------------------------------------------------------------------------- who may act

def may_manage_register(user):
    return bool(getattr(user, "is_manager", False))


def may_handle(user, feedback):
    """Answer, close, record an appeal, add a note: managers; officers and branch representatives on an item they
    see that is assigned to them or to nobody. An appealed item (the second look) is the managers'."""
    if may_manage_register(user) and feedback.about_staff_id != user.pk:
        return True
    if feedback.confidential or feedback.status == Feedback.Status.APPEALED:
        return False
    if not user.has_role(Role.OFFICER, Role.BRANCH_REP):
        return False
    if user.limited_to_branch and feedback.branch_id != user.branch_id:
        return False
    return feedback.assignee_id in (None, user.pk)


def _require(condition):
    refuse_unless(condition, _("هذه الخطوة ليست من صلاحيتك في هذا البند."))


# ---------------------------------------------------------------------------------------------------- assign

def assign(feedback, assignee, *, by):
    """A manager gives the item to a staff member to handle — never to the staff member it is about."""
    refuse_unless(may_manage_register(by), _("الإسناد للمدير."))
    refuse_unless(assignee is not None and assignee.is_active, _("اختر موظفًا من القائمة."))
    with transaction.atomic():
        feedback = _locked(feedback)
        _require(feedback.about_staff_id != by.pk)
        refuse_unless(feedback.is_open, _("هذا البند مغلق."))
        refuse_unless(assignee.pk != feedback.about_staff_id, _("لا يُسند البند إلى الموظف المعني به."))
        if feedback.confidential:
            refuse_unless(assignee.is_manager, _("البند السري يُسند إلى مدير فقط."))
        else:
            refuse_unless(assignee.has_role(Role.OFFICER, Role.BRANCH_REP, Role.MANAGER),
                          _("يُسند البند إلى موظف علاقات المستفيدين أو مندوب أو مدير."))
        refuse_unless(feedback.assignee_id != assignee.pk, _("البند مسند إلى هذا الموظف من قبل."))
        before = feedback.assignee_id
        feedback.assignee = assignee
        if feedback.status == Feedback.Status.OPEN:
            feedback.status = Feedback.Status.IN_PROGRESS
        feedback.save(update_fields=["assignee", "status"])
        _event(feedback, FeedbackEvent.Kind.ASSIGNED, by, note=assignee.display_name)
        record(EventType.FEEDBACK_ASSIGNED, actor=by, target=feedback,
               data={"reference": feedback.reference, "before": before, "after": assignee.pk})
    return feedback


# ---------------------------------------------------------------------------------------------------- answer

def sender_recipient(feedback):
    """Where the answer goes: the beneficiary's own channel, else the mobile or e-mail the sender left; None for
    an anonymous sender or one who left no way back."""
    if feedback.anonymous:
        return None
    if feedback.beneficiary_id:
        return feedback.beneficiary.as_recipient()
    if feedback.sender_mobile or feedback.sender_email:
        return Recipient(person_type=feedback._meta.label_lower, person_id=feedback.pk,
                         mobile=feedback.sender_mobile, email=feedback.sender_email)
    return None


def answer(feedback, response, *, by):
    """The association's answer: kept on the item (status ANSWERED) and sent to the sender through the outbox in
    the same transaction (sent after commit). An anonymous sender gets nothing; the page says so. Returns
    (feedback, message or None)."""
    response = clean_text(response, what=_("الرد"))
    with transaction.atomic():
        feedback = _locked(feedback)
        _require(may_handle(by, feedback))
        refuse_unless(feedback.status in (Feedback.Status.OPEN, Feedback.Status.IN_PROGRESS,
                                          Feedback.Status.APPEALED),
                      _("رُدّ على هذا البند من قبل."))
        now = timezone.now()
        second_look = feedback.status == Feedback.Status.APPEALED
        feedback.response, feedback.answered_at, feedback.status = response, now, Feedback.Status.ANSWERED
        for name, value in as_actor(by).columns("answered_by").items():
            setattr(feedback, name, value)
        feedback.save(update_fields=["response", "answered_at", "status", "answered_by", "answered_by_kind",
                                     "answered_by_label"])
        event = _event(feedback, FeedbackEvent.Kind.ANSWERED, by, note=response, at=now)
        message = None
        recipient = sender_recipient(feedback)
        if recipient is not None:
            message = outbox.queue(
                ANSWER_MESSAGE.key, to=recipient, event_key=f"feedback-answer:{event.pk}", about=feedback,
                context={"association": _association_name(), "reference": feedback.reference, "response": response},
            )
        record(EventType.FEEDBACK_ANSWERED, actor=by, target=feedback,
               data={"reference": feedback.reference, "second_look": second_look,
                     "message": message.pk if message is not None else None})
    return feedback, message


# ---------------------------------------------------------------------------------------------------- close

def rating_token(feedback):
    return signing.dumps({"f": feedback.pk}, salt=RATING_SALT, compress=True)


def rating_link(feedback):
    return settings.SITE_URL + reverse("feedback:rate", args=[rating_token(feedback)])


def feedback_for_token(token):
    """The item a rating link opens, or None (unknown, tampered, expired)."""
    if not token or len(token) > 200:
        return None
    try:
        data = signing.loads(token, salt=RATING_SALT, max_age=RATING_MAX_AGE)
    except signing.BadSignature:
        return None
    pk = data.get("f") if isinstance(data, dict) else None
    return Feedback.objects.filter(pk=pk).first() if isinstance(pk, int) else None


def close(feedback, *, by, sender_rating=None):
    """Close an answered item. The sender is asked to rate the handling (1–5) by a signed link that also offers a
    second look; a rating the staff member heard (a call) is recorded here instead. Returns (feedback, message)."""
    if sender_rating is not None:
        refuse_unless(isinstance(sender_rating, int) and 1 <= sender_rating <= 5,
                      _("التقييم رقم من ١ إلى ٥."))
    with transaction.atomic():
        feedback = _locked(feedback)
        _require(may_handle(by, feedback))
        refuse_unless(feedback.status == Feedback.Status.ANSWERED,
                      _("يُغلق البند بعد الرد عليه.") if feedback.is_open else _("هذا البند مغلق من قبل."))
        now = timezone.now()
        feedback.status, feedback.closed_at = Feedback.Status.CLOSED, now
        if sender_rating is not None:
            feedback.sender_rating = sender_rating
        for name, value in as_actor(by).columns("closed_by").items():
            setattr(feedback, name, value)
        feedback.save(update_fields=["status", "closed_at", "sender_rating", "closed_by", "closed_by_kind",
                                     "closed_by_label"])
        event = _event(feedback, FeedbackEvent.Kind.CLOSED, by, at=now,
                       note=_("تقييم المرسل: %(n)s من ٥") % {"n": sender_rating} if sender_rating else "")
        message = None
        recipient = sender_recipient(feedback) if feedback.sender_rating is None else None
        if recipient is not None:
            message = outbox.queue(
                RATING_MESSAGE.key, to=recipient, event_key=f"feedback-rating:{event.pk}", about=feedback,
                context={"association": _association_name(), "reference": feedback.reference,
                         "link": rating_link(feedback)},
            )
        record(EventType.FEEDBACK_CLOSED, actor=by, target=feedback,
               data={"reference": feedback.reference, "sender_rating": sender_rating,
                     "rating_asked": message.pk if message is not None else None})
    return feedback, message


# ---------------------------------------------------------------------------------------------------- appeal

def appeal(feedback, reason, *, by):
    """A second look, asked once by the sender (their link, or a staff member who heard it): the item goes back to
    the managers with a new due date, until `answer` closes the loop again."""
    reason = clean_text(reason, what=_("سبب طلب المراجعة"), limit=2000)
    with transaction.atomic():
        feedback = _locked(feedback)
        if _is_staff_user(by):
            _require(may_handle(by, feedback) or may_manage_register(by))
        refuse_unless(feedback.appealed_at is None, _("طُلبت مراجعة هذا البند من قبل؛ المراجعة الثانية مرة واحدة."))
        refuse_unless(feedback.status in (Feedback.Status.ANSWERED, Feedback.Status.CLOSED),
                      _("تُطلب المراجعة بعد الرد على البند."))
        now = timezone.now()
        feedback.status, feedback.appeal_text, feedback.appealed_at = Feedback.Status.APPEALED, reason, now
        feedback.answered_at, feedback.escalated_at = None, None
        feedback.due_on = due_date(timezone.localdate(now), feedback.category)
        feedback.save(update_fields=["status", "appeal_text", "appealed_at", "answered_at", "escalated_at",
                                     "due_on"])
        _event(feedback, FeedbackEvent.Kind.APPEALED, by, note=reason, at=now)
        record(EventType.FEEDBACK_APPEALED, actor=by if _is_staff_user(by) or as_actor(by).kind != "system" else None,
               target=feedback, data={"reference": feedback.reference, "due_on": feedback.due_on.isoformat()})
        _notify_managers(feedback, ESCALATION_MESSAGE.key, f"feedback-appeal:{feedback.pk}")
    return feedback


def rate(feedback, *, rating, appeal_reason=""):
    """The sender's one answer on the rating link: a rating 1–5, and an appeal if they give a reason."""
    refuse_unless(isinstance(rating, int) and 1 <= rating <= 5, _("اختر تقييمًا من ١ إلى ٥."))
    sender = Actor.beneficiary() if feedback.beneficiary_id else Actor.system("feedback-sender")
    with transaction.atomic():
        feedback = _locked(feedback)
        refuse_unless(feedback.sender_rating is None and feedback.status == Feedback.Status.CLOSED,
                      _("وصلنا تقييمك من قبل، شكرًا لك."))
        feedback.sender_rating = rating
        feedback.save(update_fields=["sender_rating"])
        _event(feedback, FeedbackEvent.Kind.NOTE, sender, note=_("تقييم المرسل: %(n)s من ٥") % {"n": rating})
        record(EventType.FEEDBACK_CLOSED, actor=sender if feedback.beneficiary_id else None, target=feedback,
               data={"reference": feedback.reference, "sender_rating": rating, "through": "link"})
        if (appeal_reason or "").strip():
            appeal(feedback, appeal_reason, by=sender)
    feedback.refresh_from_db()
    return feedback


# ---------------------------------------------------------------------------------------------------- note

def add_note(feedback, note, *, by):
    """An internal note on the timeline (never sent to the sender), with its audit row: who wrote how much on which
    item, never the note itself (it may name a staff member or the sender; the timeline keeps it)."""
    note = clean_text(note, what=_("الملاحظة"), limit=2000)
    with transaction.atomic():
        feedback = _locked(feedback)
        _require(may_handle(by, feedback))
        _event(feedback, FeedbackEvent.Kind.NOTE, by, note=note)
        record(EventType.FEEDBACK_NOTED, actor=by, target=feedback,
               data={"reference": feedback.reference, "length": len(note)})
    return feedback


# ---------------------------------------------------------------------------------------------------- escalation

ESCALATION_MESSAGE = MessageKind(
    "feedback_escalated", gettext_lazy("شكوى أو اقتراح ينتظر المدير"), folder=MESSAGES / "feedback_escalated",
    purpose=Purpose.STAFF, audience="staff",
    variables={"reference": gettext_lazy("الرقم المرجعي"), "link": gettext_lazy("رابط البند")},
)
BATCH = 500


def _managers(feedback):
    return [user for user in User.objects.filter(is_active=True, roles=Role.MANAGER).distinct()
            if user.pk != feedback.about_staff_id and user.email]


def _notify_managers(feedback, key, event_key):
    link = settings.SITE_URL + reverse("feedback:register_item", args=[feedback.pk])
    for manager in _managers(feedback):
        outbox.queue(key, to=staff_recipient(manager), event_key=event_key, about=feedback,
                     purpose=Purpose.STAFF, context={"reference": feedback.reference, "link": link})


def escalate_overdue(today=None):
    """The periodic job: each open, unanswered item past its due date and not yet escalated goes to the managers
    once (escalated_at, an ESCALATED event, an audit row, a message to each manager but the one it is about).
    Claimed by a conditional UPDATE, so two workers never escalate twice."""
    if isinstance(today, datetime):  # the periodic sweep passes its `now`
        today = timezone.localdate(today)
    today = today or timezone.localdate()
    candidates = list(Feedback.objects.overdue(today).filter(escalated_at__isnull=True)
                      .order_by("due_on", "id").values_list("pk", flat=True)[:BATCH])
    escalated = 0
    system = Actor.system(JOB)
    for pk in candidates:
        with transaction.atomic():
            now = timezone.now()
            if not Feedback.objects.filter(pk=pk, escalated_at__isnull=True).update(escalated_at=now):
                continue
            feedback = Feedback.objects.get(pk=pk)
            _event(feedback, FeedbackEvent.Kind.ESCALATED, system, at=now)
            record(EventType.FEEDBACK_ESCALATED, actor=system, target=feedback,
                   data={"reference": feedback.reference, "due_on": feedback.due_on.isoformat()})
            _notify_managers(feedback, ESCALATION_MESSAGE.key, f"feedback-escalated:{pk}:{now.date().isoformat()}")
            escalated += 1
    return {"escalated": escalated}


# ---------------------------------------------------------------------------------------------------- figures

def _bounds(start, end):
    tz = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), tz),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz))


def figures(start, end, branch=None):
    """The register's indicators for the days `start`..`end` (inclusive), from the timeline rows:

    * `received`: {kind: count} of RECEIVED events in the period, and `received_total`;
    * `resolved`: CLOSED events in the period (an item closed twice, after an appeal, counts each time);
    * `overdue`: open unanswered items past their due date now;
    * `median_days`: median days from receipt to the closure, over the items closed in the period (None if none).
    """
    low, high = _bounds(start, end)
    events = FeedbackEvent.objects.filter(at__gte=low, at__lt=high)
    items = Feedback.objects.all()
    if branch is not None:
        events = events.filter(feedback__branch=branch)
        items = items.filter(branch=branch)
    received = dict(events.filter(kind=FeedbackEvent.Kind.RECEIVED).values_list("feedback__kind")
                    .annotate(n=Count("id")).values_list("feedback__kind", "n"))
    received = {kind: received.get(kind, 0) for kind in Feedback.Kind.values}
    closures = list(events.filter(kind=FeedbackEvent.Kind.CLOSED).values_list("at", "feedback__received_at"))
    durations = [(closed - came).total_seconds() / 86400 for closed, came in closures]
    return {
        "received": received,
        "received_total": sum(received.values()),
        "resolved": len(closures),
        "overdue": items.overdue().count(),
        "median_days": round(statistics.median(durations), 1) if durations else None,
    }


# ---------------------------------------------------------------------------------------------------- categories

CATEGORY_FIELDS = ("name_ar", "name_en", "response_days", "active")


def save_category(category, *, fields, by):
    """Add (category None) or change a category: its names, response days, active or not — audit 801."""
    refuse_unless(may_manage_register(by), _("تصنيفات الشكاوى للمدير."))
    name = clean_text(fields.get("name_ar", ""), what=_("الاسم بالعربية"), limit=80)
    days = fields.get("response_days")
    refuse_unless(isinstance(days, int) and 1 <= days <= 60, _("مدة الرد من يوم عمل واحد إلى ٦٠ يومًا."))
    with transaction.atomic():
        creating = category is None
        if creating:
            last = FeedbackCategory.objects.order_by("-position").values_list("position", flat=True).first()
            category = FeedbackCategory(position=(last or 0) + 1)
        before = {} if creating else {name_: getattr(category, name_) for name_ in CATEGORY_FIELDS}
        category.name_ar, category.name_en = name, (fields.get("name_en") or "").strip()
        category.response_days, category.active = days, bool(fields.get("active", True))
        category.save()
        record(EventType.SETTINGS_CHANGED, actor=by, target=category,
               data={"setting": "feedback_category", "before": before,
                     "after": {name_: getattr(category, name_) for name_ in CATEGORY_FIELDS}})
    return category


def move_category(category, *, up, by):
    """One place up or down in the list (the order the forms offer them in) — audit 801."""
    refuse_unless(may_manage_register(by), _("تصنيفات الشكاوى للمدير."))
    with transaction.atomic():
        rows = list(FeedbackCategory.objects.select_for_update().order_by("position", "pk"))
        index = next((i for i, row in enumerate(rows) if row.pk == category.pk), None)
        other = None if index is None else index - 1 if up else index + 1
        if other is None or not 0 <= other < len(rows):
            return False
        rows[index], rows[other] = rows[other], rows[index]
        for position, row in enumerate(rows, start=1):
            if row.position != position:
                row.position = position
                row.save(update_fields=["position"])
        record(EventType.SETTINGS_CHANGED, actor=by, target=category,
               data={"setting": "feedback_category_order", "order": [row.pk for row in rows]})
    return True
