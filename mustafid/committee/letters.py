"""The decision letter to the applicant (خطاب القرار، قناة «الخطابات» في السياسة).

One Arabic PDF per decision, on the association's letterhead: the decision, its number and date in both
calendars, the request, the applicant, the reasons, what happens next (registration and service, or how and
where to appeal within `APPEAL_DAYS`; a decision on an appeal says it answers the appeal and is final), and the
chair's signature block. Made on demand from the decision row,
so the letter always says what was decided; nothing is stored.

Who reads it:
* staff who may see the request (`access_letter`: the request's own `access_case`, never a volunteer), from
  the request page's «خطاب القرار» panel; every download is audited (DECISION_LETTER_VIEWED);
* the applicant, without signing in, through the signed link in the decision message (`signed_link`): valid
  for `LETTER_LINK_DAYS` days, audited as read by the beneficiary; a tampered or expired link is a plain 404.

When a decision is recorded, in the same transaction (`workflow.on_case_event_written`, DECIDED): the letter
is written on the beneficiary's timeline as an outgoing contact on the letters channel (`record_letter_contact`),
and the decision message gets the link (`message_context`, through `cases.messages.extra_context`).
"""

import base64
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mustafid.association.models import Association, Channel, current_policy
from mustafid.audit.actors import Actor
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.cases.access import access_case
from mustafid.cases.clock import appeal_days, last_day_to_appeal
from mustafid.cases.models import CaseEvent
from mustafid.interactions.models import Interaction
from mustafid.lib.composition import Panel
from mustafid.lib.hijri import to_hijri
from mustafid.lib.pdf import render_pdf

from .models import Appeal, Decision

TEMPLATE = "committee/letter_pdf.html"
# A link signed for one purpose is no key to anything else signed with the same secret.
SALT = "mustafid.committee.decision-letter"


def link_days():
    return getattr(settings, "LETTER_LINK_DAYS", 30)


def filename(decision):
    return f"decision-{decision.number.replace('/', '-')}.pdf"


def _logo_data_uri(association):
    """The association's logo as a data: URI (stored files are served only through views), or ""."""
    if association is None or not association.logo:
        return ""
    try:
        with association.logo.open("rb") as stored:
            image = stored.read()
    except (OSError, ValueError):
        return ""
    for magic, kind in ((b"\x89PNG", "png"), (b"\xff\xd8\xff", "jpeg")):
        if image.startswith(magic):
            return f"data:image/{kind};base64," + base64.b64encode(image).decode()
    return ""


def _chair(decision):
    """Who signs: the chair who recorded the decision (the chair records them), else the active chair."""
    if decision.decided_by.is_committee_chair:
        return decision.decided_by
    from mustafid.accounts.models import Role, User

    return User.objects.filter(is_active=True, roles__code=Role.COMMITTEE_CHAIR).order_by("pk").first()


def numeric_dates(day):
    """(Hijri, Gregorian) as a Saudi letter writes them, «1448/06/21 هـ الموافق 2026/12/01 م»: digits only, so each
    sits in one left-to-right run (`<bdi dir="ltr">`) that reads and copies the same in any viewer."""
    try:
        year, month, hijri_day = to_hijri(day)
        hijri = f"{year}/{month:02d}/{hijri_day:02d}"
    except ValueError:  # outside the Umm al-Qura table: the Gregorian date alone
        hijri = ""
    return hijri, f"{day:%Y/%m/%d}"


def letter_context(decision):
    """What the letter says, all in Arabic (the association's letter, whatever the reader's screen)."""
    association = Association.objects.current()
    day = timezone.localdate(decision.decided_at)
    approved = decision.outcome == Decision.Outcome.APPROVED
    appeal_until = last_day_to_appeal(decision.decided_at)
    # The decision on an appeal says so, and that it is final (appeals.py): no «how to appeal» in it.
    appeal = Appeal.objects.filter(decision=decision).select_related("appealed").first()
    return {
        "decision": decision,
        "case": decision.case,
        "beneficiary": decision.case.beneficiary,
        "association": association,
        "logo": _logo_data_uri(association),
        "approved": approved,
        "date": numeric_dates(day),
        "appeal_days": appeal_days(),
        "appeal_until": numeric_dates(appeal_until),
        "starts_on": numeric_dates(decision.starts_on) if getattr(decision, "starts_on", None) else None,
        "support_type": getattr(decision, "support_type", None),
        "amount": getattr(decision, "amount", None),
        "quantity": getattr(decision, "quantity", None),
        "duration_months": getattr(decision, "duration_months", None),
        "rejection_reason": getattr(decision, "rejection_reason", None),
        "chair": _chair(decision),
        "appeal": appeal,
        "appeal_filed": numeric_dates(timezone.localdate(appeal.filed_at)) if appeal else None,
        "appealed_date": numeric_dates(timezone.localdate(appeal.appealed.decided_at)) if appeal else None,
    }


def render_letter(decision, request=None):
    """The letter's PDF bytes; `ActionRefused` (with a message for the screen) when it cannot be made."""
    with translation.override("ar"):
        return render_pdf(TEMPLATE, letter_context(decision), request=request)


def _decision(pk):
    return get_object_or_404(
        Decision.objects.select_related("case", "case__beneficiary", "decided_by"), pk=pk
    )


def access_letter(user, pk):
    """The decision whose letter `user` may read: 404 when the request is not theirs to know of (volunteers see
    no requests), 403 for a role that may see it without personal data; the read is audited."""
    decision = _decision(pk)
    access_case(user, decision.case_id)
    if not user.sees_sensitive_data:
        raise PermissionDenied
    record(EventType.DECISION_LETTER_VIEWED, actor=user, target=decision,
           data={"case": decision.case_id, "number": decision.number})
    return decision


# ---------------------------------------------------------------------------------------------
# The applicant's signed link
# ---------------------------------------------------------------------------------------------

def signed_token(decision):
    return signing.TimestampSigner(salt=SALT).sign(str(decision.pk))


def signed_link(decision):
    """The full address of the letter for the applicant's message (SITE_URL), valid for LETTER_LINK_DAYS days."""
    return settings.SITE_URL + reverse("committee_letters:signed", args=[signed_token(decision)])


def decision_from_token(token):
    """The decision of a valid, unexpired link, or None (tampered, expired, unknown: all the same to the reader)."""
    try:
        pk = signing.TimestampSigner(salt=SALT).unsign(token, max_age=timedelta(days=link_days()))
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    try:
        return Decision.objects.select_related("case", "case__beneficiary", "decided_by").get(pk=int(pk))
    except (Decision.DoesNotExist, ValueError):
        return None


def record_beneficiary_read(decision):
    record(EventType.DECISION_LETTER_VIEWED, actor=Actor.beneficiary(), target=decision,
           data={"case": decision.case_id, "number": decision.number, "through": "signed_link"})


# ---------------------------------------------------------------------------------------------
# When a decision is recorded (in its transaction)
# ---------------------------------------------------------------------------------------------

def _decision_of(event):
    if event.kind != CaseEvent.Kind.DECIDED or not (event.data or {}).get("decision"):
        return None
    return Decision.objects.select_related("decided_by").filter(number=event.data["decision"]).first()


def record_letter_contact(event):
    """The letter as an outgoing contact on the beneficiary's timeline (channel «الخطابات»), once per decision.

    Part of the decision's step: its audit row is the decision's (408), as for the message it sends, so a step
    still writes one audit row. Skipped when the association's policy does not enable the letters channel (a
    contact is only ever on an enabled channel, as `log_interaction` requires); the decision never fails for it.
    """
    decision = _decision_of(event)
    if decision is None:
        return None
    policy = current_policy()
    if policy is None or Channel.LETTER not in policy.channels:
        return None
    beneficiary = event.case.beneficiary
    with translation.override("ar"):
        outcome = _("مقبول") if decision.outcome == Decision.Outcome.APPROVED else _("مرفوض")
        summary = _("خطاب قرار لجنة البحث رقم %(number)s (%(outcome)s) للطلب %(reference)s") % {
            "number": decision.number, "outcome": outcome, "reference": event.case.reference}
        note = _("أُرسل رابط الخطاب مع رسالة القرار، وصلاحيته %(days)s يومًا.") % {"days": link_days()}
    return Interaction.objects.create(
        channel=Channel.LETTER, direction=Interaction.Direction.OUTGOING, kind=Interaction.Kind.FOLLOW_UP,
        summary=summary, outcome=note, beneficiary=beneficiary, **Actor.staff(decision.decided_by).columns("staff"),
        branch=beneficiary.branch, occurred_at=decision.decided_at,
    )


def message_context(event, language):
    """`letter_link` for the decision message (a `cases.messages.extra_context` provider)."""
    decision = _decision_of(event)
    return {"letter_link": signed_link(decision)} if decision is not None else {}


# ---------------------------------------------------------------------------------------------
# The request page's panel
# ---------------------------------------------------------------------------------------------

def _letters_panel(case, user, bound):
    if not user.sees_sensitive_data:
        return None
    decisions = list(case.decisions.all())
    if not decisions:
        return None
    return {"decisions": decisions}


def register():
    from mustafid.cases import messages, workflow
    from mustafid.lib.composition import request_panels

    request_panels.register(Panel("decision_letters", 61, "committee/panels/letters.html", _letters_panel))
    if record_letter_contact not in workflow._writers:
        workflow.on_case_event_written(record_letter_contact)
    if message_context not in messages.extra_context:
        messages.extra_context.append(message_context)
