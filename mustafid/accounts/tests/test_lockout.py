"""Guessing is stopped per account and address together; the client address comes from the proxy's header only
when a trusted proxy is configured; failed sign-ins and lockouts are in the audit trail."""

from django.test import Client

from mustafid.audit.models import AuditEvent, EventType
from mustafid.demo.presets import DEMO_PASSWORD

LOCKED = "تم إيقاف الدخول مؤقتًا"


def attempt(username, password, **meta):
    return Client().post("/accounts/login/", {"username": username, "password": password}, **meta)


def guess_until_locked(settings, username="officer", **meta):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(username, "wrong-password", **meta)


def test_guessing_one_account_from_one_address_does_not_lock_out_colleagues_or_the_owner_elsewhere(staff, settings):
    guess_until_locked(settings, REMOTE_ADDR="203.0.113.5")
    assert LOCKED in attempt("officer", DEMO_PASSWORD, REMOTE_ADDR="203.0.113.5").content.decode()
    # A colleague behind the same office address, and the owner from home, still sign in.
    assert attempt("researcher", DEMO_PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 302
    assert attempt("officer", DEMO_PASSWORD, REMOTE_ADDR="198.51.100.40").status_code == 302


def test_failed_sign_ins_and_the_lockout_are_audited_with_the_name_tried_and_never_the_password(staff, settings):
    guess_until_locked(settings, REMOTE_ADDR="203.0.113.5")
    failed = AuditEvent.objects.filter(event_type=EventType.SIGN_IN_FAILED)
    assert failed.count() == settings.AXES_FAILURE_LIMIT
    event = failed.first()
    assert (event.data, event.ip_address, event.target_id, event.actor) == (
        {"username": "officer"}, "203.0.113.5", str(staff["officer"].pk), None)
    assert AuditEvent.objects.filter(event_type=EventType.LOCKED_OUT, ip_address="203.0.113.5",
                                     data={"username": "officer"}).exists()
    assert "wrong-password" not in str(list(AuditEvent.objects.values_list("data", flat=True)))


def test_a_name_that_does_not_exist_is_audited_too(staff):
    attempt("nobody-here", "x", REMOTE_ADDR="203.0.113.5")
    event = AuditEvent.objects.get(event_type=EventType.SIGN_IN_FAILED)
    assert event.data == {"username": "nobody-here"} and event.target_id == ""


def test_the_audit_trail_has_the_address_a_trusted_proxy_saw_and_ignores_the_header_otherwise(staff, settings):
    cases = [
        (0, "198.51.100.7", "127.0.0.1"),  # no trusted proxy: anyone can send the header, it is ignored
        (1, "198.51.100.7", "198.51.100.7"),  # nginx: proxy_set_header X-Forwarded-For $remote_addr
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # appended: the left entry is the client's own claim
        (1, "not-an-address", "127.0.0.1"),
    ]
    seen = []
    for proxies, header, _expected in cases:
        settings.TRUSTED_PROXY_COUNT = proxies
        attempt("officer", DEMO_PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=header)
        seen.append(AuditEvent.objects.filter(event_type=EventType.SIGNED_IN).latest("pk").ip_address)
    assert seen == [expected for _proxies, _header, expected in cases]


def test_behind_a_trusted_proxy_one_client_guessing_does_not_lock_out_another(staff, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    guess_until_locked(settings, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    locked = attempt("officer", DEMO_PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert LOCKED in locked.content.decode()
    other = attempt("officer", DEMO_PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.40")
    assert other.status_code == 302


def test_a_user_name_of_a_hundred_thousand_characters_gets_a_clear_message(staff):
    response = attempt("و" * 100_000, "x", REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 200
    assert "اسم المستخدم أطول من المسموح" in response.content.decode()
