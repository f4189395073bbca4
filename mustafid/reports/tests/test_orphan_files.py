"""`manage.py orphan_files`: stored files with no row are listed, and removed with --delete once old enough."""

import os
import time
from io import StringIO

import pytest
from django.core.management import call_command

from mustafid.cases import actions
from mustafid.conftest import open_case, pdf_file, valid_dates


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    os.makedirs(settings.FILE_UPLOAD_TEMP_DIR)
    return settings.MEDIA_ROOT


def aged(path, hours=2):
    then = time.time() - hours * 3600
    os.utime(path, (then, then))
    return path


def run(*args):
    out = StringIO()
    call_command("orphan_files", *args, stdout=out)
    return out.getvalue()


def test_a_file_with_no_row_and_a_stale_temporary_upload_are_listed_then_removed(beneficiary, officer, media):
    case = open_case(beneficiary, officer)
    document = actions.upload_document(case, document_type=case.support_type.required_documents.first(),
                                       uploaded_file=pdf_file(), by=officer, **valid_dates())
    kept = aged(media / document.file.name)
    orphan = media / "cases" / str(case.pk) / "20250101000000-abcdef123456"
    orphan.write_bytes(b"%PDF-1.4 left by a killed upload")
    aged(orphan)
    temporary = media.parent / "uploads" / "tmpab12cd.upload.pdf"
    temporary.write_bytes(b"half an upload")
    aged(temporary)

    listing = run()
    assert str(orphan) in listing and str(temporary) in listing
    assert str(kept) not in listing
    assert "2 orphan file(s)" in listing
    assert orphan.exists() and temporary.exists()

    run("--delete")
    assert not orphan.exists() and not temporary.exists()
    assert kept.exists()


def test_a_recent_file_may_be_an_upload_in_progress_and_is_left_alone(db, media):
    young = media / "cases" / "1" / "upload"
    young.parent.mkdir(parents=True)
    young.write_bytes(b"%PDF-")
    assert "0 orphan file(s)" in run("--delete")
    assert young.exists()
    assert str(young) in run("--min-age", "0")
