"""Guardians (أولياء الأمور): added and ended by staff through the actions, audited without the ID in the clear,
shown on the beneficiary's page (masked for a volunteer), with the forms for those who may edit the record."""

import pytest

from mustafid.audit.models import AuditEvent, EventType
from mustafid.beneficiaries import actions
from mustafid.beneficiaries.models import Guardian
from mustafid.conftest import make_beneficiary
from mustafid.lib.errors import ActionRefused
from mustafid.lib.saudi import generate_national_id

pytestmark = pytest.mark.django_db

GUARDIAN_ID = generate_national_id("1", 41_000_001)
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def form(**fields):
    """The page's form (its fields carry the `guardian-` prefix)."""
    return {f"guardian-{name}": value for name, value in fields.items()}


def add(beneficiary, by, **fields):
    data = {"name": "سعد محمد الأحمدي", "national_id": GUARDIAN_ID, "mobile": "0551234567", "relation": "father"}
    data.update(fields)
    return actions.add_guardian(beneficiary, by=by, **data)


def test_an_officer_adds_a_guardian_with_arabic_indic_digits_and_it_is_audited(beneficiary, officer):
    guardian = add(beneficiary, officer, national_id=GUARDIAN_ID.translate(ARABIC_INDIC),
                   mobile="٠٥٥١٢٣٤٥٦٧")
    assert (guardian.national_id, guardian.mobile, guardian.active) == (GUARDIAN_ID, "+966551234567", True)
    audit = AuditEvent.objects.get(event_type=EventType.GUARDIAN_ADDED)
    assert (audit.actor_id, audit.target_id) == (officer.pk, str(beneficiary.pk))
    assert audit.data["name"] == "سعد محمد الأحمدي" and audit.data["relation"] == "father"
    # Never the ID or the mobile in the clear: the last four digits only.
    assert GUARDIAN_ID not in str(audit.data) and "551234567" not in str(audit.data)
    assert audit.data["national_id"] == "******" + GUARDIAN_ID[-4:]


@pytest.mark.parametrize("fields, words", [
    ({"national_id": "1234567890"}, "رقم الهوية غير صحيح"),
    ({"national_id": "12345"}, "10 أرقام"),
    ({"mobile": "0112345678"}, "جوال"),
    ({"mobile": "abc"}, "رقم الجوال غير صحيح"),
    ({"name": "   "}, "اسم ولي الأمر"),
    ({"relation": "cousin"}, "صلة ولي الأمر"),
])
def test_bad_data_is_refused_clearly(beneficiary, officer, fields, words):
    with pytest.raises(ActionRefused) as refused:
        add(beneficiary, officer, **fields)
    assert words in refused.value.message
    assert not Guardian.objects.exists() and not AuditEvent.objects.filter(event_type=EventType.GUARDIAN_ADDED).exists()


def test_the_beneficiarys_own_id_and_a_duplicate_active_guardian_are_refused(beneficiary, officer):
    with pytest.raises(ActionRefused) as refused:
        add(beneficiary, officer, national_id=beneficiary.national_id)
    assert "رقم هوية المستفيد نفسه" in refused.value.message
    first = add(beneficiary, officer)
    with pytest.raises(ActionRefused) as refused:
        add(beneficiary, officer, name="اسم آخر")
    assert "ولي أمر لهذا المستفيد من قبل" in refused.value.message
    # Once ended, the same person may be added again; and the same guardian may act for another beneficiary.
    actions.end_guardian(first, by=officer)
    assert add(beneficiary, officer).active
    assert add(make_beneficiary(by=officer), officer).active


def test_ending_keeps_the_row_and_is_audited_once(beneficiary, officer):
    guardian = add(beneficiary, officer)
    actions.end_guardian(guardian, by=officer)
    guardian.refresh_from_db()
    assert guardian.ended_at is not None and guardian.ended_by == officer and not guardian.active
    audit = AuditEvent.objects.get(event_type=EventType.GUARDIAN_ENDED)
    assert audit.target_id == str(beneficiary.pk) and GUARDIAN_ID not in str(audit.data)
    with pytest.raises(ActionRefused):
        actions.end_guardian(guardian, by=officer)
    assert AuditEvent.objects.filter(event_type=EventType.GUARDIAN_ENDED).count() == 1


# ---------------------------------------------------------------- the beneficiary's page


def test_the_officer_adds_and_ends_a_guardian_from_the_page(client, beneficiary, officer):
    client.force_login(officer)
    page = client.get(f"/beneficiaries/{beneficiary.pk}/").content.decode()
    assert "أولياء الأمور" in page and "إضافة ولي أمر" in page
    response = client.post(f"/beneficiaries/{beneficiary.pk}/guardians/", form(
        name="سعد محمد الأحمدي", national_id=GUARDIAN_ID.translate(ARABIC_INDIC), mobile="0551234567",
        relation="father"))
    assert response.status_code == 302
    guardian = Guardian.objects.get()
    page = client.get(f"/beneficiaries/{beneficiary.pk}/").content.decode()
    assert "سعد محمد الأحمدي" in page and GUARDIAN_ID in page and "إلغاء الصلاحية" in page
    response = client.post(f"/beneficiaries/{beneficiary.pk}/guardians/{guardian.pk}/end/")
    assert response.status_code == 302
    assert Guardian.objects.get().ended_at is not None
    assert "أُلغيت صلاحيته" in client.get(f"/beneficiaries/{beneficiary.pk}/").content.decode()


@pytest.mark.parametrize("fields, words", [
    ({"national_id": "1234567890"}, "رقم الهوية غير صحيح"),
    ({"mobile": "12"}, "رقم الجوال غير صحيح"),
    ({"name": "سعد\u202eمحمد"}, ""),
    ({"name": "س" * 100_000}, ""),
    ({"name": "سعد\x00"}, ""),
])
def test_a_bad_form_says_why_beside_the_field(client, beneficiary, officer, fields, words):
    client.force_login(officer)
    data = {"name": "سعد محمد", "national_id": GUARDIAN_ID, "mobile": "0551234567", "relation": "father", **fields}
    response = client.post(f"/beneficiaries/{beneficiary.pk}/guardians/", form(**data))
    assert response.status_code == 400
    assert words in response.content.decode() and "invalid-feedback" in response.content.decode()
    assert not Guardian.objects.exists()


def test_a_duplicate_from_the_page_is_refused_clearly(client, beneficiary, officer):
    add(beneficiary, officer)
    client.force_login(officer)
    response = client.post(f"/beneficiaries/{beneficiary.pk}/guardians/", form(
        name="سعد", national_id=GUARDIAN_ID, mobile="0551234567", relation="father"))
    assert response.status_code == 400 and "ولي أمر لهذا المستفيد من قبل" in response.content.decode()
    response = client.post(f"/beneficiaries/{beneficiary.pk}/guardians/", form(
        name="سعد", national_id=beneficiary.national_id, mobile="0551234567", relation="father"))
    assert response.status_code == 400 and "رقم هوية المستفيد نفسه" in response.content.decode()


def test_a_volunteer_sees_the_guardian_masked_and_no_forms(client, beneficiary, officer, staff):
    add(beneficiary, officer)
    guardian = Guardian.objects.get()
    volunteer = staff["volunteer"]
    client.force_login(volunteer)
    page = client.get(f"/beneficiaries/{beneficiary.pk}/").content.decode()
    assert "سعد محمد الأحمدي" in page and "******" + GUARDIAN_ID[-4:] in page
    assert GUARDIAN_ID not in page and "055 123 4567" not in page and "إضافة ولي أمر" not in page
    assert client.post(f"/beneficiaries/{beneficiary.pk}/guardians/", {}).status_code == 403
    assert client.post(f"/beneficiaries/{beneficiary.pk}/guardians/{guardian.pk}/end/").status_code == 403
    assert Guardian.objects.get().active


def test_another_beneficiarys_guardian_cannot_be_ended_through_this_one(client, beneficiary, officer):
    other = make_beneficiary(by=officer)
    guardian = add(other, officer)
    client.force_login(officer)
    assert client.post(f"/beneficiaries/{beneficiary.pk}/guardians/{guardian.pk}/end/").status_code == 404
    assert Guardian.objects.get().active
