"""The register's actions: receive, assign, answer, close, appeal, escalate (feedback/register.py)."""

import threading

import pytest
from django.db import connection

from mustafid.audit.actors import Actor
from mustafid.audit.models import AuditEvent, EventType
from mustafid.feedback import register
from mustafid.feedback.models import Feedback, FeedbackCategory, FeedbackEvent
from mustafid.interactions.models import Interaction
from mustafid.lib.errors import ActionRefused


def receive(by, **overrides):
    fields = {"kind": Feedback.Kind.COMPLAINT, "text": "تأخر صرف السلة الغذائية", "channel": "phone", "by": by}
    fields.update(overrides)
    return register.receive(**fields)


def test_receive_gives_reference_due_date_contact_event_and_audit(officer, django_capture_on_commit_callbacks):
    feedback = receive(officer, sender_name="سارة", sender_mobile="0551234567")
    assert feedback.reference.startswith("FB-") and feedback.reference.endswith("-00001")
    assert feedback.status == Feedback.Status.OPEN
    assert feedback.due_on > feedback.received_at.date()
    contact = Interaction.objects.get(pk=feedback.interaction_id)
    assert contact.kind == Interaction.Kind.COMPLAINT
    assert feedback.reference in contact.summary and "السلة" not in contact.summary
    assert not contact.contact_name and not contact.contact_mobile and contact.beneficiary_id is None
    assert list(feedback.events.values_list("kind", flat=True)) == [FeedbackEvent.Kind.RECEIVED]
    row = AuditEvent.objects.get(event_type=EventType.FEEDBACK_RECEIVED)
    assert "السلة" not in str(row.data)
    assert receive(officer).reference.endswith("-00002")


def test_compliment_is_logged_as_a_suggestion_contact(officer):
    feedback = receive(officer, kind=Feedback.Kind.COMPLIMENT, text="شكرًا للموظفة على حسن التعامل")
    assert feedback.interaction.kind == Interaction.Kind.SUGGESTION


def test_category_response_days_in_working_days(officer, staff):
    slow = FeedbackCategory.objects.create(name_ar="الخدمات", response_days=10)
    assert receive(officer, category=slow).due_on > receive(officer).due_on


def test_about_staff_makes_it_confidential(officer, staff):
    feedback = receive(officer, about_staff=staff["researcher"])
    assert feedback.confidential


def test_from_the_portal_and_the_public_form(beneficiary):
    portal = receive(Actor.beneficiary(), channel="website", beneficiary=beneficiary)
    public = receive(Actor.system("public-form"), channel="website", anonymous=True, sender_name="x")
    assert portal.received_by_kind == "beneficiary" and public.sender_name == "" and public.anonymous


@pytest.mark.parametrize("text", ["", "   ", "a\x00b", "x" * 5001, "\u202e\u202e", "نص \u202eمقلوب", "x" * 100_000])
def test_hostile_text_is_refused_and_nothing_is_written(officer, text):
    with pytest.raises(ActionRefused):
        receive(officer, text=text)
    assert not Feedback.objects.exists() and not Interaction.objects.exists()


def test_refusals(officer, staff):
    with pytest.raises(ActionRefused):
        receive(officer, kind="praise")
    with pytest.raises(ActionRefused):
        receive(officer, channel="pigeon")
    with pytest.raises(ActionRefused):
        receive(staff["volunteer"])
    stopped = FeedbackCategory.objects.create(name_ar="موقوف", active=False)
    with pytest.raises(ActionRefused):
        receive(officer, category=stopped)
    assert not Feedback.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_receives_at_the_same_moment_get_two_numbers(association, staff):
    officer = staff["officer"]
    barrier, references, errors = threading.Barrier(4), [], []

    def one():
        try:
            barrier.wait()
            references.append(receive(officer).reference)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(references)) == 4
