"""Keyset pages: the same rows whatever is added meanwhile, any cursor typed into the address bar harmless."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mustafid.audit.models import AuditEvent, EventType
from mustafid.lib.paging import decode_cursor, encode_cursor, keyset_page

ORDER = ("-at", "-id")


def add_events(n, at=None):
    at = at or timezone.now()
    return [
        AuditEvent.objects.create(event_type=EventType.SIGNED_IN, actor_label=f"u{i}", at=at) for i in range(n)
    ]


def walk(queryset, order, size):
    """Every row, page by page, following the "next" links."""
    seen, cursor = [], None
    while True:
        page = keyset_page(queryset, order, cursor=cursor, size=size)
        seen += page.rows
        if not page.next_cursor:
            return seen
        cursor = page.next_cursor


@pytest.mark.django_db
def test_pages_follow_the_order_with_ties_broken_by_the_id():
    same_moment = timezone.now()
    events = add_events(7, at=same_moment)  # every row shares its time: only the id tells them apart
    shown = walk(AuditEvent.objects.all(), ORDER, size=3)
    assert shown == sorted(events, key=lambda e: -e.pk)


@pytest.mark.django_db
def test_a_row_added_between_two_pages_neither_repeats_nor_is_skipped():
    add_events(5)
    first = keyset_page(AuditEvent.objects.all(), ORDER, size=3)
    newcomer = AuditEvent.objects.create(event_type=EventType.SIGNED_IN, actor_label="late")
    second = keyset_page(AuditEvent.objects.all(), ORDER, cursor=first.next_cursor, size=3)
    assert not set(first.rows) & set(second.rows)
    assert len(first.rows) + len(second.rows) == 5 and newcomer not in second.rows
    # ...and "previous" from page 2 now says there is a newer page before page 1's rows.
    back = keyset_page(AuditEvent.objects.all(), ORDER, cursor=second.previous_cursor, size=3)
    assert back.rows == first.rows and back.previous_cursor and not back.is_first


@pytest.mark.django_db
def test_previous_from_the_second_page_is_the_first_page():
    add_events(5)
    first = keyset_page(AuditEvent.objects.all(), ORDER, size=3)
    second = keyset_page(AuditEvent.objects.all(), ORDER, cursor=first.next_cursor, size=3)
    back = keyset_page(AuditEvent.objects.all(), ORDER, cursor=second.previous_cursor, size=3)
    assert back.rows == first.rows and back.is_first and back.previous_cursor is None


@pytest.mark.django_db
def test_a_page_is_one_query_and_counts_nothing():
    add_events(60)
    first = keyset_page(AuditEvent.objects.all(), ORDER, size=25)
    with CaptureQueriesContext(connection) as queries:
        page = keyset_page(AuditEvent.objects.all(), ORDER, cursor=first.next_cursor, size=25)
    assert len(page.rows) == 25 and len(queries) == 1
    assert "COUNT(" not in queries[0]["sql"].upper() and "OFFSET" not in queries[0]["sql"].upper()


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", ["", "x", "!!!", "a" * 500, "WyJhIl0", encode_cursor("a", ["not a date", 1]),
                                    encode_cursor("z", [timezone.now(), 1]), encode_cursor("a", [None, None]),
                                    encode_cursor("a", ["2025-01-01T00:00:00+00:00", 10**30])])
def test_anything_that_is_not_a_cursor_shows_the_first_page(cursor):
    add_events(3)
    page = keyset_page(AuditEvent.objects.all(), ORDER, cursor=cursor, size=2)
    assert page.is_first and len(page.rows) == 2


def test_a_cursor_carries_only_the_sort_key_and_the_id():
    moment = datetime.datetime(2025, 2, 27, 10, 0, tzinfo=datetime.UTC)
    cursor = encode_cursor("a", [moment, 42])
    field_at, field_id = AuditEvent._meta.get_field("at"), AuditEvent._meta.pk
    assert decode_cursor(cursor, [field_at, field_id]) == ("a", [moment, 42])
