"""The requests list in keyset pages: a fixed number of queries, stable under new requests, no count."""

import re

import pytest
from django.urls import reverse

from mustafid.audit.models import AuditEvent, EventType
from mustafid.conftest import make_beneficiary, open_case
from mustafid.tests.paging import assert_counts_nothing, get_with_queries

URL = reverse("cases:list")


def open_cases(n, *, by, branch=None):
    beneficiary = make_beneficiary(by=by, branch=branch)
    return [open_case(beneficiary, by) for _ in range(n)]


@pytest.mark.django_db
def test_the_list_makes_as_many_queries_for_30_requests_as_for_3(client, officer):
    client.force_login(officer)
    open_cases(3, by=officer)
    _response, few = get_with_queries(client, URL)
    open_cases(27, by=officer)
    response, many = get_with_queries(client, URL)
    assert len(many) == len(few)
    assert_counts_nothing(many)
    assert len(response.context["page"].rows) == 25 and response.context["page"].next_cursor


@pytest.mark.django_db
def test_a_request_received_between_two_pages_neither_repeats_nor_is_skipped(client, officer):
    client.force_login(officer)
    older = open_cases(30, by=officer)
    first = client.get(URL).context["page"]
    newest = open_cases(1, by=officer)[0]
    second = client.get(URL, {"cursor": first.next_cursor}).context["page"]
    shown = [case.pk for case in first.rows + second.rows]
    assert sorted(shown) == sorted(case.pk for case in older) and newest.pk not in shown
    assert second.next_cursor is None
    # The first page's link now shows the newcomer on top.
    assert client.get(URL).context["page"].rows[0] == newest


@pytest.mark.django_db
def test_the_next_link_keeps_the_status_filter_and_the_kept_search(client, officer):
    client.force_login(officer)
    open_cases(30, by=officer)
    response = client.post(URL, {"status": "received", "q": "محمد"})
    listed = client.get(response.url)
    page = listed.context["page"]
    html = listed.content.decode()
    key = listed.context["search_key"]
    assert key and f"status=received&amp;s={key}&amp;cursor={page.next_cursor}&amp;page=2" in html
    second = client.get(URL, {"status": "received", "s": key, "cursor": page.next_cursor})
    assert len(second.context["page"].rows) == 5 and second.context["query"] == "محمد"


@pytest.mark.django_db
def test_each_page_shown_is_audited_with_the_rows_it_shows(client, officer):
    client.force_login(officer)
    open_cases(30, by=officer)
    html = client.get(URL).content.decode()
    next_link = re.search(r'rel="next" href="\?([^"]+)"', html).group(1).replace("&amp;", "&")
    client.get(f"{URL}?{next_link}")
    listed = AuditEvent.objects.filter(event_type=EventType.CASES_LISTED, actor=officer).order_by("pk")
    assert [(e.data["results"], e.data["page"]) for e in listed] == [(25, 1), (5, 2)]


@pytest.mark.django_db
def test_a_branch_rep_pages_through_their_branchs_requests_only(client, officer, staff):
    rep = staff["branch_rep"]
    theirs = open_cases(27, by=officer, branch=rep.branch)
    open_cases(5, by=officer)
    client.force_login(rep)
    first = client.get(URL).context["page"]
    second = client.get(URL, {"cursor": first.next_cursor}).context["page"]
    assert {c.pk for c in first.rows + second.rows} == {c.pk for c in theirs}


@pytest.mark.django_db
def test_a_researcher_pages_through_the_requests_referred_to_them_only(client, officer, researcher):
    from mustafid.research.actions import refer_to_researcher

    theirs = open_cases(27, by=officer)
    open_cases(3, by=officer)
    for case in theirs:
        refer_to_researcher(case=case, researcher=researcher, question="؟", by=officer)
    client.force_login(researcher)
    _response, few = get_with_queries(client, URL)
    first = client.get(URL).context["page"]
    second = client.get(URL, {"cursor": first.next_cursor}).context["page"]
    assert [c.pk for c in first.rows + second.rows] == sorted((c.pk for c in theirs), reverse=True)
    assert_counts_nothing(few)
