"""How the association's messages reach a beneficiary: chosen at registration, shown to those who see everything."""

import pytest

from mustafid.beneficiaries.models import Beneficiary
from mustafid.beneficiaries.tests.test_registry import form_data
from mustafid.notifications.models import Channel

pytestmark = pytest.mark.django_db


def test_registration_keeps_the_channel_language_address_and_consent_and_the_page_shows_them(client, officer, staff):
    client.force_login(officer)
    response = client.post("/beneficiaries/new/", form_data(
        preferred_channel="email", language="en", email="sara@example.org", awareness_consent="on"))
    assert response.status_code == 302
    beneficiary = Beneficiary.objects.get()
    recipient = beneficiary.as_recipient()
    assert (recipient.channel(), recipient.language, recipient.awareness_consent) == (Channel.EMAIL, "en", True)
    page = client.get(beneficiary.get_absolute_url()).content.decode()
    assert "sara@example.org" in page and "يوافق على الرسائل التوعوية" in page

    # A volunteer sees none of it.
    client.force_login(staff["volunteer"])
    page = client.get(beneficiary.get_absolute_url()).content.decode()
    assert "sara@example.org" not in page and "الرسائل التوعوية" not in page


def test_left_out_the_preferences_default_to_sms_in_arabic_without_awareness_messages(client, officer):
    client.force_login(officer)
    assert client.post("/beneficiaries/new/", form_data()).status_code == 302
    beneficiary = Beneficiary.objects.get()
    assert (beneficiary.preferred_channel, beneficiary.language, beneficiary.awareness_consent) == ("sms", "ar", False)


def test_a_bad_e_mail_address_is_refused_with_the_reason_and_nothing_saved(client, officer):
    client.force_login(officer)
    response = client.post("/beneficiaries/new/", form_data(email="not an address"))
    assert response.status_code == 400
    assert not Beneficiary.objects.exists()
    assert "أدخِل عنوان بريد إلكتروني صحيح." in response.content.decode()
