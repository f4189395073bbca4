"""The staff library and the logo: only accepted types are stored, and files are served so they cannot run."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from mustafid.association.admin import AssociationForm, StaffToolForm
from mustafid.association.models import Association, StaffTool
from mustafid.conftest import PDF_BYTES
from mustafid.lib.tests.images import png_bytes, png_claiming

HTML = b"<html><body><script>fetch('/beneficiaries/').then(r => r.text()).then(alert)</script></body></html>"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def tool_with(content, name, association):
    tool = StaffTool(association=association, kind=StaffTool.Kind.RESEARCH_GUIDE, title_ar="دليل", version="9")
    tool.file.save(name, ContentFile(content), save=True)
    return tool


def tool_form(content, name, association):
    data = {"association": association.pk, "kind": "bylaws", "title_ar": "اللائحة", "version": "2",
            "published_on": "2025-01-01"}
    return StaffToolForm(data, {"file": SimpleUploadedFile(name, content)})


def test_an_html_file_in_the_library_downloads_as_bytes_and_cannot_run(client, staff, association, media):
    tool = tool_with(HTML, "guide.html", association)
    client.force_login(staff["volunteer"])
    response = client.get(f"/tools/{tool.pk}/file/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_pdf_in_the_library_downloads_as_a_pdf(client, staff, association, media):
    tool = tool_with(PDF_BYTES, "guide.pdf", association)
    client.force_login(staff["officer"])
    response = client.get(f"/tools/{tool.pk}/file/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "guide.pdf" in response["Content-Disposition"]


@pytest.mark.parametrize(("content", "name"), [(PDF_BYTES, "guide.pdf"), (docx(), "guide.docx"),
                                               (png_bytes(), "chart.png")])
def test_the_admin_takes_pdf_word_and_images_for_the_library(association, media, content, name):
    assert tool_form(content, name, association).is_valid()


@pytest.mark.parametrize(("content", "name"), [(HTML, "guide.pdf"), (HTML, "guide.html"), (b"<svg/>", "a.svg"),
                                               (b"MZ\x90\x00", "guide.docx")])
def test_the_admin_refuses_other_files_for_the_library_with_a_message(association, media, content, name):
    form = tool_form(content, name, association)
    assert not form.is_valid()
    assert "نوع الملف غير مقبول" in form.errors["file"][0]


def association_form(association, logo):
    data = {field.name: getattr(association, field.attname) for field in Association._meta.concrete_fields
            if field.name not in ("id", "logo")}
    data = {key: ("" if value is None else value) for key, value in data.items()}
    return AssociationForm(data, {"logo": logo}, instance=association)


@pytest.mark.parametrize("logo", [SimpleUploadedFile("logo.svg", b"<svg onload='alert(1)'/>"),
                                  SimpleUploadedFile("logo.png", png_claiming(20000, 20000))])
def test_the_logo_must_be_a_png_or_jpeg_of_sane_size(association, media, logo):
    form = association_form(association, logo)
    assert not form.is_valid()
    assert "logo" in form.errors


def test_the_logo_shows_inline_only_as_a_sniffed_image(client, association, media):
    association.logo.save("logo.png", ContentFile(png_bytes()), save=True)
    response = client.get("/association/logo/")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    association.logo.save("logo.png", ContentFile(HTML), save=True)
    response = client.get("/association/logo/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
