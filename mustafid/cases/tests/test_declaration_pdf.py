"""The printable request form and declaration: one A4 page, signed and received, always in Arabic."""

import io

from django.conf import settings
from pypdf import PdfReader


def pdf_text(response):
    reader = PdfReader(io.BytesIO(response.content))
    return reader, " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_form_fits_one_page_with_the_signature_and_the_receiving_employee_in_arabic_for_an_english_screen(
    client, make_case, officer
):
    case = make_case("with_committee")
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert 'lang="en"' in client.get(case.get_absolute_url()).content.decode()  # the screen is in English
    response = client.get(f"/cases/{case.pk}/declaration-form.pdf")
    assert response.status_code == 200
    reader, text = pdf_text(response)
    assert len(reader.pages) == 1
    # Arabic throughout, the catalogue's words included (the documents' review states), whatever the screen.
    assert "الموظف المستلم" in text and "تم التحقق" in text
    assert "Verified" not in text and "Pending" not in text
    assert officer.first_name in text and officer.last_name in text  # the receiving employee, filled in
    # The signature drawn on the screen is on the paper: an image on the page.
    images = [x for x in reader.pages[0]["/Resources"].get("/XObject", {}).values()
              if x.get_object().get("/Subtype") == "/Image"]
    assert images


def test_before_signing_the_form_has_room_for_the_signature_and_still_one_page(client, make_case, officer):
    case = make_case("documents_complete")
    client.force_login(officer)
    reader, text = pdf_text(client.get(f"/cases/{case.pk}/declaration-form.pdf"))
    assert len(reader.pages) == 1
    assert "التوقيع" in text and officer.first_name in text
