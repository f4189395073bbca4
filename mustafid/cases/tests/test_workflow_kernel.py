"""The workflow kernel: moves only inside a transaction, one after-commit hook, and who acted in words."""

import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse

from mustafid.audit.actors import Actor, ActorKind
from mustafid.audit.models import AuditEvent, EventType
from mustafid.cases import actions, workflow
from mustafid.cases.models import CaseEvent, Status, Step, may_take
from mustafid.conftest import refreshed
from mustafid.lib.errors import ActionRefused


@pytest.fixture
def heard():
    """The events the after-commit hook hands to its listeners during one test."""
    events = []
    listener = workflow.on_case_event(events.append)
    yield events
    workflow._listeners.remove(listener)


def _in_a_fresh_thread(function):
    """Run outside the test's transaction: a new thread has its own database connection, in no transaction."""
    outcome = {}

    def run():
        try:
            function()
        except Exception as error:  # noqa: BLE001 (handed back to the test)
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return outcome.get("error")


def test_a_move_or_a_lock_outside_a_transaction_is_refused(make_case, officer):
    case = make_case("received")
    error = _in_a_fresh_thread(lambda: workflow.move(
        case, to=Status.INCOMPLETE, kind=CaseEvent.Kind.MARKED_INCOMPLETE, by=officer,
        audit_type=EventType.CASE_MARKED_INCOMPLETE))
    assert isinstance(error, RuntimeError)
    assert isinstance(_in_a_fresh_thread(lambda: workflow.lock_case(case)), RuntimeError)
    assert refreshed(case).status == Status.RECEIVED and not case.events.filter(kind="marked_incomplete").exists()
    with transaction.atomic():
        assert workflow.lock_case(case.pk) == case


def test_listeners_hear_each_committed_event_once_and_never_a_rolled_back_one(
    heard, officer, make_case, django_capture_on_commit_callbacks
):
    case = make_case("received")
    with django_capture_on_commit_callbacks(execute=True):
        heard.clear()
        actions.mark_incomplete(case, note="ينقص تقرير طبي", by=officer)
        with pytest.raises(ActionRefused):
            # A refused step: nothing written, nothing heard.
            actions.mark_incomplete(refreshed(case), note="مرة ثانية", by=officer)
        with pytest.raises(ZeroDivisionError):
            with transaction.atomic():
                workflow.move(workflow.lock_case(case), kind=CaseEvent.Kind.REFERRED, by=officer, note="",
                              audit_type=EventType.REFERRAL_CREATED)
                1 / 0
        assert heard == []  # nothing before the commit
    assert [event.kind for event in heard] == ["marked_incomplete"]


def test_a_failing_listener_does_not_undo_the_step_or_silence_the_others(
    heard, officer, make_case, django_capture_on_commit_callbacks
):
    case = make_case("received")

    def broken(event):
        raise ValueError("transport down")

    workflow.on_case_event(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            heard.clear()
            actions.mark_incomplete(case, note="ينقص تقرير طبي", by=officer)
    finally:
        workflow._listeners.remove(broken)
    assert refreshed(case).status == Status.INCOMPLETE
    assert [event.kind for event in heard] == ["marked_incomplete"]


def test_the_beneficiary_and_the_system_act_in_words_on_the_timeline_and_in_the_audit_trail(
    make_case, officer, client
):
    case = make_case("received")
    with transaction.atomic():
        workflow.move(workflow.lock_case(case), kind=CaseEvent.Kind.DOCUMENT_UPLOADED, by=Actor.beneficiary(),
                      note="", audit_type=EventType.DOCUMENT_UPLOADED)
        workflow.move(workflow.lock_case(case), kind=CaseEvent.Kind.REFERRED, by=Actor.system("send_reminders"),
                      note="", audit_type=EventType.REFERRAL_CREATED)
    portal, system = case.events.order_by("-pk")[1], case.events.order_by("-pk")[0]
    assert (portal.actor, portal.actor_kind, str(portal.acted_by)) == (None, ActorKind.BENEFICIARY,
                                                                        "المستفيد عبر البوابة")
    assert (system.actor, system.actor_kind, str(system.acted_by)) == (None, ActorKind.SYSTEM, "النظام")
    rows = AuditEvent.objects.order_by("-pk")[:2]
    assert [(row.actor_id, row.actor_kind) for row in rows] == [(None, "system"), (None, "beneficiary")]

    client.force_login(officer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "المستفيد عبر البوابة" in page and "النظام" in page
    assert officer.display_name in page  # who received the request, by name


def test_a_guardian_is_recorded_as_acting_for_the_beneficiary(make_case):
    case = make_case("received")
    with transaction.atomic():
        event = workflow.move(workflow.lock_case(case), kind=CaseEvent.Kind.REFERRED,
                              by=Actor.beneficiary(guardian_name="أم فهد"), note="", audit_type=EventType.REFERRAL_CREATED)
    assert event.actor_kind == ActorKind.GUARDIAN and str(event.acted_by) == "ولي أمر المستفيد عبر البوابة (أم فهد)"


def test_a_staff_actor_keeps_the_user_name_as_the_label(make_case, officer):
    case = make_case("received")
    opened = case.events.get(kind="opened")
    assert (opened.actor, opened.actor_kind, opened.actor_label) == (officer, "staff", officer.username)
    assert (case.received_by, case.received_by_kind, case.receiver.user) == (officer, "staff", officer)


# Each step's rule is written once: the button shows exactly when the action would accept the step. (Deciding
# has no button of its own on the request page: the committee decides at a meeting or by circulation.)
STEP_BUTTONS = {
    Step.MARK_INCOMPLETE: "cases:mark_incomplete",
    Step.DECLARE: "cases:record_declaration",
    Step.SUBMIT: "cases:submit",
    Step.REGISTER: "cases:register",
    Step.CLOSE: "cases:close",
    Step.DELIVER: "services:record_delivery",
    Step.DOCUMENTS: "cases:upload_document",
}


@pytest.mark.parametrize("status", ["received", "incomplete", "documents_complete", "declared", "with_committee",
                                    "approved", "rejected", "registered", "in_service", "closed"])
@pytest.mark.parametrize("persona", ["officer", "chair", "committee", "auditor"])
def test_a_button_is_shown_exactly_when_the_step_is_open_to_the_user(make_case, staff, client, status, persona):
    case = make_case(status)
    user = staff[persona]
    client.force_login(user)
    response = client.get(case.get_absolute_url())
    if response.status_code == 404:
        # The committee knows only requests that were submitted to it (the access matrix covers the rest).
        assert persona in ("chair", "committee") and status in ("received", "incomplete", "documents_complete",
                                                                "declared")
        return
    page = response.content.decode()
    for step, url_name in STEP_BUTTONS.items():
        shown = f'action="{reverse(url_name, args=[case.pk])}"' in page
        assert shown == (may_take(user, step) and case.is_open_for(step)), (step, status, persona)


def test_the_audit_trail_shows_the_portal_and_the_system_in_words(make_case, staff, client):
    case = make_case("received")
    with transaction.atomic():
        workflow.move(workflow.lock_case(case), kind=CaseEvent.Kind.REFERRED, by=Actor.system("send_reminders"),
                      note="", audit_type=EventType.REFERRAL_CREATED)
        workflow.move(workflow.lock_case(case), kind=CaseEvent.Kind.DOCUMENT_UPLOADED, by=Actor.beneficiary(),
                      note="", audit_type=EventType.DOCUMENT_UPLOADED)
    client.force_login(staff["auditor"])
    page = client.get("/audit/").content.decode()
    assert "النظام" in page and "المستفيد عبر البوابة" in page
