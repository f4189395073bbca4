"""List, and with --delete remove, stored files that no row points to.

A file exists only if its row does: actions write a file inside their
transaction and delete it if the transaction fails. What a crash leaves
behind (the server killed mid-upload, an outer transaction rolled back after
the file was written) is found here: every FileField of every model is read,
and anything under MEDIA_ROOT that none of them names is an orphan. Stale
temporary upload files (Django's `*.upload*` files in the upload temporary
folder) are listed too.

Files younger than --min-age minutes (60 by default) are left alone: they may
belong to an upload whose transaction has not committed yet.

Run it from cron, e.g. nightly: `manage.py orphan_files --delete`.
"""

import os
import tempfile
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import models


def referenced_names():
    """Every stored file name some row points to, over all models and all their file fields."""
    names = set()
    for model in apps.get_models():
        fields = [field.name for field in model._meta.get_fields() if isinstance(field, models.FileField)]
        for field in fields:
            names.update(
                model._base_manager.exclude(**{field: ""}).exclude(**{f"{field}__isnull": True})
                .values_list(field, flat=True).iterator()
            )
    return names


def stored_files(root):
    root = Path(root)
    if not root.is_dir():
        return
    for folder, _dirs, files in os.walk(root):
        for name in files:
            if name.startswith("."):  # .gitkeep and the like are not uploads
                continue
            path = Path(folder) / name
            yield path, path.relative_to(root).as_posix()


def stale_upload_temporaries():
    """Django's temporary upload files (`tmpXXXX.upload.ext`), left when a process died mid-request."""
    folder = Path(settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir())
    if not folder.is_dir():
        return
    for path in folder.glob("tmp*.upload*"):
        if path.is_file():
            yield path


class Command(BaseCommand):
    help = "List stored files with no row (and stale temporary upload files); --delete removes them."

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="remove what is listed")
        parser.add_argument("--min-age", type=int, default=60, metavar="MINUTES",
                            help="leave files younger than this alone (default 60)")

    def handle(self, *args, delete=False, min_age=60, **options):
        cutoff = time.time() - min_age * 60
        known = referenced_names()
        orphans = [path for path, name in stored_files(settings.MEDIA_ROOT) if name not in known]
        orphans += list(stale_upload_temporaries())
        orphans = [path for path in orphans if path.stat().st_mtime < cutoff]
        for path in orphans:
            if delete:
                path.unlink(missing_ok=True)
                self.stdout.write(f"removed {path}")
            else:
                self.stdout.write(str(path))
        verb = "removed" if delete else "found (run with --delete to remove them)"
        self.stdout.write(f"{len(orphans)} orphan file(s) {verb}.")
