import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from mustafid.audit.models import FormSubmission


class Command(BaseCommand):
    help = ("Delete once-only form tokens older than --days (default 7). A form left open longer and then sent "
            "is accepted again; run daily from cron.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, days, **options):
        cutoff = timezone.now() - datetime.timedelta(days=max(days, 1))
        deleted, _ = FormSubmission.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(f"Deleted {deleted} form tokens older than {days} days.")
