"""Rows of a small table that rarely changes, kept by each process for a few seconds.

The association in every page's header, the branches and support types of a list's filters: a query and its
models on every page (about a millisecond each, a tenth of a list page) for rows that change a few times a year.
A `Kept` reads them at most every `seconds` (30) per process. A save or delete of one of its models in this
process forgets them at once; another process (the other gunicorn workers) shows the change within the seconds.

Only what a page *shows* reads a kept copy — a header, a filter's options. What decides anything (an action, a
letter, a form's validation of the option chosen) reads the database.
"""

import threading
import time

from django.db import transaction
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

    def forget(self):
        with self._lock:
            self._value, self._until = None, 0.0
            self._generation += 1

    def _forget_on_change(self, sender, **kwargs):
        # At once, and again once the change is committed: a thread that read the row in between read it unchanged.
        self.forget()
        transaction.on_commit(self.forget, robust=True)


def forget_all():
    """Every kept copy read again on its next use (the tests: each starts from its own world's rows)."""
    for kept in _all:
        kept.forget()
