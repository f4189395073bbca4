"""The benchmark harness: generate an association through the import path, then measure.

    make bench                   # 20,000 beneficiaries in a throw-away SQLite file
    BENCH_N=200000 make bench
    BENCH_N=1000000 BENCH_DB=postgres://postgres@127.0.0.1:5432/mustafid_bench make bench   # an EMPTY database
    make bench-load              # the same data, then gunicorn (2 workers) under 20 concurrent users

Environment: BENCH_N (20000), BENCH_DB (a PostgreSQL URL of an empty database the bench may fill; without
it a throw-away SQLite file), BENCH_SAMPLES (40 queries per search kind, 30 requests per page),
BENCH_ACCURACY (200 people for the one-typo top-20 share), BENCH_WORKERS (processes writing on PostgreSQL, 2),
BENCH_LOAD_USERS (20), BENCH_LOAD_SECONDS (10 per page), BENCH_REUSE (1: measure a BENCH_DB an earlier run filled),
BENCH_ONLY (with BENCH_REUSE=1, comma-separated: `search`, the searches and the duplicate check; `pages`, the pages
in-process; `indicators`, the managers' indicators and exports; `load`, the load test alone).
`--load` adds the load test; a BENCH_DB already filled by an earlier bench run is reused by `--load` or with
BENCH_REUSE=1 (measured again, not regenerated), so `make bench` then `make bench-load` generate once.

Every figure is printed beside a baseline measured in the same run (see README «Benchmarks»).
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure():
    """Point Django at the bench's settings and database before it starts."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    url = os.environ.get("BENCH_DB", "")
    if url and not url.startswith(("postgres://", "postgresql://")):
        sys.exit("BENCH_DB must be a PostgreSQL URL (postgres://...) of an empty database")
    os.environ["DATABASE_URL"] = url or f"sqlite:///{tempfile.mkdtemp(prefix='mustafid-bench-')}/bench.sqlite3"


def env_int(name, default):
    return int(os.environ.get(name, default))


def counts():
    from mustafid.audit.models import AuditEvent
    from mustafid.beneficiaries.models import Beneficiary
    from mustafid.cases.models import Case, CaseEvent
    from mustafid.interactions.models import Interaction
    from mustafid.research.models import Referral

    from mustafid.committee.models import Decision
    from mustafid.notifications.models import Message
    from mustafid.services.models import ServiceDelivery

    models = {"beneficiaries": Beneficiary, "requests": Case, "timeline rows": CaseEvent, "contacts": Interaction,
              "referrals": Referral, "decisions": Decision, "deliveries": ServiceDelivery, "messages": Message,
              "audit rows": AuditEvent}
    return {name: model.objects.count() for name, model in models.items()}


def generate(n, *, workers, log=print):
    """Fill an empty database: the association, its staff, N beneficiaries through the import, activity."""
    from django.db import connection

    from mustafid.demo.loader import load_demo_staff, load_preset

    from bench import generate as g

    load_preset("aoun")
    staff = {user.username: user for user in load_demo_staff()}
    created, rejected, seconds = g.import_registry(n, by=staff["manager"], workers=workers, log=log)
    log(f"  imported {created:,} beneficiaries ({rejected} rejected) through the import action in {seconds:.0f}s: "
        f"{created / seconds:,.0f} rows/s with {workers if connection.vendor == 'postgresql' else 1} process(es)")
    activity = g.generate_activity(n, staff=staff, workers=workers, log=log)
    activity.update(g.generate_outcomes(staff=staff, workers=workers, log=log))
    if connection.vendor == "postgresql":
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        log(f"  VACUUM ANALYZE in {time.perf_counter() - started:.0f}s")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return staff, {"import rows/s (generation)": created / seconds, **activity}


def top_up_outcomes(staff, log=print):
    """A database filled before the generator wrote decisions, deliveries, messages and surveys gets them once."""
    from django.db import connection

    from mustafid.cases.models import Case
    from mustafid.committee.models import Decision

    from bench import generate as g

    if Decision.objects.exists() or not Case.objects.exists():
        return
    g.generate_outcomes(staff=staff, workers=env_int("BENCH_WORKERS", 2), log=log)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def rebuild_derived(log=print):
    """What the actions keep beside their rows (the staff home's per-state counts, the indicators' requests opened
    by day, the decisions' clock starts, the deadlines page's decisions by day) is recomputed after the bulk-written
    requests, as after a restore (`manage.py rebuild_case_counts`, `rebuild_decision_counts`)."""
    from mustafid.cases import models as case_models

    counts = getattr(case_models, "CaseStatusCount", None)
    if counts is not None and callable(getattr(counts, "rebuild", None)):
        counts.rebuild()
        log("  rebuilt CaseStatusCount (the staff home's counts) after the bulk-written requests")
    opened = getattr(case_models, "CaseOpenedCount", None)
    if opened is not None:
        opened.rebuild()
        log("  rebuilt CaseOpenedCount (the indicators' requests opened by day) after the bulk-written requests")
    from mustafid.committee.actions import fill_clock_starts

    filled = fill_clock_starts()
    if filled:
        log(f"  gave {filled:,} bulk-written decisions their decision clock's start (as record_decision keeps it)")
    from mustafid.committee.models import DecisionDayCount

    DecisionDayCount.rebuild()
    log("  rebuilt DecisionDayCount (the deadlines page's decisions by day) after the bulk-written decisions")
    # What autovacuum would do soon after such writes: the visibility map set again, so the indicators' covering
    # indexes are read without visiting the rewritten tables.
    from django.db import connection

    if connection.vendor == "postgresql":
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        log(f"  VACUUM ANALYZE in {time.perf_counter() - started:.0f}s")


def read_into_cache(log=print):
    """On PostgreSQL, every table and index of the bench database read once into the operating system's cache
    (`pg_prewarm` in its 'read' mode), as a server in use holds them. A machine that drops its cache between runs
    otherwise gives the disk's figures for the first queries of a run (the search as you type read 115 ms at p95
    after such a drop, 38 ms with the files read). Skipped, with a line saying why, where the extension is refused."""
    from django.db import DatabaseError, connection

    if connection.vendor != "postgresql":
        return
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            cursor.execute(
                "SELECT coalesce(sum(pg_prewarm(c.oid, 'read')), 0) * current_setting('block_size')::bigint "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname IN ('public', 'pg_toast') AND c.relkind IN ('r', 'i', 't', 'm')"
            )
            read = cursor.fetchone()[0]
    except DatabaseError as error:
        log(f"  the database's files were not read into the cache first: {str(error).strip()}")
        return
    log(f"  read the database's files into the cache first (pg_prewarm): {read / 2**30:.1f} GB in "
        f"{time.perf_counter() - started:.0f}s")


def measure(staff, *, n, samples, log=print):
    from django.db import connection

    from bench import measure as m

    only = {part.strip() for part in os.environ.get("BENCH_ONLY", "").split(",") if part.strip()}
    if only:
        return measure_some(staff, only, samples=samples, log=log)
    result = measure_some(staff, {"search", "pages", "indicators"}, samples=samples, log=log)
    imported, rows = m.measure_import(n, staff["manager"], log=log)
    log(f"\nImport ({rows:,} generated rows from a CSV file with Arabic headers, rolled back after)")
    log(f"  {'import action (read_table + import_beneficiaries)':<52}{rows / imported['import']:>10,.0f} rows/s   "
        f"target ≥ 833 rows/s (100,000 in 2 min)")
    log(f"  {'baseline: bare bulk_create of the same records':<52}{rows / imported['bulk']:>10,.0f} rows/s")
    if "parallel" in imported:
        log(f"  {'the same, 2 writing processes (--workers 2)':<52}"
            f"{imported['parallel_rows'] / imported['parallel']:>10,.0f} rows/s   "
            f"({imported['parallel_rows']:,} rows, committed then removed)")
    return {**result, "import": imported, "vendor": connection.vendor}


def measure_indicators(staff, samples, *, log=print):
    """The managers' indicators per function beside their raw SQL, then the dashboard page and the exports."""
    from bench import indicators as i
    from bench import measure as m

    rows = i.measure_indicators(staff, max(8, samples), log=log)
    m.print_table("Indicators (each function as the dashboard calls it, beside the same SQL run raw; per period)",
                  rows, out=log)
    pages = i.measure_dashboard(staff, max(8, samples // 2), log=log)
    m.print_table("The dashboard and the exports (full requests as a manager)", pages, out=log)
    return rows + pages


def measure_some(staff, only, *, samples, log=print):
    """BENCH_ONLY=search,pages,indicators,load: a quick look at some parts of a filled database (the load test
    runs after): `search` the searches and the duplicate check, `pages` the pages in-process."""
    from bench import measure as m

    known = {"search", "pages", "indicators", "load"}
    unknown = only - known
    if unknown:
        sys.exit(f"BENCH_ONLY knows: {', '.join(sorted(known))} (not {', '.join(sorted(unknown))})")
    result = {}
    people = None
    if only & {"search", "pages"}:
        accuracy = env_int("BENCH_ACCURACY", 200)
        everyone = m.sample_people(max(samples, accuracy))
        people = everyone[:samples]
    if "search" in only:
        search_rows, _found = m.measure_searches(people, staff["officer"], accuracy_people=everyone[samples:], log=log)
        m.print_table(f"Search (database: {samples} queries per kind, the first 25 results as the page reads them)",
                      search_rows, out=log)
        id_base = next(row.baseline for row in search_rows if row.label == "search: national ID")
        duplicate, why = m.measure_duplicates(people[: max(10, samples // 2)], staff["officer"], id_base)
        if duplicate:
            m.print_table("Duplicate check at registration (likely_duplicates; a new national ID each time)",
                          duplicate, out=log)
        else:
            log(f"\nDuplicate check at registration: {why}")
        result.update(search=search_rows, duplicate=duplicate)
    if "pages" in only:
        page_rows = m.measure_pages(staff, people, max(10, samples * 3 // 4), log=log)
        m.print_table("Pages (full HTTP requests through the Django test client, signed in; queries per request)",
                      page_rows, out=log)
        result["pages"] = page_rows
    if "indicators" in only:
        result["indicators"] = measure_indicators(staff, samples, log=log)
    return result


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    load = "--load" in argv
    configure()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from mustafid.beneficiaries.models import Beneficiary

    n = env_int("BENCH_N", 20000)
    samples = env_int("BENCH_SAMPLES", 40)
    workers = env_int("BENCH_WORKERS", 2)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if Beneficiary.objects.exists():
        if not load and os.environ.get("BENCH_REUSE") != "1":
            sys.exit("bench needs an empty database (it generates its own data); `make bench-load` or "
                     "BENCH_REUSE=1 reuses one an earlier bench run filled")
        from mustafid.accounts.models import User

        staff = {user.username: user for user in User.objects.filter(username__in=[
            "officer", "researcher", "manager", "auditor", "chair", "committee", "volunteer", "branch_rep"])}
        n = Beneficiary.objects.count()
        print(f"Reusing the bench database ({n:,} beneficiaries) on {connection.vendor} "
              f"({os.cpu_count()} CPUs, CONN_MAX_AGE={settings.DATABASES['default']['CONN_MAX_AGE']})")
        top_up_outcomes(staff)
        rebuild_derived()  # what the counts mean may have changed with the code since it was filled
    else:
        print(f"Generating {n:,} beneficiaries on {connection.vendor} "
              f"({os.cpu_count()} CPUs, CONN_MAX_AGE={settings.DATABASES['default']['CONN_MAX_AGE']})")
        staff, _activity = generate(n, workers=workers)
        rebuild_derived()
        print(f"  generated in {time.perf_counter() - started:.0f}s")
    print("  rows: " + ", ".join(f"{name} {count:,}" for name, count in counts().items()))
    read_into_cache()
    measure(staff, n=n, samples=samples)
    if load or "load" in os.environ.get("BENCH_ONLY", ""):
        from bench.load import run_load

        read_into_cache()

        run_load(staff["officer"], users=env_int("BENCH_LOAD_USERS", 20), seconds=env_int("BENCH_LOAD_SECONDS", 10))
    print(f"\nbench finished in {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
