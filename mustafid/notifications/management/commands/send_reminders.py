"""`manage.py send_reminders`: the periodic sweep, safe to run every minute from cron or a systemd timer.

Reminds staff of what waits on them, sends what is due (retries, the end of quiet hours), and
deals with messages a dead worker left "sending". Two runs at once send nothing twice: every
message is claimed with a conditional UPDATE and every reminder has its own idempotency key.
`--schedule` instead enqueues the worker's own minute-by-minute run (`tick`), once.
"""

from django.core.management.base import BaseCommand

from mustafid.notifications import sending
from mustafid.notifications.tasks import schedule_tick


class Command(BaseCommand):
    help = "Send staff reminders and every message that is due (run every minute), or --schedule the worker's tick."

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true",
                            help="enqueue the worker's periodic run (every minute) unless one is waiting")

    def handle(self, *args, schedule=False, **options):
        if schedule:
            schedule_tick(delay=0)
            self.stdout.write("The worker runs the reminders every minute.")
            return
        results = sending.sweep()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in results.items()))
