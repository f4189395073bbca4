"""Background tasks (the Django tasks API, database backend): run by `manage.py db_worker`."""

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from . import sending

logger = logging.getLogger(__name__)
TICK_SECONDS = 60


@task()
def deliver(message_id):
    status = sending.deliver(message_id)
    return str(status) if status else None


@task()
def tick():
    """The periodic sweep, every minute while a worker runs: reminders, retries, stuck messages."""
    try:
        sending.sweep()
    finally:
        schedule_tick()


def schedule_tick(delay=TICK_SECONDS):
    """Enqueue the next `tick` unless one is already waiting (two ticks racing converge to one)."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status="READY", task_path=tick.module_path)
    if not waiting.exists():
        tick.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue()
