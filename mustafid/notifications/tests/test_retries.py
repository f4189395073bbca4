"""What the worker does with each kind of failure, through real transports to a local provider server."""

import pytest
from django.utils import timezone

from mustafid.conftest import make_beneficiary
from mustafid.notifications import outbox, sending, transports
from mustafid.notifications.models import Message, MessageStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings, fake_http):
    def use(name):
        settings.MESSAGE_TRANSPORTS = {**settings.MESSAGE_TRANSPORTS, "sms": name}
        settings.UNIFONIC_BASE_URL = settings.TAQNYAT_BASE_URL = fake_http.url
        settings.UNIFONIC_APP_SID = settings.TAQNYAT_TOKEN = "secret-for-tests"
        settings.SMS_SENDER_NAME = "Aoun"
        settings.MESSAGE_SEND_TIMEOUT = 0.5
        transports.reset()
        return fake_http

    return use


def a_queued_message(officer, key="x:1"):
    return outbox.queue("referred", to=make_beneficiary(by=officer).as_recipient(), context={}, event_key=key)


def test_a_temporary_failure_is_retried_after_a_back_off_and_then_sent(provider, officer):
    server = provider("unifonic")
    server.reply(503, body="busy")
    message = a_queued_message(officer)
    assert sending.deliver(message.pk) == MessageStatus.QUEUED
    message.refresh_from_db()
    assert message.attempts == 1 and "503" in message.last_error
    assert 55 <= (message.next_attempt_at - timezone.now()).total_seconds() <= 60
    assert sending.deliver(message.pk) is None  # not due yet
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    server.default.body = b'{"success": true, "errorCode": "ER-00", "data": {"MessageID": 7}}'
    assert sending.deliver(message.pk) == MessageStatus.SENT
    message.refresh_from_db()
    assert message.attempts == 2 and message.provider == "unifonic" and message.last_error == ""


def test_a_message_failing_every_time_fails_after_the_last_attempt(settings, provider, officer):
    settings.MESSAGE_MAX_ATTEMPTS = 2
    server = provider("unifonic")
    server.default.status = 500
    message = a_queued_message(officer)
    assert sending.deliver(message.pk) == MessageStatus.QUEUED
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert sending.deliver(message.pk) == MessageStatus.FAILED
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and len(server.requests) == 2


def test_no_answer_through_a_provider_without_a_duplicate_check_is_held_for_review_not_resent(provider, officer):
    server = provider("taqnyat")
    server.reply(201, json={"statusCode": 201, "messageId": 1}, delay=3)
    message = a_queued_message(officer)
    assert sending.deliver(message.pk) == MessageStatus.REVIEW
    message.refresh_from_db()
    assert message.status == MessageStatus.REVIEW and "may have been sent" in message.last_error
    sending.sweep()
    assert len(server.requests) == 1


def test_no_answer_through_unifonic_is_retried_with_the_same_correlation_id(provider, officer):
    server = provider("unifonic")
    server.reply(200, json={"success": True, "errorCode": "ER-00", "data": {"MessageID": 1}}, delay=3)
    message = a_queued_message(officer)
    assert sending.deliver(message.pk) == MessageStatus.QUEUED
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    server.default.body = b'{"success": true, "errorCode": "ER-00", "data": {"MessageID": 2}}'
    assert sending.deliver(message.pk) == MessageStatus.SENT
    first, second = server.requests
    assert first.form["CorrelationID"] == second.form["CorrelationID"]


def test_a_bad_number_fails_at_once_with_the_reason(provider, officer):
    server = provider("unifonic")
    server.reply(200, json={"success": False, "message": "Dest num is too short", "errorCode": "ER-04", "data": {}})
    message = a_queued_message(officer)
    assert sending.deliver(message.pk) == MessageStatus.FAILED
    message.refresh_from_db()
    assert message.last_error and "secret-for-tests" not in message.last_error
