"""lib.bulk.insert: many new rows at once (COPY on PostgreSQL), read back as Django wrote them."""

import uuid

import pytest
from django.db import IntegrityError, transaction

from mustafid.audit.models import AuditEvent, EventType, FormSubmission
from mustafid.lib import bulk

pytestmark = pytest.mark.django_db


def test_rows_come_back_as_written_with_their_ids_set():
    events = [
        AuditEvent(event_type=EventType.BENEFICIARY_CREATED, actor_label="مدير", target_type="beneficiaries.beneficiary",
                   target_id=str(i), target_label=f"محمد {i}\\N\tسطر\nآخر", ip_address=address,
                   data={"import": {"file": "مستفيدون.xlsx", "line": i}, "note": 'a "quote"\tand\\ a tab\n'})
        for i, address in enumerate(["", "10.0.0.7", None])
    ]
    written = bulk.insert(events)
    assert [event.pk for event in written] == [event.pk for event in events]
    assert len({event.pk for event in events}) == 3 and all(event.pk for event in events)
    assert all(not event._state.adding for event in events)
    read = {event.pk: event for event in AuditEvent.objects.filter(pk__in=[event.pk for event in events])}
    for i, event in enumerate(events):
        again = read[event.pk]
        assert again.data == {"import": {"file": "مستفيدون.xlsx", "line": i}, "note": 'a "quote"\tand\\ a tab\n'}
        # Text COPY would read a bare backslash, tab or newline as its own syntax: they come back as written.
        assert (again.target_label, again.actor_label, again.event_type) == (f"محمد {i}\\N\tسطر\nآخر", "مدير",
                                                                          EventType.BENEFICIARY_CREATED)
        assert again.at == event.at
    # An empty address is no address (the column is an inet on PostgreSQL), as Django's own save writes it.
    assert [read[event.pk].ip_address for event in events] == [None, "10.0.0.7", None]


def test_nothing_to_write_writes_nothing():
    assert bulk.insert([]) == []


def test_a_value_already_there_is_an_integrity_error_and_nothing_of_the_call_is_kept():
    token = uuid.uuid4()
    FormSubmission.objects.create(token=token, path="/a/")
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert([FormSubmission(token=uuid.uuid4(), path="/b/"), FormSubmission(token=token, path="/c/")])
    assert list(FormSubmission.objects.values_list("path", flat=True)) == ["/a/"]
    bulk.insert([FormSubmission(token=uuid.uuid4(), path="/d/")])
    assert FormSubmission.objects.filter(path="/d/").count() == 1


def test_rows_given_as_values_are_written_with_their_own_ids():
    from django.utils import timezone

    at = timezone.now()
    tokens = [uuid.uuid4() for _ in range(3)]
    written = bulk.insert_rows(FormSubmission, ["token", "path", "created_at", "user_id"],
                               [(token, f"/نموذج/{i}/", at, None) for i, token in enumerate(tokens)])
    assert written == 3
    rows = list(FormSubmission.objects.order_by("pk").values_list("pk", "token", "path", "created_at"))
    assert [row[1:] for row in rows] == [(token, f"/نموذج/{i}/", at) for i, token in enumerate(tokens)]
    assert len({row[0] for row in rows}) == 3
    assert bulk.insert_rows(FormSubmission, ["token", "path"], []) == 0
