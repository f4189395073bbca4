"""Contacts that find the caller: a lookup as the contact is logged, and a contact from a registered mobile linked."""

from mustafid.audit.models import AuditEvent, EventType
from mustafid.conftest import make_beneficiary
from mustafid.interactions.models import Interaction
from mustafid.lib.saudi import format_mobile_local

CONTACT = {"channel": "phone", "direction": "in", "kind": "inquiry", "summary": "يسأل عن موعد صرف الدعم"}


def lookup(client, text):
    return client.post("/contacts/new/lookup/", {"lookup": text}, HTTP_HX_REQUEST="true")


def test_the_officer_finds_the_caller_by_mobile_and_sees_the_full_number(client, officer):
    caller = make_beneficiary(by=officer, first_name="هادي", mobile="+966551234567")
    make_beneficiary(by=officer, first_name="كريم")
    client.force_login(officer)
    response = lookup(client, "055 123 4567")
    page = response.content.decode()
    assert response.status_code == 200
    assert f'value="{caller.pk}"' in page and "هادي" in page and "كريم" not in page
    assert format_mobile_local(caller.mobile) in page
    assert 'id="lookup-count" hx-swap-oob="innerHTML"' in page and "وُجد مستفيد واحد" in page
    assert 'id="lookup-count"' in client.get("/contacts/new/").content.decode()  # the lasting live region
    searched = AuditEvent.objects.filter(event_type=EventType.REGISTRY_SEARCHED, actor=officer).get()
    assert searched.data["contact_lookup"] is True and searched.data["results"] == 1


def test_the_officer_finds_the_caller_by_national_id(client, officer):
    caller = make_beneficiary(by=officer, first_name="هادي")
    client.force_login(officer)
    assert f'value="{caller.pk}"' in lookup(client, caller.national_id).content.decode()


def test_a_volunteer_is_refused_a_lookup_by_number_and_finds_by_name_with_masked_numbers(client, officer, staff):
    caller = make_beneficiary(by=officer, first_name="هادي", mobile="+966551234567")
    client.force_login(staff["volunteer"])
    by_number = lookup(client, "0551234567").content.decode()
    assert f'value="{caller.pk}"' not in by_number and "غير متاح لدورك" in by_number
    assert AuditEvent.objects.get(event_type=EventType.REGISTRY_SEARCHED).data["refused"] is True
    by_name = lookup(client, "هادي").content.decode()
    assert f'value="{caller.pk}"' in by_name
    assert caller.mobile not in by_name and format_mobile_local(caller.mobile) not in by_name
    assert caller.national_id not in by_name and "4567" in by_name and "tel:" not in by_name


def test_the_contact_form_asks_for_a_name_only_of_a_volunteer(client, staff):
    client.force_login(staff["volunteer"])
    page = client.get("/contacts/new/").content.decode()
    assert "ابحث عن المتواصل بالاسم" in page and "بالجوال" not in page


def test_roles_that_do_not_log_contacts_may_not_look_up(client, staff):
    client.force_login(staff["committee"])
    assert lookup(client, "هادي").status_code == 403


def test_the_chosen_caller_is_linked_and_the_contact_reaches_their_timeline(client, officer):
    caller = make_beneficiary(by=officer, first_name="هادي")
    client.force_login(officer)
    response = client.post("/contacts/new/", {**CONTACT, "beneficiary": str(caller.pk), "contact_name": "هادي"})
    assert response.status_code == 302 and response.url == caller.get_absolute_url()
    assert Interaction.objects.get().beneficiary == caller
    assert "يسأل عن موعد صرف الدعم" in client.get(caller.get_absolute_url()).content.decode()


def test_a_contact_from_the_mobile_of_one_registered_beneficiary_is_linked_to_them(client, officer):
    caller = make_beneficiary(by=officer, mobile="+966551234567")
    client.force_login(officer)
    response = client.post("/contacts/new/", {**CONTACT, "contact_name": "أبو سعد", "contact_mobile": "0551234567"},
                           follow=True)
    contact = Interaction.objects.get()
    assert contact.beneficiary == caller and contact.contact_mobile == ""
    assert "وربطه بالمستفيد" in response.content.decode()
    assert "يسأل عن موعد صرف الدعم" in response.content.decode()  # their page, with the contact on the timeline


def test_a_mobile_shared_by_two_beneficiaries_offers_both_and_links_the_one_chosen(client, officer):
    first = make_beneficiary(by=officer, first_name="هادي", mobile="+966551234567")
    second = make_beneficiary(by=officer, first_name="كريم", mobile="+966551234567")
    client.force_login(officer)
    data = {**CONTACT, "contact_name": "أبو سعد", "contact_mobile": "0551234567"}
    response = client.post("/contacts/new/", data)
    page = response.content.decode()
    assert response.status_code == 400 and not Interaction.objects.exists()
    assert f'value="{first.pk}"' in page and f'value="{second.pk}"' in page and "أكثر من مستفيد" in page
    assert client.post("/contacts/new/", {**data, "beneficiary": str(second.pk)}).status_code == 302
    assert Interaction.objects.get().beneficiary == second


def test_the_logger_may_keep_the_contact_unlinked_after_the_matches_are_offered(client, officer):
    make_beneficiary(by=officer, mobile="+966551234567")
    make_beneficiary(by=officer, mobile="+966551234567")
    client.force_login(officer)
    data = {**CONTACT, "contact_name": "أبو سعد", "contact_mobile": "0551234567", "beneficiary": "none"}
    assert client.post("/contacts/new/", data).status_code == 302
    contact = Interaction.objects.get()
    assert contact.beneficiary is None and contact.contact_mobile == "+966551234567"


def test_a_volunteers_contact_is_not_linked_by_mobile(client, officer, staff):
    """Linking would tell the volunteer whose number it is."""
    make_beneficiary(by=officer, mobile="+966551234567")
    client.force_login(staff["volunteer"])
    response = client.post("/contacts/new/", {**CONTACT, "channel": "volunteering", "contact_name": "أبو سعد",
                                              "contact_mobile": "0551234567"})
    assert response.status_code == 302 and Interaction.objects.get().beneficiary is None


def test_a_branch_rep_is_not_linked_to_a_beneficiary_of_another_branch(client, officer, staff):
    make_beneficiary(by=officer, mobile="+966551234567")
    client.force_login(staff["branch_rep"])
    response = client.post("/contacts/new/", {**CONTACT, "contact_name": "أبو سعد", "contact_mobile": "0551234567"})
    assert response.status_code == 302 and Interaction.objects.get().beneficiary is None


def test_a_made_up_beneficiary_value_shows_the_form_again(client, officer):
    client.force_login(officer)
    response = client.post("/contacts/new/", {**CONTACT, "beneficiary": "٣"})
    assert response.status_code == 302 and not Interaction.objects.exists()
