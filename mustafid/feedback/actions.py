"""Asking, answering, following up (docs/feedback.md). Every change here is one transaction with its audit row.

* `invite(trigger, beneficiary, about, by)` — in the caller's transaction (the delivery's): the invitation and its
  message, once per `about` (a unique constraint), when a survey is active for the trigger and the association
  wants one after it.
* `answer(invitation, values, wants_contact)` — the one response, under a row lock; a low rating or a request to be
  contacted opens a `FollowUp`.
* `remind_and_expire(now)` — the periodic job: one reminder at most, expired invitations marked.
* `complete_follow_up`, `save_survey`, `save_settings` — the managers' side.
"""

import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mustafid.association.models import Association, current_policy
from mustafid.audit.actors import Actor, as_actor
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.lib.errors import refuse_unless
from mustafid.lib.hijri import format_hijri_or_gregorian
from mustafid.lib.workdays import DEFAULT_HOLIDAYS_TEXT, add_days, as_ranges
from mustafid.notifications import outbox, replies
from mustafid.notifications.catalogue import MessageKind
from mustafid.notifications.models import Channel

from .models import (
    Answer, FollowUp, Question, Survey, SurveyInvitation, SurveyResponse, SurveySettings,
)

MESSAGES = Path(__file__).resolve().parent / "messages"
INVITATION_MESSAGE = MessageKind(
    "survey_invitation", gettext_lazy("دعوة إلى استبيان الرضا"), folder=MESSAGES / "survey_invitation",
    variables={"association": gettext_lazy("اسم الجمعية"), "link": gettext_lazy("رابط الاستبيان"),
               "reply": gettext_lazy("دعوة للرد برقم (حين تصلنا الردود)")},
)
REMINDER_MESSAGE = MessageKind(
    "survey_reminder", gettext_lazy("تذكير باستبيان الرضا"), folder=MESSAGES / "survey_reminder",
    variables={"association": gettext_lazy("اسم الجمعية"), "link": gettext_lazy("رابط الاستبيان"),
               "until": gettext_lazy("آخر موعد للإجابة"),
               "reply": gettext_lazy("دعوة للرد برقم (حين تصلنا الردود)")},
)
# The system's job names, as the audit trail and the invitation keep them.
JOB = "surveys"
TEXT_MAX = 500


# ---------------------------------------------------------------------------------------------------- the link

def token_digest(token):
    """The keyed digest the invitation keeps of its link's token (the token itself is never stored)."""
    return salted_hmac("mustafid.feedback.invitation", str(token), algorithm="sha256").hexdigest()


def new_token():
    return secrets.token_urlsafe(18)


def link(token):
    return settings.SITE_URL + reverse("survey:answer", args=[token])


def invitation_for(token):
    """The invitation a link's token opens (first or reminder link), or None. Expiry is the caller's question."""
    if not token or len(token) > 64:
        return None
    digest = token_digest(token)
    return (SurveyInvitation.objects.select_related("survey").filter(token_digest=digest).first()
            or SurveyInvitation.objects.select_related("survey").filter(reminder_digest=digest).first())


def reply_hint(recipient, channel):
    """«أو رد برقم من ١ إلى ٥…» in the recipient's language when a reply on `channel` reaches us (replies.py), else ""."""
    if channel not in (Channel.SMS, Channel.WHATSAPP) or not replies.accepts(channel):
        return ""
    with translation.override(recipient.language if recipient.language in ("ar", "en") else "ar"):
        return _("أو رد برقم من ١ إلى ٥ (٥ راضٍ جدًا، ١ غير راضٍ أبدًا)")


def _association_name():
    association = Association.objects.current()
    return association.short_name if association else ""


# ---------------------------------------------------------------------------------------------------- invite

def invite(trigger, beneficiary, about, *, by):
    """Ask `beneficiary` about `about` (a delivery, a contact, a decision) with the active survey of `trigger`.

    Runs in the caller's transaction, so the invitation and its message stand or fall with the step. Returns the
    invitation (the existing one when `about` was already asked about), or None when no survey is active for
    the trigger, the association does not want one after it, or the beneficiary cannot be reached.
    """
    survey = Survey.objects.active_for(trigger)
    if survey is None or beneficiary is None or not SurveySettings.current().wants(trigger):
        return None
    about_type, about_id = about._meta.label_lower, about.pk
    existing = SurveyInvitation.objects.filter(about_type=about_type, about_id=about_id).first()
    if existing is not None:
        return existing
    recipient = beneficiary.as_recipient()
    channel = recipient.channel()
    if channel is None:
        return None
    now, token = timezone.now(), new_token()
    invitation = SurveyInvitation(
        survey=survey, beneficiary=beneficiary, about_type=about_type, about_id=about_id,
        token_digest=token_digest(token), created_at=now,
        expires_at=now + timedelta(days=SurveySettings.current().expiry_days), **as_actor(by).columns("invited_by"),
    )
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        return SurveyInvitation.objects.get(about_type=about_type, about_id=about_id)
    message = outbox.queue(
        INVITATION_MESSAGE.key, to=recipient,
        context={"association": _association_name(), "link": link(token), "reply": reply_hint(recipient, channel)},
        event_key=f"survey-invitation:{invitation.pk}", about=invitation, by=Actor.system(JOB),
    )
    if message is not None:
        invitation.sent_at = now
        invitation.save(update_fields=["sent_at"])
    return invitation


# ---------------------------------------------------------------------------------------------------- answer

class Answered(Exception):
    """The invitation already has its response (a second submit, a double click, two tabs)."""


class Expired(Exception):
    """The link's time is over."""


def _follow_up_due(today):
    policy = current_policy()
    holidays = policy.holidays if policy is not None else DEFAULT_HOLIDAYS_TEXT
    return add_days(today, SurveySettings.current().follow_up_days, working=True, ranges=as_ranges(holidays))


def answer(invitation, *, values, wants_contact=False):
    """Record the beneficiary's one response to `invitation`: `values` maps each question to its number or text.

    Raises `Answered` when a response exists (nothing is written), `Expired` when the link's time is over. The
    audit row names the beneficiary through the portal, no staff member. A satisfaction rating at or below the
    association's threshold, or a request to be contacted, opens a follow-up task for the managers.
    """
    with transaction.atomic():
        invitation = SurveyInvitation.objects.select_for_update().select_related("survey").get(pk=invitation.pk)
        if invitation.answered_at is not None:
            raise Answered
        now = timezone.now()
        if invitation.is_expired(now):
            raise Expired
        survey = invitation.survey
        questions = list(survey.questions.asked())
        response = SurveyResponse(invitation=invitation, survey=survey, answered_at=now,
                                  wants_contact=bool(wants_contact))
        answers = []
        for question in questions:
            value = values.get(question.pk)
            if value is None or value == "":
                continue
            if question.kind == Question.Kind.TEXT:
                answers.append(Answer(question=question, text=str(value)[:TEXT_MAX]))
            else:
                answers.append(Answer(question=question, number=int(value)))
                if question.role == Question.Role.SATISFACTION:
                    response.satisfaction = int(value)
                elif question.role == Question.Role.RECOMMENDATION:
                    response.recommendation = int(value)
        try:
            with transaction.atomic():
                response.save()
        except IntegrityError:
            raise Answered from None
        for item in answers:
            item.response = response
        Answer.objects.bulk_create(answers)
        invitation.answered_at = now
        invitation.save(update_fields=["answered_at"])
        # That the invitation was answered, not what: the audit trail is read by people, and the answers are shown
        # only in aggregate (results.py).
        record(EventType.SURVEY_ANSWERED, actor=Actor.beneficiary(), target=invitation, data={"survey": survey.pk})
        _open_follow_up(invitation, response)
    return response


def _open_follow_up(invitation, response):
    low = response.satisfaction is not None and response.satisfaction <= SurveySettings.current().follow_up_rating
    if not (low or response.wants_contact):
        return None
    reason = (FollowUp.Reason.BOTH if low and response.wants_contact
              else FollowUp.Reason.LOW_RATING if low else FollowUp.Reason.WANTS_CONTACT)
    follow_up = FollowUp.objects.create(invitation=invitation, response=response, reason=reason,
                                        due_on=_follow_up_due(timezone.localdate()))
    record(EventType.FOLLOW_UP_OPENED, actor=Actor.system(JOB), target=follow_up,
           data={"reason": reason, "due_on": follow_up.due_on.isoformat(), "invitation": invitation.pk})
    return follow_up


# ---------------------------------------------------------------------------------------------------- reminders

BATCH = 500


def remind_and_expire(now=None):
    """The periodic job: mark expired invitations, then remind each unanswered one once, `reminder_days` after it.

    The reminder carries a new link (the first one's token is not kept, so it cannot be sent again); both links
    open the survey until it expires. Claimed by a conditional UPDATE, so two workers never remind twice.
    """
    now = now or timezone.now()
    expired = SurveyInvitation.objects.filter(answered_at__isnull=True, expired_at__isnull=True,
                                              expires_at__lte=now).update(expired_at=now)
    survey_settings = SurveySettings.current()
    reminded = 0
    if survey_settings.reminder_days:
        before = now - timedelta(days=survey_settings.reminder_days)
        candidates = list(
            SurveyInvitation.objects.filter(answered_at__isnull=True, reminded_at__isnull=True,
                                            expired_at__isnull=True, created_at__lte=before, expires_at__gt=now)
            .order_by("created_at").values_list("pk", flat=True)[:BATCH]
        )
        for pk in candidates:
            reminded += _remind(pk, now)
    return {"expired": expired, "reminded": reminded}


def _remind(pk, now):
    token = new_token()
    with transaction.atomic():
        claimed = SurveyInvitation.objects.filter(pk=pk, answered_at__isnull=True, reminded_at__isnull=True).update(
            reminded_at=now, reminder_digest=token_digest(token))
        if not claimed:
            return 0
        invitation = SurveyInvitation.objects.select_related("beneficiary").get(pk=pk)
        recipient = invitation.beneficiary.as_recipient()
        with translation.override(recipient.language if recipient.language in ("ar", "en") else "ar"):
            until = format_hijri_or_gregorian(timezone.localdate(invitation.expires_at), recipient.language)
        message = outbox.queue(
            REMINDER_MESSAGE.key, to=recipient,
            context={"association": _association_name(), "link": link(token), "until": until,
                     "reply": reply_hint(recipient, recipient.channel())},
            event_key=f"survey-reminder:{invitation.pk}", about=invitation, by=Actor.system(JOB),
        )
    return 1 if message is not None else 0


# ---------------------------------------------------------------------------------------------------- managers

def may_manage_surveys(user):
    return bool(getattr(user, "is_manager", False))


def complete_follow_up(follow_up, *, note, by):
    """A manager closes a follow-up task with what was done (the note)."""
    refuse_unless(may_manage_surveys(by), _("إنهاء مهام المتابعة للمدير."))
    note = (note or "").strip()
    refuse_unless(note, _("اكتب ما تم في المتابعة."))
    with transaction.atomic():
        follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        refuse_unless(not follow_up.is_done, _("أُنجزت هذه المهمة من قبل."))
        follow_up.done_at, follow_up.done_by, follow_up.note = timezone.now(), by, note
        follow_up.save(update_fields=["done_at", "done_by", "note"])
        record(EventType.FOLLOW_UP_DONE, actor=by, target=follow_up,
               data={"reason": follow_up.reason, "late": timezone.localdate() > follow_up.due_on})
    return follow_up


def save_survey(survey, *, fields, questions, by):
    """Create or change a survey and replace its questions (a list of dicts in order) — audit 701.

    Questions already answered are kept (the answers point at them): one removed from the form is retired (no
    longer asked), never deleted once answered.
    """
    refuse_unless(may_manage_surveys(by), _("تعديل الاستبيانات للمدير."))
    refuse_unless(questions, _("أضف سؤالًا واحدًا على الأقل."))
    roles = [q["role"] for q in questions if q.get("role")]
    refuse_unless(len(roles) == len(set(roles)), _("سؤال رضا واحد وسؤال توصية واحد على الأكثر."))
    with transaction.atomic():
        creating = survey is None or survey.pk is None
        survey = survey or Survey()
        before = {} if creating else {"name": survey.name, "active": survey.active, "trigger": survey.trigger}
        for name, value in fields.items():
            setattr(survey, name, value)
        survey.updated_at = timezone.now()
        if survey.active:
            # The one active survey of its trigger: another one active before is switched off.
            Survey.objects.filter(trigger=survey.trigger, active=True).exclude(pk=survey.pk).update(active=False)
        survey.save()
        kept = []
        for position, data in enumerate(questions, start=1):
            question = data.get("instance") or Question(survey=survey)
            for name in ("kind", "text_ar", "text_en", "required", "choices", "role"):
                setattr(question, name, data.get(name, getattr(question, name)))
            question.position = position
            kept.append(question)
        # Roles first cleared, so swapping the satisfaction mark between two questions never trips the constraint.
        survey.questions.exclude(role="").update(role="")
        removed = survey.questions.exclude(pk__in=[q.pk for q in kept if q.pk])
        removed.filter(answers__isnull=True).delete()
        # A removed question that was answered stays for the results; it is no longer asked.
        removed.update(retired=True, role="", required=False)
        for question in kept:
            question.survey = survey
            question.retired = False
            question.save()
        record(EventType.SURVEY_CHANGED, actor=by, target=survey,
               data={"before": before, "after": {"name": survey.name, "active": survey.active,
                                                 "trigger": survey.trigger},
                     "questions": [f"{q.kind}:{q.text_ar}" for q in kept]})
    return survey


def save_settings(*, fields, by):
    refuse_unless(may_manage_surveys(by), _("إعدادات الاستبيانات للمدير."))
    with transaction.atomic():
        row = SurveySettings.current()
        before = {name: getattr(row, name) for name in fields}
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()
        record(EventType.SURVEY_CHANGED, actor=by, target=row, data={"before": before, "after": fields})
    return row


def default_questions():
    """The default survey: satisfaction (faces), recommendation (0–10), on time (yes/no), an optional comment."""
    return [
        {"kind": Question.Kind.RATING, "role": Question.Role.SATISFACTION, "required": True,
         "text_ar": "ما مدى رضاك عن الخدمة المقدمة لك؟", "text_en": "How satisfied are you with the service you received?"},
        {"kind": Question.Kind.NPS, "role": Question.Role.RECOMMENDATION, "required": False,
         "text_ar": "ما مدى احتمال أن توصي بالجمعية لغيرك؟",
         "text_en": "How likely are you to recommend the association to others?"},
        {"kind": Question.Kind.YES_NO, "role": "", "required": False,
         "text_ar": "هل تمت خدمتك في الوقت المناسب؟", "text_en": "Were you served in good time?"},
        {"kind": Question.Kind.TEXT, "role": "", "required": False,
         "text_ar": "هل لديك ملاحظة أو اقتراح؟", "text_en": "Any comment or suggestion?"},
    ]
