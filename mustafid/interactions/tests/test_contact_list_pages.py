"""The contacts list in keyset pages: a fixed number of queries, stable under new contacts, no count."""

import pytest
from django.urls import reverse

from mustafid.conftest import make_beneficiary
from mustafid.interactions.actions import log_interaction
from mustafid.tests.paging import assert_counts_nothing, get_with_queries

URL = reverse("interactions:list")


def log(n, *, by, beneficiary=None, channel="phone"):
    return [
        log_interaction(channel=channel, direction="in", kind="inquiry", summary=f"سؤال {i}", by=by,
                        beneficiary=beneficiary, contact_name="" if beneficiary else "سعيد")
        for i in range(n)
    ]


@pytest.mark.django_db
def test_the_list_makes_as_many_queries_for_30_contacts_as_for_3(client, officer):
    client.force_login(officer)
    beneficiary = make_beneficiary(by=officer)
    log(2, by=officer, beneficiary=beneficiary)
    log(1, by=officer)
    _response, few = get_with_queries(client, URL)
    log(20, by=officer, beneficiary=beneficiary)
    log(7, by=officer)
    response, many = get_with_queries(client, URL)
    assert len(many) == len(few)
    assert_counts_nothing(many)
    assert len(response.context["page"].rows) == 30


@pytest.mark.django_db
def test_a_contact_logged_between_two_pages_neither_repeats_nor_is_skipped(client, officer):
    client.force_login(officer)
    older = log(35, by=officer)
    first = client.get(URL, {"channel": "phone"}).context["page"]
    newest = log(1, by=officer)[0]
    second = client.get(URL, {"channel": "phone", "cursor": first.next_cursor}).context["page"]
    shown = [c.pk for c in first.rows + second.rows]
    assert sorted(shown) == sorted(c.pk for c in older) and newest.pk not in shown


@pytest.mark.django_db
def test_the_next_link_keeps_the_filters(client, officer):
    client.force_login(officer)
    log(31, by=officer, channel="letter")
    log(2, by=officer)
    response = client.get(URL, {"channel": "letter", "kind": "inquiry"})
    page = response.context["page"]
    assert f"channel=letter&amp;kind=inquiry&amp;cursor={page.next_cursor}&amp;page=2" in response.content.decode()
    second = client.get(URL, {"channel": "letter", "kind": "inquiry", "cursor": page.next_cursor})
    assert [c.channel for c in second.context["page"].rows] == ["letter"]
