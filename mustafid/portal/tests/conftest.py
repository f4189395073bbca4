import re

import pytest

from mustafid.notifications.models import Message

CLIENT_IP = "203.0.113.7"


@pytest.fixture(autouse=True)
def _no_padding(settings):
    """The sign-in's minimum answer time (the same for known and unknown IDs) is tested on its own."""
    settings.PORTAL_MIN_RESPONSE_SECONDS = 0


def code_message(beneficiary):
    return Message.objects.filter(person_id=beneficiary.pk, template="portal_code").order_by("-pk").first()


def code_of(beneficiary):
    """The code in the queued message's text (the only place it ever is, until it leaves)."""
    return re.search(r"\d{6}", code_message(beneficiary).body).group()


def ask(client, national_id, ip=CLIENT_IP):
    return client.post("/portal/", {"national_id": national_id}, REMOTE_ADDR=ip)


def send_code(client, code, ip=CLIENT_IP):
    return client.post("/portal/code/", {"code": code}, REMOTE_ADDR=ip)


def sign_in(client, beneficiary):
    assert ask(client, beneficiary.national_id).status_code == 302
    response = send_code(client, code_of(beneficiary))
    assert response.status_code == 302 and response["Location"] == "/portal/requests/"
    return response
