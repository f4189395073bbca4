"""Rows of a small table that rarely changes, kept by each process for a few seconds.

The association in every page's header, the branches and support types of a list's filters: a query and its
models on every page (about a millisecond each, a tenth of a list page) for rows that change a few times a year.
A `Kept` reads them at most every `seconds` (30) per process. A save or delete of one of its models in this
process forgets them at once; another process (the other gunicorn workers) shows the change within the seconds.

Only what a page *shows* reads a kept copy — a header, a filter's options, the office or support type written in
a list's rows (`rows_with`). What decides anything (an action, a letter, a form's validation of the option chosen)
reads the database.
"""

import threading
import time

from django.db import transaction
from django.db.models.query import ModelIterable
from django.db.models.signals import post_delete, post_save

SECONDS = 30

_all = []


class Kept:
    def __init__(self, load, *models, seconds=SECONDS):
        """`load()` reads the rows; a save or delete of any of `models` in this process forgets them."""
        self.load = load
        self.seconds = seconds
        self._lock = threading.Lock()
        self._value, self._until, self._generation = None, 0.0, 0
        self._index = None  # (the value it indexes, {pk: row})
        for model in models:
            post_save.connect(self._forget_on_change, sender=model, weak=False)
            post_delete.connect(self._forget_on_change, sender=model, weak=False)
        _all.append(self)

    def get(self):
        now = time.monotonic()
        with self._lock:
            if self._until > now:
                return self._value
            generation = self._generation
        value = self.load()
        with self._lock:
            # Forgotten while this was being read (a save in another thread): not kept, read again next time.
            if generation == self._generation:
                self._value, self._until = value, now + self.seconds
        return value

    def find(self, pk):
        """The kept row whose primary key is `pk`, or None. A row missing from the copy (added by another process
        since it was read) has the rows read again once."""
        if pk is None:
            return None
        rows = self._by_pk()
        if pk not in rows:
            self.forget()
            rows = self._by_pk()
        return rows.get(pk)

    def _by_pk(self):
        value = self.get()
        index = self._index
        if index is None or index[0] is not value:
            index = self._index = (value, {row.pk: row for row in value})
        return index[1]

    def forget(self):
        with self._lock:
            self._value, self._until = None, 0.0
            self._generation += 1

    def _forget_on_change(self, sender, **kwargs):
        # At once, and again once the change is committed: a thread that read the row in between read it unchanged.
        self.forget()
        transaction.on_commit(self.forget, robust=True)


def rows_with(**kept):
    """An iterable class for a queryset (`queryset._iterable_class`) whose objects get their related rows named in
    `kept` (a foreign key's name -> the `Kept` copy of its table) from those copies instead of a join.

    A list's rows showing each request's office and support type: the join costs the database a plan over four
    tables on every page (about 0.5 ms of its time at a million requests, six times on the staff home) and the page
    a model for each. The queryset reads the foreign keys' columns (`only("branch", ...)`); each object is given the
    kept row as if `select_related` had read it. Only for what the rows show (the module's docstring).
    """

    class KeptRowsIterable(ModelIterable):
        def __iter__(self):
            fields = [(self.queryset.model._meta.get_field(name), copy) for name, copy in kept.items()]
            for obj in super().__iter__():
                for field, copy in fields:
                    row = copy.find(getattr(obj, field.attname))
                    if row is not None:  # None: no foreign key (or no such row: left to a query, as without)
                        field.set_cached_value(obj, row)
                yield obj

    return KeptRowsIterable


def forget_all():
    """Every kept copy read again on its next use (the tests: each starts from its own world's rows)."""
    for kept in _all:
        kept.forget()
