"""The committee agenda in keyset pages by (decision due date, id): fixed queries, no count."""

import pytest
from django.urls import reverse

from mustafid.audit.models import AuditEvent, EventType
from mustafid.tests.paging import assert_counts_nothing, get_with_queries

URL = reverse("committee:agenda")


@pytest.mark.django_db
def test_the_agenda_makes_as_many_queries_for_many_requests_as_for_one(client, make_case, committee_member):
    client.force_login(committee_member)
    make_case("with_committee")
    _response, few = get_with_queries(client, URL)
    for _ in range(4):
        make_case("with_committee")
    make_case("declared")
    response, many = get_with_queries(client, URL)
    assert len(many) == len(few)
    assert_counts_nothing(many)
    assert len(response.context["page"].rows) == 5


@pytest.mark.django_db
def test_the_agenda_pages_by_due_date_without_repeating_or_skipping(client, make_case, committee_member, monkeypatch):
    monkeypatch.setattr("mustafid.committee.views.AGENDA_PAGE", 2)
    cases = [make_case("with_committee") for _ in range(3)]
    client.force_login(committee_member)
    first = client.get(URL).context["page"]
    late = make_case("with_committee")
    second = client.get(URL, {"cursor": first.next_cursor}).context["page"]
    shown = first.rows + second.rows
    # Same due date for all (submitted today): the id keeps them in order, the newcomer comes last.
    assert shown[:3] == cases and (len(shown) == 3 or shown[3] == late)
    assert [e.data["results"] for e in AuditEvent.objects.filter(event_type=EventType.AGENDA_VIEWED)] == [2, 2]
