"""Real worker processes on PostgreSQL: two racing, one killed mid-send — no message lost, none sent twice.

The workers are `manage.py db_worker` processes on the test database; the SMS provider is a local
HTTP server that records every request (fakes.py). SQLite's in-memory test database cannot be
shared with another process: these run on PostgreSQL (.ci/run runs them there).
"""

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, connections, transaction

from mustafid.cases import actions as case_actions
from mustafid.conftest import make_beneficiary
from mustafid.lib.errors import ActionRefused
from mustafid.notifications import outbox
from mustafid.notifications.models import Message, MessageStatus
from mustafid.notifications.tasks import deliver

from .fakes import wait_until

ROOT = Path(__file__).resolve().parents[3]
UNIFONIC_OK = {"success": True, "message": "", "errorCode": "ER-00",
               "data": {"MessageID": 41300, "CorrelationID": "x", "Status": "Sent", "NumberOfUnits": 1, "Cost": 0.4,
                        "Balance": 100, "Recipient": 966500000000, "TimeCreated": "2026-12-01 00:00:00",
                        "CurrencyCode": "SAR"}}

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="worker processes share the database: PostgreSQL only (.ci/run runs them there)"),
]


def _environment(tmp_path, fake, provider="unifonic", **extra):
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ, "DATABASE_URL": url, "DEBUG": "true", "MUSTAFID_VAR_DIR": str(tmp_path),
        "MESSAGE_SMS": provider, "SMS_SENDER_NAME": "AOUN", "MESSAGE_QUIET_START": "0", "MESSAGE_QUIET_END": "0",
        "UNIFONIC_BASE_URL": fake.url, "UNIFONIC_APP_SID": "app-sid-for-tests",
        "TAQNYAT_BASE_URL": fake.url, "TAQNYAT_TOKEN": "token-for-tests", "MESSAGE_SEND_TIMEOUT": "60",
        **extra,
    }


def _manage(env, *args):
    return subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _queue_messages(people, count_each=1):
    made = []
    with transaction.atomic():
        for person in people:
            for n in range(count_each):
                made.append(outbox.queue("referred", to=person.as_recipient(), context={"reference": f"R-{n}"},
                                         event_key=f"race:{n}"))
    return made


def test_two_workers_racing_send_every_message_exactly_once(settings, tmp_path, fake_http, officer):
    fake_http.default.body = json.dumps(UNIFONIC_OK).encode()
    people = [make_beneficiary(by=officer) for _ in range(30)]
    messages = _queue_messages(people)
    # Each message is also enqueued a second time: both workers are handed the same messages.
    for message in messages:
        deliver.enqueue(message.pk)
    env = _environment(tmp_path, fake_http)
    workers = [_manage(env, "db_worker", "--batch", "--interval", "0", "--no-startup-delay", "--no-reload")
               for _ in range(2)]
    for worker in workers:
        output, _ = worker.communicate(timeout=180)
        assert worker.returncode == 0, output[-2000:]
    correlation_ids = [request.form["CorrelationID"] for request in fake_http.requests]
    assert len(correlation_ids) == len(messages) == len(set(correlation_ids))
    assert sorted(request.form["Recipient"] for request in fake_http.requests) == sorted(
        person.mobile.lstrip("+") for person in people)
    rows = Message.objects.filter(pk__in=[message.pk for message in messages])
    assert {row.status for row in rows} == {MessageStatus.SENT}
    assert {row.attempts for row in rows} == {1}


@pytest.mark.parametrize("provider, resent", [("unifonic", True), ("taqnyat", False)])
def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(tmp_path, fake_http, officer, provider, resent):
    fake_http.default.body = json.dumps(
        UNIFONIC_OK if provider == "unifonic" else {"statusCode": 201, "messageId": 7, "cost": "0.4",
                                                   "currency": "SAR", "totalCount": 1, "msgLength": 1,
                                                   "accepted": "[966500000000,]", "rejected": "[]"}
    ).encode()
    fake_http.default.status = 200 if provider == "unifonic" else 201
    # The provider takes its time with the first request: the worker is killed while waiting for the answer.
    fake_http.reply(fake_http.default.status, body=fake_http.default.body, delay=60)
    person = make_beneficiary(by=officer)
    [message] = _queue_messages([person])
    env = _environment(tmp_path, fake_http, provider=provider)
    worker = _manage(env, "db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload")
    try:
        assert wait_until(lambda: len(fake_http.requests) == 1, timeout=60), "the worker never sent"
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING  # the crash left it mid-send

    # The next periodic run, once the claim is old enough (here: at once), deals with it.
    sweeper = _manage({**env, "MESSAGE_STUCK_AFTER_MINUTES": "0"}, "send_reminders")
    output, _ = sweeper.communicate(timeout=120)
    assert sweeper.returncode == 0, output[-2000:]
    message.refresh_from_db()
    if resent:
        # Sent again with the same CorrelationID: the provider matches it to the first attempt.
        assert message.status == MessageStatus.SENT and message.attempts == 2
        assert len(fake_http.requests) == 2
        assert fake_http.requests[0].form["CorrelationID"] == fake_http.requests[1].form["CorrelationID"]
    else:
        # Taqnyat cannot tell a resend apart: a person decides; it is not sent again on its own.
        assert message.status == MessageStatus.REVIEW
        assert len(fake_http.requests) == 1


def test_the_same_step_submitted_twice_at_once_makes_one_message(officer, make_case):
    case = make_case("declared")
    barrier = threading.Barrier(2, timeout=10)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            case_actions.submit_to_committee(case, by=officer)
            outcomes.append("submitted")
        except ActionRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "submitted"]
    assert Message.objects.filter(about_type="cases.case", about_id=case.pk, template="submitted").count() == 1
