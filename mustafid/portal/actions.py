"""Signing in to the portal: a one-time code to the mobile on record, asked for by national ID or iqama.

* A code is six digits, valid `code_minutes()` (5), used once, tried `TRIES_PER_CODE` times at most, and
  stored only as a keyed digest (HMAC-SHA256 of a per-row nonce and the code, keyed by SECRET_KEY): neither
  the database, the logs, the audit trail nor the outbox's stored context holds it (the outbox clears the
  digits from a code message's text once it has left: notifications/sending.py).
* Asking for a code is limited per ID, per mobile and per client address (`SEND_LIMITS`); wrong codes are
  counted per ID, per mobile and per address and lock further sending and trying for a while
  (`FAILURE_LIMITS`), with the time to wait on the screen.
* The same work and the same answer whether or not the ID is registered: an unknown ID gets its row, its
  digest and its rendered text, only no message leaves; its code can never be right; its limits are the same.
  The per-mobile limits exist only for known IDs, so reaching one never shows on the screen: the code is
  silently not sent (a family sharing one phone must not learn from it who else is registered).

Audited (never the code): a sign-in (951), a wrong code (952), a lockout (953), a sign-out (954: here, idle,
or everywhere — every session of the beneficiary ended at once, `sign_out_everywhere`).

The typed ID may also be a guardian's (`beneficiaries.Guardian`, active): the code then goes to the guardian's
own mobile, with the same limits, the same answer and the same time; the right code signs in whom that ID and
that mobile may act for (`choices`): the beneficiary themselves, or a beneficiary as their guardian — one
directly, several through the chooser. Everything then done is recorded as the guardian's (session.py `actor`).
"""

import math
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from mustafid.association.models import Association
from mustafid.audit.actors import Actor
from mustafid.audit.context import client_ip
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.beneficiaries.models import Beneficiary, Guardian
from mustafid.notifications import catalogue, outbox, transports
from mustafid.notifications.catalogue import MessageKind
from mustafid.notifications.models import Channel, Purpose
from mustafid.notifications.outbox import Recipient

from .models import CodePurpose, PortalAccount, SignInCode, SignInFailure

CODE_MESSAGE = MessageKind(
    "portal_code", _("رمز الدخول إلى بوابة المستفيد"),
    folder=Path(__file__).resolve().parent / "messages" / "portal_code",
    variables={"association": _("اسم الجمعية"), "code": _("رمز الدخول")}, purpose=Purpose.CODE,
)
TRIES_PER_CODE = 3
# Rows older than this are no longer needed by any limit.
KEEP_ROWS = timedelta(days=1)


@dataclass(frozen=True)
class Limit:
    count: int
    minutes: int


# At most `count` in any `minutes`: codes asked for, and wrong codes tried (the lockout).
SEND_LIMITS = {"id": Limit(3, 15), "mobile": Limit(5, 15), "address": Limit(20, 60)}
FAILURE_LIMITS = {"id": Limit(5, 15), "mobile": Limit(8, 15), "address": Limit(20, 60)}
COLUMNS = {"id": "id_digest", "mobile": "mobile_digest", "address": "ip_address"}


# The message says «صالح لخمس دقائق»: the two change together.
CODE_MINUTES = 5


def code_minutes():
    return CODE_MINUTES


def digest(purpose, value):
    """A keyed digest (HMAC-SHA256, SECRET_KEY) of `value`: counts and compares without keeping the value."""
    return salted_hmac(f"mustafid.portal.{purpose}", str(value), algorithm="sha256").hexdigest()


def code_digest(nonce, code):
    return digest("sign-in-code", f"{nonce}:{code}")


def new_code():
    return f"{secrets.randbelow(10**6):06d}"


def wait_seconds(model, when, limits, keys, now, purpose=CodePurpose.SIGN_IN):
    """Seconds until every limit of `limits` allows one more row for these keys (0: allowed now).

    Counted per `purpose`: confirming a declaration or a new mobile (account.py) neither uses up nor is
    locked by the sign-in's allowance."""
    wait = 0
    for name, value in keys.items():
        limit = limits.get(name)
        if not value or limit is None:
            continue
        window = timedelta(minutes=limit.minutes)
        times = list(
            model.objects.filter(**{COLUMNS[name]: value, f"{when}__gte": now - window}, purpose=purpose)
            .order_by(f"-{when}").values_list(when, flat=True)[:limit.count]
        )
        if len(times) >= limit.count:
            wait = max(wait, math.ceil((times[-1] + window - now).total_seconds()))
    return max(wait, 0)


def _failure_wait(keys, now, purpose=CodePurpose.SIGN_IN):
    return wait_seconds(SignInFailure, "at", FAILURE_LIMITS, keys, now, purpose)


def _send_wait(keys, now, purpose=CodePurpose.SIGN_IN):
    return wait_seconds(SignInCode, "created_at", SEND_LIMITS, keys, now, purpose)


def _context(code):
    association = Association.objects.current()
    return {"association": association.short_name if association else "", "code": code}


def _channel(beneficiary):
    """The code goes to the mobile on record by WhatsApp when that is the beneficiary's channel (an
    authentication template, transports/whatsapp.py; the SMS copy if the number is not on WhatsApp), else by
    SMS, else by e-mail."""
    if beneficiary.mobile and beneficiary.preferred_channel == Channel.WHATSAPP and transports.channel_enabled(
            Channel.WHATSAPP):
        return Channel.WHATSAPP
    if beneficiary.mobile and transports.channel_enabled(Channel.SMS):
        return Channel.SMS
    if beneficiary.email and transports.channel_enabled(Channel.EMAIL):
        return Channel.EMAIL
    return None


def guardian_recipient(guardian):
    """A guardian's codes go to the guardian's own mobile, by SMS only (a guardian has no e-mail on record)."""
    return Recipient(person_type=guardian._meta.label_lower, person_id=guardian.pk, mobile=guardian.mobile,
                     preferred_channel=Channel.SMS)


def _who_asks(national_id):
    """Whom a typed ID's code is for: (the beneficiary, the guardianship or None, the mobile it goes to).

    The beneficiary's own record first (their mobile on record); else their newest active guardianship (the
    guardian's mobile, and its beneficiary on the row: only a row with a beneficiary can sign in). The two
    look-ups are made for every ID, registered or not (the same work)."""
    own = Beneficiary.objects.filter(national_id=national_id).first()
    guardian = (Guardian.objects.filter(national_id=national_id, ended_at__isnull=True)
                .select_related("beneficiary").order_by("-added_at", "-pk").first())
    if own is not None:
        return own, None, own.mobile
    if guardian is not None:
        return guardian.beneficiary, guardian, guardian.mobile
    return None, None, ""


def choices(challenge):
    """Whom a right sign-in code lets its holder act for, as [(beneficiary, guardian or None)]: the ID's own
    record when the code went to its mobile on record, and every active guardianship of that ID with the
    mobile the code went to (a code proves the ID and that mobile, nothing more)."""
    if challenge.guardian_id is not None:
        national_id, mobile = challenge.guardian.national_id, challenge.guardian.mobile
        own = Beneficiary.objects.filter(national_id=national_id).first()
    else:
        own = challenge.beneficiary
        national_id, mobile = own.national_id, own.mobile
    found = []
    if own is not None and (challenge.guardian_id is None or own.mobile == mobile):
        found.append((own, None))
    guardianships = (Guardian.objects.filter(national_id=national_id, mobile=mobile, ended_at__isnull=True)
                     .select_related("beneficiary").order_by("pk"))
    found += [(guardian.beneficiary, guardian) for guardian in guardianships if mobile]
    return found


def record_sign_in(beneficiary, guardian=None):
    data = {"through": "portal", **({"guardian": guardian.pk} if guardian is not None else {})}
    record(EventType.PORTAL_SIGNED_IN, actor=Actor.beneficiary(guardian_name=guardian.name if guardian else ""),
           target=beneficiary, data=data)


@dataclass
class Asked:
    challenge: SignInCode | None = None
    wait: int = 0


def request_code(national_id):
    """Ask for a code for `national_id` (already checked: 10 digits, check digit). Returns `Asked`.

    `wait` > 0 when the ID or the address has asked or failed too often: the screen says how long to wait.
    Otherwise `challenge` is the new row (for the session), whether or not the ID is registered.
    """
    now, ip = timezone.now(), client_ip()
    id_digest = digest("national-id", national_id)
    keys = {"id": id_digest, "address": ip}
    wait = max(_failure_wait(keys, now), _send_wait(keys, now))
    if wait:
        return Asked(wait=wait)
    beneficiary, guardian, mobile = _who_asks(national_id)
    mobile_digest = digest("mobile", mobile) if beneficiary is not None else digest("mobile", id_digest)
    mobile_free = beneficiary is not None and not (
        _failure_wait({"mobile": mobile_digest}, now) or _send_wait({"mobile": mobile_digest}, now)
    )
    code, nonce = new_code(), secrets.token_hex(16)
    with transaction.atomic():
        challenge = SignInCode.objects.create(
            id_digest=id_digest, mobile_digest=mobile_digest if beneficiary is not None else "", ip_address=ip,
            beneficiary=beneficiary, guardian=guardian, nonce=nonce, code_digest=code_digest(nonce, code),
            created_at=now, expires_at=now + timedelta(minutes=code_minutes()),
        )
        if not mobile_free:
            channel = None
        elif guardian is not None:
            # A guardian's code goes to the guardian's own mobile, never to the beneficiary's.
            channel = Channel.SMS if transports.channel_enabled(Channel.SMS) else None
        else:
            channel = _channel(beneficiary)
        if channel is None:
            # The same rendering as a message that leaves, so an unknown ID costs what a known one does.
            catalogue.render(CODE_MESSAGE, "ar", _context(code))
        else:
            to = guardian_recipient(guardian) if guardian is not None else beneficiary.as_recipient()
            outbox.queue(CODE_MESSAGE.key, to=to, context=_context(code),
                         event_key=f"portal-code:{challenge.pk}", channel=channel)
    return Asked(challenge=challenge)


@dataclass
class Attempt:
    beneficiary: Beneficiary | None = None
    wait: int = 0
    reason: str = ""  # wrong, expired, used, tries, gone
    # Signed in as a guardian acting for `beneficiary`.
    guardian: Guardian | None = None
    # A right code that proved several choices (a guardian of more than one, or also a beneficiary): the
    # chooser asks whom to act for; nobody is signed in yet.
    choices: list | None = None

    @property
    def message(self):
        return problem_message(self.reason)


def code_problem(challenge, code, now):
    """Why `code` does not open `challenge`: "expired", "used", "tries", "wrong", or "" when it is right. The
    digest is compared first, whatever the outcome (the same work for every code). Read by every code of the
    portal: signing in, confirming an act (account.py) and registering (register.py)."""
    right = constant_time_compare(code_digest(challenge.nonce, code), challenge.code_digest)
    if challenge.expires_at <= now:
        return "expired"
    if challenge.used_at is not None:
        return "used"
    if challenge.tries >= TRIES_PER_CODE:
        return "tries"
    return "" if right else "wrong"


def problem_message(reason, changed=None):
    """What the page says of a code that did not pass (`code_problem`'s reason, "gone", or "changed": the data
    the code confirms changed after it was sent, said by the caller in its own words)."""
    return {
        "expired": _("انتهت صلاحية الرمز. اطلب رمزًا جديدًا."),
        "used": _("هذا الرمز استُخدم من قبل. اطلب رمزًا جديدًا."),
        "tries": _("استُنفدت محاولات هذا الرمز. اطلب رمزًا جديدًا."),
        "gone": _("اطلب رمزًا جديدًا."),
        "changed": changed,
    }.get(reason) or _("الرمز غير صحيح. تأكد من الأرقام كما وصلتك في الرسالة.")


def try_code(challenge_id, code):
    """Check `code` against the session's code. Returns an `Attempt`: the beneficiary signed in, or why not.

    Only a registered ID's code can be right; a wrong, expired or used code is a failure counted for the
    lockout, the same for every ID.
    """
    now, ip = timezone.now(), client_ip()
    challenge = SignInCode.objects.select_related("beneficiary", "guardian").filter(pk=challenge_id).first()
    if challenge is None:
        return Attempt(reason="gone")
    keys = {"id": challenge.id_digest, "mobile": challenge.mobile_digest, "address": ip}
    wait = _failure_wait(keys, now)
    if wait:
        return Attempt(wait=wait)
    reason = code_problem(challenge, code, now) or ("" if challenge.beneficiary_id else "wrong")
    with transaction.atomic():
        if not reason:
            # Single use even against two tabs posting the same code at once: one conditional UPDATE wins.
            claimed = SignInCode.objects.filter(
                pk=challenge.pk, used_at__isnull=True, tries__lt=TRIES_PER_CODE, expires_at__gt=now
            ).update(used_at=now)
            found = choices(challenge) if claimed else []
            if len(found) > 1:
                return Attempt(choices=found)
            if found:
                beneficiary, guardian = found[0]
                record_sign_in(beneficiary, guardian)
                return Attempt(beneficiary=beneficiary, guardian=guardian)
            reason = "used"
        SignInCode.objects.filter(pk=challenge.pk).update(tries=F("tries") + 1)
        SignInFailure.objects.create(id_digest=challenge.id_digest, mobile_digest=challenge.mobile_digest,
                                     ip_address=ip, at=now)
        # An anonymous visitor (no one is proven to be the beneficiary); the record they tried, when there is one.
        record(EventType.PORTAL_SIGN_IN_FAILED, actor=None, target=challenge.beneficiary,
               data={"reason": reason, "through": "portal"})
        wait = _failure_wait(keys, now)
        if wait:
            record(EventType.PORTAL_LOCKED_OUT, actor=None, target=challenge.beneficiary,
                   data={"minutes": math.ceil(wait / 60), "through": "portal"})
            return Attempt(wait=wait, reason=reason)
    return Attempt(reason=reason)


def record_sign_out(beneficiary, reason, *, actor):
    """`actor`: the session's (session.py `actor`): the beneficiary, or the guardian acting for them."""
    record(EventType.PORTAL_SIGNED_OUT, actor=actor, target=beneficiary,
           data={"reason": reason, "through": "portal"})


@transaction.atomic
def sign_out_everywhere(beneficiary, *, actor):
    """End every portal session of `beneficiary`, on every device, this one included (session.py `current`):
    their own and their guardians' alike."""
    PortalAccount.objects.update_or_create(beneficiary=beneficiary, defaults={"sessions_ended_at": timezone.now()})
    record_sign_out(beneficiary, "everywhere", actor=actor)


def prune(now=None):
    """Delete the rows no limit needs any more (a periodic job of the outbox's sweep)."""
    limit = (now or timezone.now()) - KEEP_ROWS
    codes, _rows = SignInCode.objects.filter(created_at__lt=limit).delete()
    failures, _rows = SignInFailure.objects.filter(at__lt=limit).delete()
    # Drafts of forms not touched for 30 days (drafts.py).
    from .drafts import prune as prune_drafts

    return codes + failures + prune_drafts(now)
