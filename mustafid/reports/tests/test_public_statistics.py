"""«إحصاءات المستفيدين»: no count under 5, no small count by subtraction, and the page reads only its snapshot."""

import datetime
import re

import pytest
from django.utils import timezone

from mustafid.association.models import Region
from mustafid.beneficiaries.models import Category
from mustafid.reports import public_stats
from mustafid.reports.models import StatisticsSnapshot
from mustafid.services.actions import record_delivery
from mustafid.services.models import Service
from mustafid.tests.paging import get_with_queries

SMALL_TEXT = "أقل من ٥"


def published_numbers(data):
    """Every figure the snapshot publishes (counts and amounts), with whether it is exact."""
    found = []
    if isinstance(data, dict):
        if "n" in data:
            found.append((float(data["n"]), not data.get("about")))
        for value in data.values():
            found += published_numbers(value)
    elif isinstance(data, list):
        for value in data:
            found += published_numbers(value)
    return found


def row_text(html, table_id, name):
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    row = re.search(rf"<tr><th scope=\"row\"[^>]*>{re.escape(name)}</th>(.*?)</tr>", table, re.S)
    return re.sub(r"<[^>]+>", "", row.group(1)).strip()


@pytest.fixture
def two_categories():
    return list(Category.objects.order_by("order", "pk")[:2])


# ------------------------------------------------------------------------------------------------ the rules

def test_a_group_with_no_small_count_is_published_exactly():
    cells, suppressed = public_stats.cells([5, 12, 40])
    assert not suppressed
    assert cells == [{"n": 5, "about": False}, {"n": 12, "about": False}, {"n": 40, "about": False}]
    assert public_stats.total(57, suppressed) == {"n": 57, "about": False}


def test_a_small_count_is_hidden_and_the_rest_of_its_group_and_the_total_rounded():
    cells, suppressed = public_stats.cells([3, 6, 12, 0])
    assert suppressed
    assert cells == [{"small": True}, {"n": 5, "about": True}, {"n": 10, "about": True}, {"small": True}]
    # 21 rounded to 20: 20 − 5 − 10 gives 5, not the hidden 3.
    assert public_stats.total(21, suppressed) == {"n": 20, "about": True}
    assert public_stats.total(4, suppressed) == {"small": True}


@pytest.mark.parametrize("hidden", [1, 2, 3, 4])
@pytest.mark.parametrize("shown", [5, 6, 9, 10, 14, 26, 99])
def test_the_total_minus_the_rows_shown_never_gives_the_hidden_count(hidden, shown):
    cells, suppressed = public_stats.cells([hidden, shown])
    published_total = public_stats.total(hidden + shown, suppressed)["n"]
    # What a reader can derive: the total minus the row shown, each known only to the rounding (±2 and ±5).
    low = published_total - 5 - (cells[1]["n"] + 2)
    high = published_total + 4 - (cells[1]["n"] - 2)
    candidates = [n for n in range(0, 5) if low <= n <= high]
    assert len(candidates) > 1


# ------------------------------------------------------------------------------------------------ the page

@pytest.mark.django_db
def test_a_category_with_three_beneficiaries_shows_fewer_than_five_and_no_figure_reveals_it(
        client, make_case, two_categories):
    few, many = two_categories
    for _n in range(3):
        make_case("registered", category=few)
    for _n in range(6):
        make_case("registered", category=many)
    public_stats.refresh()

    response, _sqls = get_with_queries(client, "/statistics/")
    html = response.content.decode()
    assert row_text(html, "by-category", few.name_ar) == SMALL_TEXT
    assert row_text(html, "by-category", many.name_ar) == "نحو 5"
    # Nine people in all, published as about 10: 10 − 5 is not the hidden 3.
    assert re.sub(r"<[^>]+>", "", re.search(r'id="beneficiaries-total">(.*?)</strong>', html, re.S).group(1)).strip() == "نحو 10"
    data = StatisticsSnapshot.objects.get(hijri_year=public_stats.years()[0]).data
    assert data["beneficiaries"]["about"] is True
    # Nothing published under 5, and nothing exact in a group with a hidden count.
    for value, exact in published_numbers(data["beneficiaries"]):
        assert value >= 5 and not exact
    # The region table (all nine in one region) is the same people: rounded too, or it would give the total.
    assert row_text(html, "by-region", Region.objects.get(code="asir").name_ar) == "نحو 10"


@pytest.mark.django_db
def test_aid_given_to_fewer_than_five_people_shows_neither_the_people_nor_the_amount(client, make_case, officer):
    case = make_case("in_service")  # one delivery of the first service (500) by the real action
    cash = Service.objects.filter(measure=Service.Measure.AMOUNT).first()
    record_delivery(case, service=cash, quantity=1234, delivered_on=timezone.localdate(), by=officer)
    public_stats.refresh()
    html = client.get("/statistics/").content.decode()
    aid = re.search(r'<table[^>]*id="aid".*?</table>', html, re.S).group(0)
    assert SMALL_TEXT in aid and "1234" not in html and "1,234" not in html and "500" not in aid
    cash_total = re.sub(r"<[^>]+>", "", re.search(r'id="cash-total">(.*?)</strong>', html, re.S).group(1)).strip()
    assert cash_total == SMALL_TEXT


@pytest.mark.django_db
def test_the_page_shows_the_snapshot_and_never_reads_the_registry(client, make_case, django_assert_max_num_queries):
    make_case("registered")
    public_stats.refresh()
    snapshot = StatisticsSnapshot.objects.get(hijri_year=public_stats.years()[0])
    snapshot.data["beneficiaries"]["total"] = {"n": 4321, "about": False}
    snapshot.save()
    with django_assert_max_num_queries(4):
        response, sqls = get_with_queries(client, "/statistics/")
    assert "4,321" in response.content.decode()
    assert "آخر تحديث" in response.content.decode()
    for sql in sqls:
        for table in ("beneficiaries_beneficiary", "services_servicedelivery", "committee_decision", "cases_case"):
            assert table not in sql, sql


@pytest.mark.django_db
def test_the_periodic_job_recomputes_at_most_hourly(make_case):
    now = timezone.now()
    assert public_stats.refresh(now) == public_stats.YEARS_SHOWN
    assert public_stats.refresh(now + datetime.timedelta(minutes=30)) == 0
    assert public_stats.refresh(now + datetime.timedelta(minutes=61)) == public_stats.YEARS_SHOWN


@pytest.mark.django_db
def test_the_job_is_part_of_the_outbox_sweep():
    from mustafid.notifications import sending

    assert sending.periodic_jobs["public_statistics"] is public_stats.refresh
    sending.sweep()
    assert StatisticsSnapshot.objects.filter(hijri_year__in=public_stats.years()).count() == public_stats.YEARS_SHOWN


@pytest.mark.django_db
def test_before_the_first_computation_the_page_says_so(client):
    response = client.get("/statistics/")
    assert response.status_code == 200
    assert 'id="no-statistics"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["abc", "١٤٤٦", "99999", "\x00", "1" * 1000, "", "²", "-1", "1e3"])
def test_the_year_chooser_takes_any_text(client, year):
    public_stats.refresh()
    response = client.get("/statistics/", {"year": year})
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_previous_year_is_offered_and_shown(client):
    public_stats.refresh()
    current, previous = public_stats.years()
    html = client.get("/statistics/", {"year": str(previous)}).content.decode()
    assert f"العام {previous} هـ" in html and f'href="?year={current}"' in html
    assert 'aria-current="page"' in html


@pytest.mark.django_db
def test_the_tables_are_accessible_and_in_english_too(client):
    public_stats.refresh()
    html = client.get("/statistics/").content.decode()
    assert html.count("<caption>") >= 3 and 'scope="col"' in html and 'scope="row"' in html
    client.cookies["django_language"] = "en"
    english = client.get("/statistics/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Asir" in english or "عسير" in english


@pytest.mark.django_db
def test_with_no_small_count_the_figures_are_exact_and_empty_rows_left_out(client, make_case, two_categories):
    _few, many = two_categories
    for _n in range(5):
        make_case("registered", category=many)
    public_stats.refresh()
    html = client.get("/statistics/").content.decode()
    assert row_text(html, "by-category", many.name_ar) == "5"
    assert row_text(html, "by-region", Region.objects.get(code="asir").name_ar) == "5"
    assert "نحو" not in re.search(r'<table[^>]*id="by-region".*?</table>', html, re.S).group(0)
    # Regions and categories with nobody are not rows (nor hidden counts that would blur the others).
    assert Region.objects.get(code="riyadh").name_ar not in html
    assert _few.name_ar not in re.search(r'<table[^>]*id="by-category".*?</table>', html, re.S).group(0)
