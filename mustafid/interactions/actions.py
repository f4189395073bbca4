"""Logging a contact over one of the association's channels, and the association's answer to a written one."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mustafid.association.models import Association, current_policy
from mustafid.audit.actors import as_actor
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.lib import composition
from mustafid.lib.errors import ActionRefused, refuse_unless
from mustafid.lib.forms import validate_plain_text
from mustafid.notifications import catalogue, outbox
from mustafid.notifications.outbox import Recipient

from . import messages
from .access import may_answer
from .models import ANSWER_MAX, Interaction


# `log_interaction`'s audit row names `by` unless told otherwise.
_BY = object()


def log_interaction(*, channel, direction, kind, summary, by, outcome="", beneficiary=None,
                    contact_name="", contact_mobile="", occurred_at=None, audit_actor=_BY, audit_data=None):
    """Every contact is recorded with its channel; only the channels the policy enables are accepted.

    `by` records it: a staff user (who logged it), or an `Actor` — the beneficiary (or guardian) who sent it
    from the portal, the system for the public form (portal/public.py). The contact keeps it in its
    `staff`/`staff_kind`/`staff_label` columns (`recorded_by`). The audit row names `by` too, unless
    `audit_actor` says otherwise (None: an anonymous visitor of the public form), with `audit_data` added to
    the row's details. The writers of `lib.composition.contact_writers` run in the same transaction.
    """
    policy = current_policy()
    if policy is None or channel not in policy.channels:
        raise ActionRefused(_("قناة التواصل هذه غير مفعلة في سياسة الجمعية."))
    if not (summary or "").strip():
        raise ActionRefused(_("اكتب موضوع التواصل."))
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ActionRefused(_("وقت التواصل لا يمكن أن يكون في المستقبل."))
    actor = as_actor(by)
    with transaction.atomic():
        interaction = Interaction.objects.create(
            channel=channel, direction=direction, kind=kind, summary=summary.strip(), outcome=(outcome or "").strip(),
            beneficiary=beneficiary, contact_name="" if beneficiary else contact_name.strip(),
            contact_mobile="" if beneficiary else contact_mobile, **actor.columns("staff"),
            branch=beneficiary.branch if beneficiary else getattr(actor.user, "branch", None), occurred_at=occurred_at,
        )
        record(EventType.INTERACTION_LOGGED, actor=by if audit_actor is _BY else audit_actor, target=interaction,
               data={"channel": channel, "kind": kind, "beneficiary": beneficiary.pk if beneficiary else None,
                     **(audit_data or {})})
        # What the higher apps write with a contact (a satisfaction survey after it, `feedback/contacts.py`).
        for writer in composition.contact_writers:
            writer.write(interaction)
    return interaction


def send_message(*, beneficiary, key, values, channel, by):
    """A message from a template to one beneficiary, sent by hand: (message, contact).

    One transaction: the outgoing contact on the policy channel matching the message's channel (an SMS is
    a phone contact), the message queued in the outbox with that contact as its event — so however often
    the request is repeated, one contact sends one message — and the audit row MESSAGE_SENT_BY_HAND.
    `values` are the staff member's cleaned form values; they are worded in the beneficiary's language.
    """
    refuse_unless(key in messages.STAFF_MESSAGES, _("هذه الرسالة لا يرسلها الموظفون."))
    message = messages.STAFF_MESSAGES[key]
    recipient = beneficiary.as_recipient()
    refuse_unless(channel in messages.reachable_channels(recipient),
                  _("لا يمكن الوصول إلى المستفيد بهذه القناة؛ اختر قناة أخرى."))
    language = recipient.language if recipient.language in catalogue.LANGUAGES else "ar"
    context = messages.context_for(message, values, language)
    _subject, text = catalogue.render(message.kind, language, context)
    with transaction.atomic():
        contact = log_interaction(
            channel=messages.CONTACT_CHANNEL[channel], direction=Interaction.Direction.OUTGOING,
            kind=Interaction.Kind.FOLLOW_UP, summary=_("رسالة «%(label)s»") % {"label": message.kind.label},
            outcome=text, by=by, beneficiary=beneficiary,
        )
        queued = outbox.queue(key, to=recipient, context=context, event_key=f"contact:{contact.pk}", by=by,
                              channel=channel)
        refuse_unless(queued is not None, _("تعذر وضع الرسالة في صندوق الإرسال؛ لم يُرسل شيء."))
        record(EventType.MESSAGE_SENT_BY_HAND, actor=by, target=beneficiary, data={
            "template": key, "channel": channel, "message": queued.pk, "contact": contact.pk, "text": text,
        })
    return queued, contact


def _clean_answer(answer):
    """The answer's text, stripped; refused when empty, too long or holding hidden or control characters."""
    text = (answer or "").strip()
    refuse_unless(text, _("اكتب الرد."))
    refuse_unless(len(text) <= ANSWER_MAX, _("الرد أطول من %(max)s حرف؛ اختصره.") % {"max": ANSWER_MAX})
    try:
        validate_plain_text(text)
    except ValidationError as error:
        raise ActionRefused(error.messages[0]) from None
    return text


# The public form keeps an e-mail to answer to as the text's last paragraph («البريد الإلكتروني للرد: …»,
# portal/public.py `send_contact`): a contact has a mobile field only.
REPLY_EMAIL = re.compile(r"\n\n[^\n]*:\s*(\S+@\S+)\s*\Z")


def reply_email(interaction):
    """The e-mail a sender of the public form left to be answered at, or ""."""
    match = REPLY_EMAIL.search(interaction.summary or "")
    if match is None:
        return ""
    try:
        validate_email(match.group(1))
    except ValidationError:
        return ""
    return match.group(1)


def answer_recipient(interaction):
    """Who the answer goes to: the beneficiary (their preferred channel), or the public form's sender by the mobile
    they gave (else the e-mail they left); None when there is no way to reach them (the answer is still kept, and a
    beneficiary reads it in the portal)."""
    if interaction.beneficiary_id:
        return interaction.beneficiary.as_recipient()
    email = "" if interaction.contact_mobile else reply_email(interaction)
    if interaction.contact_mobile or email:
        return Recipient(person_type=interaction._meta.label_lower, person_id=interaction.pk,
                         mobile=interaction.contact_mobile, email=email)
    return None


def answer_interaction(interaction, answer, by):
    """The association's answer to a contact that came in writing (the portal, the public form): `(contact, message)`.

    One transaction: the contact locked (two officers answering at once: the second is refused), the answer kept
    with who and when, the audit row INTERACTION_ANSWERED, and the message to the sender queued in the outbox
    (sent after commit): to a beneficiary, a notice that the answer waits in «خدمات المستفيد» (the portal
    shows it); to a sender of the public form, who has no portal, the answer itself by SMS to the mobile
    they gave, or by e-mail to the address they left. `message` is None when the sender cannot be reached.
    """
    actor = as_actor(by)
    refuse_unless(not actor.is_staff_member or may_answer(actor.user),
                  _("الرد على رسائل المستفيدين لموظفي الاستقبال والمدير."))
    text = _clean_answer(answer)
    with transaction.atomic():
        contact = (Interaction.objects.select_for_update(of=("self",)).select_related("beneficiary")
                   .filter(pk=interaction.pk).first())
        refuse_unless(contact is not None, _("لم يعد هذا التواصل موجودًا."))
        refuse_unless(contact.is_written, _("يُرد هنا على الرسائل المكتوبة الواردة من الموقع فقط."))
        refuse_unless(contact.answered_at is None, _("رُدّ على هذه الرسالة من قبل؛ الرد يُرسل مرة واحدة."))
        contact.answer = text
        contact.answered_at = timezone.now()
        for name, value in actor.columns("answered_by").items():
            setattr(contact, name, value)
        contact.save(update_fields=["answer", "answered_at", "answered_by", "answered_by_kind", "answered_by_label"])
        message = None
        recipient = answer_recipient(contact)
        if recipient is not None:
            association = Association.objects.current()
            context = {"association": association.short_name if association else "", "number": contact.pk}
            key = messages.ANSWER_NOTICE.key if contact.beneficiary_id else messages.ANSWER_TEXT.key
            if not contact.beneficiary_id:
                context["answer"] = text
            message = outbox.queue(key, to=recipient, context=context, event_key=f"contact-answer:{contact.pk}",
                                   by=by, about=contact)
        record(EventType.INTERACTION_ANSWERED, actor=by, target=contact, data={
            "answer": text, "message": message.pk if message is not None else None,
            "beneficiary": contact.beneficiary_id,
        })
    interaction.answer, interaction.answered_at = contact.answer, contact.answered_at
    return contact, message
