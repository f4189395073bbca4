"""The load test: gunicorn with 2 workers on a free loopback port, 20 signed-in users hitting staff pages.

Each user is a thread with its own session (signed in through Django's own `force_login` against the bench
database) and its own `http.client` connection to 127.0.0.1 only. Each page is driven for a fixed time, in
turns over every page (BENCH_LOAD_ROUNDS), the minimal base-template page first: its rate is the ceiling the
others are compared with (target: ordinary staff pages ≥ 100 requests/s, p95 ≤ 150 ms, ≥ 50 % of the base page).
Beside each page, where its 2 cores went (on Linux, from /proc): CPU milliseconds per request in the app (gunicorn
and its workers) and in PostgreSQL — with the machine saturated, a page's rate is about 2,000 ms over their sum
plus the load's own share.
"""

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from .measure import percentile

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    ("minimal base template", "/bench/base/"),
    ("staff home", "/"),
    ("registry", "/beneficiaries/"),
    ("requests", "/cases/"),
    ("contacts", "/contacts/"),
    ("referrals", "/referrals/"),
    ("policy (public)", "/policy/"),
]


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(port, proc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def _user(port, path, cookie, deadline, max_requests, out):
    latencies, errors = [], 0
    connection = None
    for _ in range(max_requests):
        if time.monotonic() >= deadline:
            break
        start = time.perf_counter()
        try:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
            connection.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
            if response.getheader("Connection", "").lower() == "close" or response.will_close:
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException):
            ok = False
            if connection is not None:
                connection.close()
            connection = None
        elapsed = (time.perf_counter() - start) * 1000
        if ok:
            latencies.append(elapsed)
        else:
            errors += 1
    if connection is not None:
        connection.close()
    out.append((latencies, errors))


def worker_args(threads):
    """gunicorn's threaded worker when `threads` > 1 (a worker serves another request while one waits on the
    database, and keeps the connection open between requests), its plain sync worker otherwise."""
    return ["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else ["--worker-class", "sync"]


def cpu_seconds(server_pid):
    """pid -> ("app" or "db", CPU seconds used so far) for the app (gunicorn: `server_pid` and its workers) and
    PostgreSQL's processes on this machine, read from /proc (Linux); None elsewhere."""
    tick = os.sysconf("SC_CLK_TCK")
    try:
        pids = [pid for pid in os.listdir("/proc") if pid.isdigit()]
    except OSError:
        return None
    used = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                text = stat.read()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        seconds = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        if int(pid) == server_pid or int(fields[1]) == server_pid:  # the master or one of its workers
            used[pid] = ("app", seconds)
        elif name.startswith("postgres"):
            used[pid] = ("db", seconds)
    return used


def _cpu_used(before, after):
    """CPU seconds of the app and of the database between two `cpu_seconds` readings (a process that ended in
    between is left out; one that started counts whole)."""
    spent = {"app": 0.0, "db": 0.0}
    for pid, (kind, seconds) in after.items():
        spent[kind] += seconds - before.get(pid, (kind, 0.0))[1]
    return spent


def _drive(port, path, cookies, seconds, run, server_pid=None):
    """Every user on `path` for `seconds`; the answers' times, the errors, the wall time and (on Linux) the CPU
    time of the app and of PostgreSQL added to `run`."""
    done = []
    deadline = time.monotonic() + seconds
    clients = [threading.Thread(target=_user, args=(port, path, cookie, deadline, 100_000, done)) for cookie in cookies]
    before = cpu_seconds(server_pid) if server_pid else None
    started = time.perf_counter()
    for client in clients:
        client.start()
    for client in clients:
        client.join(seconds + 30)
    run["wall"] += time.perf_counter() - started
    after = cpu_seconds(server_pid) if before else None
    if after:
        spent = _cpu_used(before, after)
        run["app_cpu"] = run.get("app_cpu", 0.0) + spent["app"]
        run["db_cpu"] = run.get("db_cpu", 0.0) + spent["db"]
    run["latencies"] += [ms for latencies, _errors in done for ms in latencies]
    run["errors"] += sum(errors for _latencies, errors in done)


def run_load(user, *, users=20, seconds=10, workers=2, threads=None, rounds=None, out=print):
    """Start gunicorn against the current database, drive `users` threads over PAGES, print a table.

    `threads` per worker (BENCH_LOAD_THREADS, default 1: gunicorn's sync worker, as behind nginx; more: gthread)
    and `rounds` (BENCH_LOAD_ROUNDS, default 5): each page gets `seconds` in all, in that many turns over every
    page, so a burst of other work on the machine falls on every page alike rather than on one.
    """
    threads = int(os.environ.get("BENCH_LOAD_THREADS", 1)) if threads is None else threads
    rounds = max(1, int(os.environ.get("BENCH_LOAD_ROUNDS", 5)) if rounds is None else rounds)
    from django.conf import settings
    from django.db import connections

    from .measure import signed_in

    cookies = []
    for _ in range(users):
        client = signed_in(user)
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    connections.close_all()

    port = free_port()
    # The same database, secret key (sessions are signed) and settings as this process (bench/run.py set them).
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    log_path = Path(os.environ.get("BENCH_LOAD_LOG", "/dev/null"))
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), *worker_args(threads),
             "--bind", f"127.0.0.1:{port}", "--no-control-socket",
             "--timeout", "60", "--log-level", "warning", "mustafid.wsgi:application"],
            cwd=ROOT, env=env, stdout=log, stderr=log,
        )
    try:
        _wait_ready(port, proc)
        worker = f"{threads} threads each" if threads > 1 else "sync"
        out(f"\nLoad: gunicorn, {workers} workers ({worker}) on 127.0.0.1:{port}, {users} signed-in users (threads), "
            f"{seconds}s per page" + (f" in {rounds} rounds over every page (the machine's noise shared out)"
                                     if rounds > 1 else ""))
        out(f"  {'page':<26}{'requests/s':>11}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}{'% of base':>11}"
            f"{'CPU ms/request: app + db':>27}  target")
        runs = {path: {"latencies": [], "errors": 0, "wall": 0.0} for _label, path in PAGES}
        for _round in range(rounds):
            for _label, path in PAGES:
                _drive(port, path, cookies, seconds / rounds, runs[path], server_pid=proc.pid)
        base_rate = None
        results = {}
        for label, path in PAGES:
            latencies, errors = runs[path]["latencies"], runs[path]["errors"]
            rate = len(latencies) / runs[path]["wall"]
            base_rate = base_rate or rate
            p50 = percentile(latencies, 0.5) if latencies else float("nan")
            p95 = percentile(latencies, 0.95) if latencies else float("nan")
            target = ""
            if path != "/bench/base/":
                met = rate >= 100 and p95 <= 150 and rate >= base_rate / 2
                target = "≥100/s, p95 ≤150 ms, ≥50% of base " + ("✓" if met else "✗")
            done = len(latencies) + errors
            cpu = ""
            if "app_cpu" in runs[path] and done:
                app_ms, db_ms = (1000 * runs[path][key] / done for key in ("app_cpu", "db_cpu"))
                cpu = f"{app_ms:.1f} + {db_ms:.1f} = {app_ms + db_ms:.1f}"
            out(f"  {label:<26}{rate:>11.1f}{p50:>9.1f}{p95:>9.1f}{errors:>8}{rate / base_rate:>10.0%}{cpu:>27}  {target}")
            results[label] = {"rate": rate, "p95": p95, "errors": errors}
        return results
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
