"""The committee's decision on a submitted request."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mustafid.audit.models import EventType
from mustafid.cases.models import CaseEvent, Status, Step, may_take
from mustafid.cases.workflow import lock_case, move
from mustafid.lib.errors import refuse_unless
from mustafid.lib.hijri import to_hijri

from .models import Decision, DecisionCounter


def _next_number(now):
    """Decisions are numbered per Hijri year: 1447/0001, 1447/0002, ...

    The year's counter row is locked until the decision's transaction ends, so decisions recorded at
    the same moment wait for each other and take consecutive numbers.
    """
    year = to_hijri(timezone.localdate(now))[0]
    counter = DecisionCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        # The year's first decision (or the first since counters exist: continue after the numbers given).
        prefix = f"{year}/"
        last = Decision.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
        try:
            with transaction.atomic():
                DecisionCounter.objects.create(year=year, last=int(last.split("/")[1]) if last else 0)
        except IntegrityError:
            pass  # another decision created the year's row at the same moment; it is there now
        counter = DecisionCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{year}/{counter.last:04d}"


def record_decision(case, *, outcome, reasons, by):
    """Record the research committee's decision (approved or rejected, always with reasons)."""
    reasons = (reasons or "").strip()
    refuse_unless(may_take(by, Step.DECIDE), _("يسجل القرار رئيس لجنة البحث."))
    refuse_unless(outcome in Decision.Outcome.values, _("اختر القرار: قبول أو رفض."))
    refuse_unless(reasons, _("اكتب أسباب القرار."))
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
