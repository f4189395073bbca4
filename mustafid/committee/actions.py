"""The committee's decision on a submitted request."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mustafid.audit.models import EventType
from mustafid.cases.models import CaseEvent, Status, Step, may_take
from mustafid.cases.workflow import lock_case, move
from mustafid.lib.errors import refuse_unless
from mustafid.lib.hijri import to_hijri

from .models import Decision


def _next_number(now):
    """Decisions are numbered per Hijri year: 1447/0001, 1447/0002, ..."""
    year = to_hijri(timezone.localdate(now))[0]
    prefix = f"{year}/"
    last = Decision.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    sequence = int(last.split("/")[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def record_decision(case, *, outcome, reasons, by):
    """Record the research committee's decision (approved or rejected, always with reasons)."""
    reasons = (reasons or "").strip()
    refuse_unless(may_take(by, Step.DECIDE), _("يسجل القرار رئيس لجنة البحث."))
    refuse_unless(outcome in Decision.Outcome.values, _("اختر القرار: قبول أو رفض."))
    refuse_unless(reasons, _("اكتب أسباب القرار."))
    for attempt in range(3):
        try:
            with transaction.atomic():
                case = lock_case(case)
                refuse_unless(case.is_open_for(Step.DECIDE), _("هذا الطلب ليس لدى لجنة البحث."))
                now = timezone.now()
                decision = Decision.objects.create(
                    case=case, number=_next_number(now), outcome=outcome, reasons=reasons, decided_by=by,
                    decided_at=now, within_response_period=timezone.localdate(now) <= case.decision_due_on,
                )
                case.decided_at = now
                move(
                    case,
                    to=Status.APPROVED if outcome == Decision.Outcome.APPROVED else Status.REJECTED,
                    kind=CaseEvent.Kind.DECIDED, by=by, note=reasons,
                    data={"decision": decision.number, "outcome": outcome,
                          "within_response_period": decision.within_response_period},
                    audit_type=EventType.DECISION_RECORDED, audit_target=decision, fields=["decided_at"],
                )
                return decision
        except IntegrityError:
            # Two decisions took the same number at once; take the next one.
            if attempt == 2:
                raise
