"""Every contact is recorded with its channel; each association enables its own channels."""

import pytest

from mustafid.conftest import make_beneficiary
from mustafid.demo.loader import load_demo_staff, load_preset
from mustafid.interactions.actions import log_interaction
from mustafid.interactions.models import Interaction
from mustafid.lib.errors import ActionRefused


def test_a_phone_inquiry_from_an_unknown_caller_is_logged_with_how_to_reach_them(client, officer):
    client.force_login(officer)
    response = client.post("/contacts/new/", {
        "channel": "phone", "direction": "in", "kind": "inquiry", "summary": "يسأل عن شروط الالتحاق",
        "outcome": "شرحت له الشروط", "contact_name": "سعيد", "contact_mobile": "٠٥٠١٢٣٤٥٦٧",
    })
    assert response.status_code == 302
    contact = Interaction.objects.get()
    assert (contact.channel, contact.kind, contact.staff) == ("phone", "inquiry", officer)
    assert contact.contact_mobile == "+966501234567" and contact.beneficiary is None


def test_a_contact_with_a_known_beneficiary_joins_their_timeline(client, officer):
    beneficiary = make_beneficiary(by=officer)
    client.force_login(officer)
    response = client.post(f"/contacts/new/?beneficiary={beneficiary.pk}", {
        "channel": "interview", "direction": "in", "kind": "complaint", "summary": "تأخر الرد على طلبه",
    })
    assert response.status_code == 302
    page = client.get(beneficiary.get_absolute_url()).content.decode()
    assert "تأخر الرد على طلبه" in page and "شكوى" in page


def test_the_form_offers_only_the_channels_the_policy_enables(no_association):
    load_preset("qader")
    users = {u.username: u for u in load_demo_staff()}
    from django.test import Client

    client = Client()
    client.force_login(users["officer"])
    form = client.get("/contacts/new/").context["form"]
    values = [value for value, _label in form.fields["channel"].choices if value]
    assert len(values) == 7 and "branch_rep" not in values
    response = client.post("/contacts/new/", {"channel": "branch_rep", "direction": "in", "kind": "inquiry",
                                              "summary": "سؤال"})
    assert response.status_code == 400 and not Interaction.objects.exists()


def test_a_channel_outside_the_policy_is_refused_by_the_action_too(no_association):
    load_preset("qader")
    officer = load_demo_staff()[0]
    with pytest.raises(ActionRefused):
        log_interaction(channel="branch_rep", direction="in", kind="inquiry", summary="سؤال", by=officer)


@pytest.mark.parametrize("kind", ["inquiry", "request", "complaint", "suggestion", "follow_up"])
def test_every_kind_of_contact_can_be_logged(officer, kind):
    contact = log_interaction(channel="website", direction="in", kind=kind, summary="موضوع", by=officer)
    assert contact.get_kind_display()


def test_a_volunteer_sees_only_the_contacts_they_logged(client, officer, staff):
    log_interaction(channel="phone", direction="in", kind="inquiry", summary="تواصل الموظف", by=officer)
    log_interaction(channel="volunteering", direction="in", kind="suggestion", summary="تواصل المتطوع",
                    by=staff["volunteer"])
    client.force_login(staff["volunteer"])
    page = client.get("/contacts/").content.decode()
    assert "تواصل المتطوع" in page and "تواصل الموظف" not in page


def test_an_anonymous_contact_needs_neither_a_name_nor_a_mobile(client, officer):
    client.force_login(officer)
    response = client.post("/contacts/new/", {"channel": "social_media", "direction": "in", "kind": "suggestion",
                                              "summary": "اقتراح بتمديد ساعات الاستقبال"})
    assert response.status_code == 302
    contact = Interaction.objects.get()
    assert contact.contact_name == "" and contact.contact_mobile == ""


def test_a_bad_mobile_for_the_caller_is_refused_and_the_typed_text_is_kept(client, officer):
    client.force_login(officer)
    response = client.post("/contacts/new/", {"channel": "phone", "direction": "in", "kind": "inquiry",
                                              "summary": "سؤال عن المواعيد", "contact_mobile": "0112345678"})
    assert response.status_code == 400
    assert "سؤال عن المواعيد" in response.content.decode()
    assert not Interaction.objects.exists()
