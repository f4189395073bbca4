"""The duplicate check at registration: the officer sees who this may already be, and why, before saving."""

import datetime

import pytest

from mustafid.audit.models import AuditEvent, EventType
from mustafid.beneficiaries.actions import add_household_member
from mustafid.beneficiaries.models import Beneficiary
from mustafid.beneficiaries.search import HOUSEHOLD_ID, SAME_MOBILE, SAME_NAME, SIMILAR_NAME, likely_duplicates
from mustafid.beneficiaries.tests.test_registry import form_data
from mustafid.conftest import make_beneficiary
from mustafid.lib.saudi import generate_national_id

BORN = datetime.date(1989, 12, 10)  # 1410/05/12, the birth date of `form_data`


@pytest.fixture
def registered(officer):
    return make_beneficiary(by=officer, first_name="عبد الله", father_name="محمد", grandfather_name="علي",
                            family_name="القحطاني", mobile="+966551234567", birth_date=BORN)


def check(**overrides):
    fields = {"national_id": generate_national_id("1", 777), "mobile": "", "birth_date": BORN,
              "names": ["عبدالله", "محمد", "علي", "القحطاني"]}
    fields.update(overrides)
    return [(b, [str(r) for r in reasons]) for b, reasons in likely_duplicates(**fields)]


def test_a_registered_person_typed_with_variant_spellings_and_another_mobile_format_is_found(registered):
    found = check(names=["عبدالله", "محمّد", "على", "القحطانى"], mobile="٠٥٥ ١٢٣ ٤٥٦٧")
    assert found == [(registered, [str(SAME_MOBILE), str(SAME_NAME)])]


def test_a_similar_name_born_the_same_year_is_found_a_different_year_is_not(registered):
    assert check(names=["عبدالله", "محمد", "علي", "القحطنى"]) == [(registered, [str(SIMILAR_NAME)])]
    assert check(names=["عبدالله", "محمد", "علي", "القحطاني"], birth_date=BORN.replace(year=1995)) == []
    # Without the grandfather's name, or with another one: the first, father's and family names decide.
    assert check(names=["عبدالله", "محمد", "", "القحطاني"]) == [(registered, [str(SIMILAR_NAME)])]


def test_someone_elses_household_member_is_found_by_the_id(officer, registered):
    member_id = generate_national_id("1", 888)
    add_household_member(registered, by=officer, name="سارة", relation="daughter", national_id=member_id)
    assert check(national_id=member_id, names=["سارة", "خالد", "فهد", "الشمري"]) == [(registered, [str(HOUSEHOLD_ID)])]


def test_a_new_person_has_no_duplicates_and_the_record_being_edited_is_not_its_own(registered):
    assert check(names=["فيصل", "ناصر", "سعد", "الحربي"]) == []
    assert check(mobile="0551234567", exclude_pk=registered.pk) == []


def test_the_officer_sees_the_match_and_its_reasons_and_nothing_is_saved(client, officer, registered):
    client.force_login(officer)
    response = client.post("/beneficiaries/new/", form_data(first_name="عبدالله", family_name="القحطانى"))
    page = response.content.decode()
    assert response.status_code == 200
    assert registered.full_name in page and f'href="/beneficiaries/{registered.pk}/"' in page
    assert str(SAME_MOBILE) in page and str(SAME_NAME) in page
    assert f'name="not_duplicate_of" value="{registered.pk}"' in page
    assert Beneficiary.objects.count() == 1
    audited = AuditEvent.objects.get(event_type=EventType.REGISTRY_SEARCHED, actor=officer)
    assert audited.data == {"duplicate_check": True, "results": 1, "shown": [registered.pk]}


def test_confirming_not_the_same_person_saves_and_the_audit_row_keeps_the_confirmation(client, officer, registered):
    client.force_login(officer)
    data = form_data(first_name="عبدالله", family_name="القحطانى")
    assert client.post("/beneficiaries/new/", {**data, "not_duplicate_of": "999999"}).status_code == 200
    assert Beneficiary.objects.count() == 1  # a confirmation of other people confirms nothing
    response = client.post("/beneficiaries/new/", {**data, "not_duplicate_of": str(registered.pk)})
    assert response.status_code == 302
    new = Beneficiary.objects.exclude(pk=registered.pk).get()
    created = AuditEvent.objects.get(event_type=EventType.BENEFICIARY_CREATED, target_id=str(new.pk))
    assert created.data["not_duplicate_of"] == [registered.pk]


def test_a_registration_with_no_likely_duplicate_saves_at_once(client, officer, registered):
    client.force_login(officer)
    response = client.post("/beneficiaries/new/", form_data(first_name="فيصل", mobile="0561112233"))
    assert response.status_code == 302
    created = AuditEvent.objects.filter(event_type=EventType.BENEFICIARY_CREATED).order_by("pk").last()
    assert "not_duplicate_of" not in created.data


def test_a_branch_representative_is_told_of_a_match_elsewhere_without_seeing_who(client, officer, staff, registered):
    client.force_login(staff["branch_rep"])
    page = client.post("/beneficiaries/new/", form_data(first_name="عبدالله")).content.decode()
    assert "تطابق محتمل لدى مكتب آخر" in page
    assert registered.full_name not in page and registered.national_id not in page


def test_matches_are_shown_as_the_reader_may_see_them(officer, staff, registered):
    from mustafid.beneficiaries.forms import BeneficiaryForm
    from mustafid.beneficiaries.views import _duplicates_for

    form = BeneficiaryForm(form_data(first_name="عبدالله"), user=officer)
    assert form.is_valid(), form.errors
    shown, _reasons, pk = _duplicates_for(form, officer)[0]
    assert pk == registered.pk and shown.national_id == registered.national_id  # intake sees it in full
    masked, _reasons, _pk = _duplicates_for(form, staff["volunteer"])[0]
    assert masked.national_id != registered.national_id and masked.national_id.endswith(registered.national_id[-4:])
    assert masked.birth_date is None
