"""A first-time applicant registers themselves in the portal (docs/portal.md, «التسجيل لأول مرة»).

They type their national ID or iqama, the four parts of their name, their mobile, birth date (Hijri or
Gregorian), gender, region and city. A one-time code (`CodePurpose.REGISTER`: the sign-in's machinery — six
digits, five minutes, used once, three tries, stored as a keyed digest, the same sending and failure limits
counted for registering on their own) goes by SMS to the TYPED mobile, and is bound to a keyed digest of
exactly the typed data (`subject`): it confirms those data and nothing else.

The right code:

* an ID not in the registry: `beneficiaries.actions.register_self` creates the record «بانتظار تحقق الموظف»
  (no category, no staff creator; the branch serving their region), audited as the beneficiary's (205), and
  they are signed in (`session.start`) and may apply;
* an ID already registered, typed with the mobile on record: the person proved what the sign-in asks (the ID
  and a code to the mobile on record), so they are signed in to their record; nothing typed is kept;
* an ID already registered with another mobile: nothing is created and no one is signed in; the mobile ON
  RECORD is told «طُلب تسجيل برقم هويتك…» and the attempt is audited (207, reason `already_registered`,
  anonymous actor). The page says only that the registration was received and how to sign in.

No enumeration before the code: the first step never reads the registry (the code goes to the typed mobile
whatever the ID), and every answer is padded to `PORTAL_MIN_RESPONSE_SECONDS`. After the code, only the holder
of the typed mobile learns anything, within the limits, and the ID's real holder is told (see the docs for why
this is the least a self-registration can show).
"""

import datetime
import json
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from mustafid.association.models import Region
from mustafid.audit.actors import Actor
from mustafid.audit.context import client_ip
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.beneficiaries.actions import register_self
from mustafid.beneficiaries.models import Beneficiary, Gender
from mustafid.lib import arabic, saudi
from mustafid.lib.errors import ActionRefused
from mustafid.lib.forms import DualDateField, NationalIdField, SaudiMobileField
from mustafid.notifications import catalogue, outbox, transports
from mustafid.notifications.catalogue import MessageKind
from mustafid.notifications.models import Channel, Purpose
from mustafid.notifications.outbox import Recipient

from .actions import (
    TRIES_PER_CODE, _channel, _context, _failure_wait, _send_wait, code_digest, code_minutes, code_problem, digest,
    new_code, problem_message,
)
from .models import CodePurpose, SignInCode, SignInFailure

REGISTER = CodePurpose.REGISTER
MESSAGES = Path(__file__).resolve().parent / "messages"
REGISTER_CODE_MESSAGE = MessageKind(
    "portal_register_code", _("رمز تأكيد التسجيل في خدمات المستفيد"), folder=MESSAGES / "portal_register_code",
    variables={"association": _("اسم الجمعية"), "code": _("رمز التحقق")}, purpose=Purpose.CODE,
)
# To the mobile on record of an ID someone tried to register again: discreet, no name, no typed mobile.
EXISTING_MESSAGE = MessageKind(
    "portal_register_existing", _("إشعار بطلب تسجيل برقم هوية مسجل"), folder=MESSAGES / "portal_register_existing",
    variables={"association": _("اسم الجمعية")},
)

NAME_PARTS = ("first_name", "father_name", "grandfather_name", "family_name")
SAUDI = "سعودي"


def register_messages():
    for kind in (REGISTER_CODE_MESSAGE, EXISTING_MESSAGE):
        catalogue.register(kind)


# ---------------------------------------------------------------------------------------------------- the form


class RegisterForm(forms.Form):
    national_id = NationalIdField(
        label=_("رقم الهوية الوطنية أو الإقامة"), max_length=20,
        help_text=_("عشرة أرقام كما في البطاقة، بالأرقام العربية أو الهندية."),
    )
    first_name = forms.CharField(label=_("الاسم الأول"), max_length=40)
    father_name = forms.CharField(label=_("اسم الأب"), max_length=40)
    grandfather_name = forms.CharField(label=_("اسم الجد"), max_length=40)
    family_name = forms.CharField(label=_("اسم العائلة"), max_length=40)
    mobile = SaudiMobileField(
        label=_("رقم الجوال"), max_length=30,
        help_text=_("نرسل إليه رمزًا لتأكيده، مثل 0501234567."),
    )
    birth_date = DualDateField(label=_("تاريخ الميلاد"), max_today=True)
    gender = forms.ChoiceField(label=_("الجنس"), choices=Gender.choices, widget=forms.RadioSelect)
    nationality = forms.CharField(
        label=_("الجنسية"), max_length=40, required=False,
        help_text=_("لحامل الإقامة فقط؛ حامل الهوية الوطنية سعودي."),
    )
    region = forms.ModelChoiceField(label=_("المنطقة"), queryset=Region.objects.all(), empty_label=_("اختر المنطقة"))
    city = forms.CharField(label=_("المدينة"), max_length=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in NAME_PARTS:
            self.fields[name].widget.attrs["autocomplete"] = "off"

    def _clean_words(self, name):
        value = " ".join(self.cleaned_data[name].split())
        if not value:
            raise forms.ValidationError(_("هذا الحقل مطلوب."))
        return value

    def clean_first_name(self):
        return self._clean_words("first_name")

    def clean_father_name(self):
        return self._clean_words("father_name")

    def clean_grandfather_name(self):
        return self._clean_words("grandfather_name")

    def clean_family_name(self):
        return self._clean_words("family_name")

    def clean_city(self):
        return self._clean_words("city")

    def clean(self):
        data = super().clean()
        national_id = data.get("national_id")
        if national_id:
            nationality = " ".join((data.get("nationality") or "").split())
            if saudi.national_id_kind(national_id) == "citizen":
                data["nationality"] = SAUDI
            elif not nationality:
                self.add_error("nationality", _("اكتب جنسيتك (رقم الإقامة لغير السعودي)."))
            elif arabic.normalize(nationality) in {arabic.normalize(w) for w in ("سعودي", "سعودية", "saudi")}:
                self.add_error("nationality", _("رقم الإقامة (يبدأ بـ 2) لغير السعودي؛ صحح الجنسية أو الرقم."))
            else:
                data["nationality"] = nationality
        return data


def typed_data(cleaned):
    """What the code confirms, as plain values (kept in the server-side session between the two steps)."""
    return {
        "national_id": cleaned["national_id"],
        **{name: cleaned[name] for name in NAME_PARTS},
        "mobile": cleaned["mobile"],
        "birth_date": cleaned["birth_date"].isoformat(),
        "gender": cleaned["gender"],
        "nationality": cleaned["nationality"],
        "region": cleaned["region"].pk,
        "city": cleaned["city"],
    }


def subject(data):
    """The keyed digest of exactly the typed data: the code confirms these and nothing else."""
    return digest("register", json.dumps(data, sort_keys=True, ensure_ascii=False))


def _fields(data):
    return {**data, "birth_date": datetime.date.fromisoformat(data["birth_date"]),
            "region": Region.objects.get(pk=data["region"])}


# ---------------------------------------------------------------------------------------------------- the code


@dataclass
class Asked:
    challenge: SignInCode | None = None
    wait: int = 0
    unreachable: bool = False


def _keys(data, ip):
    return {"id": digest("national-id", data["national_id"]), "mobile": digest("mobile", data["mobile"]),
            "address": ip}


def request_code(data):
    """A code for the typed data, by SMS to the TYPED mobile. The registry is not read: the same work, the same
    message and the same answer whatever the ID. The limits are the sign-in's, counted for registering."""
    now, ip = timezone.now(), client_ip()
    keys = _keys(data, ip)
    wait = max(_failure_wait(keys, now, REGISTER), _send_wait(keys, now, REGISTER))
    if wait:
        return Asked(wait=wait)
    if not transports.channel_enabled(Channel.SMS):
        return Asked(unreachable=True)
    code, nonce = new_code(), secrets.token_hex(16)
    language = translation.get_language() or "ar"
    with transaction.atomic():
        challenge = SignInCode.objects.create(
            id_digest=keys["id"], mobile_digest=keys["mobile"], ip_address=ip, beneficiary=None, nonce=nonce,
            code_digest=code_digest(nonce, code), created_at=now, expires_at=now + timedelta(minutes=code_minutes()),
            purpose=REGISTER, subject=subject(data),
        )
        # The code row is who the message is for: there is no record yet.
        to = Recipient(person_type=challenge._meta.label_lower, person_id=challenge.pk, mobile=data["mobile"],
                       language=language[:2] if language[:2] in catalogue.LANGUAGES else "ar")
        queued = outbox.queue(REGISTER_CODE_MESSAGE.key, to=to, context=_context(code),
                              event_key=f"portal-register-code:{challenge.pk}", channel=Channel.SMS)
    if queued is None:
        return Asked(unreachable=True)
    return Asked(challenge=challenge)


@dataclass
class Confirmed:
    ok: bool = False
    # Signed in to this record: a new one (awaiting verification), or theirs when they typed the mobile on record.
    beneficiary: Beneficiary | None = None
    created: bool = False
    wait: int = 0
    reason: str = ""  # wrong, expired, used, tries, gone, changed

    @property
    def message(self):
        return problem_message(self.reason, changed=_("تغيرت بياناتك بعد إرسال الرمز. اطلب رمزًا جديدًا."))


def _failed(challenge, keys, now, reason):
    with transaction.atomic():
        SignInCode.objects.filter(pk=challenge.pk).update(tries=F("tries") + 1)
        SignInFailure.objects.create(id_digest=challenge.id_digest, mobile_digest=challenge.mobile_digest,
                                     ip_address=keys["address"], at=now, purpose=REGISTER)
        # An anonymous visitor: no record is named (a registered ID must not show in the trail of a stranger's try).
        record(EventType.PORTAL_SIGN_IN_FAILED, actor=None, data={"reason": reason, "purpose": REGISTER,
                                                                   "through": "portal"})
        wait = _failure_wait(keys, now, REGISTER)
        if wait:
            record(EventType.PORTAL_LOCKED_OUT, actor=None,
                   data={"minutes": math.ceil(wait / 60), "purpose": REGISTER, "through": "portal"})
    return Confirmed(wait=wait, reason=reason)


def confirm(challenge_id, data, code):
    """Check the code for the typed `data`; right, register them (or sign in the holder of the mobile on
    record, or tell the mobile on record). Returns `Confirmed`."""
    now, ip = timezone.now(), client_ip()
    challenge = SignInCode.objects.filter(pk=challenge_id, purpose=REGISTER, beneficiary__isnull=True).first()
    if challenge is None:
        return Confirmed(reason="gone")
    keys = {"id": challenge.id_digest, "mobile": challenge.mobile_digest, "address": ip}
    wait = _failure_wait(keys, now, REGISTER)
    if wait:
        return Confirmed(wait=wait)
    if not constant_time_compare(challenge.subject, subject(data)):
        return Confirmed(reason="changed")
    reason = code_problem(challenge, code, now)
    if reason:
        return _failed(challenge, keys, now, reason)
    with transaction.atomic():
        claimed = SignInCode.objects.filter(
            pk=challenge.pk, used_at__isnull=True, tries__lt=TRIES_PER_CODE, expires_at__gt=now
        ).update(used_at=now)
        if not claimed:
            return Confirmed(reason="used")
        existing = Beneficiary.objects.filter(national_id=data["national_id"]).first()
        if existing is None:
            try:
                with transaction.atomic():
                    beneficiary = register_self(**_fields(data))
            except (ActionRefused, ValidationError):
                # Registered by someone else a moment ago (the unique index), or refused: told as a known ID.
                existing = Beneficiary.objects.filter(national_id=data["national_id"]).first()
                if existing is None:
                    raise
            else:
                return Confirmed(ok=True, beneficiary=beneficiary, created=True)
        if existing.mobile and existing.mobile == data["mobile"]:
            # The ID and a code to the mobile on record: what the sign-in asks. Signed in to their own record.
            record(EventType.PORTAL_SIGNED_IN, actor=Actor.beneficiary(), target=existing,
                   data={"through": "portal", "purpose": REGISTER})
            return Confirmed(ok=True, beneficiary=existing)
        _tell_the_holder(existing)
        # Not the ID's holder, as far as anyone knows: an anonymous actor, the record as target.
        record(EventType.SELF_REGISTRATION_REJECTED, actor=None, target=existing,
               data={"reason": "already_registered", "through": "portal"})
    return Confirmed(ok=True)


def _tell_the_holder(beneficiary):
    channel = _channel(beneficiary)
    if channel is None:
        return
    outbox.queue(EXISTING_MESSAGE.key, to=beneficiary.as_recipient(), context={"association": _context("")["association"]},
                 event_key=f"portal-register-existing:{beneficiary.pk}:{timezone.now().timestamp()}", channel=channel)
