"""Decision numbers: one counter per Hijri year, taken under a lock — never the same number twice,
however many decisions are recorded at the same moment."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from mustafid.committee import actions as committee_actions
from mustafid.committee.actions import record_decision
from mustafid.committee.models import Decision, DecisionCounter, DecisionDayCount
from mustafid.lib.hijri import to_hijri


def year():
    return to_hijri(timezone.localdate())[0]


def test_numbers_follow_each_other_within_the_hijri_year(make_case, chair):
    numbers = [record_decision(make_case("with_committee"), outcome="approved", reasons="مستوفٍ", by=chair).number
               for _ in range(3)]
    assert numbers == [f"{year()}/0001", f"{year()}/0002", f"{year()}/0003"]


def test_numbering_continues_after_decisions_given_before_the_years_counter_existed(make_case, chair):
    record_decision(make_case("with_committee"), outcome="approved", reasons="مستوفٍ", by=chair)
    record_decision(make_case("with_committee"), outcome="rejected", reasons="غير مستوفٍ", by=chair)
    DecisionCounter.objects.all().delete()  # as in a deployment upgraded with this year's decisions on record
    third = record_decision(make_case("with_committee"), outcome="approved", reasons="مستوفٍ", by=chair)
    assert third.number == f"{year()}/0003"


class Gate:
    """Holds each thread until every thread still deciding has reached it, then lets them all go at once."""

    def __init__(self, parties):
        self.pending = parties
        self.waiting = 0
        self.generation = 0
        self.condition = threading.Condition()

    def wait(self):
        with self.condition:
            generation = self.generation
            self.waiting += 1
            self._release_if_all_here()
            self.condition.wait_for(lambda: self.generation != generation, timeout=2)

    def leave(self):
        with self.condition:
            self.pending -= 1
            self._release_if_all_here()

    def _release_if_all_here(self):
        if self.pending and self.waiting >= self.pending:
            self.waiting = 0
            self.generation += 1
            self.condition.notify_all()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_five_decisions_at_the_same_moment_all_succeed_with_consecutive_numbers(make_case, chair, monkeypatch):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # The in-memory test database is shared between threads through SQLite's shared cache, whose table
        # locks fail at once instead of waiting: the race exists on PostgreSQL (.ci/run runs this there).
        pytest.skip("concurrent writers need PostgreSQL or an SQLite file")
    cases = [make_case("with_committee") for _ in range(5)]
    gate = Gate(len(cases))
    lock_case = committee_actions.lock_case

    def lock_then_wait_for_the_others(*args, **kwargs):
        locked = lock_case(*args, **kwargs)
        gate.wait()  # every request locked: all five take their number at the same moment
        return locked

    monkeypatch.setattr(committee_actions, "lock_case", lock_then_wait_for_the_others)
    outcomes = {}

    def decide(case):
        try:
            outcomes[case.pk] = record_decision(case, outcome="approved", reasons="مستوفٍ للشروط", by=chair).number
        except Exception as error:  # the test reports every failure, not only the first
            outcomes[case.pk] = repr(error)
        finally:
            gate.leave()
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(case,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == [f"{year()}/{n:04d}" for n in range(1, 6)], outcomes
    assert Decision.objects.count() == 5
    assert DecisionCounter.objects.get(year=year()).last == 5
    # The deadlines page counts all five (DecisionDayCount, kept in each decision's transaction).
    assert DecisionDayCount.counts() == {
        (timezone.localdate(), cases[0].branch_id, True): 5,
    }
