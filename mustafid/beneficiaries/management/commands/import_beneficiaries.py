"""`manage.py import_beneficiaries FILE`: load an association's spreadsheet into the registry.

A thin layer over `beneficiaries.importing`: read, recognise the columns, run the action with a
progress line, print the summary, write the rejected rows. See docs/operations.md («Import»).
"""

import os
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from mustafid.accounts.models import User
from mustafid.audit.actors import Actor
from mustafid.beneficiaries import importing
from mustafid.lib.errors import ActionRefused


class Command(BaseCommand):
    help = (
        "Import beneficiaries from a .xlsx or .csv file (columns first_name, father_name, grandfather_name, "
        "family_name, national_id, phone, birth_date, gender, region, city, category, branch; Arabic or English "
        "headers). Bad rows are rejected with their reason; IDs already registered are skipped, so running the "
        "same file again imports nothing twice and resumes an interrupted import. Rows are written in batches, "
        "one transaction each. Without --by, the audit trail names the system (import_beneficiaries) and the "
        "records' creator (created_by) is the first active manager; with --by, both are that staff member."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx (first sheet) or .csv (UTF-8, «,» or «;») file")
        parser.add_argument("--dry-run", action="store_true", help="check every row and report; write nothing")
        parser.add_argument("--branch", help="the branch (name or number) of rows that name none; "
                                             "default: the head office")
        parser.add_argument("--batch-size", type=int, default=importing.DEFAULT_BATCH_SIZE,
                            help="rows per transaction (default %(default)s)")
        parser.add_argument("--rejected-out", metavar="PATH",
                            help="write the rejected rows here (CSV, UTF-8 with BOM, with a reason column)")
        parser.add_argument("--by", metavar="USERNAME", help="the staff member the import is recorded as")
        parser.add_argument("--workers", type=int, default=1,
                            help="processes writing the batches on PostgreSQL (default %(default)s; 2 on two cores "
                                 "imports a large registry about twice as fast); SQLite always writes with one")

    def handle(self, *args, file, dry_run=False, branch=None, batch_size=1000, rejected_out=None, by=None,
               workers=1, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more")
        if not 1 <= workers <= 16:
            raise CommandError("--workers must be between 1 and 16")
        with translation.override("ar"):
            return self._run(file, dry_run, branch, batch_size, rejected_out, by, workers)

    def _run(self, path, dry_run, branch_name, batch_size, rejected_out, username, workers=1):
        started = time.monotonic()
        actor, created_by = Actor.system("import_beneficiaries"), None
        if username:
            created_by = User.objects.filter(username=username, is_active=True).first()
            if created_by is None:
                raise CommandError(f"no active staff member named {username!r}")
            actor = created_by
        branch = None
        if branch_name:
            branch = importing.find_branch(branch_name)
            if branch is None:
                raise CommandError(f"no branch named {branch_name!r}")
        try:
            table = importing.read_table(path)
        except FileNotFoundError:
            raise CommandError(f"no such file: {path}") from None
        except ActionRefused as refusal:
            raise CommandError(str(refusal.message)) from None
        mapping = importing.detect_mapping(table.headers)
        for header, name in zip(table.headers, mapping):
            self.stdout.write(f"  {header or '-'} -> {name or 'ignored'}")
        problems = importing.check_mapping(mapping)
        if problems:
            raise CommandError(" ".join(problems))

        show_progress = self.stdout.isatty() if hasattr(self.stdout, "isatty") else sys.stdout.isatty()
        total = len(table.rows)

        def progress(done, total):
            if show_progress:
                width = 30
                filled = int(width * done / total) if total else width
                self.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
                self.stdout.flush()

        try:
            result = importing.import_beneficiaries(
                table.mapped(mapping), by=actor, default_branch=branch, dry_run=dry_run, batch_size=batch_size,
                source=table.name, created_by=created_by, progress=progress, total=total, workers=workers)
        except ActionRefused as refusal:
            raise CommandError(str(refusal.message)) from None
        finally:
            if show_progress:
                self.stdout.write("")
        elapsed = time.monotonic() - started
        verb = "would be imported" if dry_run else "imported"
        self.stdout.write(
            f"{result.total} rows: {result.created} {verb}, {result.already_registered} already registered "
            f"(مسجل من قبل), {result.rejected_count - result.already_registered} rejected; "
            f"{elapsed:.1f} s ({result.total / elapsed if elapsed else 0:.0f} rows/s"
            f"{f', {result.writers} writing processes' if result.writers > 1 else ''})"
        )
        for rejected in result.rejected[:20]:
            self.stdout.write(f"  line {rejected.line}: {rejected.reason}")
        if result.rejected_count > 20:
            self.stdout.write(f"  … and {result.rejected_count - 20} more")
        if rejected_out:
            # The rejected rows are personal data: readable by the service's user only.
            descriptor = os.open(rejected_out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with open(descriptor, "w", encoding="utf-8", newline="") as stream:
                importing.write_rejected_csv(result, table.headers, stream)
            self.stdout.write(f"rejected rows written to {rejected_out}")
