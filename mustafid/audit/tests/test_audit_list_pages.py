"""The audit trail in keyset pages by (-at, -id), with its filters: fixed queries, stable, no count."""

import pytest
from django.urls import reverse

from mustafid.audit.log import record
from mustafid.audit.models import AuditEvent, EventType
from mustafid.tests.paging import assert_counts_nothing, get_with_queries

URL = reverse("audit:list")


def events(n, *, by, event_type=EventType.SIGNED_IN, **data):
    return [record(event_type, actor=by, data={"i": i, **data}) for i in range(n)]


@pytest.mark.django_db
def test_the_trail_makes_as_many_queries_for_60_events_as_for_3(client, staff):
    client.force_login(staff["auditor"])
    AuditEvent.objects.all().delete()
    events(3, by=staff["officer"])
    _response, few = get_with_queries(client, URL)
    events(57, by=staff["officer"])
    response, many = get_with_queries(client, URL)
    assert len(many) == len(few)
    assert_counts_nothing(many)
    assert len(response.context["page"].rows) == 50


@pytest.mark.django_db
def test_an_event_written_between_two_pages_neither_repeats_nor_is_skipped(client, staff):
    client.force_login(staff["auditor"])
    older = events(60, by=staff["officer"], event_type=EventType.BENEFICIARY_VIEWED)
    filters = {"type": str(EventType.BENEFICIARY_VIEWED.value), "actor": "officer"}
    first = client.get(URL, filters).context["page"]
    newest = events(1, by=staff["officer"], event_type=EventType.BENEFICIARY_VIEWED)[0]
    second = client.get(URL, {**filters, "cursor": first.next_cursor}).context["page"]
    shown = [e.pk for e in first.rows + second.rows]
    assert sorted(shown) == sorted(e.pk for e in older) and newest.pk not in shown


@pytest.mark.django_db
def test_pages_keep_the_filters_and_show_only_matching_events(client, staff):
    client.force_login(staff["auditor"])
    events(55, by=staff["officer"], event_type=EventType.CASE_VIEWED)
    events(10, by=staff["researcher"], event_type=EventType.CASE_VIEWED)
    events(10, by=staff["officer"], event_type=EventType.SIGNED_IN)
    filters = {"type": str(EventType.CASE_VIEWED.value), "actor": "officer"}
    response = client.get(URL, filters)
    page = response.context["page"]
    assert f"type={EventType.CASE_VIEWED.value}&amp;actor=officer&amp;cursor={page.next_cursor}&amp;page=2" in (
        response.content.decode()
    )
    second = client.get(URL, {**filters, "cursor": page.next_cursor}).context["page"]
    rows = page.rows + second.rows
    assert len(rows) == 55 and {(e.event_type, e.actor_label) for e in rows} == {(EventType.CASE_VIEWED, "officer")}
    assert second.next_cursor is None and second.previous_cursor


@pytest.mark.django_db
def test_a_bad_type_or_cursor_still_shows_the_trail(client, staff):
    client.force_login(staff["auditor"])
    events(3, by=staff["officer"])
    response = client.get(URL, {"type": "٣", "cursor": "not-a-cursor\x00"})
    assert response.status_code == 200 and response.context["type"] == "" and response.context["page"].is_first
