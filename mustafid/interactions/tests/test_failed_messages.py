"""The failed messages: the staff list, «إعادة الإرسال», and every message on the beneficiary's timeline."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from mustafid.association.models import Branch
from mustafid.audit.models import AuditEvent, EventType
from mustafid.beneficiaries.actions import update_beneficiary
from mustafid.conftest import make_beneficiary
from mustafid.interactions import outbox as staff_outbox
from mustafid.lib.errors import ActionRefused
from mustafid.lib.saudi import format_mobile_local, mask_mobile
from mustafid.notifications import sending, transports
from mustafid.notifications.models import Message, MessageStatus

from .messages import failed_message, sent_through


@pytest.fixture(autouse=True)
def no_quiet_hours(settings):
    settings.MESSAGE_QUIET_HOURS = (0, 0)


def stuck_for_review(beneficiary):
    from mustafid.notifications import outbox

    with override_settings(MESSAGE_TRANSPORTS={"sms": "taqnyat", "email": "off", "whatsapp": "off"}):
        transports.reset()
        try:
            message = outbox.queue("referred", to=beneficiary.as_recipient(), context={"reference": "R-9"},
                                   event_key=f"review:{beneficiary.pk}")
            assert sending.claim(message.pk) is not None  # the worker took it, then was killed
            sending.recover_stuck(timezone.now() + datetime.timedelta(hours=1))
        finally:
            transports.reset()
    message.refresh_from_db()
    assert message.status == MessageStatus.REVIEW
    return message


def page(client, user, url=None):
    client.force_login(user)
    response = client.get(url or reverse("outbox:failed"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_officer_sees_each_failed_message_with_its_reason_channel_recipient_and_beneficiary(client, officer):
    beneficiary = make_beneficiary(by=officer, first_name="صالح")
    message = failed_message(beneficiary)

    html = page(client, officer)

    assert reverse("beneficiaries:detail", args=[beneficiary.pk]) in html and "صالح" in html
    assert "UNIFONIC_APP_SID is not set" in html  # the reason, as the transport gave it
    assert "رسالة نصية" in html and "تعذّر الإرسال" in html
    assert format_mobile_local(message.recipient) in html
    assert "إعادة الإرسال" in html
    listed = AuditEvent.objects.filter(event_type=EventType.MESSAGES_LISTED, actor=officer).get()
    assert listed.data["results"] == 1


@pytest.mark.django_db
def test_newest_first_thirty_a_page_without_counting(client, officer):
    beneficiary = make_beneficiary(by=officer)
    made = [failed_message(beneficiary) for _ in range(31)]
    client.force_login(officer)

    first = client.get(reverse("outbox:failed"))
    rows = [row.pk for row in first.context["rows"]]
    assert rows == [message.pk for message in reversed(made)][:30]
    assert first.context["page"].shown == "30+"
    second = client.get(reverse("outbox:failed"), {"cursor": first.context["page"].next_cursor, "page": 2})
    assert [row.pk for row in second.context["rows"]] == [made[0].pk]


@pytest.mark.django_db
def test_a_branch_representative_sees_only_the_failed_messages_of_their_branchs_beneficiaries(client, staff):
    officer, rep, outsider = staff["officer"], staff["branch_rep"], staff["outsider"]
    at_branch = make_beneficiary(by=officer, branch=rep.branch, first_name="فيصل")
    at_head_office = make_beneficiary(by=officer, branch=Branch.objects.get(is_head_office=True), first_name="خالد")
    failed_message(at_branch)
    other = failed_message(at_head_office)

    html = page(client, rep)
    assert "فيصل" in html and "خالد" not in html
    assert "فيصل" not in page(client, outsider)
    client.force_login(rep)
    assert client.post(reverse("outbox:resend", args=[other.pk])).status_code == 404


@pytest.mark.django_db
def test_the_auditor_reads_the_list_but_has_no_resend_button_and_the_action_refuses(client, staff):
    officer, auditor = staff["officer"], staff["auditor"]
    message = failed_message(make_beneficiary(by=officer, first_name="منصور"))

    html = page(client, auditor)
    assert "منصور" in html and "إعادة الإرسال" not in html
    assert client.post(reverse("outbox:resend", args=[message.pk])).status_code == 403
    with pytest.raises(ActionRefused):
        staff_outbox.resend(message, by=auditor)
    assert not Message.objects.filter(idempotency_key=staff_outbox.resend_key(message)).exists()


@pytest.mark.django_db
def test_resend_queues_one_copy_to_the_current_mobile_however_many_clicks_and_the_worker_sends_it(
        client, officer, outbox):
    beneficiary = make_beneficiary(by=officer)
    message = failed_message(beneficiary)
    update_beneficiary(beneficiary, by=officer, mobile="+966551230000")  # the officer corrected the number
    client.force_login(officer)

    for _click in range(3):
        response = client.post(reverse("outbox:resend", args=[message.pk]), {"next": "/beneficiaries/"})
        assert response.status_code == 302
    assert response["Location"] == "/beneficiaries/"

    copy = Message.objects.get(idempotency_key=staff_outbox.resend_key(message))
    assert (copy.status, copy.recipient, copy.body, copy.queued_by) == (
        MessageStatus.QUEUED, "+966551230000", message.body, officer)
    assert AuditEvent.objects.filter(event_type=EventType.MESSAGE_RESENT, actor=officer,
                                     target_id=str(beneficiary.pk)).count() == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED  # the failed one stays as it was: history

    assert sending.deliver(copy.pk) == MessageStatus.SENT
    sent = outbox.messages()
    assert [(m["To"], m["text"]) for m in sent] == [("+966551230000", message.body)]

    html = page(client, officer)
    assert "أُعيد إرسالها" in html and "إعادة الإرسال</button>" not in html


@pytest.mark.django_db
def test_resending_a_message_held_for_review_cancels_the_original(officer):
    message = stuck_for_review(make_beneficiary(by=officer))

    copy = staff_outbox.resend(message, by=officer)

    message.refresh_from_db()
    assert message.status == MessageStatus.CANCELLED
    assert copy.status == MessageStatus.QUEUED
    event = AuditEvent.objects.get(event_type=EventType.MESSAGE_RESENT)
    assert event.data["original_cancelled"] is True and event.data["copy"] == copy.pk


@pytest.mark.django_db
def test_a_message_that_went_well_is_not_resent(officer):
    message = sent_through(make_beneficiary(by=officer), transport_settings={})
    assert message.status == MessageStatus.SENT
    with pytest.raises(ActionRefused):
        staff_outbox.resend(message, by=officer)


# --- the beneficiary's timeline -------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_message_is_on_the_beneficiary_timeline_with_text_status_and_both_calendars(client, officer):
    beneficiary = make_beneficiary(by=officer)
    delivered = sent_through(beneficiary, transport_settings={})
    failed = failed_message(beneficiary)

    html = page(client, officer, reverse("beneficiaries:detail", args=[beneficiary.pk]))

    assert delivered.body in html and failed.body in html
    assert "أُرسلت" in html and "تعذّر الإرسال" in html
    assert "UNIFONIC_APP_SID is not set" in html
    assert 'class="dual-date"' in html and '<span class="hijri">' in html
    assert reverse("outbox:resend", args=[failed.pk]) in html
    assert reverse("outbox:resend", args=[delivered.pk]) not in html


@pytest.mark.django_db
def test_a_volunteer_sees_that_a_message_was_sent_and_its_status_but_not_its_text_or_number(client, staff):
    officer, volunteer = staff["officer"], staff["volunteer"]
    beneficiary = make_beneficiary(by=officer)
    failed = failed_message(beneficiary)

    html = page(client, volunteer, reverse("beneficiaries:detail", args=[beneficiary.pk]))

    assert "تعذّر الإرسال" in html and "رسالة نصية" in html
    assert failed.body not in html
    assert "الإحالة إلى الباحث الاجتماعي" not in html  # the message's kind says what the request is doing
    assert "UNIFONIC_APP_SID" not in html
    assert beneficiary.mobile[-9:] not in html.replace(" ", "")
    assert mask_mobile(beneficiary.mobile) in html
    assert reverse("outbox:resend", args=[failed.pk]) not in html


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_three_rows_as_for_twelve(client, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(officer)
    counts = []
    for how_many in (3, 9):
        for _ in range(how_many):
            failed_message(make_beneficiary(by=officer))
        client.get(reverse("outbox:failed"))  # the session and the user, read once
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("outbox:failed")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
