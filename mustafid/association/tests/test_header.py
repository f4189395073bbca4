"""The association in every page's header: read once per process and kept for 30 seconds, never stale in the
process where it was changed (association/context_processors.py, lib/kept.py)."""

import time
from types import SimpleNamespace

from django.db import connection
from django.test.utils import CaptureQueriesContext

from mustafid.association import context_processors
from mustafid.association.models import Association
from mustafid.lib import kept


def _association_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries if q["sql"].startswith('SELECT "association_association"."id"')]


def test_the_header_reads_the_association_once_then_keeps_it(client, officer):
    client.force_login(officer)
    _first, read = _association_queries(client, "/contacts/")
    assert len(read) == 1
    response, read_again = _association_queries(client, "/beneficiaries/")
    assert read_again == []
    assert Association.objects.current().short_name in response.content.decode()


def test_a_change_saved_here_shows_on_the_next_page(client, officer, association):
    client.force_login(officer)
    client.get("/contacts/")
    association.short_name_ar = "جمعية الاختبار المعدلة"
    association.save()
    assert "جمعية الاختبار المعدلة" in client.get("/contacts/").content.decode()


def test_a_change_made_elsewhere_shows_within_the_seconds_kept(client, officer, monkeypatch):
    client.force_login(officer)
    before = client.get("/contacts/").content.decode()
    # Another process's save (no signal reaches this one): the copy kept here is shown until it is too old.
    Association.objects.update(short_name_ar="اسم من عملية أخرى")
    assert "اسم من عملية أخرى" not in client.get("/contacts/").content.decode()
    assert "اسم من عملية أخرى" not in before
    # 31 seconds later (the process's clock, as the module reads it): read again, and shown.
    later = time.monotonic() + context_processors.HEADER.seconds + 1
    monkeypatch.setattr(kept, "time", SimpleNamespace(monotonic=lambda: later))
    response, read = _association_queries(client, "/contacts/")
    assert len(read) == 1
    assert "اسم من عملية أخرى" in response.content.decode()


def test_the_letters_read_the_association_itself(officer, association):
    """Only the header reads the kept copy: the row an action or a letter reads is the database's."""
    context_processors.HEADER.get()
    Association.objects.filter(pk=association.pk).update(short_name_ar="اسم جديد")
    assert Association.objects.current().short_name_ar == "اسم جديد"
    assert context_processors.HEADER.get().short_name_ar != "اسم جديد"
