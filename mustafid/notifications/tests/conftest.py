"""Fixtures for the notifications tests: real local provider servers, and transports rebuilt per test."""

import pytest

from mustafid.notifications import transports

from .fakes import FakeHTTPServer, FakeSMTPServer


@pytest.fixture(autouse=True)
def fresh_transports():
    """Transports are built once per provider and cached; a test that changes settings gets new ones."""
    transports.reset()
    yield
    transports.reset()


@pytest.fixture
def fake_http():
    """A local HTTP server that records each request and answers as queued (`fake_http.reply(...)`)."""
    server = FakeHTTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def fake_smtp(settings):
    """A local SMTP server, with Django's SMTP backend pointed at it (pytest-django would use locmem)."""
    server = FakeSMTPServer().start()
    _point_mail_at(settings, server)
    yield server
    server.stop()


@pytest.fixture
def fake_smtp_with_login(settings):
    """The same, requiring a login as `mustafid` / `correct-horse`; the settings give that login."""
    server = FakeSMTPServer(login=("mustafid", "correct-horse")).start()
    _point_mail_at(settings, server)
    settings.EMAIL_HOST_USER = "mustafid"
    settings.EMAIL_HOST_PASSWORD = "correct-horse"
    yield server
    server.stop()


def _point_mail_at(settings, server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "جمعية عون <no-reply@aoun.example.sa>"
