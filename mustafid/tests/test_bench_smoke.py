"""The benchmark harness (bench/) cannot rot: its generator and one measurement, at 200 beneficiaries.

`make bench` is not part of `make test` (minutes of generation); this runs the same code in-process,
on whichever database the suite runs on, in a few seconds.
"""

import os
import time

import pytest
from django.test import override_settings

from bench import generate, measure
from mustafid.audit.models import AuditEvent, EventType
from mustafid.beneficiaries.models import Beneficiary
from mustafid.cases.models import Case, CaseEvent

N = 200


@pytest.fixture
def bench_data(staff):
    created, rejected, _seconds = generate.import_registry(N, by=staff["manager"], workers=1)
    generate.generate_activity(N, staff=staff)
    return created, rejected


def test_the_generator_fills_the_registry_through_the_import(bench_data):
    created, rejected = bench_data
    assert (created, rejected) == (N, 0)
    # Through the import action: one audit row per person naming the generated file and its line.
    imported = AuditEvent.objects.filter(event_type=EventType.BENEFICIARY_CREATED, data__import__file="bench.xlsx")
    assert imported.count() == N
    # Mobiles typed in every format are stored in one; compound names and variants arrive as typed.
    assert not Beneficiary.objects.exclude(mobile__regex=r"^\+9665[0-9]{8}$").exists()
    first_names = set(Beneficiary.objects.values_list("first_name", flat=True))
    assert {"عبد الله", "عبدالله"} & first_names or {"عبد الرحمن", "عبدالرحمن"} & first_names
    # Requests, one per two people, each with its opening on the timeline.
    assert Case.objects.count() == N // 2
    assert CaseEvent.objects.filter(kind="opened").count() == N // 2
    assert Case.objects.exclude(status="received").exists()


def test_a_measurement_runs_and_finds_the_person(bench_data, staff):
    people = measure.sample_people(5)
    queries = measure.queries_for(people)
    for query, pk in queries["id"] + queries["mobile"]:
        assert pk in measure.search_pks(query, staff["officer"])
    with override_settings(ROOT_URLCONF="bench.urls"):
        rows = measure.measure_pages(staff, people, 2)
    labels = [row.label for row in rows]
    assert labels[0] == "page: minimal base template"
    assert "page: registry" in labels
    assert all(row.queries is not None and row.p95 > 0 for row in rows)


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="the load test reads CPU time from Linux's /proc")
def test_the_load_test_counts_the_apps_cpu_time_and_not_a_process_that_ended():
    from bench.load import _cpu_used, cpu_seconds

    before = cpu_seconds(os.getpid())
    assert before[str(os.getpid())][0] == "app"
    deadline = time.process_time() + 0.05
    while time.process_time() < deadline:  # spend some CPU in "the app"
        pass
    after = cpu_seconds(os.getpid())
    assert _cpu_used(before, after)["app"] > 0
    ended = {"999999999": ("db", 100.0)}  # a PostgreSQL backend that closed between the readings
    assert _cpu_used({**before, **ended}, after)["db"] >= 0


def test_the_bench_reads_the_database_into_the_cache_before_measuring_on_postgresql(db):
    from django.db import connection

    from bench.run import read_into_cache

    said = []
    read_into_cache(log=said.append)
    if connection.vendor == "postgresql":
        # The suite's user creates the extension (CI's is the server's superuser): every table and index read.
        assert len(said) == 1 and "(pg_prewarm):" in said[0] and " GB in " in said[0], said
    else:
        assert said == []
