"""The requests list on a phone and at scale: a count of what is shown, index-served sorts, date ranges in either
calendar, branch and support type filters, at a fixed number of queries."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mustafid.association.models import Branch
from mustafid.cases.models import Case, SupportType
from mustafid.conftest import make_beneficiary, open_case
from mustafid.lib.hijri import to_hijri
from mustafid.tests.paging import assert_counts_nothing, get_with_queries


def received(case, days_ago):
    Case.objects.filter(pk=case.pk).update(received_at=timezone.now() - datetime.timedelta(days=days_ago))
    return case


def shown(response):
    return [case.pk for case in response.context["page"]]


def test_the_list_says_how_many_are_shown_and_25_plus_when_more_follow(client, officer):
    beneficiary = make_beneficiary(by=officer)
    for _ in range(3):
        open_case(beneficiary, officer)
    client.force_login(officer)
    page = client.get("/cases/").content.decode()
    assert 'aria-live="polite"' in page and "المعروض في هذه الصفحة" in page and '<bdi dir="ltr">3</bdi>' in page
    for _ in range(23):
        open_case(beneficiary, officer)
    assert '<bdi dir="ltr">25+</bdi>' in client.get("/cases/").content.decode()


def test_sorted_oldest_first_and_newest_first(client, officer):
    beneficiary = make_beneficiary(by=officer)
    old = received(open_case(beneficiary, officer), 10)
    middle = received(open_case(beneficiary, officer), 5)
    new = open_case(beneficiary, officer)
    client.force_login(officer)
    assert shown(client.get("/cases/")) == [new.pk, middle.pk, old.pk]
    assert shown(client.get("/cases/?sort=old")) == [old.pk, middle.pk, new.pk]


def test_sorted_by_decision_due_date_shows_the_requests_that_have_one(client, make_case, officer):
    later = make_case("with_committee")
    sooner = make_case("with_committee")
    Case.objects.filter(pk=sooner.pk).update(decision_due_on=later.decision_due_on - datetime.timedelta(days=2))
    make_case("received")
    client.force_login(officer)
    assert shown(client.get("/cases/?sort=due")) == [sooner.pk, later.pk]


def test_a_received_date_range_typed_in_hijri_or_gregorian(client, officer):
    beneficiary = make_beneficiary(by=officer)
    received(open_case(beneficiary, officer), 40)
    recent = received(open_case(beneficiary, officer), 3)
    client.force_login(officer)
    start = timezone.localdate() - datetime.timedelta(days=7)
    response = client.post("/cases/", {"received_from": start.isoformat()})
    assert response.status_code == 302
    assert shown(client.get(response.url)) == [recent.pk]
    year, month, day = to_hijri(start)
    response = client.post("/cases/", {"received_from": f"{year}/{month:02d}/{day:02d}"})
    assert response.status_code == 302 and shown(client.get(response.url)) == [recent.pk]


def test_a_range_that_ends_before_it_starts_is_explained_not_applied(client, officer):
    open_case(make_beneficiary(by=officer), officer)
    client.force_login(officer)
    response = client.post("/cases/", {"received_from": "2026-05-10", "received_to": "2026-05-01"})
    assert response.status_code == 400
    assert "تاريخ النهاية قبل تاريخ البداية" in response.content.decode()


def test_a_mistyped_date_in_the_address_bar_shows_the_list_unfiltered(client, officer):
    case = open_case(make_beneficiary(by=officer), officer)
    client.force_login(officer)
    response = client.get("/cases/?received_from=1446/13/40&sort=sideways&branch=x")
    assert response.status_code == 200 and shown(response) == [case.pk]


def test_filtered_by_branch_and_by_support_type(client, officer, staff):
    branch = staff["branch_rep"].branch
    here = open_case(make_beneficiary(by=officer), officer)
    there = open_case(make_beneficiary(by=officer, branch=branch), officer)
    client.force_login(officer)
    assert shown(client.get(f"/cases/?branch={branch.pk}")) == [there.pk]
    head_office = Branch.objects.get(is_head_office=True)
    assert shown(client.get(f"/cases/?branch={head_office.pk}")) == [here.pk]
    other_type = SupportType.objects.exclude(pk=here.support_type_id).first()
    assert shown(client.get(f"/cases/?support_type={here.support_type_id}")) == [there.pk, here.pk]
    assert shown(client.get(f"/cases/?support_type={other_type.pk}")) == []


def test_the_filters_travel_in_the_page_links_and_the_audit_row(client, officer):
    from mustafid.audit.models import AuditEvent, EventType

    beneficiary = make_beneficiary(by=officer)
    for _ in range(27):
        open_case(beneficiary, officer)
    client.force_login(officer)
    page = client.get("/cases/?sort=old").content.decode()
    assert "sort=old&amp;cursor=" in page
    assert AuditEvent.objects.filter(event_type=EventType.CASES_LISTED).latest("pk").data["sort"] == "old"


def test_each_sort_and_filter_makes_as_many_queries_for_30_requests_as_for_3(client, officer):
    beneficiary = make_beneficiary(by=officer)
    for _ in range(3):
        open_case(beneficiary, officer)
    client.force_login(officer)
    urls = ["/cases/?sort=old", "/cases/?sort=due", "/cases/?received_from=2020-01-01&support_type=1",
            f"/cases/?branch={beneficiary.branch_id}"]
    few = {url: len(get_with_queries(client, url)[1]) for url in urls}
    for _ in range(27):
        open_case(beneficiary, officer)
    for url in urls:
        _response, sqls = get_with_queries(client, url)
        assert len(sqls) == few[url], url
        assert_counts_nothing(sqls)


def test_the_filters_options_are_kept_by_the_process_and_a_new_one_shows_at_once(client, officer):
    """The branches and support types of the filters are read once per process (lib/kept.py), not on every page; a
    support type added here is offered on the next page, and choosing it filters by it."""
    client.force_login(officer)
    _first, sqls = get_with_queries(client, "/cases/")
    options = ('SELECT "cases_supporttype"."id"', 'SELECT "association_branch"."id"')
    assert [sql for sql in sqls if sql.startswith(options)] != []
    with CaptureQueriesContext(connection) as again:
        client.get("/cases/?sort=old")
    assert [q["sql"] for q in again.captured_queries if q["sql"].startswith(options)] == []
    added = SupportType.objects.create(name_ar="دعم أجهزة طبية", name_en="Medical devices")
    page = client.get("/cases/").content.decode()
    assert f'<option value="{added.pk}"\n>دعم أجهزة طبية</option>' in page
    case = open_case(make_beneficiary(by=officer), officer, support_type=added)
    other = open_case(make_beneficiary(by=officer), officer)
    filtered = client.get(f"/cases/?support_type={added.pk}")
    assert shown(filtered) == [case.pk] and other.pk not in shown(filtered)
