"""Sessions end with the browser and after the idle time; signed-in pages and files are never cached."""

import time

from django.conf import settings as django_settings
from django.test import Client

from mustafid.accounts.middleware import LAST_SEEN
from mustafid.audit.models import AuditEvent, EventType
from mustafid.demo.presets import DEMO_PASSWORD


def signed_in(username="officer"):
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client, response


def idle_for(client, minutes):
    session = client.session
    session[LAST_SEEN] = int(time.time()) - minutes * 60
    session.save()


def test_the_session_cookie_ends_with_the_browser(staff):
    _client, response = signed_in()
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""


def test_after_the_idle_time_the_person_is_signed_out_and_told_why(staff, settings):
    assert settings.SESSION_IDLE_MINUTES == 30
    client, _response = signed_in()
    idle_for(client, 31)
    response = client.get("/beneficiaries/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/beneficiaries/")
    page = client.get(response["Location"])
    assert "انتهت الجلسة بعد 30 دقيقة دون نشاط" in page.content.decode()
    assert client.get("/").status_code == 302  # signed out for good
    assert AuditEvent.objects.filter(event_type=EventType.SIGNED_OUT, actor=staff["officer"],
                                     data={"reason": "idle"}).exists()


def test_activity_within_the_idle_time_keeps_the_session(staff, settings):
    settings.SESSION_IDLE_MINUTES = 10
    client, _response = signed_in()
    idle_for(client, 9)
    assert client.get("/").status_code == 200
    assert client.session[LAST_SEEN] >= int(time.time()) - 5  # the clock starts again
    idle_for(client, 11)
    assert client.get("/").status_code == 302


def test_signed_in_pages_are_never_stored_by_the_browser_while_the_public_policy_page_may_be(staff):
    assert "no-store" not in Client().get("/policy/").get("Cache-Control", "")
    client, _response = signed_in()
    for url in ("/", "/beneficiaries/", "/policy/"):
        assert "no-store" in client.get(url)["Cache-Control"], url


def test_files_are_never_stored_by_the_browser(client, staff, association):
    from django.core.files.base import ContentFile

    from mustafid.association.models import StaffTool
    from mustafid.conftest import PDF_BYTES

    tool = StaffTool.objects.order_by("pk").first()
    tool.file.save("bylaws.pdf", ContentFile(PDF_BYTES))
    client.force_login(staff["volunteer"])
    response = client.get(f"/tools/{tool.pk}/file/")
    assert response.status_code == 200, response
    b"".join(response.streaming_content)
    assert "no-store" in response["Cache-Control"]

