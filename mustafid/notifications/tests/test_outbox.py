"""The outbox: one message per step and recipient, written with the step, sent by a real worker, never twice."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone

from mustafid.cases import actions as case_actions
from mustafid.conftest import make_beneficiary, open_case
from mustafid.lib.errors import ActionRefused
from mustafid.lib.hijri import format_gregorian, format_hijri
from mustafid.notifications import catalogue, outbox, sending
from mustafid.notifications.models import Channel, Message, MessageStatus, Purpose

RIYADH = ZoneInfo("Asia/Riyadh")


def messages_of(beneficiary):
    return list(
        Message.objects.filter(person_type="beneficiaries.beneficiary", person_id=beneficiary.pk).order_by("pk")
    )


@pytest.mark.django_db
def test_every_step_of_a_request_writes_its_message_to_the_applicant(make_case, officer):
    beneficiary = make_beneficiary(by=officer)
    case = make_case("closed", beneficiary=beneficiary)

    messages = messages_of(beneficiary)
    assert [message.template for message in messages] == [
        "request_received", "submitted", "decision_approved", "registered", "service_delivered",
    ]
    assert {message.channel for message in messages} == {Channel.SMS}
    assert {message.recipient for message in messages} == {beneficiary.mobile}
    assert all(case.reference in message.body for message in messages[:3])
    assert case.beneficiary.registration_number in messages[3].body
    submitted = messages[1]
    assert format_hijri(case.decision_due_on) in submitted.body
    assert format_gregorian(case.decision_due_on) in submitted.body
    assert "{{" not in "".join(message.body for message in messages)
    assert all(message.status == MessageStatus.QUEUED for message in messages)


@pytest.mark.django_db
def test_a_refused_document_and_a_rejection_tell_the_applicant_why(make_case, officer, chair):
    beneficiary = make_beneficiary(by=officer)
    case = open_case(beneficiary, officer)
    from mustafid.conftest import upload_all

    document = upload_all(case, officer)[0]
    case_actions.refuse_document(document, reason="الصورة غير واضحة", by=officer)
    refused = messages_of(beneficiary)[-1]
    assert refused.template == "document_refused"
    assert "الصورة غير واضحة" in refused.body and str(document.document_type) in refused.body

    rejected_for = make_beneficiary(by=officer)
    make_case("rejected", beneficiary=rejected_for)
    rejection = messages_of(rejected_for)[-1]
    assert rejection.template == "decision_rejected"
    assert "غير مستوفٍ" in rejection.body


@pytest.mark.django_db
def test_a_step_refused_or_rolled_back_leaves_no_message(officer, beneficiary):
    case = open_case(beneficiary, officer)
    before = Message.objects.count()
    with pytest.raises(ActionRefused):
        case_actions.submit_to_committee(case, by=officer)  # not complete: refused
    with pytest.raises(RuntimeError), transaction.atomic():
        case_actions.mark_incomplete(case, note="ينقص صك", by=officer)
        raise RuntimeError("the caller's transaction fails after the step")
    assert Message.objects.count() == before


@pytest.mark.django_db
def test_the_same_event_and_recipient_never_make_two_messages(officer, beneficiary):
    kind_key = "referred"
    context = {"association": "عون", "reference": "R-2026-00001"}
    first = outbox.queue(kind_key, to=beneficiary.as_recipient(), context=context, event_key="case-event:1")
    again = outbox.queue(kind_key, to=beneficiary.as_recipient(), context=context, event_key="case-event:1")
    assert first.pk == again.pk
    assert Message.objects.filter(idempotency_key=first.idempotency_key).count() == 1


@pytest.mark.django_db
def test_language_and_preferred_channel_are_the_applicants(officer):
    english = make_beneficiary(by=officer, language="en", preferred_channel=Channel.EMAIL, email="sara@example.org")
    open_case(english, officer)
    message = messages_of(english)[0]
    assert message.channel == Channel.EMAIL and message.recipient == "sara@example.org"
    assert message.language == "en" and message.body.startswith(message.context["association"])
    assert "we received your request" in message.body
    assert message.subject  # the e-mail has a subject

    # WhatsApp is off in this deployment: the message goes as SMS rather than not at all.
    whatsapp = make_beneficiary(by=officer, preferred_channel=Channel.WHATSAPP)
    open_case(whatsapp, officer)
    assert messages_of(whatsapp)[0].channel == Channel.SMS


@pytest.mark.django_db
def test_awareness_messages_need_consent_service_messages_do_not(officer):
    catalogue.register(catalogue.MessageKind("test_awareness", "توعية", folder=catalogue.Path("/nonexistent"),
                                             variables={}, purpose=Purpose.AWARENESS))
    without = make_beneficiary(by=officer)
    with_consent = make_beneficiary(by=officer, awareness_consent=True)
    assert outbox.queue("test_awareness", to=without.as_recipient(), context={}, event_key="campaign:1") is None
    assert outbox.queue("test_awareness", to=with_consent.as_recipient(), context={}, event_key="campaign:1") is not None
    # A service message goes to both.
    for person in (without, with_consent):
        assert outbox.queue("referred", to=person.as_recipient(), context={}, event_key="case-event:77") is not None


@pytest.mark.parametrize(
    "local, purpose, leaves",
    [
        ((2026, 12, 1, 23, 30), Purpose.SERVICE, (2026, 12, 2, 7, 0)),
        ((2026, 12, 2, 3, 15), Purpose.SERVICE, (2026, 12, 2, 7, 0)),
        ((2026, 12, 2, 22, 0), Purpose.STAFF, (2026, 12, 3, 7, 0)),
        ((2026, 12, 2, 7, 0), Purpose.SERVICE, (2026, 12, 2, 7, 0)),
        ((2026, 12, 2, 21, 59), Purpose.SERVICE, (2026, 12, 2, 21, 59)),
        ((2026, 12, 1, 23, 30), Purpose.CODE, (2026, 12, 1, 23, 30)),
    ],
)
def test_quiet_hours_hold_messages_until_morning_except_sign_in_codes(settings, local, purpose, leaves):
    settings.MESSAGE_QUIET_HOURS = (22, 7)
    made = datetime.datetime(*local, tzinfo=RIYADH)
    assert outbox.quiet_until(made, purpose) == datetime.datetime(*leaves, tzinfo=RIYADH)


@pytest.mark.django_db
def test_a_message_made_in_quiet_hours_waits_and_the_worker_does_not_send_it_early(settings, officer, beneficiary):
    settings.MESSAGE_QUIET_HOURS = (0, 0)
    message = outbox.queue("referred", to=beneficiary.as_recipient(), context={}, event_key="x:1")
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() + datetime.timedelta(hours=8))
    assert sending.deliver(message.pk) is None
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED and message.attempts == 0


@pytest.mark.django_db
def test_two_claims_of_one_message_give_it_to_one_worker(officer, beneficiary):
    message = outbox.queue("referred", to=beneficiary.as_recipient(), context={}, event_key="x:2")
    assert sending.claim(message.pk) is not None
    assert sending.claim(message.pk) is None
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING and message.attempts == 1


@pytest.mark.django_db
def test_a_message_left_sending_by_a_dead_worker_is_resent_only_through_an_idempotent_provider(settings, officer, beneficiary):
    long_ago = timezone.now() - datetime.timedelta(minutes=settings.MESSAGE_STUCK_AFTER_MINUTES + 1)
    sms = outbox.queue("referred", to=beneficiary.as_recipient(), context={}, event_key="x:3")
    Message.objects.filter(pk=sms.pk).update(status=MessageStatus.SENDING, claimed_at=long_ago, attempts=1)
    # The file transport replaces the same file on a resend: queued again.
    assert sending.recover_stuck() == 1
    sms.refresh_from_db()
    assert sms.status == MessageStatus.QUEUED

    # A provider that cannot tell a resend apart: a person decides.
    settings.MESSAGE_TRANSPORTS = {**settings.MESSAGE_TRANSPORTS, "sms": "taqnyat"}
    from mustafid.notifications import transports

    transports.reset()
    Message.objects.filter(pk=sms.pk).update(status=MessageStatus.SENDING, claimed_at=long_ago)
    assert sending.recover_stuck() == 0
    sms.refresh_from_db()
    assert sms.status == MessageStatus.REVIEW and "resend" in sms.last_error


@pytest.mark.django_db
def test_a_permanent_failure_is_recorded_with_its_reason(settings, officer, beneficiary, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    settings.MESSAGES_DIR = blocker / "messages"
    message = outbox.queue("referred", to=beneficiary.as_recipient(), context={}, event_key="x:4")
    assert sending.deliver(message.pk) == MessageStatus.FAILED
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.last_error


def test_backoff_doubles_from_a_minute_and_stops_at_an_hour():
    assert [sending.backoff(n) for n in (1, 2, 3, 4, 7, 8, 20)] == [60, 120, 240, 480, 3600, 3600, 3600]


def test_every_shipped_message_uses_only_its_variables_and_reads_in_both_languages():
    from django.apps import apps  # noqa: F401  (apps are ready: the kinds are registered)

    kinds = [kind for kind in catalogue.all_kinds() if kind.folder.exists()]
    assert len(kinds) >= 9
    for kind in kinds:
        for language in catalogue.LANGUAGES:
            text = kind.shipped(language)
            assert text, f"{kind.key}/{language}.txt is missing"
            assert catalogue.check_text(kind, text) == [], (kind.key, language)


def test_a_manager_cannot_save_an_unknown_variable_or_a_tag():
    kind = catalogue.get("submitted")
    assert catalogue.check_text(kind, "طلبك {{ reference }} موعده {{ due_hijri }}") == []
    assert catalogue.check_text(kind, "طلبك {{ refrence }}")
    assert catalogue.check_text(kind, "{% include 'x.html' %}")
    assert catalogue.check_text(kind, "{{ reference|upper }}")
    assert catalogue.check_text(kind, "{{ reference ")


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_each_step_once_and_the_demo_transport_shows_it(outbox, make_case, officer):
    beneficiary = make_beneficiary(by=officer)
    case = make_case("with_committee", beneficiary=beneficiary)

    outbox.run_worker()
    sent = outbox.messages()
    assert sorted(message["Template"] for message in sent) == ["request_received", "submitted"]
    assert {message["To"] for message in sent} == {beneficiary.mobile}
    assert all(message["Language"] == "ar" and case.reference in message["text"] for message in sent)
    assert all(row.status == MessageStatus.SENT and row.provider == "file" for row in messages_of(beneficiary))

    # Running the worker again, or sweeping, sends nothing twice.
    outbox.run_worker()
    sending.sweep()
    assert len(outbox.files()) == 2
