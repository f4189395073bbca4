"""What a signed-in beneficiary does to their own record and requests from the portal (docs/portal.md):

* signs the declaration (الإقرار) of a request at that step, in the policy's words: the tick, their full name
  typed as registered (compared after Arabic normalisation) and a FRESH one-time code to the mobile on record,
  recorded by the staff's own action (`cases.actions.record_declaration`, method `portal`), bound to the same
  fingerprint of the data;
* answers what the committee asked of them on a request returned for information: the files through
  `upload_document` (the shared upload checks), then `provide_information` (the clock resumes);
* updates their contact details through `beneficiaries.actions.update_beneficiary`; a new mobile only after
  a code sent to the NEW number, and the old number is told (discreetly) that it changed.

The codes are the sign-in's (actions.py): six digits, `CODE_MINUTES`, used once, `TRIES_PER_CODE`, stored as
a keyed digest, the same sending and failure limits, counted per purpose (`CodePurpose`). A code also carries
the digest of what it confirms (`subject`): the request and the fingerprint of its data, or the new mobile;
it confirms nothing else. The actor of everything here is the session's (`by`): the beneficiary through the
portal, or a guardian acting for them (`guardian`: then the codes go to the guardian's own mobile, and the
declaration is signed with the guardian's name as registered; the declaration's `taken_by_kind` «ولي أمر
المستفيد عبر البوابة» and label say that a guardian signed it for the applicant).
"""

import secrets
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mustafid.audit.context import client_ip
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.beneficiaries.actions import update_beneficiary
from mustafid.cases import actions as case_actions
from mustafid.cases.models import Declaration, Step
from mustafid.lib import arabic
from mustafid.lib.errors import ActionRefused, refuse_unless
from mustafid.notifications import catalogue, outbox, transports
from mustafid.notifications.catalogue import MessageKind
from mustafid.notifications.models import Channel, Purpose

from .actions import (
    TRIES_PER_CODE, _channel, _context, _failure_wait, _send_wait, code_digest, code_minutes, code_problem, digest,
    guardian_recipient, new_code, problem_message,
)
from .models import CodePurpose, SignInCode, SignInFailure

MESSAGES = Path(__file__).resolve().parent / "messages"
CODE_VARIABLES = {"association": gettext_lazy("اسم الجمعية"), "code": gettext_lazy("رمز التحقق")}
DECLARE_MESSAGE = MessageKind(
    "portal_declare_code", gettext_lazy("رمز تأكيد الإقرار في خدمات المستفيد"),
    folder=MESSAGES / "portal_declare_code", variables=CODE_VARIABLES, purpose=Purpose.CODE,
)
MOBILE_MESSAGE = MessageKind(
    "portal_mobile_code", gettext_lazy("رمز تأكيد رقم الجوال الجديد في خدمات المستفيد"),
    folder=MESSAGES / "portal_mobile_code", variables=CODE_VARIABLES, purpose=Purpose.CODE,
)
# To the OLD number once the new one is confirmed: it says that it changed, nothing more (a shared phone).
MOBILE_CHANGED_MESSAGE = MessageKind(
    "portal_mobile_changed", gettext_lazy("إشعار بتغيير رقم الجوال المسجل"),
    folder=MESSAGES / "portal_mobile_changed", variables={"association": gettext_lazy("اسم الجمعية")},
)
KINDS = {CodePurpose.DECLARE: DECLARE_MESSAGE, CodePurpose.MOBILE: MOBILE_MESSAGE}


def declaration_subject(case):
    """What a declaration code confirms: this request with exactly these data (its fingerprint)."""
    return digest("declare", f"{case.pk}:{case.fingerprint()}")


def mobile_subject(beneficiary, mobile):
    return digest("new-mobile", f"{beneficiary.pk}:{mobile}")


def same_name(typed, beneficiary, guardian=None):
    """The full name typed as registered: the four parts, compared after Arabic normalisation; a guardian
    types their own name, as the staff registered it."""
    registered = guardian.name if guardian is not None else beneficiary.full_name
    return bool(typed) and arabic.normalize(typed) == arabic.normalize(registered)


@dataclass
class Sent:
    challenge: SignInCode | None = None
    wait: int = 0
    # No way to reach them (no mobile or e-mail on record, the channel off): said on the screen.
    unreachable: bool = False


def send_code(beneficiary, purpose, subject, *, mobile=None, guardian=None):
    """A fresh code for `purpose` (`CodePurpose.DECLARE` or `MOBILE`) bound to `subject`.

    To the mobile on record (or e-mail, as the sign-in's), or, for a new mobile, by SMS to that new number
    only; when a guardian acts, always by SMS to the guardian's own mobile. Limited as the sign-in's codes
    are, per purpose.
    """
    now, ip = timezone.now(), client_ip()
    id_digest = digest("national-id", guardian.national_id if guardian is not None else beneficiary.national_id)
    mobile_digest = digest("mobile", guardian.mobile if guardian is not None else (mobile or beneficiary.mobile))
    keys = {"id": id_digest, "mobile": mobile_digest, "address": ip}
    wait = max(_failure_wait(keys, now, purpose), _send_wait(keys, now, purpose))
    if wait:
        return Sent(wait=wait)
    recipient = beneficiary.as_recipient()
    if guardian is not None:
        recipient = guardian_recipient(guardian)
        channel = Channel.SMS if transports.channel_enabled(Channel.SMS) else None
    elif mobile:
        recipient = replace(recipient, mobile=mobile, email="")
        channel = Channel.SMS if transports.channel_enabled(Channel.SMS) else None
    else:
        channel = _channel(beneficiary)
    if channel is None:
        return Sent(unreachable=True)
    code, nonce = new_code(), secrets.token_hex(16)
    with transaction.atomic():
        challenge = SignInCode.objects.create(
            id_digest=id_digest, mobile_digest=mobile_digest, ip_address=ip, beneficiary=beneficiary,
            guardian=guardian, nonce=nonce,
            code_digest=code_digest(nonce, code), created_at=now, expires_at=now + timedelta(minutes=code_minutes()),
            purpose=purpose, subject=subject,
        )
        queued = outbox.queue(KINDS[purpose].key, to=recipient, context=_context(code),
                              event_key=f"portal-{purpose}-code:{challenge.pk}", channel=channel)
    if queued is None:
        return Sent(unreachable=True)
    return Sent(challenge=challenge)


@dataclass
class Checked:
    ok: bool = False
    wait: int = 0
    reason: str = ""  # wrong, expired, used, tries, gone, changed

    @property
    def message(self):
        return problem_message(self.reason, changed=_("تغيرت بيانات طلبك بعد إرسال الرمز. اطلب رمزًا جديدًا."))


def check_code(beneficiary, challenge_id, code, purpose, subject, *, by, guardian=None):
    """Check `code` (outside the act's transaction: a failure must stay counted when the act is refused).

    A wrong, expired or used code is a failure counted for the lockout of this purpose and audited (952, by
    `by`). Right, it is not yet used up: `claim` does that inside the transaction of the act it confirms. A
    code sent to a guardian confirms only that guardian's acts, and the beneficiary's only theirs.
    """
    now, ip = timezone.now(), client_ip()
    challenge = SignInCode.objects.filter(pk=challenge_id, beneficiary=beneficiary, purpose=purpose,
                                          guardian=guardian).first()
    if challenge is None:
        return Checked(reason="gone")
    keys = {"id": challenge.id_digest, "mobile": challenge.mobile_digest, "address": ip}
    wait = _failure_wait(keys, now, purpose)
    if wait:
        return Checked(wait=wait)
    if not constant_time_compare(challenge.subject, subject):
        return Checked(reason="changed")
    reason = code_problem(challenge, code, now)
    if not reason:
        return Checked(ok=True)
    with transaction.atomic():
        SignInCode.objects.filter(pk=challenge.pk).update(tries=F("tries") + 1)
        SignInFailure.objects.create(id_digest=challenge.id_digest, mobile_digest=challenge.mobile_digest,
                                     ip_address=ip, at=now, purpose=purpose)
        record(EventType.PORTAL_SIGN_IN_FAILED, actor=by, target=beneficiary,
               data={"reason": reason, "purpose": purpose, "through": "portal"})
    return Checked(wait=_failure_wait(keys, now, purpose), reason=reason)


def claim(challenge_id):
    """Use the code up, inside the act's transaction: single use even against two tabs posting it at once
    (one conditional UPDATE wins; the other is told it was used). Refused act: rolled back, not used."""
    now = timezone.now()
    claimed = SignInCode.objects.filter(
        pk=challenge_id, used_at__isnull=True, tries__lt=TRIES_PER_CODE, expires_at__gt=now
    ).update(used_at=now)
    if not claimed:
        raise CodeRefused(Checked(reason="used"))


def use_code(beneficiary, challenge_id, code, purpose, subject, *, by, guardian=None):
    """Check the code (failures counted) and refuse with `CodeRefused` unless it is right."""
    checked = check_code(beneficiary, challenge_id, code, purpose, subject, by=by, guardian=guardian)
    if not checked.ok:
        raise CodeRefused(checked)


class CodeRefused(ActionRefused):
    """The code did not confirm the act: `checked` says why (and whether to wait)."""

    def __init__(self, checked):
        super().__init__(checked.message)
        self.checked = checked


# ---------------------------------------------------------------- the declaration


def may_declare(case):
    # A self-registration is checked by the officer first (cases.actions.record_declaration refuses it too).
    return case.is_open_for(Step.DECLARE) and not case.beneficiary.awaiting_verification


def check_declaration(beneficiary, case, *, signer_name, agreed, guardian=None):
    """Before a code is sent: the tick and the name typed as registered (a guardian's own). Raises
    `ActionRefused`."""
    refuse_unless(may_declare(case), _("لا يُوقّع الإقرار في هذه المرحلة من طلبك."))
    refuse_unless(agreed, _("أكّد أنك تقر بصحة البيانات."))
    refuse_unless(same_name(signer_name, beneficiary, guardian), (
        _("الاسم لا يطابق اسمك المسجل لدى الجمعية بصفتك ولي أمر. اكتبه كما سجلته الجمعية.") if guardian is not None
        else _("الاسم لا يطابق اسمك المسجل لدى الجمعية. اكتب اسمك الرباعي كما في الهوية.")))


def sign_declaration(beneficiary, case, *, signer_name, challenge_id, code, by, guardian=None):
    """The declaration, confirmed by the code: the staff's own action, method `portal`. Signed by a guardian,
    the declaration's signer is the guardian's name and its taker (`by`) the guardian acting for the applicant."""
    check_declaration(beneficiary, case, signer_name=signer_name, agreed=True, guardian=guardian)
    use_code(beneficiary, challenge_id, code, CodePurpose.DECLARE, declaration_subject(case), by=by, guardian=guardian)
    with transaction.atomic():
        claim(challenge_id)
        return case_actions.record_declaration(case, method=Declaration.Method.PORTAL, signer_name=signer_name.strip(),
                                               by=by)


# ---------------------------------------------------------------- the answer to the committee


def answer_committee(case, *, note, by):
    """Send what the committee asked (the files already uploaded): the request goes back, the clock resumes."""
    return case_actions.provide_information(case, note=note, by=by)


def upload_answer(case, *, document_type, uploaded_file, issued_on, expires_on, by):
    return case_actions.upload_document(case, document_type=document_type, uploaded_file=uploaded_file,
                                        issued_on=issued_on, expires_on=expires_on, by=by)


# ---------------------------------------------------------------- contact details


CONTACT_FIELDS = ("email", "preferred_channel", "language")


def update_contact(beneficiary, *, by, **changes):
    """Email, preferred channel, language: the registry's own update, audited as done by `by`."""
    changes = {name: value for name, value in changes.items() if name in CONTACT_FIELDS}
    return update_beneficiary(beneficiary, by=by, **changes)


def change_mobile(beneficiary, *, mobile, challenge_id, code, by, guardian=None):
    """Replace the mobile by `mobile` once the code sent to it (to the guardian's, when a guardian acts) is
    right; the old number is told."""
    old = beneficiary.mobile
    use_code(beneficiary, challenge_id, code, CodePurpose.MOBILE, mobile_subject(beneficiary, mobile), by=by,
             guardian=guardian)
    with transaction.atomic():
        claim(challenge_id)
        updated = update_beneficiary(beneficiary, by=by, mobile=mobile)
        if old and old != mobile:
            outbox.queue(MOBILE_CHANGED_MESSAGE.key, to=replace(beneficiary.as_recipient(), mobile=old, email=""),
                         context={"association": _context("")["association"]},
                         event_key=f"portal-mobile-changed:{beneficiary.pk}:{timezone.now().timestamp()}",
                         channel=Channel.SMS)
    return updated


def register_messages():
    for kind in (DECLARE_MESSAGE, MOBILE_MESSAGE, MOBILE_CHANGED_MESSAGE):
        catalogue.register(kind)
