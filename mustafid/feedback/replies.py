"""Answering a survey by replying to its SMS or WhatsApp with a digit (docs/feedback.md «الرد برقم»).

The provider hands the reply to `notifications.replies` (the webhooks), which offers it here. A reply answers when:

* its text is one digit from 1 to 5 — ASCII, Arabic-Indic (١–٥) or Persian — with spaces and direction marks
  around it ignored;
* the mobile it came from is the one an invitation still open (not answered, not expired) was sent to — by the
  invitation's own messages (the first or the reminder, by SMS or WhatsApp); the latest such invitation is the one
  answered;
* the invitation's survey has a satisfaction question (a 1–5 rating).

Then the digit is that question's answer, recorded by the same `actions.answer` as the page (one response per
invitation, the follow-up of a low rating), the other questions left unanswered, with the audit row «رد على
استبيان برسالة نصية» (712) beside the answer's own. Anything else (another text, no open invitation, an answer
already given) is ignored, and the provider is answered the same 200.
"""

import re

from django.db.models import Exists, OuterRef

from mustafid.audit.actors import Actor
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.lib.arabic import to_ascii_digits
from mustafid.notifications import replies
from mustafid.notifications.models import Channel, Message

from . import actions
from .models import Question, SurveyInvitation

DIGIT = re.compile(r"[1-5]")
# Marks a phone may put around a short text typed right to left.
INVISIBLE = "\u200e\u200f\u061c\u200b\u2066\u2067\u2068\u2069\ufeff"


def rating_of(text):
    """The rating 1–5 a reply's text is, or None."""
    if not isinstance(text, str) or len(text) > 20:
        return None
    text = to_ascii_digits(text.strip().strip(INVISIBLE).strip())
    return int(text) if DIGIT.fullmatch(text) else None


def open_invitation_to(mobile):
    """The latest open invitation whose messages were sent to `mobile` (by SMS or WhatsApp), or None.

    Read from the open invitations (a few weeks' worth at most), each checked against its beneficiary's messages
    through the outbox's index on the person.
    """
    sent = Message.objects.filter(
        person_type="beneficiaries.beneficiary", person_id=OuterRef("beneficiary_id"),
        about_type=SurveyInvitation._meta.label_lower, about_id=OuterRef("pk"),
        channel__in=(Channel.SMS, Channel.WHATSAPP), recipient=mobile,
    )
    return (SurveyInvitation.objects.open().filter(expired_at__isnull=True).filter(Exists(sent))
            .select_related("survey").order_by("-created_at", "-pk").first())


def answer_by_reply(reply):
    """The handler `notifications.replies` offers each reply to: True when it answered a survey."""
    rating = rating_of(reply.text)
    if rating is None:
        return False
    invitation = open_invitation_to(reply.mobile)
    if invitation is None:
        return False
    question = invitation.survey.questions.asked().filter(role=Question.Role.SATISFACTION,
                                                          kind=Question.Kind.RATING).first()
    if question is None:
        return False
    try:
        actions.answer(invitation, values={question.pk: rating})
    except (actions.Answered, actions.Expired):
        return False
    record(EventType.SURVEY_REPLY_RECEIVED, actor=Actor.beneficiary(), target=invitation,
           data={"survey": invitation.survey_id, "channel": reply.channel})
    return True


def register():
    replies.register("survey_answer", answer_by_reply)


def offered_on(channel):
    """Whether an invitation sent on `channel` may be answered by a reply (the provider delivers them to us)."""
    return channel in (Channel.SMS, Channel.WHATSAPP) and replies.accepts(channel)
