"""The registry: one record per national ID, valid numbers, search as staff type it."""

import pytest

from mustafid.beneficiaries.models import Beneficiary
from mustafid.conftest import make_beneficiary
from mustafid.lib.saudi import generate_national_id


def form_data(**overrides):
    from mustafid.association.models import Branch, Region
    from mustafid.beneficiaries.models import Category

    data = {
        "first_name": "عبد الله", "father_name": "محمد", "grandfather_name": "علي", "family_name": "القحطاني",
        "national_id": generate_national_id("1", 4242), "mobile": "٠٥٥ ١٢٣ ٤٥٦٧", "birth_date": "1410/05/12",
        "gender": "male", "nationality": "سعودي", "region": Region.objects.get(code="asir").pk, "city": "أبها",
        "branch": Branch.objects.get(is_head_office=True).pk, "category": Category.objects.first().pk,
    }
    data.update(overrides)
    return data


def test_an_officer_registers_a_beneficiary_with_arabic_digits_and_a_hijri_birth_date(client, officer):
    client.force_login(officer)
    response = client.post("/beneficiaries/new/", form_data())
    assert response.status_code == 302
    beneficiary = Beneficiary.objects.get()
    assert beneficiary.mobile == "+966551234567"
    assert beneficiary.birth_date.isoformat() == "1989-12-10"  # 12 Jumada al-Ula 1410
    assert beneficiary.created_by == officer


def test_a_second_registration_with_the_same_id_is_refused_with_a_link_to_the_existing_record(client, officer):
    existing = make_beneficiary(by=officer)
    client.force_login(officer)
    response = client.post("/beneficiaries/new/", form_data(national_id=existing.national_id))
    assert response.status_code == 400
    page = response.content.decode()
    assert "رقم الهوية مسجل من قبل" in page
    assert f'href="/beneficiaries/{existing.pk}/"' in page
    assert Beneficiary.objects.count() == 1


def test_a_branch_rep_is_told_of_a_duplicate_elsewhere_without_seeing_who(client, officer, staff):
    existing = make_beneficiary(by=officer)
    client.force_login(staff["branch_rep"])
    response = client.post("/beneficiaries/new/", form_data(national_id=existing.national_id))
    page = response.content.decode()
    assert "مسجل لدى مكتب آخر" in page
    assert existing.full_name not in page


@pytest.mark.parametrize(("field", "value"), [
    ("national_id", "1234567890"),      # check digit wrong
    ("national_id", "3000000001"),      # neither citizen nor resident
    ("national_id", "12345"),
    ("mobile", "0112345678"),           # a landline
    ("mobile", "05012"),
    ("birth_date", "1450/01/01"),        # in the future
    ("birth_date", "30/02/1990"),
    ("first_name", ""),
])
def test_invalid_input_is_refused_with_a_message_and_nothing_is_saved(client, officer, field, value):
    client.force_login(officer)
    response = client.post("/beneficiaries/new/", form_data(**{field: value}))
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Beneficiary.objects.exists()


def test_a_resident_id_with_saudi_nationality_is_refused(client, officer):
    client.force_login(officer)
    response = client.post("/beneficiaries/new/", form_data(national_id=generate_national_id("2", 77)))
    assert response.status_code == 400
    assert "رقم الإقامة" in response.content.decode()


def test_a_branch_rep_registers_into_their_own_branch_whatever_is_posted(client, staff, association):
    from mustafid.association.models import Branch

    rep = staff["branch_rep"]
    client.force_login(rep)
    head_office = Branch.objects.get(is_head_office=True)
    assert client.post("/beneficiaries/new/", form_data(branch=head_office.pk)).status_code == 302
    assert Beneficiary.objects.get().branch == rep.branch


@pytest.mark.parametrize("query", [
    "عبدالله", "عبد الله", "عبدالله القحطانى", "القحطاني", "قحطاني", "عَبْدُ اللهِ", "عبـــدالله",
])
def test_search_by_name_after_arabic_normalisation(officer, query):
    wanted = make_beneficiary(by=officer, first_name="عبد الله", family_name="القحطاني")
    make_beneficiary(by=officer, first_name="سلمان", father_name="فهد", family_name="الشمري")
    assert list(Beneficiary.objects.search(query, user=officer)) == [wanted]


@pytest.mark.parametrize("written", ["أحمد", "احمد", "إحمد"])
def test_search_matches_the_hamza_forms_of_alef(officer, written):
    wanted = make_beneficiary(by=officer, first_name="أحمد", family_name="الزهراني")
    assert wanted in Beneficiary.objects.search(written, user=officer)


@pytest.mark.parametrize(("stored", "typed"), [("فاطمة", "فاطمه"), ("مصطفى", "مصطفي")])
def test_search_matches_taa_marbuta_and_alef_maqsura(officer, stored, typed):
    wanted = make_beneficiary(by=officer, first_name=stored)
    assert wanted in Beneficiary.objects.search(typed, user=officer)


@pytest.mark.parametrize("typed", ["0551234567", "551234567", "+966551234567", "00966551234567", "055 123 4567",
                                   "٠٥٥١٢٣٤٥٦٧"])
def test_search_by_mobile_in_any_format(officer, typed):
    wanted = make_beneficiary(by=officer, mobile="+966551234567")
    assert list(Beneficiary.objects.search(typed, user=officer)) == [wanted]


def test_search_by_national_id_with_arabic_digits(officer):
    wanted = make_beneficiary(by=officer)
    arabic = wanted.national_id.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert list(Beneficiary.objects.search(arabic, user=officer)) == [wanted]


def test_the_search_box_answers_htmx_with_only_the_rows(client, officer):
    make_beneficiary(by=officer, first_name="نوال")
    client.force_login(officer)
    response = client.post("/beneficiaries/", {"q": "نوال"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "نوال" in page and "<html" not in page


def test_a_volunteer_sees_names_but_not_ids_phones_or_categories(client, officer, staff):
    beneficiary = make_beneficiary(by=officer)
    client.force_login(staff["volunteer"])
    for url in ("/beneficiaries/", beneficiary.get_absolute_url()):
        page = client.get(url).content.decode()
        assert beneficiary.full_name in page
        assert beneficiary.national_id not in page
        assert beneficiary.national_id[-4:] in page
        assert beneficiary.mobile not in page and beneficiary.mobile[-9:] not in page
        assert str(beneficiary.category) not in page


def test_an_edit_is_audited_with_old_and_new_values(client, officer):
    from mustafid.audit.models import AuditEvent, EventType

    beneficiary = make_beneficiary(by=officer, city="أبها")
    client.force_login(officer)
    data = form_data(national_id=beneficiary.national_id, city="بيشة")
    assert client.post(f"/beneficiaries/{beneficiary.pk}/edit/", data).status_code == 302
    event = AuditEvent.objects.filter(event_type=EventType.BENEFICIARY_UPDATED).get()
    assert event.data["changed"]["city"] == {"old": "أبها", "new": "بيشة"}


def test_household_members_are_added_and_removed(client, officer):
    beneficiary = make_beneficiary(by=officer)
    client.force_login(officer)
    response = client.post(f"/beneficiaries/{beneficiary.pk}/household/",
                           {"name": "سارة", "relation": "daughter", "birth_date": "2015-03-01", "national_id": ""})
    assert response.status_code == 302
    member = beneficiary.household.get()
    assert client.post(f"/beneficiaries/{beneficiary.pk}/household/{member.pk}/remove/").status_code == 302
    assert not beneficiary.household.exists()


def test_registering_a_caller_links_the_logged_contact_to_the_new_record(client, officer):
    from mustafid.interactions.actions import log_interaction

    contact = log_interaction(channel="phone", direction="in", kind="inquiry", summary="يسأل عن برنامج العلاج",
                              contact_name="عبد الله محمد علي القحطاني", contact_mobile="+966551234567", by=officer)
    client.force_login(officer)
    page = client.get(f"/beneficiaries/new/?contact={contact.pk}").content.decode()
    assert 'value="+966551234567"' in page or "055 123 4567" in page
    response = client.post("/beneficiaries/new/", {**form_data(), "contact": contact.pk})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.beneficiary == Beneficiary.objects.get()
