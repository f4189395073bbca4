"""Measurements: searches, the duplicate check, pages and import, each beside a baseline from the same run."""

import csv
import importlib
import inspect
import json
import math
import random
import tempfile
import time
from pathlib import Path

from django.db import connection, transaction
from django.test import Client

from . import names as N


def percentile(samples, share):
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# No one measurement may take more than this (a page of several seconds at a million would take minutes
# for 30 samples): it stops after at least MIN_SAMPLES once its time is spent.
BUDGET_SECONDS = 90
MIN_SAMPLES = 8


def timed(fn, inputs, results=None, budget=BUDGET_SECONDS):
    """Milliseconds of `fn(x)` for each x (one warm-up call first); what each call returned goes to `results`."""
    fn(inputs[0])
    samples = []
    deadline = time.monotonic() + budget
    for item in inputs:
        start = time.perf_counter()
        value = fn(item)
        samples.append((time.perf_counter() - start) * 1000)
        if results is not None:
            results.append(value)
        if len(samples) >= MIN_SAMPLES and time.monotonic() > deadline:
            break
    return samples


class Row:
    """One line of the report."""

    def __init__(self, label, samples, *, baseline=None, queries=None, target="", note=""):
        self.label, self.samples, self.baseline = label, samples, baseline
        self.queries, self.target, self.note = queries, target, note

    @property
    def p50(self):
        return percentile(self.samples, 0.5)

    @property
    def p95(self):
        return percentile(self.samples, 0.95)


def print_table(title, rows, out=print):
    out(f"\n{title}")
    out(f"  {'measure':<44}{'p50 ms':>9}{'p95 ms':>9}   {'baseline p50/p95 ms':<32}{'×base p95':>10}{'queries':>9}"
        f"  {'target':<14}{'note'}")
    for row in rows:
        base, ratio = "", ""
        if row.baseline is not None:
            name, b = row.baseline
            base = f"{percentile(b, 0.5):.2f}/{percentile(b, 0.95):.2f} {name}"
            ratio = f"{row.p95 / max(percentile(b, 0.95), 1e-6):.1f}"
        queries = "" if row.queries is None else str(row.queries)
        out(f"  {row.label:<44}{row.p50:>9.2f}{row.p95:>9.2f}   {base:<32}{ratio:>10}{queries:>9}"
            f"  {row.target + meets(row.target, row.p95):<14}{row.note}")


def meets(target, p95):
    """" ✓" or " ✗" after a target like «≤30 ms» (the p95 against it); nothing when there is none."""
    if not target.startswith("≤"):
        return ""
    return " ✓" if p95 <= float(target[1:].split()[0]) else " ✗"


# ---------------------------------------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------------------------------------

def sample_people(count, seed=7):
    """`count` beneficiaries spread over the table (by primary key), with what search needs of them."""
    from mustafid.beneficiaries.models import Beneficiary

    bounds = Beneficiary.objects.order_by("pk").values_list("pk", flat=True)
    low, high = bounds.first(), Beneficiary.objects.order_by("-pk").values_list("pk", flat=True).first()
    rng = random.Random(seed)
    wanted = sorted({rng.randint(low, high) for _ in range(count * 2)})
    rng.shuffle(wanted)  # over the whole table, whatever `count` stops at
    people, seen = [], set()
    for pk in wanted:
        person = (Beneficiary.objects.filter(pk__gte=pk).order_by("pk")
                  .values("pk", "first_name", "father_name", "grandfather_name", "family_name", "national_id",
                          "mobile", "birth_date", "name_key").first())
        if person and person["pk"] not in seen:
            seen.add(person["pk"])
            people.append(person)
        if len(people) == count:
            break
    return people


def queries_for(people, seed=11):
    """For each kind of search, one query per sampled person, and who it is meant to find."""
    rng = random.Random(seed)
    kinds = {"id": [], "mobile": [], "first_family": [], "prefix": [], "variant": [], "typo": []}
    for p in people:
        first, father, grand, family = p["first_name"], p["father_name"], p["grandfather_name"], p["family_name"]
        kinds["id"].append((p["national_id"], p["pk"]))
        kinds["mobile"].append((N.other_format(p["mobile"], rng), p["pk"]))
        kinds["first_family"].append((f"{first} {family}", p["pk"]))
        cut = family.replace(" ", "")[: max(4, len(family) - 3)]
        kinds["prefix"].append((f"{first} {father} {cut}", p["pk"]))
        kinds["variant"].append((" ".join(N.variant(part, rng) for part in (first, father, family)), p["pk"]))
        # The whole four-part name (a first and family name alone is shared by hundreds at a million),
        # spelt differently, with one slip of the keyboard in one of its words.
        parts = [N.variant(part, rng) for part in (first, father, grand, family)]
        which = rng.choice([i for i in range(4) if any(len(w) >= 4 for w in parts[i].split())] or [3])
        parts[which] = N.typo(parts[which], rng)
        kinds["typo"].append((" ".join(parts), p["pk"]))
    return kinds


def search_pks(query, user, limit=25):
    """The first `limit` people, asked for as the registry page asks (the end of its page and one more)."""
    from mustafid.beneficiaries.models import Beneficiary

    found = Beneficiary.objects.search(query, user=user, limit=limit + 1)
    return [getattr(item, "pk", item) for item in found[:limit]]


def measure_searches(people, user, *, accuracy_people=(), log=print):
    """App search p50/p95 per kind, the share found (top 20), and the baselines. The share for the
    variant-with-one-typo queries is also taken over `accuracy_people` (more people, untimed)."""
    from mustafid.beneficiaries.models import Beneficiary
    from mustafid.lib import arabic

    kinds = queries_for(people)
    table = Beneficiary._meta.db_table
    rows, found_share = [], {}

    def sql_by(column):
        def run(value):
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT id FROM {table} WHERE {column} = %s", [value])
                return cursor.fetchall()
        return run

    id_base = ("SQL national_id =", timed(sql_by("national_id"), [p["national_id"] for p in people]))
    mobile_base = ("SQL mobile =", timed(sql_by("mobile"), [p["mobile"] for p in people]))

    app = {}
    for kind, pairs in kinds.items():
        results = []
        app[kind] = timed(lambda q: search_pks(q, user), [q for q, _pk in pairs], results)
        hits = sum(1 for (q, pk), found in zip(pairs, results) if pk in found[:20])
        found_share[kind] = hits / len(results)

    typo_note = ""
    if accuracy_people:
        pairs = queries_for(accuracy_people, seed=13)["typo"]
        hits = sum(1 for q, pk in pairs if pk in search_pks(q, user)[:20])
        found_share["typo (accuracy set)"] = hits / len(pairs)
        typo_note = f"; over {len(pairs)} more: {hits / len(pairs):.1%} (target ≥98%)"
    name_base_label, name_base, base_found = _name_baseline(kinds, table, arabic, log=log)
    targets = {"id": "≤2 ms", "mobile": "≤2 ms"}
    labels = {
        "id": "search: national ID", "mobile": "search: mobile, other format",
        "first_family": "search: first + family name", "prefix": "search: name prefix",
        "variant": "search: spelling variant", "typo": "search: variant + one typo",
    }
    for kind, samples in app.items():
        if kind in ("id", "mobile"):
            base = id_base if kind == "id" else mobile_base
        else:
            base = (name_base_label, name_base[kind])
        note = f"found in top 20: {found_share[kind]:.0%}"
        if kind not in ("id", "mobile") and base_found.get(kind) is not None:
            note += f" (baseline {base_found[kind]:.0%})"
        if kind == "typo":
            note += typo_note
        rows.append(Row(labels[kind], samples, baseline=base, target=targets.get(kind, "≤30 ms"), note=note))
    return rows, found_share


def _name_baseline(kinds, table, arabic, *, log=print):
    """PostgreSQL: a whole-name pg_trgm similarity query on a throw-away trigram index (dropped after).
    SQLite: the naive scan of name_key in Python (what search would cost with no index at all)."""
    name_kinds = ["first_family", "prefix", "variant", "typo"]
    timings, found = {}, {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            started = time.perf_counter()
            cursor.execute(f"CREATE INDEX bench_name_key_trgm ON {table} USING gin (name_key gin_trgm_ops)")
            cursor.execute(f"ANALYZE {table}")
            log(f"  baseline trigram index built in {time.perf_counter() - started:.0f}s")
        sql = (f"SELECT id FROM {table} WHERE name_key %% %s ORDER BY similarity(name_key, %s) DESC, id LIMIT %s")

        def run(query, limit=25):
            key = arabic.normalize(query)
            with connection.cursor() as cursor:
                cursor.execute(sql, [key, key, limit])
                return [row[0] for row in cursor.fetchall()]
        label = "pg_trgm similarity"
        # Seconds per query at a million (every name shares the trigrams of «ال»): at most 12 per kind.
        few = min(12, len(kinds["typo"]))
        try:
            for kind in name_kinds:
                results, pairs = [], kinds[kind][:few]
                timings[kind] = timed(run, [q for q, _pk in pairs], results)
                found[kind] = sum(pk in hits[:20] for (_q, pk), hits in zip(pairs, results)) / len(results)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("DROP INDEX IF EXISTS bench_name_key_trgm")
        return label, timings, found
    from mustafid.beneficiaries.models import Beneficiary

    def scan(query):
        tokens = arabic.name_tokens(query)
        hits = []
        for pk, key in Beneficiary.objects.values_list("pk", "name_key").iterator(chunk_size=5000):
            if all(t in key for t in tokens):
                hits.append(pk)
                if len(hits) == 25:
                    break
        return hits
    few = max(5, len(kinds["typo"]) // 4)  # a full scan each: fewer samples
    for kind in name_kinds:
        timings[kind] = timed(scan, [q for q, _pk in kinds[kind][:few]])
    return "Python scan of name_key", timings, {}


# ---------------------------------------------------------------------------------------------------------
# The duplicate check
# ---------------------------------------------------------------------------------------------------------

DUPLICATE_MODULES = ["mustafid.beneficiaries.duplicates", "mustafid.beneficiaries.models",
                     "mustafid.beneficiaries.search", "mustafid.beneficiaries.actions", "mustafid.beneficiaries.forms"]


def find_duplicate_check():
    """`likely_duplicates` from the beneficiaries app, wherever it lives; None when it does not exist yet."""
    from mustafid.beneficiaries.models import Beneficiary

    for name in DUPLICATE_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        fn = getattr(module, "likely_duplicates", None)
        if callable(fn):
            return fn
    fn = getattr(Beneficiary.objects, "likely_duplicates", None)
    return fn if callable(fn) else None


def call_duplicate_check(fn, fields, user):
    """Call the check with what its signature asks for: the fields by name, a dict, or an unsaved record."""
    from mustafid.beneficiaries.models import Beneficiary

    params = inspect.signature(fn).parameters
    kwargs, args = {}, []
    for name, param in params.items():
        if name in fields:
            value = fields[name]
        elif name == "names":
            value = tuple(fields.get(part, "") for part in ("first_name", "father_name", "grandfather_name",
                                                            "family_name"))
        elif name in ("user", "by", "for_user", "reader"):
            value = user
        elif name in ("data", "fields", "cleaned_data", "values"):
            value = dict(fields)
        elif name in ("beneficiary", "record", "candidate", "instance", "person"):
            value = Beneficiary(**{k: v for k, v in fields.items() if k in {f.name for f in Beneficiary._meta.fields}})
        elif name == "household_ids":
            value = []
        elif param.default is not inspect.Parameter.empty or param.kind in (param.VAR_KEYWORD, param.VAR_POSITIONAL):
            continue
        else:
            raise TypeError(f"likely_duplicates: do not know what to pass for {name!r}")
        if param.kind == param.POSITIONAL_ONLY:
            args.append(value)
        else:
            kwargs[name] = value
    result = fn(*args, **kwargs)
    return list(result)


def measure_duplicates(people, user, id_baseline):
    """Three registrations: a registered person typed with spelling variants and their mobile in another
    format (found by name and mobile); the same with one typo in the name and a new mobile (found by a
    similar name); and a new person (the usual case, nothing to find). Each with a new national ID."""
    fn = find_duplicate_check()
    if fn is None:
        return [], "not available (no likely_duplicates in mustafid.beneficiaries)"
    from mustafid.lib.saudi import generate_national_id

    from .generate import SEED

    rng = random.Random(5)
    names = N.Names(random.Random(SEED + 99))
    flavours = {"variant": [], "typo": [], "new": []}
    for i, p in enumerate(people):
        variant = {"first_name": N.variant(p["first_name"], rng), "father_name": p["father_name"],
                   "grandfather_name": N.variant(p["grandfather_name"], rng),
                   "family_name": N.variant(p["family_name"], rng),
                   "national_id": generate_national_id("1", 99_000_000 + i), "mobile": N.other_format(p["mobile"], rng),
                   "birth_date": p["birth_date"], "_pk": p["pk"]}
        flavours["variant"].append(variant)
        typo = dict(variant, national_id=generate_national_id("1", 98_000_000 + i),
                    mobile="0" + N.mobile_digits(rng))
        which = rng.choice(["first_name", "grandfather_name", "family_name"])
        typo[which] = N.typo(typo[which], rng)
        flavours["typo"].append(typo)
        first, father, grandfather, family = names.person(rng.choice(["male", "female"]))
        flavours["new"].append({"first_name": first, "father_name": father, "grandfather_name": grandfather,
                                "family_name": family, "national_id": generate_national_id("1", 97_000_000 + i),
                                "mobile": "0" + N.mobile_digits(rng), "birth_date": p["birth_date"], "_pk": None})

    def check(fields):
        return call_duplicate_check(fn, {k: v for k, v in fields.items() if not k.startswith("_")}, user)

    def pks(result):
        found = set()
        for item in result:  # a record, (record, reasons), or an object with .beneficiary
            item = item[0] if isinstance(item, (tuple, list)) else getattr(item, "beneficiary", item)
            found.add(getattr(item, "pk", item))
        return found

    rows = []
    labels = {"variant": ("duplicate check: variant name, other format",
                          "registered person found: {share:.0%}"),
              "typo": ("duplicate check: one typo, new mobile", "registered person found: {share:.0%}"),
              "new": ("duplicate check: a new person", "someone proposed: {share:.0%} (common names)")}
    for flavour, candidates in flavours.items():
        results = []
        try:
            samples = timed(check, candidates, results)
        except TypeError as error:
            return [], f"not measured: {error}"
        if flavour == "new":
            share = sum(1 for result in results if result) / len(results)
        else:
            share = sum(1 for c, result in zip(candidates, results) if c["_pk"] in pks(result)) / len(results)
        label, note = labels[flavour]
        rows.append(Row(label, samples, baseline=id_baseline, target="≤300 ms", note=note.format(share=share)))
    return rows, None


# ---------------------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------------------

def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def count_queries(fn, statements=None):
    """How many queries `fn` ran; with a list `statements`, each is appended to it as (sql, params)."""
    queries = []

    def keep(execute, sql, params, many, context):
        queries.append((sql, params, many))
        return execute(sql, params, many, context)

    # Counted by a wrapper: Django clears its own query log at the start of each request.
    with connection.execute_wrapper(keep):
        fn()
    if statements is not None:
        statements.extend((sql, params) for sql, params, many in queries if not many)
    return len(queries)


# A table this big read whole by a page is a page that grows with the table.
BIG_TABLE = 10_000


def plans(statements):
    """On PostgreSQL, what a page's queries read at this size (EXPLAIN ANALYZE, BUFFERS, in a transaction rolled
    back): the most 8 kB buffers one of them touched, and each table of more than BIG_TABLE rows read by a sequential
    scan (mustafid/tests/test_query_plans.py checks the same pages at a test's size). "" elsewhere."""
    if connection.vendor != "postgresql":
        return ""
    most, whole = 0, set()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'")
        rows = dict(cursor.fetchall())
        for sql, params in statements:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH", "UPDATE", "DELETE")):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
            plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
            most = max(most, plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0))
            nodes = [plan]
            while nodes:
                node = nodes.pop()
                nodes.extend(node.get("Plans", ()))
                if node.get("Node Type") == "Seq Scan" and rows.get(node.get("Relation Name"), 0) > BIG_TABLE:
                    whole.add(node["Relation Name"])
        transaction.set_rollback(True)
    reads = f"whole: {', '.join(sorted(whole))}" if whole else "no table read whole"
    return f"≤{most:,} buffers a query, {reads}"


def page_urls(staff):
    """(label, user, url or a search to POST first) for each page measured; a page 404 for a role is skipped."""
    return [
        ("page: minimal base template", staff["officer"], "/bench/base/"),
        ("page: staff home", staff["officer"], "/"),
        ("page: registry", staff["officer"], "/beneficiaries/"),
        ("page: registry search (national ID)", staff["officer"], ("search", "/beneficiaries/", "id")),
        ("page: registry search (name)", staff["officer"], ("search", "/beneficiaries/", "name")),
        ("search as you type (htmx rows)", staff["officer"], ("htmx", "/beneficiaries/")),
        ("page: requests", staff["officer"], "/cases/"),
        ("page: contacts", staff["officer"], "/contacts/"),
        ("page: referrals", staff["researcher"], "/referrals/"),
        ("page: audit trail", staff["auditor"], "/audit/"),
        ("page: deadlines", staff["officer"], "/deadlines/"),
    ]


def _search_urls(client, url, queries):
    """POST each search as the page does and keep where it sends us (the results page, no number in the URL)."""
    urls = []
    for query in queries:
        response = client.post(url, {"q": query})
        if response.status_code in (301, 302, 303):
            urls.append(response["Location"])
        elif response.status_code == 200:
            urls.append(None)  # the page answers the POST itself
    return urls


def measure_pages(staff, people, repeat, *, log=print):
    rows, base = [], None
    clients = {}
    for label, user, target in page_urls(staff):
        client = clients.get(user.pk) or clients.setdefault(user.pk, signed_in(user))
        if isinstance(target, tuple) and target[0] == "htmx":
            # What the box sends after a pause in typing: the first name and the family name's first letters.
            typed = [f"{p['first_name']} {p['family_name'][:4]}" for p in people][:repeat]
            items = typed

            def get(query, url=target[1], client=client):
                return client.post(url, {"q": query}, HTTP_HX_REQUEST="true")
        elif isinstance(target, tuple):
            queries = [p["national_id"] if target[2] == "id" else f"{p['first_name']} {p['family_name']}"
                       for p in people][:repeat]
            found = _search_urls(client, target[1], queries)
            if not found:
                log(f"  {label}: skipped (the search POST was refused)")
                continue
            urls = [u or target[1] for u in found]
            get = (lambda u: client.get(u)) if found[0] else (lambda u: client.post(target[1], {"q": u}))
            items = urls if found[0] else queries
        else:
            get = client.get
            items = [target] * repeat
        response = get(items[0])
        if response.status_code != 200:
            log(f"  {label}: skipped (HTTP {response.status_code})")
            continue
        statements = []
        queries = count_queries(lambda: get(items[0]), statements)
        samples = timed(get, items)
        if base is None:
            base = ("base page", samples)
            rows.append(Row(label, samples, queries=queries, note="the baseline of every page"))
            continue
        note = plans(statements)
        target_text = "≤100 ms" if any(word in label for word in ("registry", "requests", "audit", "home", "search",
                                                                  "contacts", "referrals", "deadlines")) else ""
        if "national ID" in label:
            target_text = "≤50 ms"
        rows.append(Row(label, samples, baseline=base, queries=queries, target=target_text, note=note))
    return rows


# ---------------------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------------------

HEADERS_AR = ["الاسم الأول", "اسم الأب", "اسم الجد", "اسم العائلة", "رقم الهوية", "الجوال", "تاريخ الميلاد", "الجنس",
              "المنطقة", "المدينة", "الفئة", "المكتب"]
FIELD_ORDER = ["first_name", "father_name", "grandfather_name", "family_name", "national_id", "phone", "birth_date",
               "gender", "region", "city", "category", "branch"]


class _Rollback(Exception):
    pass


def measure_import(n, user, *, rows=5000, log=print):
    """Rows/s of a generated CSV file through read_table + the import action, and of a bare bulk_create
    of the same records (the baseline); both rolled back, so the registry keeps its N."""
    from mustafid.beneficiaries.importing import detect_mapping, import_beneficiaries, read_table
    from mustafid.beneficiaries.models import Beneficiary

    from .generate import _context, spreadsheet_rows

    context = _context()
    generated = spreadsheet_rows(n + 1_000_000, rows, context=context)  # IDs beyond the registry's
    path = Path(tempfile.mkdtemp()) / "bench-import.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADERS_AR)
        for row in generated:
            writer.writerow([row.values[name] for name in FIELD_ORDER])

    result = {}
    start = time.perf_counter()
    try:
        with transaction.atomic():
            table = read_table(path)
            outcome = import_beneficiaries(table.mapped(detect_mapping(table.headers)), by=user, source=path.name)
            result["created"] = outcome.created
            result["import"] = time.perf_counter() - start
            raise _Rollback
    except _Rollback:
        pass

    # The baseline: the same people, already checked, written with one bulk_create (no checks, no audit).
    from mustafid.beneficiaries.importing import Lookups, RowChecker

    checker = RowChecker(Lookups())
    records = []
    for row in generated:
        fields, _reasons = checker.check(row.values)
        records.append(Beneficiary(created_by=user, **fields))
        records[-1].name_key = records[-1].first_name  # any key: the baseline is the write alone
    start = time.perf_counter()
    try:
        with transaction.atomic():
            Beneficiary.objects.bulk_create(records, batch_size=1000)
            result["bulk"] = time.perf_counter() - start
            raise _Rollback
    except _Rollback:
        pass
    path.unlink()
    if connection.vendor == "postgresql":
        result["parallel_rows"], result["parallel"] = _measure_parallel_import(n, user, rows * 2, context)
    return result, rows


def _measure_parallel_import(n, user, rows, context, workers=2):
    """The import with `workers` writing processes (the command's --workers). Forked writers cannot share a
    transaction to roll back, so the rows are committed, timed, then deleted with their audit and index rows."""
    from mustafid.audit.models import AuditEvent
    from mustafid.beneficiaries.importing import detect_mapping, import_beneficiaries, read_table
    from mustafid.beneficiaries.models import Beneficiary

    from .generate import spreadsheet_rows

    generated = spreadsheet_rows(n + 2_000_000, rows, context=context)
    path = Path(tempfile.mkdtemp()) / "bench-import-parallel.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADERS_AR)
        for row in generated:
            writer.writerow([row.values[name] for name in FIELD_ORDER])
    start = time.perf_counter()
    table = read_table(path)
    import_beneficiaries(table.mapped(detect_mapping(table.headers)), by=user, source=path.name, workers=workers)
    seconds = time.perf_counter() - start
    created = Beneficiary.objects.filter(national_id__in=[row.values["national_id"] for row in generated])
    ids = list(created.values_list("pk", flat=True))
    AuditEvent.objects.filter(target_type="beneficiaries.beneficiary", target_id__in=[str(pk) for pk in ids]).delete()
    Beneficiary.objects.filter(pk__in=ids).delete()
    path.unlink()
    return len(ids), seconds
