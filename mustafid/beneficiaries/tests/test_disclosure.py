"""What a reader sees of a beneficiary is decided once, from role facts (beneficiaries/disclosure.py)."""

from mustafid.beneficiaries.disclosure import disclose
from mustafid.beneficiaries.actions import add_household_member


def test_a_volunteer_gets_masked_numbers_and_nothing_sensitive(beneficiary, staff):
    add_household_member(beneficiary, by=staff["officer"], name="سارة", relation="daughter")
    shown = disclose(beneficiary, staff["volunteer"])
    assert shown.full_name == beneficiary.full_name
    assert shown.national_id == "******" + beneficiary.national_id[-4:]
    assert shown.mobile.endswith(beneficiary.mobile[-4:]) and beneficiary.mobile[4:8] not in shown.mobile
    assert (shown.birth_date, shown.category, shown.gender, shown.household, shown.complete) == (
        None, None, None, None, False)


def test_staff_who_see_sensitive_data_get_the_whole_record(beneficiary, staff):
    for persona in ("officer", "researcher", "chair", "manager", "auditor"):
        shown = disclose(beneficiary, staff[persona])
        assert shown.complete, persona
        assert shown.national_id == beneficiary.national_id
        assert shown.birth_date == beneficiary.birth_date and shown.category == beneficiary.category


def test_a_volunteer_who_is_also_an_officer_sees_what_an_officer_sees(beneficiary, staff):
    from mustafid.accounts.models import Role

    volunteer = staff["volunteer"]
    volunteer.roles.add(Role.OFFICER)
    assert disclose(beneficiary, volunteer).national_id == beneficiary.national_id
