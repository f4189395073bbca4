"""Recount the staff home's requests by state (`CaseStatusCount`) from the requests themselves, and the
indicators' requests opened by day (`CaseOpenedCount`) from the `opened` timeline rows.

The workflow kernel keeps the counts as each step commits; run this after restoring a backup, after
loading requests outside the actions (a bulk load), or to check them: it prints what it corrected.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from mustafid.cases.models import CaseOpenedCount, CaseStatusCount


class Command(BaseCommand):
    help = ("Recount the requests by branch and state for the staff home (CaseStatusCount) and the requests "
            "opened by day for the indicators (CaseOpenedCount).")

    def handle(self, *args, **options):
        before = {(c.branch_id, c.status): c.n for c in CaseStatusCount.objects.all()}
        with transaction.atomic():
            # Steps wait for the lock while the counts are rebuilt, so none is lost in between.
            list(CaseStatusCount.objects.select_for_update())
            CaseStatusCount.rebuild()
        after = {(c.branch_id, c.status): c.n for c in CaseStatusCount.objects.all()}
        corrected = {key for key in before.keys() | after.keys() if before.get(key, 0) != after.get(key, 0)}
        for branch_id, status in sorted(corrected):
            self.stdout.write(
                f"branch {branch_id} {status}: {before.get((branch_id, status), 0)} -> {after.get((branch_id, status), 0)}"
            )
        self.stdout.write(self.style.SUCCESS(f"{sum(after.values())} requests counted; {len(corrected)} counts corrected."))
        before = CaseOpenedCount.counts()
        with transaction.atomic():
            list(CaseOpenedCount.objects.select_for_update())
            CaseOpenedCount.rebuild()
        after = CaseOpenedCount.counts()
        corrected = {key for key in before.keys() | after.keys() if before.get(key, 0) != after.get(key, 0)}
        for key in sorted(corrected, key=str)[:50]:
            self.stdout.write(f"opened {' '.join(map(str, key))}: {before.get(key, 0)} -> {after.get(key, 0)}")
        self.stdout.write(self.style.SUCCESS(
            f"{sum(after.values())} requests counted by the day they were opened; {len(corrected)} daily counts corrected."))
