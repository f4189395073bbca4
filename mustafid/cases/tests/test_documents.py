"""Required documents: checked for validity at submission, verified one by one."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mustafid.cases import actions
from mustafid.cases.models import CaseDocument
from mustafid.conftest import open_case, pdf_file, refreshed, upload_all, valid_dates
from mustafid.lib.errors import ActionRefused

TODAY = timezone.localdate


def required(case):
    return list(case.support_type.required_documents.all())


def test_a_document_already_expired_when_submitted_is_refused_with_the_reason(beneficiary, officer):
    case = open_case(beneficiary, officer)
    expired_on = TODAY() - datetime.timedelta(days=3)
    with pytest.raises(ActionRefused) as refusal:
        actions.upload_document(case, document_type=required(case)[0], uploaded_file=pdf_file(),
                                issued_on=expired_on - datetime.timedelta(days=365), expires_on=expired_on, by=officer)
    assert "منتهي الصلاحية" in str(refusal.value)
    assert expired_on.isoformat() in str(refusal.value)
    assert not CaseDocument.objects.exists()


def test_a_document_that_expired_after_upload_is_refused_at_verification_with_the_reason(beneficiary, officer):
    case = open_case(beneficiary, officer)
    document = actions.upload_document(case, document_type=required(case)[0], uploaded_file=pdf_file(), by=officer,
                                       issued_on=TODAY() - datetime.timedelta(days=30), expires_on=TODAY())
    CaseDocument.objects.filter(pk=document.pk).update(expires_on=TODAY() - datetime.timedelta(days=1))
    document = actions.verify_document(document, by=officer)
    assert document.status == CaseDocument.Review.REFUSED
    assert "منتهي الصلاحية" in document.refusal_reason
    assert refreshed(case).status == "incomplete"


def test_the_request_is_incomplete_until_every_required_document_is_verified(beneficiary, officer):
    case = open_case(beneficiary, officer)
    documents = upload_all(case, officer)
    assert len(documents) >= 2
    for document in documents[:-1]:
        actions.verify_document(document, by=officer)
        assert refreshed(case).status == "received"
        assert refreshed(case).missing_documents()
    actions.verify_document(documents[-1], by=officer)
    assert refreshed(case).status == "documents_complete"
    assert refreshed(case).missing_documents() == []


def test_an_incomplete_request_becomes_complete_once_a_valid_replacement_is_verified(beneficiary, officer):
    case = open_case(beneficiary, officer)
    documents = upload_all(case, officer)
    actions.refuse_document(documents[0], reason="صورة غير واضحة", by=officer)
    for document in documents[1:]:
        actions.verify_document(document, by=officer)
    assert refreshed(case).status == "incomplete"
    replacement = actions.upload_document(case, document_type=documents[0].document_type, uploaded_file=pdf_file(),
                                          by=officer, **valid_dates())
    actions.verify_document(replacement, by=officer)
    assert refreshed(case).status == "documents_complete"


def test_a_document_type_the_support_type_does_not_require_is_refused(beneficiary, officer):
    from mustafid.cases.models import DocumentType

    case = open_case(beneficiary, officer)
    other = DocumentType.objects.exclude(pk__in=[d.pk for d in required(case)]).first()
    with pytest.raises(ActionRefused):
        actions.upload_document(case, document_type=other, uploaded_file=pdf_file(), by=officer, **valid_dates())


@pytest.mark.parametrize("content", [b"MZ\x90\x00 an executable", b"<html>not a document</html>", b""])
def test_a_file_that_is_not_a_pdf_or_an_image_is_refused(beneficiary, officer, content):
    case = open_case(beneficiary, officer)
    upload = SimpleUploadedFile("scan.pdf", content, content_type="application/pdf")
    with pytest.raises(ActionRefused) as refusal:
        actions.upload_document(case, document_type=required(case)[0], uploaded_file=upload, by=officer,
                                **valid_dates())
    assert "PDF" in str(refusal.value)


def test_a_document_too_large_is_refused(beneficiary, officer, settings):
    settings.MAX_DOCUMENT_BYTES = 100
    case = open_case(beneficiary, officer)
    with pytest.raises(ActionRefused):
        actions.upload_document(case, document_type=required(case)[0], uploaded_file=pdf_file(), by=officer,
                                **valid_dates())


def test_an_expiry_date_is_required_for_a_document_that_expires(beneficiary, officer):
    case = open_case(beneficiary, officer)
    doc_type = next(d for d in required(case) if d.requires_expiry)
    with pytest.raises(ActionRefused):
        actions.upload_document(case, document_type=doc_type, uploaded_file=pdf_file(), by=officer,
                                issued_on=None, expires_on=None)


def test_the_stored_file_keeps_its_fingerprint_and_not_the_beneficiarys_file_name(beneficiary, officer):
    import hashlib

    case = open_case(beneficiary, officer)
    document = actions.upload_document(case, document_type=required(case)[0], by=officer, **valid_dates(),
                                       uploaded_file=pdf_file(name="هوية محمد الأحمدي.pdf"))
    assert document.sha256 == hashlib.sha256(pdf_file().read()).hexdigest()
    assert "محمد" not in document.file.name
    assert document.original_name == "هوية محمد الأحمدي.pdf"


def test_upload_form_accepts_dates_typed_in_hijri_with_arabic_digits(client, beneficiary, officer):
    case = open_case(beneficiary, officer)
    doc_type = required(case)[0]
    client.force_login(officer)
    response = client.post(f"/cases/{case.pk}/documents/", {
        "document_type": doc_type.pk, "file": pdf_file(), "issued_on": "١٤٤٦/٠١/٠١", "expires_on": "1460/01/01",
    })
    assert response.status_code == 302
    document = CaseDocument.objects.get()
    assert document.issued_on == datetime.date(2024, 7, 7)
    assert document.expires_on > TODAY()


def test_bad_dates_in_the_upload_form_are_shown_and_nothing_is_stored(client, beneficiary, officer):
    case = open_case(beneficiary, officer)
    client.force_login(officer)
    response = client.post(f"/cases/{case.pk}/documents/", {
        "document_type": required(case)[0].pk, "file": pdf_file(), "issued_on": "31/02/2024", "expires_on": "غدًا",
    })
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not CaseDocument.objects.exists()


def test_a_document_is_served_only_through_the_access_check(client, beneficiary, officer, staff):
    case = open_case(beneficiary, officer)
    document = upload_all(case, officer)[0]
    client.force_login(officer)
    response = client.get(f"/cases/documents/{document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(staff["outsider"])
    assert client.get(f"/cases/documents/{document.pk}/").status_code == 404
