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
from mustafid.beneficiaries.models import Beneficiary
from mustafid.notifications import catalogue, outbox, transports
from mustafid.notifications.catalogue import MessageKind
from mustafid.notifications.models import Channel, Purpose

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
    """The code goes to the mobile on record by SMS, else by e-mail; never WhatsApp (its templates take the
    message's stored context as parameters, and a code is never stored)."""
    if beneficiary.mobile and transports.channel_enabled(Channel.SMS):
        return Channel.SMS
    if beneficiary.email and transports.channel_enabled(Channel.EMAIL):
        return Channel.EMAIL
    return None


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
    beneficiary = Beneficiary.objects.filter(national_id=national_id).first()
    mobile_digest = digest("mobile", beneficiary.mobile) if beneficiary is not None else digest("mobile", id_digest)
    mobile_free = beneficiary is not None and not (
        _failure_wait({"mobile": mobile_digest}, now) or _send_wait({"mobile": mobile_digest}, now)
    )
    code, nonce = new_code(), secrets.token_hex(16)
    with transaction.atomic():
        challenge = SignInCode.objects.create(
            id_digest=id_digest, mobile_digest=mobile_digest if beneficiary is not None else "", ip_address=ip,
            beneficiary=beneficiary, nonce=nonce, code_digest=code_digest(nonce, code), created_at=now,
            expires_at=now + timedelta(minutes=code_minutes()),
        )
        channel = _channel(beneficiary) if mobile_free else None
        if channel is None:
            # The same rendering as a message that leaves, so an unknown ID costs what a known one does.
            catalogue.render(CODE_MESSAGE, "ar", _context(code))
        else:
            outbox.queue(CODE_MESSAGE.key, to=beneficiary.as_recipient(), context=_context(code),
                         event_key=f"portal-code:{challenge.pk}", channel=channel)
    return Asked(challenge=challenge)


@dataclass
class Attempt:
    beneficiary: Beneficiary | None = None
    wait: int = 0
    reason: str = ""  # wrong, expired, used, tries, gone

    @property
    def message(self):
        return {
            "expired": _("انتهت صلاحية الرمز. اطلب رمزًا جديدًا."),
            "used": _("هذا الرمز استُخدم من قبل. اطلب رمزًا جديدًا."),
            "tries": _("استُنفدت محاولات هذا الرمز. اطلب رمزًا جديدًا."),
        }.get(self.reason, _("الرمز غير صحيح. تأكد من الأرقام كما وصلتك في الرسالة."))


def try_code(challenge_id, code):
    """Check `code` against the session's code. Returns an `Attempt`: the beneficiary signed in, or why not.

    Only a registered ID's code can be right; a wrong, expired or used code is a failure counted for the
    lockout, the same for every ID.
    """
    now, ip = timezone.now(), client_ip()
    challenge = SignInCode.objects.select_related("beneficiary").filter(pk=challenge_id).first()
    if challenge is None:
        return Attempt(reason="gone")
    keys = {"id": challenge.id_digest, "mobile": challenge.mobile_digest, "address": ip}
    wait = _failure_wait(keys, now)
    if wait:
        return Attempt(wait=wait)
    right = constant_time_compare(code_digest(challenge.nonce, code), challenge.code_digest)
    if challenge.expires_at <= now:
        reason = "expired"
    elif challenge.used_at is not None:
        reason = "used"
    elif challenge.tries >= TRIES_PER_CODE:
        reason = "tries"
    else:
        reason = "" if right and challenge.beneficiary_id else "wrong"
    with transaction.atomic():
        if not reason:
            # Single use even against two tabs posting the same code at once: one conditional UPDATE wins.
            claimed = SignInCode.objects.filter(
                pk=challenge.pk, used_at__isnull=True, tries__lt=TRIES_PER_CODE, expires_at__gt=now
            ).update(used_at=now)
            if claimed:
                record(EventType.PORTAL_SIGNED_IN, actor=Actor.beneficiary(), target=challenge.beneficiary,
                       data={"through": "portal"})
                return Attempt(beneficiary=challenge.beneficiary)
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


def record_sign_out(beneficiary, reason):
    record(EventType.PORTAL_SIGNED_OUT, actor=Actor.beneficiary(), target=beneficiary,
           data={"reason": reason, "through": "portal"})


@transaction.atomic
def sign_out_everywhere(beneficiary):
    """End every portal session of `beneficiary`, on every device, this one included (session.py `current`)."""
    PortalAccount.objects.update_or_create(beneficiary=beneficiary, defaults={"sessions_ended_at": timezone.now()})
    record_sign_out(beneficiary, "everywhere")


def prune(now=None):
    """Delete the rows no limit needs any more (a periodic job of the outbox's sweep)."""
    limit = (now or timezone.now()) - KEEP_ROWS
    codes, _rows = SignInCode.objects.filter(created_at__lt=limit).delete()
    failures, _rows = SignInFailure.objects.filter(at__lt=limit).delete()
    return codes + failures
