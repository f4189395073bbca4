"""Upload checks: the type from the first bytes, the size, and image dimensions read before any pixel."""

import base64
import io
import time
import zipfile
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from mustafid.lib import uploads
from mustafid.lib.errors import ActionRefused
from mustafid.lib.tests.images import data_url, jpeg_bytes, png_bytes, png_claiming, zero_png

PDF = b"%PDF-1.4\n%%EOF\n"


def upload(content, name="file.bin"):
    return SimpleUploadedFile(name, content)


def office_file(kind):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr({"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "zip": "notes.txt"}[kind], "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [(PDF, uploads.PDF), (jpeg_bytes(), uploads.JPEG), (png_bytes(), uploads.PNG)],
)
def test_a_document_is_accepted_by_its_first_bytes_with_its_digest(content, expected):
    content_type, sha256 = uploads.check_document(upload(content, "whatever.txt"))
    assert content_type == expected
    assert len(sha256) == 64


@pytest.mark.parametrize("content", [b"<html><script>alert(1)</script>", b"GIF89a....", office_file("docx"), b""])
def test_anything_else_is_refused_whatever_its_name(content):
    with pytest.raises(ActionRefused, match="نوع الملف غير مقبول"):
        uploads.check_document(upload(content, "scan.pdf"))


def test_a_document_over_the_size_limit_is_refused(settings):
    settings.MAX_DOCUMENT_BYTES = 1024
    with pytest.raises(ActionRefused, match="حجم الملف"):
        uploads.check_document(upload(PDF + b"x" * 2000))


def test_a_20_kb_png_of_13000_by_13000_pixels_is_refused_at_once():
    bomb = zero_png(13000, 13000)
    assert len(bomb) < 30_000
    started = time.monotonic()
    with pytest.raises(ActionRefused, match="أبعاد الصورة"):
        uploads.check_document(upload(bomb, "scan.png"))
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(("width", "height"), [(7000, 100), (100, 7000), (5000, 5000), (20000, 20000), (200000, 1)])
def test_a_document_image_too_large_by_its_header_is_refused(width, height):
    with pytest.raises(ActionRefused, match="أبعاد الصورة"):
        uploads.check_document(upload(png_claiming(width, height), "scan.png"))


def test_a_phone_photo_of_a_page_is_accepted():
    assert uploads.check_document(upload(png_claiming(4000, 3000)))[0] == uploads.PNG


def test_a_png_with_a_broken_header_is_refused_as_unreadable():
    with pytest.raises(ActionRefused, match="تعذرت قراءة الصورة"):
        uploads.check_document(upload(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40))


def test_a_drawn_signature_is_decoded():
    assert uploads.decode_signature(data_url(png_bytes(960, 360))).startswith(b"\x89PNG")


@pytest.mark.parametrize(("width", "height"), [(20000, 20000), (13000, 13000), (2001, 100), (100, 1001)])
def test_a_signature_claiming_too_many_pixels_is_refused_before_decoding(width, height):
    started = time.monotonic()
    with pytest.raises(ActionRefused, match="أبعاد صورة التوقيع"):
        uploads.decode_signature(data_url(png_claiming(width, height)))
    assert time.monotonic() - started < 1


def test_a_real_13000_pixel_signature_is_refused_fast():
    started = time.monotonic()
    with pytest.raises(ActionRefused):
        uploads.decode_signature(data_url(zero_png(13000, 13000)))
    assert time.monotonic() - started < 1


def test_a_signature_that_is_not_a_png_is_refused():
    with pytest.raises(ActionRefused, match="تعذر قراءة التوقيع"):
        uploads.decode_signature("data:image/png;base64," + base64.b64encode(jpeg_bytes()).decode())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("\u2067صك\u2069.pdf", "صك.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\a\\هوية.pdf", "هوية.pdf"),
        ("a\x00b\u200f.pdf", "ab.pdf"),
        ("\u202e", "file"),
        ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
    ],
)
def test_a_file_name_is_stored_without_folders_bidi_or_control_characters(name, expected):
    assert uploads.clean_file_name(name) == expected


@pytest.mark.parametrize(
    ("content", "expected"),
    [(PDF, uploads.PDF), (office_file("docx"), uploads.DOCX), (office_file("xlsx"), uploads.XLSX),
     (png_bytes(), uploads.PNG)],
)
def test_the_staff_library_takes_pdf_word_excel_and_images(content, expected):
    assert uploads.check_staff_tool(upload(content, "guide.bin")) == expected


@pytest.mark.parametrize(
    "content", [b"<html><script>alert(1)</script></html>", office_file("zip"), b"PK\x03\x04broken", b"<svg/>"]
)
def test_the_staff_library_refuses_other_files_with_a_message(content):
    with pytest.raises(ValidationError) as error:
        uploads.check_staff_tool(upload(content, "guide.pdf"))
    assert "نوع الملف غير مقبول" in error.value.messages[0]


def test_files_written_in_a_failed_block_are_removed(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    with pytest.raises(ActionRefused):
        with uploads.removed_on_failure() as written:
            name = default_storage.save("cases/1/upload", ContentFile(PDF))
            written.append(SimpleNamespace(storage=default_storage, name=name))
            assert (tmp_path / name).exists()
            raise ActionRefused("no")
    assert not (tmp_path / name).exists()


def test_stored_files_are_readable_by_the_service_only(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("cases/1/upload", ContentFile(PDF))
    assert (tmp_path / name).stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "cases").stat().st_mode & 0o777 == 0o700
