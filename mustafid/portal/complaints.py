"""Complaints, suggestions and compliments sent from the portal, and «تتبع شكواي» (docs/portal.md).

* «تواصل معنا» sends an inquiry to the contacts log as before (public.py `send_contact`); a complaint, a suggestion
  or a compliment goes to the association's register instead (`send_feedback`, through `feedback.register.receive`
  on the website channel): a reference number (FB-2026-00012) and a due date in working days. Signed out, the
  sender may stay anonymous (nothing comes back to them then); otherwise the reference goes to them by their
  channel (the beneficiary's own, else the mobile or e-mail they gave) through the outbox, in the same
  transaction. Limited with the contacts, per address, per mobile and per signed-in beneficiary
  (public.py `contact_wait` counts both).
* «تتبع شكواي» (`request_feedback_code`, `try_feedback_code`): the reference and the mobile it was sent from; a
  one-time code to that mobile, with the request tracking's rows, limits and rules (`SignInCode`, purpose `track`:
  hashed, five minutes, single use, three tries, the same answer and the same work for an unknown reference or a
  mobile that is not the item's). The code opens what the sender may read of their own item
  (`sender_view`): its kind, status, dates and the association's answer — never the internal notes, the
  assignee, or whom it is about.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django import forms
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mustafid.association.models import Association, Channel
from mustafid.audit.actors import Actor
from mustafid.audit.context import client_ip
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.feedback import register
from mustafid.feedback.models import Feedback
from mustafid.lib.arabic import to_ascii_digits
from mustafid.lib.forms import SaudiMobileField
from mustafid.notifications import catalogue, outbox, transports
from mustafid.notifications.catalogue import MessageKind
from mustafid.notifications.models import Channel as MessageChannel
from mustafid.notifications.models import Purpose
from mustafid.notifications.outbox import Recipient

from . import actions
from .actions import code_digest, digest, new_code
from .models import CodePurpose, SignInCode
from .public import PUBLIC_FORM, claim_track_code, contact_wait

TRACK = CodePurpose.TRACK
MESSAGES = Path(__file__).resolve().parent / "messages"
RECEIVED_MESSAGE = MessageKind(
    "portal_feedback_received", _("استلام شكوى أو اقتراح من الموقع"), folder=MESSAGES / "portal_feedback_received",
    variables={"association": _("اسم الجمعية"), "reference": _("الرقم المرجعي"), "link": _("رابط المتابعة")},
)
CODE_MESSAGE = MessageKind(
    "portal_feedback_code", _("رمز متابعة شكوى أو اقتراح"), folder=MESSAGES / "portal_feedback_code",
    variables={"association": _("اسم الجمعية"), "code": _("رمز المتابعة")}, purpose=Purpose.CODE,
)

# The kinds of «تواصل معنا» that go to the register (an inquiry stays a contact).
REGISTER_KINDS = (Feedback.Kind.COMPLAINT, Feedback.Kind.SUGGESTION, Feedback.Kind.COMPLIMENT)

# The tracking view lasts this long after the code.
TRACK_MINUTES = 10

_REFERENCE = re.compile(r"FB-?(\d{4})[-/](\d{1,7})")


def _association_name():
    association = Association.objects.current()
    return association.short_name if association else ""


def track_link():
    return settings.SITE_URL + reverse("portal:feedback_track")


# ---------------------------------------------------------------------------------------------------- sending


@dataclass
class SentFeedback:
    feedback: Feedback | None = None
    message: object = None
    wait: int = 0


def send_feedback(*, kind, text, beneficiary=None, by=None, name="", mobile="", email="", anonymous=False,
                  category=None):
    """Put a complaint, suggestion or compliment from the portal in the register; tell the sender its reference.

    Signed in (`beneficiary`, the author `by`: the beneficiary or their guardian through the portal), the item is
    theirs and never anonymous; signed out, recorded by the system, with the name and the way back given, or none
    (`anonymous`). Raises ActionRefused (the register's refusals: hostile text, a stopped category). Returns
    `SentFeedback`: the item and the message with its reference (None when nothing could or should go), or the
    seconds to wait (a limit reached).
    """
    if beneficiary is not None:
        anonymous = False
    if anonymous:
        name, mobile, email = "", "", ""
    wait = contact_wait(mobile=mobile, beneficiary=beneficiary)
    if wait:
        return SentFeedback(wait=wait)
    author = (by or Actor.beneficiary()) if beneficiary is not None else Actor.system(PUBLIC_FORM)
    with transaction.atomic():
        feedback = register.receive(
            kind=kind, text=text, channel=Channel.WEBSITE, by=author, beneficiary=beneficiary, sender_name=name,
            sender_mobile=mobile, sender_email=email, anonymous=anonymous, category=category,
        )
        recipient = register.sender_recipient(feedback)
        message = None
        if recipient is not None:
            message = outbox.queue(
                RECEIVED_MESSAGE.key, to=recipient, event_key=f"portal-feedback:{feedback.pk}", about=None,
                context={"association": _association_name(), "reference": feedback.reference, "link": track_link()},
            )
    return SentFeedback(feedback=feedback, message=message)


def own_feedback(beneficiary):
    """The register's items a signed-in beneficiary sent or that name them as the sender, newest first. The
    sender reads what `sender_view` allows: never the internal notes, the assignee or whom it is about."""
    return list(Feedback.objects.filter(beneficiary_id=beneficiary.pk, anonymous=False)
                .order_by("-received_at", "-pk")[:100])


def sender_view(feedback):
    """What the sender may read of their own item (one dict for the tracking page and «تواصلي مع الجمعية»)."""
    return {
        "reference": feedback.reference,
        "kind": feedback.get_kind_display(),
        "status": feedback.get_status_display(),
        "received_at": feedback.received_at,
        "due_on": feedback.due_on,
        "answered": bool(feedback.answered_at and feedback.response),
        "response": feedback.response if feedback.answered_at else "",
        "answered_at": feedback.answered_at,
        # Only what they themselves wrote through the website (an item logged by the staff keeps the staff's words).
        "text": feedback.text if feedback.channel == Channel.WEBSITE else "",
        "closed": feedback.status == Feedback.Status.CLOSED,
    }


# ---------------------------------------------------------------------------------------------------- tracking


def parse_reference(text):
    """«FB-2026-00012», «fb 2026/12», «FB-٢٠٢٦-١٢» → "FB-2026-00012"; None when it is not a reference."""
    cleaned = re.sub(r"\s", "", to_ascii_digits(text or "")).upper()
    match = _REFERENCE.fullmatch(cleaned)
    if match is None:
        return None
    return f"{register.REFERENCE_PREFIX}-{match.group(1)}-{int(match.group(2)):05d}"


def _mobiles(feedback):
    """The mobiles an item's code may go to: the one the sender gave, and a beneficiary sender's own."""
    if feedback is None or feedback.anonymous:
        return set()
    found = {feedback.sender_mobile}
    if feedback.beneficiary_id and feedback.beneficiary.mobile:
        found.add(feedback.beneficiary.mobile)
    return {mobile for mobile in found if mobile}


@dataclass
class FeedbackAsked:
    challenge: SignInCode | None = None
    feedback_id: int | None = None
    wait: int = 0


def request_feedback_code(reference, mobile):
    """Ask for a code to follow item `reference` from `mobile` (normalised, +966…): a code to that mobile when it
    is the item's. The same row, rendering, limits and answer otherwise; `feedback_id` (for the session, never the
    screen) is None then, and no message leaves."""
    now, ip = timezone.now(), client_ip()
    id_digest = digest("track-feedback", reference)
    mobile_digest = digest("mobile", mobile)
    keys = {"id": id_digest, "mobile": mobile_digest, "address": ip}
    wait = max(actions._failure_wait(keys, now, TRACK), actions._send_wait(keys, now, TRACK))
    if wait:
        return FeedbackAsked(wait=wait)
    feedback = Feedback.objects.select_related("beneficiary").filter(reference=reference).first()
    known = mobile in _mobiles(feedback)
    code, nonce = new_code(), secrets.token_hex(16)
    context = {"association": _association_name(), "code": code}
    with transaction.atomic():
        # No beneficiary on the row: a tracking code can never sign anyone in. The subject binds it to the item.
        challenge = SignInCode.objects.create(
            id_digest=id_digest, mobile_digest=mobile_digest, ip_address=ip, beneficiary=None, nonce=nonce,
            code_digest=code_digest(nonce, code), created_at=now, purpose=TRACK,
            expires_at=now + timedelta(minutes=actions.code_minutes()),
            subject=digest("track-feedback-item", feedback.pk if known else "-"),
        )
        queued = None
        if known and transports.channel_enabled(MessageChannel.SMS):
            to = Recipient(person_type=feedback._meta.label_lower, person_id=feedback.pk, mobile=mobile,
                           preferred_channel=MessageChannel.SMS)
            queued = outbox.queue(CODE_MESSAGE.key, to=to, context=context, channel=MessageChannel.SMS,
                                  event_key=f"portal-feedback-code:{challenge.pk}")
        if queued is None:
            catalogue.render(CODE_MESSAGE, "ar", context)
    return FeedbackAsked(challenge=challenge, feedback_id=feedback.pk if known else None)


@dataclass
class FeedbackAttempt:
    feedback: Feedback | None = None
    wait: int = 0
    reason: str = ""

    @property
    def message(self):
        return actions.problem_message(self.reason)


def try_feedback_code(challenge_id, feedback_id, code):
    """Check `code` for the session's tracking code of an item. The request tracking's rules: a wrong, expired or
    used code is a failure counted for the lockout (per reference, mobile and address); used once."""
    feedback = Feedback.objects.filter(pk=feedback_id).first() if feedback_id else None

    def sent_for(challenge):
        sent = feedback is not None and challenge.subject == digest("track-feedback-item", feedback.pk)
        return feedback if sent else None

    def viewed(feedback):
        # Whoever holds the mobile the item was sent from: an anonymous read.
        record(EventType.FEEDBACK_VIEWED, actor=None, target=feedback,
               data={"reference": feedback.reference, "through": "track"})

    found, reason, wait = claim_track_code(challenge_id, code, find=sent_for, through="track-feedback",
                                           on_claim=viewed)
    return FeedbackAttempt(feedback=found, wait=wait, reason=reason)


class TrackFeedbackForm(forms.Form):
    reference = forms.CharField(
        label=_("الرقم المرجعي"), max_length=30,
        help_text=_("كما في رسالة الاستلام، مثل FB-2026-00012."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    mobile = SaudiMobileField(label=_("رقم الجوال الذي أرسلت منه"), max_length=30,
                              help_text=_("سنرسل إليه رمز المتابعة. مثل 0501234567."))

    def clean_reference(self):
        reference = parse_reference(self.cleaned_data["reference"])
        if reference is None:
            raise forms.ValidationError(_("اكتب الرقم المرجعي كما وصلك، مثل FB-2026-00012."))
        return reference
