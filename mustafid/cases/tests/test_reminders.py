"""The committee chair is reminded of decisions coming due: half the period left, two days, the day — once each."""

import datetime

import pytest
from django.utils import timezone

from mustafid.cases.models import Case
from mustafid.cases.reminders import remind_decisions
from mustafid.notifications import sending
from mustafid.notifications.models import Channel, Message, Purpose

pytestmark = pytest.mark.django_db


def reminders_to(user):
    return Message.objects.filter(person_type="accounts.user", person_id=user.pk, purpose=Purpose.STAFF).order_by("pk")


def due_in(case, days):
    Case.objects.filter(pk=case.pk).update(decision_due_on=timezone.localdate() + datetime.timedelta(days=days))


def test_the_chair_is_reminded_at_each_milestone_once(make_case, chair):
    case = make_case("with_committee")
    assert chair.email  # the demo staff have addresses
    due_in(case, 10)
    now = timezone.now()
    assert remind_decisions(now) == 0 and not reminders_to(chair).exists()

    due_in(case, 7)  # half of the two weeks left
    assert remind_decisions(now) == 1
    assert remind_decisions(now) == 0  # a second run in the same minute: nothing new
    due_in(case, 2)
    remind_decisions(now)
    due_in(case, 0)
    remind_decisions(now)
    remind_decisions(now)
    sent = list(reminders_to(chair))
    assert [message.idempotency_key.split(":")[3].split("/")[0] for message in sent] == ["half", "two_days", "due"]
    assert {message.channel for message in sent} == {Channel.EMAIL}
    assert all(case.reference in message.body and case.get_absolute_url() in message.body for message in sent)
    assert "اليوم آخر موعد" in sent[-1].body
    # The beneficiary's name is not in a reminder to staff.
    assert case.beneficiary.first_name not in sent[0].body


def test_overdue_and_decided_requests_are_not_reminded(make_case, chair):
    overdue = make_case("with_committee")
    due_in(overdue, -1)
    decided = make_case("approved")
    Case.objects.filter(pk=decided.pk).update(decision_due_on=timezone.localdate())
    assert remind_decisions(timezone.now()) == 0


def test_the_sweep_runs_the_reminders(make_case, chair):
    case = make_case("with_committee")
    due_in(case, 1)
    results = sending.sweep()
    assert results["decision_reminders"] == 1
    assert reminders_to(chair).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_the_same_moment_remind_once(make_case, chair):
    """Cron and the worker's own tick may run the reminders in the same second: one message, no error."""
    import threading

    from django.db import connection, connections

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("concurrent writers need PostgreSQL or an SQLite file")
    case = make_case("with_committee")
    due_in(case, 7)
    now = timezone.now()
    barrier = threading.Barrier(2, timeout=5)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(remind_decisions(now))
        except Exception as error:  # reported, not swallowed
            results.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # Each run answers (a count, not an error: the loser of the race finds the winner's row by its key) ...
    assert len(results) == 2 and all(isinstance(result, int) for result in results), results
    # ... and the chair has one reminder.
    assert reminders_to(chair).count() == 1
