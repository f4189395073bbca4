"""Appeals (التظلم) against the research committee's rejection.

A rejected applicant may appeal within `APPEAL_DAYS` (default 30) of the decision's date, with a reason and
any new documents; the officer records it (`file_appeal`). The request goes back to the committee — to its
agenda, with its whole history — with a decision clock of its own: the response period of the policy in force
the day the appeal is filed, from that day (the `appealed` timeline row keeps it, as `submitted` keeps the
first; see cases/clock.py). New documents are uploaded as any other while the appeal waits
(`Case.under_appeal`).

The committee answers as it decides any request (at a meeting or by circulation, `actions.record_decision`):
a new decision, numbered as any other, linked to the appeal in the decision's own transaction
(`link_answer`, a `workflow.on_case_event_written` writer). The decision on an appeal is final: it is not
appealed again.
"""

import unicodedata

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mustafid.association.models import current_policy
from mustafid.audit.actors import as_actor
from mustafid.audit.models import EventType
from mustafid.cases.clock import DecisionClock, appeal_days, last_day_to_appeal, rule_of
from mustafid.cases.models import CaseEvent, Status, Step, may_take
from mustafid.cases.workflow import lock_case, move
from mustafid.lib.errors import ActionRefused, refuse_unless
from mustafid.lib.forms import ALLOWED_CONTROLS, BIDI_CONTROLS
from mustafid.lib.hijri import format_hijri_or_gregorian

from .models import Appeal, Decision

REASON_MAX = 2000


def last_day(decision):
    """The last day an appeal against `decision` is received (cases/clock.py `last_day_to_appeal`)."""
    return last_day_to_appeal(decision.decided_at)


def clean_reason(text):
    """The reason as typed, without NUL, control or bidi-override characters (the form refuses them; an action
    called otherwise drops them), and without surrounding spaces."""
    text = "".join(char for char in (text or "") if char not in BIDI_CONTROLS
                   and (char in ALLOWED_CONTROLS or unicodedata.category(char) not in ("Cc", "Cs")))
    return text.strip()


def latest_decision(case):
    return case.decisions.order_by("-decided_at", "-pk").first()


def appeal_refusal(case, today=None):
    """(the decision an appeal would be against, or None; why it cannot be appealed now, or "").

    Read by `file_appeal` under the request's lock and by the request page to show (or not) the button.
    """
    today = today or timezone.localdate()
    decision = latest_decision(case)
    if decision is None or decision.outcome != Decision.Outcome.REJECTED:
        return decision, _("لا يُقبل التظلم إلا من قرار رفض صادر من لجنة البحث.")
    if Appeal.objects.filter(appealed=decision).exists():
        return decision, _("سبق تسجيل تظلم من القرار رقم %(number)s؛ لا يُقبل تظلم ثانٍ من القرار نفسه.") % {
            "number": decision.number}
    if Appeal.objects.filter(decision=decision).exists():
        return decision, _("القرار رقم %(number)s صادر في تظلم، وهو نهائي لا يُتظلم منه.") % {"number": decision.number}
    if not case.is_open_for(Step.APPEAL):
        return decision, _("لا يُقبل التظلم إلا على طلب مرفوض لم يُغلق.")
    until = last_day(decision)
    if today > until:
        return decision, _("انتهت مدة التظلم (%(days)s يومًا من تاريخ القرار) في %(date)s؛ لا يُقبل التظلم بعدها.") % {
            "days": appeal_days(), "date": f"{format_hijri_or_gregorian(until)} ({until:%Y/%m/%d})"}
    return decision, ""


def file_appeal(case, *, reason, by):
    """Record the applicant's appeal against the committee's rejection: the request goes back to the committee
    with a clock of its own (the period of the policy in force today, from today)."""
    reason = clean_reason(reason)
    refuse_unless(may_take(by, Step.APPEAL), _("يسجل التظلم موظف الاستقبال."))
    refuse_unless(reason, _("اكتب سبب التظلم."))
    refuse_unless(len(reason) <= REASON_MAX, _("سبب التظلم أطول من %(max)s حرف؛ اختصره.") % {"max": REASON_MAX})
    with transaction.atomic():
        case = lock_case(case)
        today = timezone.localdate()
        decision, refusal = appeal_refusal(case, today)
        refuse_unless(not refusal, refusal)
        policy = current_policy(today)
        refuse_unless(policy is not None, _("لا توجد سياسة معتمدة نافذة؛ يضيفها المدير من الإعدادات."))
        rule = rule_of(policy)
        due = DecisionClock.from_rule(today, rule).due_on
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(case=case, appealed=decision, reason=reason, due_on=due,
                                               **as_actor(by).columns("filed_by"))
        except IntegrityError:  # the row lock makes this unreachable; a second appeal is refused all the same
            raise ActionRefused(_("سبق تسجيل تظلم من القرار رقم %(number)s؛ لا يُقبل تظلم ثانٍ من القرار نفسه.")
                                % {"number": decision.number}) from None
        case.decision_due_on = due
        case.response_days = policy.response_days
        case.policy_version = policy
        case.clock_paused_on = None
        move(
            case, to=Status.WITH_COMMITTEE, kind=CaseEvent.Kind.APPEALED, by=by, note=reason,
            data={"appealed_decision": decision.number, "appeal": appeal.pk, "decision_due_on": due.isoformat(),
                  **rule},
            audit_type=EventType.APPEAL_FILED, audit_target=appeal,
            fields=["decision_due_on", "response_days", "policy_version", "clock_paused_on"],
        )
    return appeal


def open_appeal(case):
    """The appeal waiting for the committee's answer, or None."""
    return Appeal.objects.filter(case=case, decision__isnull=True).first()


def link_answer(event):
    """In the step's transaction: a decision on a request under appeal is the appeal's answer; a resumed clock
    moves the appeal's due date. (A `workflow.on_case_event_written` writer.)"""
    if event.kind not in (CaseEvent.Kind.DECIDED, CaseEvent.Kind.INFORMATION_PROVIDED):
        return
    appeal = Appeal.objects.select_for_update().filter(case_id=event.case_id, decision__isnull=True).first()
    if appeal is None:
        return
    if event.kind == CaseEvent.Kind.INFORMATION_PROVIDED:
        appeal.due_on = event.case.decision_due_on
        appeal.save(update_fields=["due_on"])
        return
    number = (event.data or {}).get("decision")
    answer = Decision.objects.filter(number=number).first() if number else None
    if answer is not None and answer.pk != appeal.appealed_id:
        appeal.decision = answer
        appeal.save(update_fields=["decision"])


def register():
    from mustafid.cases import workflow

    if link_answer not in workflow._writers:
        workflow.on_case_event_written(link_answer)
