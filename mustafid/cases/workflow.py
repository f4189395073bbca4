"""The workflow kernel: the allowed transitions, the row lock, and `move()`.

Every action that changes a request — in `cases`, `research`, `committee`, `services`, and
later the portal — runs in one transaction and:

1. re-reads the request under a row lock (`lock_case`), so two clicks or two people cannot
   both move it;
2. checks that the request's state accepts the step (`case.is_open_for(Step...)`) and
   refuses otherwise (`refuse_unless` → `ActionRefused`, nothing changed);
3. calls `move()`, which saves the status and the given fields, writes the timeline row
   (`CaseEvent`) and the audit row together, and hands the new timeline row to the
   writers registered with `on_case_event_written` inside the transaction (the step's message
   to the applicant is written there, `cases/messages.py`, and sent by the outbox after commit),
   and the listeners registered with `on_case_event` once the transaction has committed — so no
   action can forget its message, and a rolled-back step never sends anything.
"""

import logging
from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from mustafid.audit.actors import as_actor
from mustafid.audit.log import record
from mustafid.lib.errors import ActionRefused

from .models import Case, CaseEvent, CaseOpenedCount, CaseStatusCount, Status

logger = logging.getLogger(__name__)

# Every allowed change of status. Anything else is refused.
TRANSITIONS = {
    (Status.RECEIVED, Status.INCOMPLETE),
    (Status.RECEIVED, Status.DOCUMENTS_COMPLETE),
    (Status.INCOMPLETE, Status.DOCUMENTS_COMPLETE),
    (Status.DOCUMENTS_COMPLETE, Status.INCOMPLETE),
    (Status.DOCUMENTS_COMPLETE, Status.DECLARED),
    (Status.DECLARED, Status.INCOMPLETE),
    (Status.DECLARED, Status.DOCUMENTS_COMPLETE),
    (Status.DECLARED, Status.WITH_COMMITTEE),
    (Status.WITH_COMMITTEE, Status.APPROVED),
    (Status.WITH_COMMITTEE, Status.REJECTED),
    # Returned for information (the clock pauses) and back with the committee once answered (it resumes).
    (Status.WITH_COMMITTEE, Status.RETURNED),
    (Status.RETURNED, Status.WITH_COMMITTEE),
    (Status.APPROVED, Status.REGISTERED),
    (Status.REGISTERED, Status.IN_SERVICE),
    (Status.IN_SERVICE, Status.CLOSED),
    (Status.REJECTED, Status.CLOSED),
    # An appeal (تظلم) against the rejection, within `APPEAL_DAYS`: back to the committee (committee/appeals.py).
    (Status.REJECTED, Status.WITH_COMMITTEE),
}

_listeners = []
_writers = []


def on_case_event_written(writer):
    """Register `writer(event)` to run inside the step's transaction, right after its timeline row.

    For rows that must stand or fall with the step: the proactive message of each step
    (`cases/messages.py`) is written here, so a rolled-back step leaves no message and a committed
    one always has its message; the outbox sends it after commit. A writer that raises rolls the
    step back: it is part of the step.
    """
    _writers.append(writer)
    return writer


def on_case_event(listener):
    """Register `listener(event)` to run after the commit of every transaction that wrote a `CaseEvent`.

    The notifications app registers here in its `AppConfig.ready()`. A listener that fails is
    logged and does not affect the others: the step itself has already been committed.
    """
    _listeners.append(listener)
    return listener


def _after_commit(event):
    for listener in list(_listeners):
        try:
            listener(event)
        except Exception:
            logger.exception("case event listener %r failed for event %s", listener, event.pk)


def _require_transaction():
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A workflow step runs inside its action's transaction (transaction.atomic).")


def lock_case(case):
    """Re-read the request under a row lock, inside the action's transaction."""
    _require_transaction()
    pk = case.pk if isinstance(case, Case) else case
    # of=self: lock the request only, not its beneficiary or its support type (shared by many requests).
    return Case.objects.select_for_update(of=("self",)).select_related("beneficiary", "support_type").get(pk=pk)


def record_event(case, *, kind, by, from_status, to_status, note="", data=None):
    """Write one timeline row and queue it for the after-commit listeners. `move()` is the usual caller."""
    _require_transaction()
    event = CaseEvent.objects.create(
        case=case, kind=kind, from_status=from_status, to_status=to_status, note=note, data=data or {},
        **as_actor(by).columns("actor"),
    )
    for writer in list(_writers):
        writer(event)
    transaction.on_commit(partial(_after_commit, event))
    # The staff home's counts by state (`CaseStatusCount`, per the beneficiary's branch, as `visible_to`):
    # kept here, in the step's transaction, so the home never counts every request. An opening has no
    # `from_status`; a note or a document leaves the state as it is. (`lock_case` has the beneficiary.)
    # The indicators' requests opened by day (`CaseOpenedCount`) follow the same steps.
    if from_status != to_status:
        CaseStatusCount.shift(case.beneficiary.branch_id, from_status=from_status, to_status=to_status)
        CaseOpenedCount.step(case, from_status=from_status, to_status=to_status,
                             opened_at=event.at if kind == CaseEvent.Kind.OPENED else None)
    return event


def move(case, *, to=None, kind, by, note="", data=None, audit_type, audit_target=None, fields=()):
    """Change status (or not), save the given fields, and write the timeline and audit rows.

    Call it inside the action's transaction with a case from `lock_case`.
    `by` is a staff user or an `Actor` (the beneficiary through the portal, the system).
    """
    _require_transaction()
    from_status = case.status
    to = to or from_status
    if to != from_status and (from_status, to) not in TRANSITIONS:
        raise ActionRefused(
            _("لا يمكن نقل الطلب من «%(from)s» إلى «%(to)s».")
            % {"from": Status(from_status).label, "to": Status(to).label}
        )
    case.status = to
    case.save(update_fields=["status", *fields])
    event = record_event(case, kind=kind, by=by, from_status=from_status, to_status=to, note=note, data=data)
    record(
        audit_type,
        actor=by,
        target=audit_target or case,
        data={"case": case.pk, "from": from_status, "to": to, "note": note, **(data or {})},
    )
    return event
