"""Satisfaction surveys: invited once per delivery, a single-use link, one response, one reminder, follow-ups."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from mustafid.audit.models import AuditEvent, EventType
from mustafid.feedback import actions
from mustafid.feedback.models import FollowUp, SurveyInvitation, SurveyResponse, SurveySettings
from mustafid.lib.workdays import add_days
from mustafid.notifications.models import Message
from mustafid.services.actions import record_delivery

from .conftest import deliver, token_of, values

pytestmark = pytest.mark.django_db

SENSITIVE = ["إدمان", "نفسي", "سجين", "سجناء", "مريض", "أرملة", "يتيم", "مطلقة", "فقير", "دعم"]


def test_a_delivery_invites_once_and_the_message_carries_a_link_but_no_sensitive_word(make_case, officer, survey):
    delivery = deliver(make_case, officer)
    invitation = SurveyInvitation.objects.get()
    assert (invitation.about_type, invitation.about_id) == ("services.servicedelivery", delivery.pk)
    assert invitation.beneficiary == delivery.case.beneficiary and invitation.sent_at is not None
    message = Message.objects.get(template="survey_invitation")
    assert "/s/" in message.body and not any(word in message.body for word in SENSITIVE)
    assert message.person_id == invitation.beneficiary.pk
    # The same delivery asked again (a retried step): still one invitation, one message.
    assert actions.invite("delivery", delivery.case.beneficiary, delivery, by=officer) == invitation
    assert SurveyInvitation.objects.count() == 1 and Message.objects.filter(template="survey_invitation").count() == 1


def test_each_delivery_gets_its_own_invitation(make_case, officer, survey):
    delivery = deliver(make_case, officer)
    deliver(make_case, officer, case=delivery.case)
    assert SurveyInvitation.objects.count() == 2


def test_no_active_survey_no_invitation(make_case, officer, survey):
    survey.active = False
    survey.save()
    deliver(make_case, officer)
    assert not SurveyInvitation.objects.exists()
    assert not Message.objects.filter(template="survey_invitation").exists()


def test_a_refused_delivery_leaves_no_invitation(make_case, officer, survey):
    from mustafid.lib.errors import ActionRefused
    from mustafid.services.models import Service

    case = make_case("approved")  # not registered: the delivery is refused
    with pytest.raises(ActionRefused):
        record_delivery(case, service=Service.objects.filter(active=True).first(), quantity=1,
                        delivered_on=timezone.localdate(), by=officer)
    assert not SurveyInvitation.objects.exists()


def test_only_a_keyed_digest_of_the_token_is_kept(make_case, officer, survey):
    deliver(make_case, officer)
    invitation = SurveyInvitation.objects.get()
    token = token_of(invitation)
    assert token not in invitation.token_digest and len(invitation.token_digest) == 64
    assert invitation.token_digest == actions.token_digest(token)
    assert actions.invitation_for(token) == invitation
    assert actions.invitation_for(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert actions.invitation_for("") is None and actions.invitation_for("x" * 500) is None


def test_an_answer_is_recorded_once_with_its_audit_row_by_the_beneficiary(make_case, officer, survey):
    deliver(make_case, officer)
    invitation = SurveyInvitation.objects.get()
    response = actions.answer(invitation, values=values(survey, satisfaction=5, recommendation=10, on_time=1,
                                                        comment="شكرًا"))
    assert (response.satisfaction, response.recommendation) == (5, 10)
    assert response.answers.count() == 4
    event = AuditEvent.objects.get(event_type=EventType.SURVEY_ANSWERED)
    assert event.actor_id is None and event.actor_kind == "beneficiary"
    with pytest.raises(actions.Answered):
        actions.answer(invitation, values=values(survey, satisfaction=1))
    assert SurveyResponse.objects.count() == 1
    assert not FollowUp.objects.exists()


def test_an_expired_link_takes_no_answer(make_case, officer, survey):
    deliver(make_case, officer)
    invitation = SurveyInvitation.objects.get()
    SurveyInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(actions.Expired):
        actions.answer(invitation, values=values(survey, satisfaction=4))
    assert not SurveyResponse.objects.exists()


def test_the_expiry_follows_the_setting(make_case, officer, survey):
    SurveySettings.objects.update_or_create(pk=SurveySettings.current().pk, defaults={"expiry_days": 3})
    deliver(make_case, officer)
    invitation = SurveyInvitation.objects.get()
    assert abs((invitation.expires_at - invitation.created_at) - timedelta(days=3)) < timedelta(seconds=1)


@pytest.mark.parametrize("rating, contact, reason", [
    (1, False, "low_rating"), (2, False, "low_rating"), (3, True, "wants_contact"), (2, True, "both"),
])
def test_a_low_rating_or_a_request_to_be_contacted_opens_a_follow_up(make_case, officer, survey, rating, contact,
                                                                      reason):
    deliver(make_case, officer)
    invitation = SurveyInvitation.objects.get()
    actions.answer(invitation, values=values(survey, satisfaction=rating), wants_contact=contact)
    follow_up = FollowUp.objects.get()
    assert follow_up.reason == reason and follow_up.invitation == invitation
    # Three working days: Friday, Saturday and the policy's holidays not counted.
    holidays = actions.as_ranges(actions.current_policy().holidays)
    assert follow_up.due_on == add_days(timezone.localdate(), 3, working=True, ranges=holidays)
    assert (follow_up.due_on - timezone.localdate()).days >= 3
    assert AuditEvent.objects.filter(event_type=EventType.FOLLOW_UP_OPENED).count() == 1


def test_a_good_rating_opens_no_follow_up(make_case, officer, survey):
    deliver(make_case, officer)
    actions.answer(SurveyInvitation.objects.get(), values=values(survey, satisfaction=3))
    assert not FollowUp.objects.exists()


def test_a_manager_closes_a_follow_up_with_a_note_and_others_may_not(make_case, officer, survey, staff):
    from mustafid.lib.errors import ActionRefused

    deliver(make_case, officer)
    actions.answer(SurveyInvitation.objects.get(), values=values(survey, satisfaction=1))
    follow_up = FollowUp.objects.get()
    with pytest.raises(ActionRefused):
        actions.complete_follow_up(follow_up, note="اتصلت به", by=staff["auditor"])
    with pytest.raises(ActionRefused):
        actions.complete_follow_up(follow_up, note="  ", by=staff["manager"])
    actions.complete_follow_up(follow_up, note="اتصلت به واعتذرت", by=staff["manager"])
    follow_up.refresh_from_db()
    assert follow_up.is_done and follow_up.done_by == staff["manager"]
    assert AuditEvent.objects.filter(event_type=EventType.FOLLOW_UP_DONE).count() == 1
    with pytest.raises(ActionRefused):
        actions.complete_follow_up(follow_up, note="مرة أخرى", by=staff["manager"])


def test_one_reminder_at_most_with_a_new_link_and_expired_ones_marked(make_case, officer, survey):
    deliver(make_case, officer)
    invitation = SurveyInvitation.objects.get()
    first = token_of(invitation)
    assert actions.remind_and_expire(timezone.now())["reminded"] == 0  # too early
    later = timezone.now() + timedelta(days=4)
    assert actions.remind_and_expire(later) == {"expired": 0, "reminded": 1}
    assert actions.remind_and_expire(later + timedelta(days=1)) == {"expired": 0, "reminded": 0}
    reminders = Message.objects.filter(template="survey_reminder")
    assert reminders.count() == 1 and "/s/" in reminders.get().body
    second = token_of(invitation, "survey_reminder")
    assert second != first
    assert actions.invitation_for(first) == actions.invitation_for(second) == invitation
    # Past the expiry: marked, never reminded again.
    assert actions.remind_and_expire(timezone.now() + timedelta(days=15))["expired"] == 1
    invitation.refresh_from_db()
    assert invitation.expired_at is not None


def test_an_answered_invitation_is_not_reminded(make_case, officer, survey):
    deliver(make_case, officer)
    actions.answer(SurveyInvitation.objects.get(), values=values(survey, satisfaction=4))
    assert actions.remind_and_expire(timezone.now() + timedelta(days=4))["reminded"] == 0


def test_the_reminder_is_a_periodic_job_of_the_outbox():
    from mustafid.notifications import sending

    assert sending.periodic_jobs["survey_reminders"] is actions.remind_and_expire


def test_contacts_and_decisions_are_surveyed_only_when_the_association_wants(make_case, officer, survey, staff):
    from mustafid.feedback.models import Trigger

    actions.save_survey(None, fields={"name": "بعد التواصل", "trigger": Trigger.CONTACT, "active": True},
                        questions=actions.default_questions()[:1], by=staff["manager"])
    case = make_case("registered")
    assert actions.invite(Trigger.CONTACT, case.beneficiary, case, by=officer) is None
    SurveySettings.objects.update(after_contact=True)
    assert actions.invite(Trigger.CONTACT, case.beneficiary, case, by=officer) is not None


def test_saving_a_survey_keeps_one_active_per_trigger_and_is_audited(survey, staff):
    from mustafid.feedback.models import Survey, Trigger

    other = actions.save_survey(None, fields={"name": "نسخة ثانية", "trigger": Trigger.DELIVERY, "active": True},
                                questions=actions.default_questions(), by=staff["manager"])
    survey.refresh_from_db()
    assert other.active and not survey.active
    assert Survey.objects.active_for(Trigger.DELIVERY) == other
    assert AuditEvent.objects.filter(event_type=EventType.SURVEY_CHANGED).count() == 2


def test_a_removed_question_that_was_answered_is_kept_but_no_longer_asked(make_case, officer, survey, staff):
    deliver(make_case, officer)
    actions.answer(SurveyInvitation.objects.get(), values=values(survey, satisfaction=4, on_time=1))
    questions = list(survey.questions.asked())
    kept = [{"instance": q, "kind": q.kind, "text_ar": q.text_ar, "text_en": q.text_en, "required": q.required,
             "choices": q.choices, "role": q.role} for q in questions[:2]]
    actions.save_survey(survey, fields={"name": survey.name}, questions=kept, by=staff["manager"])
    assert survey.questions.asked().count() == 2
    assert survey.questions.filter(retired=True).count() == 1  # answered: kept
    assert survey.questions.count() == 3  # the unanswered comment question went


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_submits_at_the_same_moment_make_one_response(make_case, officer, survey):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("concurrent writers need PostgreSQL or an SQLite file")
    deliver(make_case, officer)
    invitation = SurveyInvitation.objects.get()
    barrier = threading.Barrier(2, timeout=5)
    results = []

    def submit():
        # Two requests that both found the invitation unanswered (the view's check), then answer together.
        try:
            seen = SurveyInvitation.objects.get(pk=invitation.pk)
            assert not seen.is_answered
            barrier.wait()
            results.append(actions.answer(seen, values=values(survey, satisfaction=1)).pk)
        except actions.Answered:
            results.append("answered")
        except Exception as error:  # reported, not swallowed
            results.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(map(str, results))[-1] == "answered" and sum(isinstance(r, int) for r in results) == 1, results
    assert SurveyResponse.objects.count() == 1 and FollowUp.objects.count() == 1
    assert AuditEvent.objects.filter(event_type=EventType.SURVEY_ANSWERED).count() == 1


def test_a_decision_invites_only_when_the_association_wants_and_a_survey_is_active(make_case, staff):
    from mustafid.feedback.models import Trigger

    actions.save_survey(None, fields={"name": "بعد القرار", "trigger": Trigger.DECISION, "active": True},
                        questions=actions.default_questions()[:2], by=staff["manager"])
    make_case("approved")
    assert not SurveyInvitation.objects.exists()  # off by default
    SurveySettings.objects.update_or_create(pk=SurveySettings.current().pk, defaults={"after_decision": True})
    case = make_case("approved")
    invitation = SurveyInvitation.objects.get()
    assert invitation.about_type == "committee.decision" and invitation.beneficiary == case.beneficiary
    assert invitation.survey.trigger == "decision"
    assert Message.objects.filter(template="survey_invitation", person_id=case.beneficiary.pk).count() == 1


def test_the_audit_row_of_an_answer_says_that_it_was_answered_not_what(make_case, officer, survey):
    deliver(make_case, officer)
    actions.answer(SurveyInvitation.objects.get(), values=values(survey, satisfaction=5, comment="خدمة ممتازة"))
    event = AuditEvent.objects.get(event_type=EventType.SURVEY_ANSWERED)
    assert event.data == {"survey": survey.pk}
