"""Compute the public statistics' snapshots now (the outbox's sweep does it hourly): after an import, for a demo."""

from django.core.management.base import BaseCommand

from mustafid.reports.public_stats import refresh


class Command(BaseCommand):
    help = "Compute the public statistics (إحصاءات المستفيدين) of the current and previous Hijri years now."

    def handle(self, *args, **options):
        refreshed = refresh(force=True)
        self.stdout.write(f"{refreshed} year(s) computed")
