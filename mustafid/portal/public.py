"""What the portal offers without signing in, and the contacts of a signed-in beneficiary (docs/portal.md).

* «تواصل معنا» (`send_contact`): an inquiry, recorded by the contacts' own action
  (`interactions.actions.log_interaction`) as an incoming contact on the website channel, which the officers see
  in their contacts list. It is recorded by its author: the beneficiary through the portal (signed in), or the
  system for the public form (`PUBLIC_FORM`; the audit trail names an anonymous visitor), never a staff user; an
  officer answers it from the contact's page (`interactions.actions.answer_interaction`). Limited per client
  address, per mobile and per signed-in beneficiary, counted from the rows the contacts already write (no table
  of its own). The sender gets the contact's number on screen, and by SMS when they gave a mobile. A complaint,
  a suggestion or a compliment sent with the same form goes to the association's register instead
  (complaints.py `send_feedback`), within the same limits.
* «تتبع طلبي» (`request_track_code`, `try_track_code`): a request's number and a one-time code sent to the
  mobile on that request — the sign-in's code machinery and its rows (`SignInCode`, `SignInFailure`, purpose
  `track`: hashed, five minutes, single use, three tries, the sign-in's limits per number, mobile and address
  counted for tracking on their own, the same answer for an unknown number). A tracking row never names a
  beneficiary, so it can never sign anyone in (`actions.try_code` wants one); the request it is for stays in the
  server-side session. The code opens one request's status and
  due date for a few minutes, nothing more (`TRACK_MINUTES`).
* «تواصلي مع الجمعية» (`own_contacts`) and «الخدمات المقدمة» (`own_deliveries`): what a signed-in beneficiary
  may read of their contacts and the services delivered to them.
"""

import math
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django import forms
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from mustafid.association.models import Association, Channel
from mustafid.audit.actors import Actor
from mustafid.audit.context import client_ip
from mustafid.audit.log import record
from mustafid.audit.models import AuditEvent, EventType
from mustafid.beneficiaries.models import REFERENCE
from mustafid.cases.models import Case
from mustafid.feedback.models import Feedback, FeedbackCategory
from mustafid.interactions.actions import log_interaction
from mustafid.interactions.models import SENDER_KINDS, Interaction
from mustafid.lib.arabic import to_ascii_digits
from mustafid.lib.forms import SaudiMobileField
from mustafid.notifications import catalogue, outbox, transports
from mustafid.notifications.catalogue import MessageKind
from mustafid.notifications.models import Channel as MessageChannel
from mustafid.notifications.models import Message, Purpose
from mustafid.notifications.outbox import Recipient
from mustafid.services.models import ServiceDelivery

from . import actions
from .actions import Limit, code_digest, digest, new_code
from .models import CodePurpose, SignInCode, SignInFailure

TRACK = CodePurpose.TRACK

MESSAGES = Path(__file__).resolve().parent / "messages"
TRACK_CODE_MESSAGE = MessageKind(
    "portal_track_code", _("رمز متابعة الطلب"), folder=MESSAGES / "portal_track_code",
    variables={"association": _("اسم الجمعية"), "code": _("رمز المتابعة")}, purpose=Purpose.CODE,
)
CONTACT_RECEIVED_MESSAGE = MessageKind(
    "portal_contact_received", _("استلام رسالة من الموقع"), folder=MESSAGES / "portal_contact_received",
    variables={"association": _("اسم الجمعية"), "number": _("رقم المراجعة"), "kind": _("نوع الرسالة")},
)

# The kinds a visitor may send: an inquiry (a contact, below), or a complaint, a suggestion or a compliment (the
# association's register: complaints.py).
KINDS = [
    (Interaction.Kind.INQUIRY, _("استفسار")),
    (Feedback.Kind.COMPLAINT, _("شكوى")),
    (Feedback.Kind.SUGGESTION, _("اقتراح")),
    (Feedback.Kind.COMPLIMENT, _("شكر")),
]
TEXT_MAX = 2000

# At most `count` contacts in any `minutes`, per client address, per mobile given, per signed-in beneficiary.
# An address is often shared (a mobile carrier's NAT), so its limit is the loosest.
CONTACT_LIMITS = {"address": Limit(10, 60), "mobile": Limit(3, 60), "beneficiary": Limit(5, 60)}

# The tracking view lasts this long after the code, then the number and a new code are asked again.
TRACK_MINUTES = 10

# The system's job name on a contact sent with the public form (no one signed in): «النظام».
PUBLIC_FORM = "public_form"


def _association_name():
    association = Association.objects.current()
    return association.short_name if association else ""


# ---------------------------------------------------------------------------------------------------- contacts


def _wait(sources, limit, now):
    """Seconds until the rows of `sources` ((queryset, time field) pairs, counted together) of the last
    `limit.minutes` allow one more (0: allowed now)."""
    window = timedelta(minutes=limit.minutes)
    times = []
    for queryset, when in sources:
        times += queryset.filter(**{f"{when}__gte": now - window}).order_by(f"-{when}").values_list(
            when, flat=True)[:limit.count]
    times = sorted(times, reverse=True)[:limit.count]
    if len(times) < limit.count:
        return 0
    return max(math.ceil((times[-1] + window - now).total_seconds()), 1)


def contact_wait(*, mobile="", beneficiary=None, now=None):
    """Seconds to wait before one more contact or register item from this address (and mobile, or beneficiary);
    0: send now. Inquiries (contacts) and complaints, suggestions and compliments (the register) count together."""
    now, ip = now or timezone.now(), client_ip()
    website = Interaction.objects.filter(channel=Channel.WEBSITE, staff_kind__in=SENDER_KINDS)
    items = Feedback.objects.filter(channel=Channel.WEBSITE)
    waits = []
    if ip:
        # The audit rows of the contacts sent through the portal from this address (anonymous or a beneficiary),
        # and of the register's items received on the website channel from it.
        sent_here = AuditEvent.objects.filter(event_type=EventType.INTERACTION_LOGGED, ip_address=ip,
                                              data__through="portal")
        received_here = AuditEvent.objects.filter(event_type=EventType.FEEDBACK_RECEIVED, ip_address=ip,
                                                  data__channel=Channel.WEBSITE)
        waits.append(_wait([(sent_here, "at"), (received_here, "at")], CONTACT_LIMITS["address"], now))
    if mobile:
        waits.append(_wait([(website.filter(contact_mobile=mobile), "occurred_at"),
                            (items.filter(sender_mobile=mobile), "received_at")], CONTACT_LIMITS["mobile"], now))
    if beneficiary is not None:
        waits.append(_wait([(website.filter(beneficiary=beneficiary), "occurred_at"),
                            (items.filter(beneficiary=beneficiary), "received_at")],
                           CONTACT_LIMITS["beneficiary"], now))
    return max(waits, default=0)


@dataclass
class Sent:
    contact: Interaction | None = None
    wait: int = 0


def send_contact(*, kind, text, beneficiary=None, name="", mobile="", email="", by=None):
    """Record an inquiry from the portal as an incoming contact on the website channel (a complaint, a suggestion
    or a compliment goes to the register: complaints.py `send_feedback`).

    `beneficiary` when signed in (the author `by`, the session's: the beneficiary through the portal, or the
    guardian acting for them; the beneficiary when not given); otherwise an anonymous
    visitor's `name` and `mobile` or `email` to answer to (the contact is recorded by the system then). Raises
    ActionRefused when the website channel is off in the policy. Returns `Sent`: the contact, or the seconds to
    wait (a limit reached).
    """
    wait = contact_wait(mobile=mobile, beneficiary=beneficiary)
    if wait:
        return Sent(wait=wait)
    summary = text.strip()
    if beneficiary is None and email:
        # A contact keeps a mobile, not an e-mail: the address to answer to is kept with the text.
        summary += "\n\n" + str(_("البريد الإلكتروني للرد: %(email)s") % {"email": email})
    author = (by or Actor.beneficiary()) if beneficiary is not None else None
    with transaction.atomic():
        contact = log_interaction(
            channel=Channel.WEBSITE, direction=Interaction.Direction.INCOMING, kind=kind, summary=summary,
            by=author or Actor.system(PUBLIC_FORM), beneficiary=beneficiary, contact_name=name,
            contact_mobile=mobile, audit_actor=author, audit_data={"through": "portal"},
        )
        recipient = (beneficiary.as_recipient() if beneficiary is not None and beneficiary.mobile else
                     Recipient(person_type=contact._meta.label_lower, person_id=contact.pk, mobile=mobile)
                     if mobile else None)
        if recipient is not None:
            language = recipient.language if recipient.language in catalogue.LANGUAGES else "ar"
            kind_words = dict(KINDS).get(kind, "")
            with translation.override(language):
                kind_words = str(kind_words)
            outbox.queue(CONTACT_RECEIVED_MESSAGE.key, to=recipient, event_key=f"portal-contact:{contact.pk}",
                         context={"association": _association_name(), "number": contact.pk, "kind": kind_words})
    return Sent(contact=contact)


def own_contacts(beneficiary):
    """The contacts a beneficiary may read of their own, newest first: (contact, shows_summary) pairs.

    Conservative: only contacts with this beneficiary. What they wrote through the portal shows its text, and
    the association's answer to it when there is one (the template reads `contact.answer`);
    a message the association sent them shows its title («رسالة «…»»); any other contact (a call, a visit
    logged by the staff) shows only its channel, date, kind and direction, never the staff's words. A
    complaint logged by the staff (it may be about a staff member, handled in confidence) is not shown at all.
    """
    contacts = (Interaction.objects.filter(beneficiary=beneficiary)
                .exclude(Q(kind=Interaction.Kind.COMPLAINT) & ~Q(staff_kind__in=SENDER_KINDS))
                .order_by("-occurred_at", "-pk")[:100])
    contacts = list(contacts)
    # The contacts that are a message sent from a template (interactions.actions.send_message: the outbox's
    # message has the contact as its event): their summary is the message's title, not a staff member's words.
    person = f"{beneficiary._meta.label_lower}:{beneficiary.pk}"
    keys = {f"contact:{c.pk}/{person}": c.pk for c in contacts if c.direction == Interaction.Direction.OUTGOING}
    messages = set(Message.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
    shown = []
    for contact in contacts:
        theirs = contact.is_written
        sent_message = f"contact:{contact.pk}/{person}" in messages
        shown.append((contact, theirs or sent_message))
    return shown


def own_deliveries(beneficiary):
    """The services delivered on the beneficiary's own requests: the service, the date, the amount or quantity."""
    return (ServiceDelivery.objects.filter(case__beneficiary_id=beneficiary.pk).select_related("service", "case")
            .order_by("-delivered_on", "-pk")[:200])


# ---------------------------------------------------------------------------------------------------- tracking


def parse_reference(text):
    """«R-2026-00042», «2026-42», «٢٠٢٦/٤٢» → (2026, 42); None when it is not a request number."""
    cleaned = re.sub(r"\s", "", to_ascii_digits(text or ""))
    match = REFERENCE.fullmatch(cleaned)
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2))


@dataclass
class TrackAsked:
    challenge: SignInCode | None = None
    case_id: int | None = None
    wait: int = 0


def request_track_code(year, serial):
    """Ask for a code to follow request (`year`, `serial`): a code to the mobile on that request.

    The same row, rendering, limits and answer whether or not the request exists; `case_id` (for the session,
    never the screen) is None when it does not, and no message leaves then.
    """
    now, ip = timezone.now(), client_ip()
    id_digest = digest("track-request", f"{year}-{serial}")
    keys = {"id": id_digest, "address": ip}
    wait = max(actions._failure_wait(keys, now, TRACK), actions._send_wait(keys, now, TRACK))
    if wait:
        return TrackAsked(wait=wait)
    case = (Case.objects.select_related("beneficiary").filter(pk=serial, received_at__year=year).first()
            if serial < 2**31 else None)
    beneficiary = case.beneficiary if case is not None else None
    known = beneficiary is not None and bool(beneficiary.mobile)
    mobile_digest = digest("mobile", beneficiary.mobile) if known else ""
    mobile_free = known and not (actions._failure_wait({"mobile": mobile_digest}, now, TRACK)
                                 or actions._send_wait({"mobile": mobile_digest}, now, TRACK))
    code, nonce = new_code(), secrets.token_hex(16)
    context = {"association": _association_name(), "code": code}
    with transaction.atomic():
        # No beneficiary on the row: a tracking code can never sign anyone in.
        challenge = SignInCode.objects.create(
            id_digest=id_digest, mobile_digest=mobile_digest, ip_address=ip, beneficiary=None, nonce=nonce,
            code_digest=code_digest(nonce, code), created_at=now,
            expires_at=now + timedelta(minutes=actions.code_minutes()), purpose=TRACK,
        )
        queued = None
        if mobile_free:
            # By SMS only: the code goes to the mobile on the request, never to an e-mail.
            if transports.channel_enabled(MessageChannel.SMS):
                queued = outbox.queue(TRACK_CODE_MESSAGE.key, to=beneficiary.as_recipient(), context=context,
                                      event_key=f"portal-track-code:{challenge.pk}", channel=MessageChannel.SMS)
        if queued is None:
            catalogue.render(TRACK_CODE_MESSAGE, "ar", context)
    return TrackAsked(challenge=challenge, case_id=case.pk if known else None)


@dataclass
class TrackAttempt:
    case: Case | None = None
    wait: int = 0
    reason: str = ""

    @property
    def message(self):
        return actions.Attempt(reason=self.reason).message


def claim_track_code(challenge_id, code, *, find, through, on_claim, failure_target=None):
    """The rules of every code sent to someone who is not signed in («تتبع طلبي», «تتبع شكواي»): a wrong, expired
    or used code is a failure counted for the lockout (per number, mobile and address), and the code is used
    once (a conditional UPDATE). `find(challenge)`: the record the code was asked for, or None when it is not
    the one the code was sent for. `on_claim(record)` writes the read's audit row in the claim's transaction;
    failures are audited about `failure_target` with `through`. Returns (record, reason, seconds to wait)."""
    now, ip = timezone.now(), client_ip()
    challenge = SignInCode.objects.filter(pk=challenge_id, beneficiary__isnull=True, purpose=TRACK).first()
    if challenge is None:
        return None, "gone", 0
    keys = {"id": challenge.id_digest, "mobile": challenge.mobile_digest, "address": ip}
    wait = actions._failure_wait(keys, now, TRACK)
    if wait:
        return None, "", wait
    reason = actions.code_problem(challenge, code, now)
    found = find(challenge)
    if not reason and found is None:
        reason = "wrong"
    with transaction.atomic():
        if not reason:
            claimed = SignInCode.objects.filter(
                pk=challenge.pk, used_at__isnull=True, tries__lt=actions.TRIES_PER_CODE, expires_at__gt=now
            ).update(used_at=now)
            if claimed:
                on_claim(found)
                return found, "", 0
            reason = "used"
        SignInCode.objects.filter(pk=challenge.pk).update(tries=F("tries") + 1)
        SignInFailure.objects.create(id_digest=challenge.id_digest, mobile_digest=challenge.mobile_digest,
                                     ip_address=ip, at=now, purpose=TRACK)
        record(EventType.PORTAL_SIGN_IN_FAILED, actor=None, target=failure_target,
               data={"reason": reason, "through": through})
        wait = actions._failure_wait(keys, now, TRACK)
        if wait:
            record(EventType.PORTAL_LOCKED_OUT, actor=None, target=failure_target,
                   data={"minutes": math.ceil(wait / 60), "through": through})
    return None, reason, wait


def try_track_code(challenge_id, case_id, code):
    """Check `code` for the session's tracking code. Returns a `TrackAttempt`: the request to show, or why not
    (`claim_track_code`'s rules)."""
    case = Case.objects.filter(pk=case_id).first() if case_id else None

    def viewed(case):
        # Whoever holds the mobile on the request, not a signed-in beneficiary: an anonymous read.
        record(EventType.CASE_VIEWED, actor=None, target=case, data={"through": "track"})

    found, reason, wait = claim_track_code(challenge_id, code, find=lambda challenge: case, through="track",
                                           on_claim=viewed, failure_target=case)
    return TrackAttempt(case=found, wait=wait, reason=reason)


# ---------------------------------------------------------------------------------------------------- forms


class ContactForm(forms.Form):
    """«تواصل معنا». Signed in (`signed_in`), the kind, the text and the category; otherwise also a name and a
    mobile or an e-mail to answer to, or, for a complaint, a suggestion or a compliment, «دون ذكر اسمي»
    (`anonymous`: no name, no way back). `website` is a honeypot: hidden from people, filled by robots."""

    name = forms.CharField(label=_("الاسم"), max_length=120, required=False)
    mobile = SaudiMobileField(label=_("رقم الجوال"), required=False, max_length=30,
                              help_text=_("لنرد عليك ونرسل إليك رقم المراجعة. مثل 0501234567."))
    email = forms.EmailField(label=_("أو البريد الإلكتروني"), required=False, max_length=254,
                             widget=forms.EmailInput(attrs={"dir": "ltr", "autocomplete": "email"}))
    anonymous = forms.BooleanField(
        label=_("دون ذكر اسمي"), required=False,
        help_text=_("للشكوى والاقتراح والشكر فقط. لن نعرف من أرسلها، ولن يصلك رد ولا رقم مرجعي برسالة؛ "
                    "احتفظ بالرقم الذي يظهر بعد الإرسال."),
    )
    kind = forms.ChoiceField(label=_("نوع الرسالة"), choices=KINDS, widget=forms.RadioSelect,
                             initial=Interaction.Kind.INQUIRY)
    category = forms.ModelChoiceField(label=_("موضوع الشكوى أو الاقتراح (اختياري)"), required=False,
                                      queryset=FeedbackCategory.objects.none(), empty_label=_("— بلا تحديد —"))
    text = forms.CharField(label=_("نص الرسالة"), max_length=TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 5}))
    website = forms.CharField(label=_("اترك هذا الحقل فارغًا"), required=False, max_length=200,
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args, signed_in=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.signed_in = signed_in
        if signed_in:
            del self.fields["name"], self.fields["mobile"], self.fields["email"], self.fields["anonymous"]
        categories = FeedbackCategory.objects.filter(active=True)
        if categories.exists():
            self.fields["category"].queryset = categories
        else:
            del self.fields["category"]

    @property
    def is_robot(self):
        return bool(self.data.get("website"))

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("اكتب نص الرسالة."))
        return text

    def clean(self):
        data = super().clean()
        if self.signed_in:
            return data
        if data.get("anonymous"):
            if data.get("kind") == Interaction.Kind.INQUIRY:
                self.add_error("anonymous", _("الاستفسار يحتاج إلى وسيلة للرد عليك: اكتب اسمك وجوالك، "
                                              "أو أزل علامة «دون ذكر اسمي»."))
            for field in ("name", "mobile", "email"):
                self.errors.pop(field, None)
                data[field] = ""
            return data
        if not self.errors.get("name") and not data.get("name"):
            self.add_error("name", _("اكتب اسمك، أو اختر «دون ذكر اسمي» للشكوى أو الاقتراح أو الشكر."))
        if not self.errors.get("mobile") and not self.errors.get("email") \
                and not data.get("mobile") and not data.get("email"):
            self.add_error("mobile", _("اكتب رقم جوال أو بريدًا إلكترونيًا لنرد عليك."))
        return data

    @property
    def goes_to_register(self):
        return self.cleaned_data.get("kind") in (Feedback.Kind.COMPLAINT, Feedback.Kind.SUGGESTION,
                                                 Feedback.Kind.COMPLIMENT)


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("رقم الطلب"), max_length=30,
        help_text=_("كما في رسالة استلام الطلب، مثل R-2026-00042."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "inputmode": "text"}),
    )

    def clean_number(self):
        parsed = parse_reference(self.cleaned_data["number"])
        if parsed is None:
            raise forms.ValidationError(_("اكتب رقم الطلب كما وصلك، مثل R-2026-00042."))
        return parsed
