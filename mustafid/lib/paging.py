"""Keyset pages: lists that cost the same on page 1 and page 10,000, and never count the whole table.

A list is ordered by one sort key and the primary key as a tie-break (`("-received_at", "-pk")`), and an
index serves that order. A page is the first `size` rows after (or before) the last row shown, fetched as
`size + 1` rows so the page knows whether another follows — no `COUNT(*)`, no `OFFSET`, and a row
inserted while someone reads page 1 neither repeats nor is skipped on page 2.

The position travels in the URL as an opaque cursor: base64 of the direction, the sort key and the
primary key of the edge row (a timestamp or a date and a number — nothing personal).

    page = keyset_page(cases, ("-received_at", "-pk"), cursor=request.GET.get("after"), size=25)
    page.rows, page.next_cursor, page.previous_cursor, page.is_first

The condition for "after (v, id)" in a descending order is written as
`key <= v AND (key < v OR pk < id)`: the first part is an index condition, so the database starts
reading at the cursor instead of filtering from the top.
"""

import base64
import binascii
import datetime
import json
from dataclasses import dataclass, field

from django.db.models import Q

DEFAULT_SIZE = 25


@dataclass
class KeysetPage:
    rows: list = field(default_factory=list)
    # Opaque cursors for the links; None when there is no page that way.
    next_cursor: str | None = None
    previous_cursor: str | None = None
    # The first page (no cursor given): the list's "first page" link is hidden.
    is_first: bool = True
    # The page's number, carried in the links beside the cursor (`&page=N`) for the reader and the audit
    # row; nothing is counted to find it.
    number: int = 1

    @property
    def next_number(self):
        return self.number + 1

    @property
    def previous_number(self):
        return max(self.number - 1, 1)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    def __bool__(self):
        return bool(self.rows)

    @property
    def shown(self):
        """The count a list shows: the rows on this page, «25+» when another page follows (nothing is counted)."""
        return f"{len(self.rows)}+" if self.next_cursor else str(len(self.rows))

    @property
    def has_other_pages(self):
        return bool(self.next_cursor or self.previous_cursor or not self.is_first)


def _plain(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value


def encode_cursor(direction, values):
    raw = json.dumps([direction, *[_plain(v) for v in values]], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor, fields):
    """`(direction, values)` from a cursor, or None for anything that is not one of ours (never an error)."""
    if not cursor or not isinstance(cursor, str) or len(cursor) > 200:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        direction, *values = json.loads(raw)
    except (ValueError, binascii.Error, TypeError):
        return None
    if direction not in ("a", "b") or len(values) != len(fields):
        return None
    try:
        parsed = [model_field.to_python(value) for model_field, value in zip(fields, values)]
    except Exception:  # a ValidationError or an overflow from a hand-made cursor: show the first page
        return None
    if any(value is None for value in parsed):
        return None
    if any(isinstance(value, int) and not -(2**63) <= value < 2**63 for value in parsed):
        return None  # beyond a bigint: PostgreSQL would refuse the query
    return direction, parsed


def _split(order):
    name = order.lstrip("-")
    return name, order.startswith("-")


def _beyond(key, pk, values, descending):
    """Rows strictly beyond `values` in the order (key, pk), written so the key's bound is an index condition."""
    (key_value, pk_value) = values
    strict, loose = ("lt", "lte") if descending else ("gt", "gte")
    return Q(**{f"{key}__{loose}": key_value}) & (
        Q(**{f"{key}__{strict}": key_value}) | Q(**{f"{pk}__{strict}": pk_value})
    )


def page_number(text):
    """The `page` the link says (1 to a million), 1 for anything else."""
    text = str(text or "")
    return int(text) if text.isascii() and text.isdigit() and 1 <= int(text) <= 1_000_000 else 1


def keyset_page(queryset, order, *, cursor=None, size=DEFAULT_SIZE, number=None):
    """One page of `queryset` in `order` (a sort key and the primary key, both the same direction).

    `cursor` is a value from a previous page's `next_cursor` or `previous_cursor` (or anything at all
    typed into the address bar: what is not a cursor shows the first page). `number` is the page
    number the link carried (`request.GET.get("page")`), shown and audited, never used to query.
    """
    page = _keyset_page(queryset, order, cursor=cursor, size=size)
    page.number = 1 if page.is_first else max(page_number(number), 2)
    return page


def page_of(request, queryset, order, *, size=DEFAULT_SIZE):
    """The page a list's link asks for (`?cursor=…&page=N`), for the list views."""
    return keyset_page(queryset, order, cursor=request.GET.get("cursor"), number=request.GET.get("page"), size=size)


def _keyset_page(queryset, order, *, cursor, size):
    (key, descending), (pk, pk_descending) = (_split(part) for part in order)
    assert descending == pk_descending, "a keyset order runs one way"
    model = queryset.model
    fields = [model._meta.get_field(key), model._meta.pk if pk == "pk" else model._meta.get_field(pk)]
    decoded = decode_cursor(cursor, fields)
    forward = [f"-{key}", f"-{pk}"] if descending else [key, pk]
    backward = [key, pk] if descending else [f"-{key}", f"-{pk}"]
    if decoded is None:
        rows = list(queryset.order_by(*forward)[: size + 1])
        more, rows = len(rows) > size, rows[:size]
        return KeysetPage(rows=rows, next_cursor=_cursor("a", rows[-1], key, pk) if more else None)
    direction, values = decoded
    if direction == "a":
        rows = list(queryset.filter(_beyond(key, pk, values, descending)).order_by(*forward)[: size + 1])
        more, rows = len(rows) > size, rows[:size]
        return KeysetPage(
            rows=rows,
            next_cursor=_cursor("a", rows[-1], key, pk) if more else None,
            previous_cursor=_cursor("b", rows[0], key, pk) if rows else None,
            is_first=False,
        )
    # Before the cursor: read backwards from it, then show in the list's order.
    rows = list(queryset.filter(_beyond(key, pk, values, not descending)).order_by(*backward)[: size + 1])
    more, rows = len(rows) > size, rows[:size]
    rows.reverse()
    return KeysetPage(
        rows=rows,
        next_cursor=_cursor("a", rows[-1], key, pk) if rows else None,
        previous_cursor=_cursor("b", rows[0], key, pk) if more else None,
        is_first=not more,
    )


def _cursor(direction, row, key, pk):
    return encode_cursor(direction, [getattr(row, key), row.pk if pk == "pk" else getattr(row, pk)])
