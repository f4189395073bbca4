"""A satisfaction survey after a contact, when the association wants one: written with the contact, once, through
the outbox; never after an outgoing contact, an anonymous one, a complaint or a message the beneficiary wrote."""

import pytest

from mustafid.audit.actors import Actor
from mustafid.conftest import make_beneficiary
from mustafid.feedback import actions
from mustafid.feedback.models import SurveyInvitation, SurveySettings, Trigger
from mustafid.interactions.actions import log_interaction
from mustafid.interactions.models import Interaction
from mustafid.lib.errors import ActionRefused
from mustafid.notifications.models import Message

IN, OUT = Interaction.Direction.INCOMING, Interaction.Direction.OUTGOING


@pytest.fixture
def contact_survey(staff):
    return actions.save_survey(None, fields={"name": "بعد التواصل", "trigger": Trigger.CONTACT, "active": True},
                               questions=actions.default_questions()[:2], by=staff["manager"])


def wanted(on=True):
    SurveySettings.objects.update_or_create(pk=SurveySettings.current().pk, defaults={"after_contact": on})


def log(officer, beneficiary=None, *, direction=IN, kind=Interaction.Kind.INQUIRY, **extra):
    return log_interaction(channel="phone", direction=direction, kind=kind, summary="يسأل عن موعد الصرف",
                           by=officer, beneficiary=beneficiary, **extra)


@pytest.mark.django_db
def test_a_logged_contact_invites_once_with_one_message_when_the_association_wants(officer, contact_survey):
    wanted()
    beneficiary = make_beneficiary(by=officer)
    contact = log(officer, beneficiary)
    invitation = SurveyInvitation.objects.get()
    assert (invitation.about_type, invitation.about_id) == ("interactions.interaction", contact.pk)
    assert invitation.survey == contact_survey and invitation.beneficiary == beneficiary
    message = Message.objects.get(template="survey_invitation")
    assert message.person_id == beneficiary.pk and message.recipient == beneficiary.mobile and "/s/" in message.body
    # The contact offered again (a retried step): still one invitation, one message.
    assert actions.invite(Trigger.CONTACT, beneficiary, contact, by=Actor.system("surveys")) == invitation
    assert Message.objects.filter(template="survey_invitation").count() == 1
    # Each contact its own invitation.
    log(officer, beneficiary)
    assert SurveyInvitation.objects.count() == 2


@pytest.mark.django_db
def test_no_survey_after_a_contact_when_the_association_does_not_want_one(officer, contact_survey):
    log(officer, make_beneficiary(by=officer))  # off by default
    wanted(False)
    log(officer, make_beneficiary(by=officer))
    assert not SurveyInvitation.objects.exists() and not Message.objects.filter(template="survey_invitation").exists()


@pytest.mark.django_db
def test_no_survey_after_an_outgoing_an_anonymous_a_complaint_or_a_suggestion(officer, contact_survey):
    wanted()
    beneficiary = make_beneficiary(by=officer)
    log(officer, beneficiary, direction=OUT)
    log(officer, contact_name="سعيد", contact_mobile="+966501234567")
    log(officer, beneficiary, kind=Interaction.Kind.COMPLAINT)
    log(officer, beneficiary, kind=Interaction.Kind.SUGGESTION)
    # Written by the beneficiary in the portal: it waits for its answer, there is nothing to rate yet.
    log(Actor.beneficiary(), beneficiary)
    assert not SurveyInvitation.objects.exists() and not Message.objects.filter(template="survey_invitation").exists()


@pytest.mark.django_db
def test_no_active_survey_for_contacts_no_invitation(officer, contact_survey):
    wanted()
    contact_survey.active = False
    contact_survey.save()
    log(officer, make_beneficiary(by=officer))
    assert not SurveyInvitation.objects.exists()


@pytest.mark.django_db
def test_a_refused_contact_leaves_no_invitation(officer, contact_survey):
    wanted()
    with pytest.raises(ActionRefused):
        log_interaction(channel="phone", direction=IN, kind="inquiry", summary="  ", by=officer,
                        beneficiary=make_beneficiary(by=officer))
    assert not SurveyInvitation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_invitation_after_a_contact_reaches_the_demo_transport(officer, staff, settings, outbox):
    settings.MESSAGE_QUIET_HOURS = (0, 0)  # the worker sends at once, whatever the hour
    actions.save_survey(None, fields={"name": "بعد التواصل", "trigger": Trigger.CONTACT, "active": True},
                        questions=actions.default_questions()[:2], by=staff["manager"])
    wanted()
    beneficiary = make_beneficiary(by=officer)
    log(officer, beneficiary)
    outbox.run_worker()
    sent = [message for message in outbox.messages() if message.get("Template") == "survey_invitation"]
    assert len(sent) == 1 and sent[0]["To"] == beneficiary.mobile and "/s/" in sent[0]["text"]
    # Replies are off by default: the message does not offer one.
    assert "رد برقم" not in sent[0]["text"]
