"""The registry list and its search pages do not grow with the registry: no count of it, no sort of it,
a fixed number of queries per page, and pages that stay put when people are registered meanwhile."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mustafid.audit.models import AuditEvent, EventType
from mustafid.beneficiaries.models import Beneficiary
from mustafid.conftest import make_beneficiary


def make_people(officer, n, **fields):
    return [make_beneficiary(by=officer, **fields) for _ in range(n)]


def next_link(page):
    found = re.search(r'<a class="page-link" href="([^"]+)">التالي</a>', page)
    return found.group(1).replace("&amp;", "&") if found else None


def names_on(page):
    return re.findall(r'<a href="/beneficiaries/(\d+)/">', page)


def registry_queries(queries):
    return [q["sql"] for q in queries if "beneficiaries_beneficiary" in q["sql"]]


def test_the_list_and_its_search_never_count_the_registry(client, officer):
    make_people(officer, 30)
    client.force_login(officer)
    for request in (lambda: client.get("/beneficiaries/"),
                    lambda: client.post("/beneficiaries/", {"q": "الأحمدي"}, HTTP_HX_REQUEST="true"),
                    lambda: client.post("/beneficiaries/", {"q": "الأحم"}, follow=True)):
        with CaptureQueriesContext(connection) as queries:
            assert request().status_code == 200
        assert not [sql for sql in registry_queries(queries) if "COUNT(" in sql.upper()]
        # Every read of the registry is bounded.
        selects = [sql for sql in registry_queries(queries)
                   if sql.lstrip().upper().startswith("SELECT") and "beneficiaries_beneficiary\".\"id\" = " not in sql]
        assert all(" LIMIT " in sql.upper() or " IN (" in sql.upper() for sql in selects), selects


@pytest.mark.parametrize("count", [3, 40])
def test_a_page_of_the_list_takes_the_same_queries_however_many_people(client, officer, count,
                                                                      django_assert_max_num_queries):
    make_people(officer, count)
    client.force_login(officer)
    client.get("/beneficiaries/")  # the session and the user, read once
    with django_assert_max_num_queries(8):
        page = client.get("/beneficiaries/").content.decode()
    if count > 25:
        with django_assert_max_num_queries(9):
            client.get(next_link(page))
    # Per typed word: one vocabulary read, two for typos; per rank step: one or two reads of the index.
    with django_assert_max_num_queries(18):
        client.post("/beneficiaries/", {"q": "محمد الأحمدي"}, HTTP_HX_REQUEST="true")


def test_the_list_pages_by_keyset_and_stays_put_when_people_are_registered_meanwhile(client, officer):
    make_people(officer, 30)
    # Newest first (by the time of registration, then the id), as the list orders them.
    people = [str(pk) for pk in Beneficiary.objects.order_by("-created_at", "-pk").values_list("pk", flat=True)]
    client.force_login(officer)
    first = client.get("/beneficiaries/").content.decode()
    assert names_on(first) == people[:25]
    assert "الصفحة 1" in first and "25+" not in first  # the plain list shows no count
    url = next_link(first)
    assert re.fullmatch(r"/beneficiaries/\?after=\d+&page=2", url)
    make_people(officer, 5, first_name="جديد")  # registered while the officer reads page 1
    second = client.get(url).content.decode()
    assert names_on(second) == people[25:]
    assert next_link(second) is None and "الصفحة 2" in second
    listed = AuditEvent.objects.filter(event_type=EventType.REGISTRY_LISTED, actor=officer).order_by("pk")
    assert [row.data for row in listed] == [{"page": 1, "results": 25, "more": True}, {"page": 2, "results": 30}]


def test_search_pages_show_25_plus_and_page_on_without_repeats(client, officer):
    people = make_people(officer, 30)
    client.force_login(officer)
    first = client.post("/beneficiaries/", {"q": "الأحمدي"}, follow=True).content.decode()
    assert "25+" in first
    second = client.get(next_link(first)).content.decode()
    shown = names_on(first) + names_on(second)
    assert sorted(shown) == sorted(str(p.pk) for p in people) and len(set(shown)) == 30


@pytest.mark.parametrize("after", ["abc", "-1", "99999999999999999999999", "0"])
def test_a_bad_cursor_shows_the_first_page(client, officer, after):
    make_beneficiary(by=officer)
    client.force_login(officer)
    assert client.get("/beneficiaries/", {"after": after, "page": "x"}).status_code == 200


def test_search_as_you_type_waits_for_two_letters_and_cancels_the_previous_request(client, officer):
    make_beneficiary(by=officer)
    client.force_login(officer)
    page = client.get("/beneficiaries/").content.decode()
    box = re.search(r'<input[^>]+id="q"[^>]*>', page, re.S).group(0)
    assert 'hx-trigger="input changed delay:300ms, search"' in box and 'hx-sync="this:replace"' in box
    assert 'hx-post="/beneficiaries/"' in box
    assert client.post("/beneficiaries/", {"q": "م"}, HTTP_HX_REQUEST="true").status_code == 204
    assert client.post("/beneficiaries/", {"q": "مح"}, HTTP_HX_REQUEST="true").status_code == 200
