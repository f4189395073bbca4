"""The outbox benchmark: messages per second to a local fake SMS provider with 1 and 2 worker processes,
and the time from a step's commit to its message leaving (p50/p95).

    make bench-messages                                                        # a throw-away PostgreSQL database
    BENCH_MESSAGES=4000 BENCH_STEPS=100 make bench-messages

The provider is a local HTTP server answering as Unifonic does (bench and tests share it:
mustafid/notifications/tests/fakes.py); the workers are real `manage.py db_worker` processes on
PostgreSQL. Baseline, measured in the same run: the same number of sends straight from one process
to the same server through the same transport, without the outbox (what the outbox costs on top).
Environment: BENCH_MESSAGES (500), BENCH_STEPS (40 requests opened one after another for the
latency), BENCH_PG (the server, postgres://postgres@127.0.0.1:5432), BENCH_INTERVAL (the worker's
polling interval in seconds, 1 as in `make run`; the latency is measured with it and with 0.1).
"""

import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_NAME = f"mustafid_bench_messages_{os.getpid()}"
UNIFONIC_OK = {"success": True, "message": "", "errorCode": "ER-00",
               "data": {"MessageID": 1, "CorrelationID": "x", "Status": "Sent", "NumberOfUnits": 1}}


def env_int(name, default):
    return int(os.environ.get(name, default))


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main():
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], check=True)
    try:
        run()
    finally:
        from django.db import connections

        connections.close_all()
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB_NAME], check=False)


def run():
    import tempfile

    var_dir = tempfile.mkdtemp(prefix="mustafid-bench-messages-")
    from mustafid.notifications.tests.fakes import FakeHTTPServer

    fake = FakeHTTPServer().start()
    fake.default.body = json.dumps(UNIFONIC_OK).encode()
    env = {
        **os.environ, "DATABASE_URL": f"{SERVER}/{DB_NAME}", "DJANGO_SETTINGS_MODULE": "bench.settings",
        "MUSTAFID_VAR_DIR": var_dir, "MESSAGE_SMS": "unifonic", "UNIFONIC_BASE_URL": fake.url,
        "UNIFONIC_APP_SID": "bench", "SMS_SENDER_NAME": "AOUN", "MESSAGE_QUIET_START": "0", "MESSAGE_QUIET_END": "0",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from mustafid.conftest import make_beneficiary, open_case
    from mustafid.demo.loader import load_demo_staff, load_preset
    from mustafid.notifications import outbox, transports
    from mustafid.notifications.models import Message, MessageStatus

    call_command("migrate", verbosity=0)
    load_preset("aoun")
    officer = next(user for user in load_demo_staff() if user.username == "officer")
    people = [make_beneficiary(by=officer) for _ in range(200)]
    n = env_int("BENCH_MESSAGES", 500)
    print(f"Outbox benchmark on PostgreSQL: {n} messages to a local fake Unifonic server (2 cores)\n")

    # Baseline: the transport alone, one process, no outbox.
    transports.reset()
    sms = transports.for_channel("sms")
    probe = Message(idempotency_key="bench", channel="sms", recipient=people[0].mobile, body="قياس", template="x")
    started = time.perf_counter()
    for i in range(n):
        probe.idempotency_key = f"bench:{i}"
        sms.send(probe)
    baseline = n / (time.perf_counter() - started)
    print(f"{'baseline: transport alone, 1 process':45} {baseline:8.0f} messages/s")
    # The disk's part: a worker commits about five times per message (django-tasks claims the task and records
    # its result; the outbox claims the message and records the outcome; a connection health check).
    from django.db import connection

    timings = []
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_commit (n int)")
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_commit_probe (n int)")
        for i in range(200):
            began = time.perf_counter()
            with transaction.atomic():
                cursor.execute("INSERT INTO bench_commit_probe VALUES (%s)", [i])
            timings.append((time.perf_counter() - began) * 1000)
    print(f"{'baseline: one committed INSERT (PostgreSQL)':45} p50 {percentile(timings, 0.5):7.1f} ms"
          f"   p95 {percentile(timings, 0.95):7.1f} ms")

    def queue_batch(tag):
        with transaction.atomic():
            for i in range(n):
                person = people[i % len(people)]
                outbox.queue("referred", to=person.as_recipient(), context={"reference": f"R-{i}"},
                              event_key=f"bench:{tag}:{i}")

    log = open(Path(var_dir) / "workers.log", "a")  # noqa: SIM115 - the workers' errors, read if a run fails

    def workers(count, *extra):
        return [subprocess.Popen([sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", *extra],
                                 cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
                for _ in range(count)]

    for count in (1, 2):
        tag = uuid.uuid4().hex[:8]
        queue_batch(tag)
        before = len(fake.requests)
        started = time.perf_counter()
        for process in workers(count, "--batch", "--interval", "0"):
            process.wait()
        elapsed = time.perf_counter() - started
        sent = Message.objects.filter(idempotency_key__startswith=f"bench:{tag}:", status=MessageStatus.SENT).count()
        if sent != n or len(fake.requests) - before != n:
            sys.exit(f"only {sent} of {n} sent; the workers said:\n" + (Path(var_dir) / "workers.log").read_text()[-3000:])
        print(f"{f'outbox, {count} worker process' + ('es' if count > 1 else ''):45} {n / elapsed:8.0f} messages/s"
              f"   ({n / elapsed / baseline:.0%} of baseline; includes each worker's start, ~1 s)")

    # Latency: a real step (a request received) commits; its message reaches the provider.
    steps = env_int("BENCH_STEPS", 40)
    for interval in (os.environ.get("BENCH_INTERVAL", "1"), "0.1"):
        running = workers(1, "--interval", interval)
        time.sleep(3)  # started and polling
        latencies = []
        try:
            for _ in range(steps):
                person = people[len(latencies) % len(people)]
                before = len(fake.requests)
                open_case(person, officer)
                committed = time.perf_counter()
                while len(fake.requests) == before:
                    time.sleep(0.002)
                latencies.append((time.perf_counter() - committed) * 1000)
        finally:
            for process in running:
                process.terminate()
                process.wait()
        print(f"{f'step commit -> provider, worker --interval {interval}':45} p50 {percentile(latencies, 0.5):7.0f} ms"
              f"   p95 {percentile(latencies, 0.95):7.0f} ms   ({steps} steps)")
    fake.stop()


if __name__ == "__main__":
    main()
