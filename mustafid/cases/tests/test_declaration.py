"""The applicant's declaration, bound to the data it covers."""

import datetime
import io

import pytest
from pypdf import PdfReader

from mustafid.beneficiaries.actions import add_household_member, update_beneficiary
from mustafid.cases import actions
from mustafid.cases.models import Declaration
from mustafid.conftest import pdf_file, refreshed, signature_data_url
from mustafid.lib.errors import ActionRefused


def test_the_declaration_uses_the_policys_words(make_case):
    case = make_case("declared")
    declaration = case.current_declaration
    assert "صحيحة" in declaration.text
    assert "مسؤول مسؤولية مباشرة عن صحة المعلومات" in declaration.text


def test_the_declaration_keeps_the_fingerprint_and_a_copy_of_the_data_it_covers(make_case):
    case = make_case("declared")
    declaration = case.current_declaration
    assert declaration.fingerprint == case.fingerprint()
    assert declaration.covered_data["beneficiary"]["national_id"] == case.beneficiary.national_id
    assert len(declaration.covered_data["documents"]) == case.support_type.required_documents.count()
    assert declaration.matches_current_data()


@pytest.mark.parametrize("change", ["mobile", "household", "need"])
def test_a_later_change_of_the_declared_data_is_visible_and_blocks_submission(make_case, officer, change):
    case = make_case("declared")
    if change == "mobile":
        update_beneficiary(case.beneficiary, by=officer, mobile="+966551112233")
    elif change == "household":
        add_household_member(case.beneficiary, by=officer, name="سارة", relation="daughter",
                             birth_date=datetime.date(2015, 1, 1), national_id="")
    else:
        type(case).objects.filter(pk=case.pk).update(need="حاجة أخرى")
    declaration = refreshed(case).current_declaration
    assert not declaration.matches_current_data()
    with pytest.raises(ActionRefused) as refusal:
        actions.submit_to_committee(case, by=officer)
    assert "تغيرت البيانات بعد توقيع الإقرار" in str(refusal.value)
    assert refreshed(case).status == "declared"


def test_the_case_page_warns_when_the_data_changed_after_signing(client, make_case, officer):
    case = make_case("declared")
    client.force_login(officer)
    assert "البيانات لم تتغير منذ التوقيع" in client.get(case.get_absolute_url()).content.decode()
    update_beneficiary(case.beneficiary, by=officer, city="خميس مشيط")
    assert "تغيرت البيانات بعد التوقيع" in client.get(case.get_absolute_url()).content.decode()


def test_a_blank_signature_pad_is_refused(make_case, officer):
    case = make_case("documents_complete")
    with pytest.raises(ActionRefused) as refusal:
        actions.record_declaration(case, method="on_screen", signer_name="محمد", by=officer,
                                   signature_data_url=signature_data_url(blank=True))
    assert "فارغ" in str(refusal.value)
    assert not Declaration.objects.exists()


@pytest.mark.parametrize("data_url", ["", "data:image/png;base64,@@@", "data:image/svg+xml;base64,PHN2Zz4=",
                                      "data:image/png;base64,aGVsbG8="])
def test_a_signature_that_is_not_a_png_drawing_is_refused(make_case, officer, data_url):
    case = make_case("documents_complete")
    with pytest.raises(ActionRefused):
        actions.record_declaration(case, method="on_screen", signer_name="محمد", by=officer,
                                   signature_data_url=data_url)
    assert refreshed(case).status == "documents_complete"


def test_a_paper_declaration_is_recorded_from_its_scan(make_case, officer):
    case = make_case("documents_complete")
    declaration = actions.record_declaration(case, method="paper", signer_name="محمد", by=officer,
                                             scan=pdf_file("declaration.pdf"))
    assert declaration.scan and not declaration.signature
    assert declaration.scan_content_type == "application/pdf"
    assert refreshed(case).status == "declared"


def test_the_declaration_over_http_needs_the_confirmation_and_keeps_the_typed_name(client, make_case, officer):
    case = make_case("documents_complete")
    client.force_login(officer)
    response = client.post(f"/cases/{case.pk}/declaration/", {
        "method": "on_screen", "signer_name": "محمد عبدالله", "signature": signature_data_url(),
    })
    assert response.status_code == 400
    page = response.content.decode()
    assert "أكّد أن مقدم الطلب اطلع على نص الإقرار" in page
    assert 'value="محمد عبدالله"' in page
    response = client.post(f"/cases/{case.pk}/declaration/", {
        "method": "on_screen", "signer_name": "محمد عبدالله", "signature": signature_data_url(), "read_aloud": "on",
    })
    assert response.status_code == 302
    assert refreshed(case).status == "declared"


def test_the_printable_form_is_a_real_pdf_with_the_applicants_data(client, make_case, officer):
    case = make_case("documents_complete")
    client.force_login(officer)
    response = client.get(f"/cases/{case.pk}/declaration-form.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    beneficiary = case.beneficiary
    assert beneficiary.first_name in text and beneficiary.family_name in text
    assert beneficiary.national_id in text
    assert "مسؤول مسؤولية مباشرة عن صحة المعلومات" in text
    assert case.reference in text
    # Every font is embedded: the printout does not depend on the printer's fonts.
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert {"/FontFile2", "/FontFile3"} & set(descriptor.keys())
