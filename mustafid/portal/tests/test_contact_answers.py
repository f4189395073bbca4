"""«تواصلي مع الجمعية» shows the association's answer to what the beneficiary wrote, to them only."""

import pytest

from mustafid.conftest import make_beneficiary
from mustafid.interactions.actions import answer_interaction
from mustafid.interactions.models import Interaction

from .conftest import sign_in

pytestmark = pytest.mark.django_db


def test_the_owner_reads_the_answer_in_their_contacts(client, beneficiary, officer):
    sign_in(client, beneficiary)
    client.post("/portal/contact/", {"kind": "inquiry", "text": "متى موعد الزيارة؟"})
    contact = Interaction.objects.get(beneficiary=beneficiary)
    waiting = client.get("/portal/contacts/").content.decode()
    assert "بانتظار رد الجمعية" in waiting and "data-answer" not in waiting
    answer_interaction(contact, "الزيارة يوم الأحد القادم.", by=officer)
    text = client.get("/portal/contacts/").content.decode()
    assert "رد الجمعية" in text and "الزيارة يوم الأحد القادم." in text
    assert officer.display_name not in text and officer.username not in text


def test_another_beneficiary_never_sees_the_answer(client, beneficiary, officer):
    sign_in(client, beneficiary)
    client.post("/portal/contact/", {"kind": "inquiry", "text": "تأخر الرد"})
    answer_interaction(Interaction.objects.get(beneficiary=beneficiary), "نعتذر، يصلك الرد غدًا.", by=officer)
    other = make_beneficiary(by=officer)
    client.post("/portal/sign-out/")
    sign_in(client, other)
    text = client.get("/portal/contacts/").content.decode()
    assert "نعتذر، يصلك الرد غدًا." not in text and "تأخر الرد" not in text
