"""Recount the deadlines page's decisions by day, branch and response period (`DecisionDayCount`) from the
decisions themselves.

`record_decision` keeps the counts as each decision commits; run this after restoring a backup, after loading
decisions outside the actions (a bulk load), or to check them: it prints what it corrected.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from mustafid.committee.models import DecisionDayCount


class Command(BaseCommand):
    help = "Recount the decisions by day, branch and response period for the deadlines page (DecisionDayCount)."

    def handle(self, *args, **options):
        before = DecisionDayCount.counts()
        with transaction.atomic():
            # Decisions wait for the lock while the counts are rebuilt, so none is lost in between.
            list(DecisionDayCount.objects.select_for_update())
            DecisionDayCount.rebuild()
        after = DecisionDayCount.counts()
        corrected = {key for key in before.keys() | after.keys() if before.get(key, 0) != after.get(key, 0)}
        for key in sorted(corrected, key=str)[:50]:
            self.stdout.write(f"decided {' '.join(map(str, key))}: {before.get(key, 0)} -> {after.get(key, 0)}")
        self.stdout.write(self.style.SUCCESS(
            f"{sum(after.values())} decisions counted by the day they were recorded; {len(corrected)} daily counts "
            "corrected."))
