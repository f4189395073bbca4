"""What staff see of the messages sent to beneficiaries, and the one thing they may do to one: resend it.

The outbox (`notifications`, at the ground) keeps who a message is for as a model label and a primary
key; this app sits above `beneficiaries`, so it is where a message meets the rule of who may see its
beneficiary (`Beneficiary.objects.visible_to`) and what of them (`disclosure.py`):

* `shows_messages(user)` — relations officers, branch representatives (their own branch's
  beneficiaries only), managers and auditors see the messages in full: text, recipient, reason;
* `may_resend(user)` — the same people but the auditor, who reads only;
* everyone else who may open a beneficiary's timeline (a volunteer, a researcher, a committee member)
  sees that a message was sent, over which channel, and its status: not its text, not the full address.

`resend(message, *, by)` is the action behind «إعادة الإرسال» on the list of failed messages and on the
timeline.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from mustafid.audit.actors import as_actor
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.beneficiaries.disclosure import disclose
from mustafid.beneficiaries.models import Beneficiary
from mustafid.lib.composition import TimelineRow, TimelineSource, beneficiary_timeline
from mustafid.lib.errors import refuse_unless
from mustafid.lib.saudi import format_mobile_local, mask_mobile
from mustafid.notifications import catalogue, transports
from mustafid.notifications.models import Message, MessageStatus, Purpose
from mustafid.notifications.outbox import quiet_until, save_and_wake

BENEFICIARY = Beneficiary._meta.label_lower
# The messages waiting for a person: failed for good, or interrupted mid-send through a provider that
# cannot tell a resend apart («بحاجة إلى مراجعة»).
NEEDS_ATTENTION = (MessageStatus.FAILED, MessageStatus.REVIEW)


def shows_messages(user):
    """Sees messages in full (text, recipient, reason) and the list of failed ones."""
    return user.may_intake or user.reads_everything


def may_resend(user):
    return user.may_intake or user.is_manager


def resend_key(message):
    """The copy's idempotency key: one copy per failed message, however many clicks or workers."""
    return f"resend-of:{message.pk}"


def beneficiary_messages(user):
    """Messages to the beneficiaries `user` may know exist."""
    return Message.objects.filter(
        person_type=BENEFICIARY, person_id__in=Beneficiary.objects.visible_to(user).values("pk")
    )


def needing_attention(user):
    """The failed list: failed or "review" messages to beneficiaries the user may see.

    A WhatsApp message that went out again as SMS is not listed (its SMS is, if that failed too).
    """
    return beneficiary_messages(user).filter(status__in=NEEDS_ATTENTION, fallback__isnull=True)


def access_message(user, pk, *, write=False):
    """403 for roles that see no messages (or only read them, when writing), 404 for a message they may not know."""
    if not shows_messages(user):
        raise PermissionDenied
    message = beneficiary_messages(user).filter(pk=pk).first()
    if message is None:
        raise Http404
    if write and not may_resend(user):
        raise PermissionDenied
    return message


# --- what a reader sees of a message ----------------------------------------------------------------------

def _masked_address(address):
    if "@" in address:
        name, _at, domain = address.partition("@")
        return f"{name[:1]}•••@{domain}"
    return mask_mobile(address) or "•••"


def _full_address(address):
    return address if "@" in address else format_mobile_local(address)


@dataclass(frozen=True)
class ShownMessage:
    """A message as one reader may see it: `text`, `reason` and `subject` are None when they may not."""

    pk: int
    at: object
    channel: str
    status: str
    status_label: str
    kind_label: str | None
    recipient: str
    text: str | None
    reason: str | None
    resendable: bool
    record: Message
    beneficiary: object = None  # a `Disclosure`, on the failed list
    resent_as: Message | None = None

    @property
    def is_failed(self):
        return self.status in NEEDS_ATTENTION


def _kind_label(message):
    try:
        return str(catalogue.get(message.template).label)
    except KeyError:
        return message.template


def show(message, user, *, disclosure=None, resent_as=None):
    full = shows_messages(user) and getattr(user, "sees_sensitive_data", False)
    failed = message.status in NEEDS_ATTENTION
    return ShownMessage(
        pk=message.pk,
        at=message.created_at,
        channel=message.get_channel_display(),
        status=message.status,
        status_label=message.get_status_display(),
        kind_label=_kind_label(message) if full else None,  # «قبول الطلب» would tell a volunteer of a request
        recipient=_full_address(message.recipient) if full else _masked_address(message.recipient),
        # A one-time sign-in code is nobody's to read, not even while it waits to leave (portal sign-in).
        text=message.body if full and message.purpose != Purpose.CODE else None,
        reason=(message.last_error or _("لم يذكر المزود سببًا.")) if full and failed else None,
        resendable=failed and may_resend(user) and resent_as is None and message.purpose != Purpose.CODE,
        record=message,
        beneficiary=disclosure,
        resent_as=resent_as,
    )


def copies_of(messages):
    """{original pk: its resent copy} for these messages, in one query."""
    keys = {resend_key(message): message.pk for message in messages}
    copies = Message.objects.filter(idempotency_key__in=keys) if keys else []
    return {keys[copy.idempotency_key]: copy for copy in copies}


def shown_list(messages, user):
    """The failed list's rows: each message with its beneficiary as the reader may see them."""
    messages = list(messages)
    people = Beneficiary.objects.select_related("region", "branch", "category").in_bulk(
        {message.person_id for message in messages}
    )
    copies = copies_of(messages)
    return [
        show(message, user, disclosure=disclose(people[message.person_id], user) if message.person_id in people else None,
             resent_as=copies.get(message.pk))
        for message in messages
    ]


# --- the action ---------------------------------------------------------------------------------------------

@transaction.atomic
def resend(message, *, by):
    """Queue a new copy of a failed (or "review") message to its beneficiary; returns the copy.

    The copy goes to the beneficiary's address as it is now (a corrected mobile is used), over the same
    channel when they can still be reached on it, with the same text. Its idempotency key is derived
    from the original, so a double click, a resent form or two staff at once make one copy, and one
    audit row (`MESSAGE_RESENT`). A "review" original — interrupted mid-send, perhaps received — is
    cancelled: the person who resends it has decided.
    """
    refuse_unless(may_resend(by), _("لا تملك صلاحية إعادة إرسال الرسائل."))
    message = Message.objects.select_for_update().get(pk=message.pk)
    existing = Message.objects.filter(idempotency_key=resend_key(message)).first()
    if existing is not None:
        return existing
    refuse_unless(message.status in NEEDS_ATTENTION, _("لا يُعاد إرسال إلا رسالة تعذر إرسالها أو تحتاج إلى مراجعة."))
    refuse_unless(message.person_type == BENEFICIARY, _("هذه الرسالة ليست لمستفيد."))
    refuse_unless(message.purpose != Purpose.CODE, _("لا يُعاد إرسال رمز دخول؛ يطلب المستفيد رمزًا جديدًا."))
    beneficiary = Beneficiary.objects.get(pk=message.person_id)
    recipient = beneficiary.as_recipient()
    channel = message.channel
    if not (recipient.address(channel) and transports.channel_enabled(channel)):
        channel = recipient.channel()
    refuse_unless(channel is not None, _("لا توجد لدى المستفيد وسيلة تواصل متاحة (جوال أو بريد إلكتروني)."))
    now = timezone.now()
    copy = Message(
        idempotency_key=resend_key(message), purpose=message.purpose, channel=channel,
        recipient=recipient.address(channel), language=message.language, template=message.template,
        context=message.context, subject=message.subject, body=message.body,
        next_attempt_at=quiet_until(now, message.purpose), created_at=now,
        person_type=message.person_type, person_id=message.person_id,
        about_type=message.about_type, about_id=message.about_id,
        **as_actor(by).columns("queued_by"),
    )
    saved = save_and_wake(copy)
    if saved is not copy:  # written by a concurrent click between our read and our insert
        return saved
    cancelled = bool(
        message.status == MessageStatus.REVIEW
        and Message.objects.filter(pk=message.pk, status=MessageStatus.REVIEW).update(status=MessageStatus.CANCELLED)
    )
    record(EventType.MESSAGE_RESENT, actor=by, target=beneficiary, data={
        "message": message.pk, "copy": copy.pk, "template": message.template, "status": message.status,
        "channel": channel, "original_cancelled": cancelled,
    })
    return copy


# --- the beneficiary's timeline --------------------------------------------------------------------------

def _message_rows(beneficiary, user):
    """Every message to the beneficiary (the page already checked that the reader may see them)."""
    messages = list(Message.objects.filter(person_type=BENEFICIARY, person_id=beneficiary.pk).order_by("-created_at"))
    copies = copies_of([message for message in messages if message.status in NEEDS_ATTENTION])
    return [
        TimelineRow(at=message.created_at, template="interactions/timeline/message.html",
                    item=show(message, user, resent_as=copies.get(message.pk)))
        for message in messages
    ]


def register():
    beneficiary_timeline.register(TimelineSource("messages", 30, _message_rows))
