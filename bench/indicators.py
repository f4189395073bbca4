"""The managers' indicators (reports/indicators.py) and the exports, beside the raw SQL of the same queries.

For each indicator function and period, p50/p95 of the function as the page calls it (the ORM building the query,
the database, Python shaping the table), and the baseline: the very SQL statements it sent, with their
parameters, executed again through a bare cursor and fetched (the database's share alone). Then the whole
dashboard page as a manager, its Excel download, and the requests list's Excel export of a month.

At 1,000,000 beneficiaries the generator writes 500,000 requests over three years and about 3.5 million timeline
rows; a year holds a third of them, the three-year range all of them (more than a year of the issue's figure of
one million requests and five million timeline rows).
"""

import datetime

from django.db import connection
from django.utils import timezone

from .measure import Row, count_queries, signed_in, timed

SECTIONS = ("opened_tables", "days_to_decision", "decisions_on_time", "services_delivered", "messages_sent",
            "satisfaction", "complaints")


def _periods():
    from mustafid.reports.periods import Period, period_of

    today = timezone.localdate()
    month = today.replace(day=1) - datetime.timedelta(days=1)
    last_month = period_of(f"g-m-{month.year}-{month.month}")
    last_year = period_of(f"g-y-{today.year - 1}")
    three_years = Period(start=today - datetime.timedelta(days=3 * 365), end=today + datetime.timedelta(days=1),
                         label="3 years", code="range")
    return [("a month", last_month), ("a year", last_year), ("three years", three_years)]


def _captured(fn):
    """What fn() sent to the database: [(sql, params)]."""
    statements = []

    def keep(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        fn()
    return statements


def _raw(statements):
    def run(_item):
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                if cursor.description is not None:
                    cursor.fetchall()
    return run


def measure_indicators(staff, samples, *, log=print):
    from mustafid.reports import indicators

    rows = []
    for name, period in _periods():
        for section in SECTIONS:
            fn = getattr(indicators, section, None)
            if fn is None:
                continue
            args = (period,) if section in ("messages_sent", "satisfaction") else (period, None)

            def call(_item, fn=fn, args=args):
                return fn(*args)

            statements = _captured(lambda: call(None))
            if not statements:
                continue
            items = list(range(samples))
            measured = timed(call, items)
            baseline = timed(_raw(statements), items)
            rows.append(Row(f"{section} ({name})", measured, baseline=("the same SQL, raw", baseline),
                            queries=len(statements), target="≤300 ms"))
    return rows


def measure_dashboard(staff, samples, *, log=print):
    from mustafid.reports.periods import RANGE

    manager = signed_in(staff["manager"])
    rows = []
    base_url = "/bench/base/"
    base = timed(lambda _i: manager.get(base_url), list(range(samples)))
    for name, period in _periods():
        if period.code == "range":
            query = {"period": RANGE, "start": period.start.isoformat(),
                     "end": (period.end - datetime.timedelta(days=1)).isoformat()}
        else:
            query = {"period": period.code}
        for label, extra in (("page", {}), ("Excel download", {"format": "xlsx"})):
            def get(_item, extra=extra, query=query):
                response = manager.get("/indicators/", {**query, **extra})
                if extra:
                    b"".join(response.streaming_content) if response.streaming else response.content
                return response

            first = get(None)
            if first.status_code != 200:
                log(f"  indicators {label} ({name}): skipped (HTTP {first.status_code})")
                continue
            queries = count_queries(lambda: get(None))
            rows.append(Row(f"indicators {label} ({name})", timed(get, list(range(samples))),
                            baseline=("base page", base), queries=queries, target="≤300 ms" if not extra else ""))
    # The requests list's export of the last month (every column, masking applied), through the page's link.
    month = [period for name, period in _periods() if name == "a month"][0]
    officer = signed_in(staff["manager"])
    params = {"received_from": month.start.isoformat(), "received_to": month.last_day.isoformat(), "format": "xlsx"}

    def export(_item):
        response = officer.get("/exports/cases/", params)
        return b"".join(response.streaming_content) if response.streaming else response.content

    size = len(export(None))
    rows.append(Row("requests export, a month (xlsx)", timed(export, list(range(max(3, samples // 3)))),
                    baseline=("base page", base), note=f"{size:,} bytes"))
    return rows
