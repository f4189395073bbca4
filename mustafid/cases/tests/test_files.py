"""Files of a request: a file exists only if its row does, images are bounded, files are served safely."""

import datetime
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mustafid.cases import actions
from mustafid.cases.models import CaseDocument, Declaration
from mustafid.conftest import open_case, pdf_file, refreshed, signature_data_url, valid_dates
from mustafid.lib.errors import ActionRefused
from mustafid.lib.tests.images import data_url, jpeg_bytes, png_bytes, png_claiming, zero_png


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored(media):
    return sorted(path for path in media.rglob("*") if path.is_file()) if media.exists() else []


def required(case):
    return case.support_type.required_documents.first()


def upload(case, officer, uploaded_file, **dates):
    return actions.upload_document(case, document_type=required(case), uploaded_file=uploaded_file, by=officer,
                                   **(dates or valid_dates()))


def fail_after_the_file_is_written(monkeypatch):
    def refused(*args, **kwargs):
        raise ActionRefused("تعذر الحفظ")

    monkeypatch.setattr(actions, "move", refused)


def test_an_upload_that_fails_after_writing_its_file_leaves_no_file(beneficiary, officer, media, monkeypatch):
    case = open_case(beneficiary, officer)
    fail_after_the_file_is_written(monkeypatch)
    with pytest.raises(ActionRefused):
        upload(case, officer, pdf_file())
    assert not CaseDocument.objects.exists()
    assert stored(media) == []


def test_a_declaration_that_fails_after_writing_its_signature_leaves_no_file(make_case, officer, media, monkeypatch):
    case = make_case("documents_complete")
    before = stored(media)
    fail_after_the_file_is_written(monkeypatch)
    with pytest.raises(ActionRefused):
        actions.record_declaration(case, method="on_screen", signer_name="محمد", by=officer,
                                   signature_data_url=signature_data_url())
    with pytest.raises(ActionRefused):
        actions.record_declaration(case, method="paper", signer_name="محمد", by=officer, scan=pdf_file())
    assert not Declaration.objects.exists()
    assert stored(media) == before


def test_stored_documents_are_readable_by_the_service_only(beneficiary, officer, media):
    document = upload(open_case(beneficiary, officer), officer, pdf_file())
    path = media / document.file.name
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_a_file_name_that_reorders_text_is_stored_without_its_controls(beneficiary, officer, media):
    document = upload(open_case(beneficiary, officer), officer, pdf_file("هوية\u202efdp.exe"))
    assert document.original_name == "هويةfdp.exe"


def test_a_png_document_of_13000_by_13000_pixels_is_refused_over_http_at_once(client, beneficiary, officer, media):
    case = open_case(beneficiary, officer)
    client.force_login(officer)
    started = time.monotonic()
    response = client.post(f"/cases/{case.pk}/documents/", {
        "document_type": required(case).pk, "file": SimpleUploadedFile("scan.png", zero_png(13000, 13000)),
        "issued_on": "2020-01-01", "expires_on": "2099-01-01",
    }, follow=True)
    assert time.monotonic() - started < 3
    assert response.status_code in (200, 400)
    assert "أبعاد الصورة أكبر من المسموح" in response.content.decode()
    assert not CaseDocument.objects.exists()
    assert stored(media) == []


def test_a_signature_claiming_20000_by_20000_pixels_is_refused_clearly(client, make_case, officer, media):
    case = make_case("documents_complete")
    client.force_login(officer)
    response = client.post(f"/cases/{case.pk}/declaration/", {
        "method": "on_screen", "signer_name": "محمد عبدالله", "signature": data_url(png_claiming(20000, 20000)),
        "read_aloud": "on",
    }, follow=True)
    assert response.status_code in (200, 400)
    assert "أبعاد صورة التوقيع أكبر من المسموح" in response.content.decode()
    assert refreshed(case).status == "documents_complete"


def test_a_paper_declaration_scan_is_bounded_too(make_case, officer, media):
    case = make_case("documents_complete")
    with pytest.raises(ActionRefused, match="أبعاد الصورة"):
        actions.record_declaration(case, method="paper", signer_name="محمد", by=officer,
                                   scan=SimpleUploadedFile("scan.png", png_claiming(9000, 9000)))


def test_a_document_expiring_after_the_hijri_table_is_accepted_over_http(client, beneficiary, officer, media):
    case = open_case(beneficiary, officer)
    client.force_login(officer)
    response = client.post(f"/cases/{case.pk}/documents/", {
        "document_type": required(case).pk, "file": pdf_file(), "issued_on": "2020-01-01",
        "expires_on": "2080-01-01",
    })
    assert response.status_code == 302
    assert CaseDocument.objects.get().expires_on == datetime.date(2080, 1, 1)
    assert client.get(case.get_absolute_url()).status_code == 200


def test_a_document_expiring_after_2100_gets_a_form_error(client, beneficiary, officer, media):
    case = open_case(beneficiary, officer)
    client.force_login(officer)
    response = client.post(f"/cases/{case.pk}/documents/", {
        "document_type": required(case).pk, "file": pdf_file(), "issued_on": "2020-01-01",
        "expires_on": "2150-01-01",
    })
    assert response.status_code == 400
    assert "2100-12-31" in response.content.decode()
    assert not CaseDocument.objects.exists()


def test_a_pdf_document_downloads_with_its_sniffed_type_and_nosniff(client, beneficiary, officer, media):
    document = upload(open_case(beneficiary, officer), officer, pdf_file("<script>.html"))
    client.force_login(officer)
    response = client.get(f"/cases/documents/{document.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize(("content", "content_type"), [(png_bytes(), "image/png"), (jpeg_bytes(), "image/jpeg")])
def test_a_photo_of_a_document_may_show_in_the_browser(client, beneficiary, officer, media, content, content_type):
    document = upload(open_case(beneficiary, officer), officer, SimpleUploadedFile("photo", content))
    client.force_login(officer)
    response = client.get(f"/cases/documents/{document.pk}/")
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_stored_file_that_is_not_what_its_row_says_downloads_as_bytes(client, beneficiary, officer, media):
    document = upload(open_case(beneficiary, officer), officer, pdf_file())
    (media / document.file.name).write_bytes(b"<html><script>alert(document.cookie)</script></html>")
    client.force_login(officer)
    response = client.get(f"/cases/documents/{document.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_the_signature_shows_as_an_image(client, make_case, officer, media):
    case = make_case("declared")
    client.force_login(officer)
    response = client.get(f"/cases/declarations/{case.declarations.get().pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_missing_stored_file_is_not_found_rather_than_a_server_error(client, beneficiary, officer, media):
    document = upload(open_case(beneficiary, officer), officer, pdf_file())
    (media / document.file.name).unlink()
    client.force_login(officer)
    assert client.get(f"/cases/documents/{document.pk}/").status_code == 404


def test_a_printable_form_that_cannot_be_made_is_a_message_not_a_server_error(client, make_case, officer, monkeypatch):
    from mustafid.lib import pdf

    monkeypatch.setattr(pdf.finders, "find", lambda path: None)
    case = make_case("documents_complete")
    client.force_login(officer)
    response = client.get(f"/cases/{case.pk}/declaration-form.pdf", follow=True)
    assert response.status_code == 200
    assert "تعذر إنشاء ملف PDF" in response.content.decode()
