"""Logging a contact over one of the association's channels."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mustafid.association.models import current_policy
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.lib.errors import ActionRefused, refuse_unless
from mustafid.notifications import catalogue, outbox

from . import messages
from .models import Interaction


# `log_interaction`'s audit row names `by` unless told otherwise.
_BY = object()


def log_interaction(*, channel, direction, kind, summary, by, outcome="", beneficiary=None,
                    contact_name="", contact_mobile="", occurred_at=None, audit_actor=_BY, audit_data=None):
    """Every contact is recorded with its channel; only the channels the policy enables are accepted.

    A contact that arrives through the portal (portal/public.py) has the portal's own user as `by` and names
    its real author in the audit trail: `audit_actor` (the beneficiary's `Actor`, or None for an anonymous
    visitor), with `audit_data` added to the row's details.
    """
    policy = current_policy()
    if policy is None or channel not in policy.channels:
        raise ActionRefused(_("قناة التواصل هذه غير مفعلة في سياسة الجمعية."))
    if not (summary or "").strip():
        raise ActionRefused(_("اكتب موضوع التواصل."))
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ActionRefused(_("وقت التواصل لا يمكن أن يكون في المستقبل."))
    with transaction.atomic():
        interaction = Interaction.objects.create(
            channel=channel, direction=direction, kind=kind, summary=summary.strip(), outcome=(outcome or "").strip(),
            beneficiary=beneficiary, contact_name="" if beneficiary else contact_name.strip(),
            contact_mobile="" if beneficiary else contact_mobile, staff=by,
            branch=beneficiary.branch if beneficiary else by.branch, occurred_at=occurred_at,
        )
        record(EventType.INTERACTION_LOGGED, actor=by if audit_actor is _BY else audit_actor, target=interaction,
               data={"channel": channel, "kind": kind, "beneficiary": beneficiary.pk if beneficiary else None,
                     **(audit_data or {})})
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
