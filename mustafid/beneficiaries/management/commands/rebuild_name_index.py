"""Rebuild the name search index from the beneficiaries' names.

Run it after restoring a backup taken before the index existed, after loading beneficiaries by any
path that bypasses `Beneficiary.save()` and the import (raw SQL, a dump of the table alone), or if
searches by name miss people they should find. Safe to run at any time; searches by name find
nobody until it finishes (IDs and mobiles are unaffected).
"""

import time

from django.core.management.base import BaseCommand

from mustafid.beneficiaries.search import rebuild_name_index


class Command(BaseCommand):
    help = "Rebuild the name search index (run after restoring old data)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, batch_size, **options):
        started = time.monotonic()

        def progress(done):
            if options["verbosity"] > 1:
                self.stdout.write(f"{done} ...")

        done = rebuild_name_index(batch_size=max(1, batch_size), progress=progress)
        self.stdout.write(self.style.SUCCESS(
            f"Indexed the names of {done} beneficiaries in {time.monotonic() - started:.1f} s."))
