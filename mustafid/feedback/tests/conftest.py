import re
from decimal import Decimal

import pytest
from django.utils import timezone

from mustafid.feedback import actions
from mustafid.feedback.models import Trigger
from mustafid.notifications.models import Message
from mustafid.services.actions import record_delivery
from mustafid.services.models import Service

LINK = re.compile(r"/s/([A-Za-z0-9_-]+)/")


@pytest.fixture
def survey(staff):
    """The default after-delivery survey, active, saved by the manager through the action."""
    return actions.save_survey(None, fields={"name": "استبيان الرضا", "trigger": Trigger.DELIVERY, "active": True,
                                             "intro_ar": "", "intro_en": ""},
                               questions=actions.default_questions(), by=staff["manager"])


def deliver(make_case, officer, case=None):
    case = case or make_case("registered")
    return record_delivery(case, service=Service.objects.filter(active=True).first(), quantity=Decimal("1"),
                           delivered_on=timezone.localdate(), by=officer)


def token_of(invitation, key="survey_invitation"):
    """The token in the link of the invitation's message (the only place it exists)."""
    message = Message.objects.get(template=key, about_type="feedback.surveyinvitation", about_id=invitation.pk)
    return LINK.search(message.body).group(1)


def values(survey, **by_role):
    """{question pk: value} for the default survey: satisfaction, recommendation, on_time, comment."""
    questions = list(survey.questions.asked())
    names = ["satisfaction", "recommendation", "on_time", "comment"]
    return {q.pk: by_role[name] for q, name in zip(questions, names) if name in by_role}
