"""Text that lies: characters that reorder a name on the page, and impossible birth dates, are refused."""

import datetime

import pytest
from django.utils import timezone

from mustafid.beneficiaries.models import Beneficiary, HouseholdMember
from mustafid.beneficiaries.tests.test_registry import form_data


@pytest.mark.parametrize("name", ["\u202eيدمحأ", "أحمد\u2067x\u2069", "أحمد\u200f", "أحمد\u061c", "أحمد\x00"])
def test_a_name_with_bidi_controls_or_nul_is_refused_with_a_message(client, officer, name):
    client.force_login(officer)
    response = client.post("/beneficiaries/new/", form_data(family_name=name))
    assert response.status_code == 400
    page = response.content.decode()
    assert "احذفه وأعد كتابة النص" in page
    assert not Beneficiary.objects.exists()


@pytest.mark.parametrize(
    ("birth_date", "message"),
    [("1700-01-01", "1900-01-01"), ("1899-12-31", "1900-01-01"), ("2200-01-01", "2100-12-31"),
     ((timezone.localdate() + datetime.timedelta(days=1)).isoformat(), "في المستقبل")],
)
def test_a_birth_date_before_1900_or_in_the_future_is_refused(client, officer, birth_date, message):
    client.force_login(officer)
    response = client.post("/beneficiaries/new/", form_data(birth_date=birth_date))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Beneficiary.objects.exists()


def test_a_birth_date_in_1900_is_accepted(client, officer):
    client.force_login(officer)
    assert client.post("/beneficiaries/new/", form_data(birth_date="1900-01-01")).status_code == 302


@pytest.mark.parametrize(("field", "value", "message"), [
    ("birth_date", "1700-01-01", "1900-01-01"),
    ("name", "سارة\u202eاحمد", "U+202E"),
])
def test_a_household_member_is_held_to_the_same_rules(client, officer, beneficiary, field, value, message):
    client.force_login(officer)
    data = {"name": "سارة", "relation": "daughter", "birth_date": "2010-01-01", "national_id": ""}
    data[field] = value
    response = client.post(f"/beneficiaries/{beneficiary.pk}/household/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not HouseholdMember.objects.exists()
