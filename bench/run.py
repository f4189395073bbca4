"""Benchmarks: registry search and the staff home, on a generated association.

    make bench            # 20,000 beneficiaries in a throw-away SQLite database
    BENCH_N=50000 make bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mustafid_bench make bench   # an EMPTY database you own

Figures are medians of repeated runs, and ratios against a baseline measured in the same run:
the baseline for name search is what a naive implementation would do (normalise every name in Python).
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mustafid.settings")
os.environ.setdefault("DEBUG", "true")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

N = int(os.environ.get("BENCH_N", "20000"))
REPEAT = 15
FIRST = ["محمد", "أحمد", "عبد الله", "فاطمة", "نورة", "سعد", "خالد", "مريم", "عبدالرحمن", "هيا", "مصطفى", "ليلى"]
FAMILY = ["القحطاني", "الشهري", "العسيري", "الغامدي", "الزهراني", "العتيبي", "المالكي", "الحربي", "الدوسري"]


def median_ms(fn):
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def generate():
    from django.utils import timezone

    from mustafid.association.models import Branch, Region
    from mustafid.beneficiaries.models import Beneficiary, Category
    from mustafid.demo.loader import load_demo_staff, load_preset
    from mustafid.lib import arabic
    from mustafid.lib.saudi import generate_national_id

    load_preset("aoun")
    officer = load_demo_staff()[0]
    region, category = Region.objects.get(code="asir"), Category.objects.first()
    branches = list(Branch.objects.all())
    rows = []
    for i in range(N):
        first, family = FIRST[i % len(FIRST)], FAMILY[(i // 7) % len(FAMILY)]
        father = FIRST[(i // 3) % len(FIRST)]
        b = Beneficiary(
            first_name=first, father_name=father, grandfather_name="سالم", family_name=family,
            national_id=generate_national_id("1", 100_000 + i), mobile=f"+9665{i:08d}",
            birth_date=timezone.localdate().replace(year=1980 + i % 30), gender="male", region=region,
            city="أبها", branch=branches[i % len(branches)], category=category, created_by=officer,
        )
        b.name_key = arabic.search_key(b.first_name, b.father_name, b.grandfather_name, b.family_name)
        rows.append(b)
    Beneficiary.objects.bulk_create(rows, batch_size=2000)
    return officer


def main():
    call_command("migrate", verbosity=0)
    from mustafid.beneficiaries.models import Beneficiary
    from mustafid.lib import arabic

    if Beneficiary.objects.exists():
        sys.exit("bench needs an empty database (it generates its own data)")
    started = time.perf_counter()
    officer = generate()
    print(f"generated {N:,} beneficiaries in {time.perf_counter() - started:.1f}s "
          f"on {connection.vendor}")

    query = "عبدالله القحطانى"
    tokens = arabic.name_tokens(query)

    def indexed():
        return list(Beneficiary.objects.search(query).values_list("pk", flat=True)[:25])

    def naive():
        # What search would cost without the stored normalised key: normalise every name on each search.
        hits = []
        for pk, *parts in Beneficiary.objects.values_list("pk", "first_name", "father_name", "grandfather_name",
                                                          "family_name").iterator(chunk_size=5000):
            key = arabic.search_key(*parts)
            if all(t in key for t in tokens):
                hits.append(pk)
                if len(hits) == 25:
                    break
        return hits

    def by_mobile():
        return list(Beneficiary.objects.search("٠٥٠٠٠١٢٣٤٥"))

    def by_id():
        return list(Beneficiary.objects.search(Beneficiary.objects.order_by("pk").last().national_id))

    assert set(indexed()) == set(naive()), "both searches must find the same people"
    baseline = median_ms(naive)
    print(f"{'measure':<44}{'median ms':>10}{'vs baseline':>13}")
    print(f"{'name search, naive Python normalisation':<44}{baseline:>10.2f}{1:>12.2f}x")
    for label, fn in [("name search, stored normalised key", indexed), ("search by mobile (Arabic digits)", by_mobile),
                      ("search by national ID", by_id)]:
        ms = median_ms(fn)
        print(f"{label:<44}{ms:>10.2f}{ms / baseline:>12.3f}x")

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(officer)
    for url in ("/", "/beneficiaries/?q=%D8%B9%D8%A8%D8%AF%D8%A7%D9%84%D9%84%D9%87", "/cases/"):
        queries = []
        # Counted by a wrapper: Django clears its own query log at the start of each request.
        with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
            assert client.get(url).status_code == 200
        ms = median_ms(lambda: client.get(url))
        print(f"{'GET ' + url[:36]:<44}{ms:>10.2f}{'':>13}  {len(queries)} queries")


if __name__ == "__main__":
    main()
