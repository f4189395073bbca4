"""The demo's satisfaction survey: the default survey, active, and a few answers, through the real actions.

Two of the demo's approved requests (decided about 45 days ago) are registered and given six deliveries over the
following weeks; each delivery invites the beneficiary (feedback.actions.invite, from record_delivery), and five of
the six answer a day later — one of them a low rating that opens a manager's follow-up. The latest invitation is
left open: its link is in the demo's messages (var/messages/). Five answers reach the default anonymity threshold,
so /feedback/ shows the figures.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from mustafid.accounts.models import User
from mustafid.cases.actions import register_beneficiary
from mustafid.feedback import actions as feedback
from mustafid.feedback.models import Survey, SurveyInvitation, Trigger
from mustafid.services.actions import record_delivery
from mustafid.services.models import Service

from .requests import clock_at

# (days ago, satisfaction, recommendation, on time (1/0), comment, wants contact); None: left unanswered.
ANSWERS = [
    (35, 5, 10, 1, "شكرًا على سرعة الخدمة وحسن الاستقبال", False),
    (30, 4, 9, 1, "", False),
    (25, 5, 8, 1, "", False),
    (18, 3, 7, 0, "تأخر موعد الاستلام قليلًا", False),
    (11, 2, 4, 0, "", True),
    (2, None, None, None, "", False),
]


@transaction.atomic
def load_demo_surveys(cases):
    """Once: nothing when a survey exists. `cases` is what load_demo_requests made ({key: case})."""
    if Survey.objects.exists():
        return []
    staff = {user.username: user for user in User.objects.filter(username__in=["manager", "officer"])}
    if len(staff) < 2:
        return []
    survey = feedback.save_survey(
        None, fields={"name": "استبيان الرضا بعد الخدمة", "trigger": Trigger.DELIVERY, "active": True,
                      "intro_ar": "رأيك يساعدنا على تحسين خدماتنا.", "intro_en": "Your opinion helps us improve."},
        questions=feedback.default_questions(), by=staff["manager"])
    approved = [cases[key] for key in ("early_approved", "early_late") if key in cases]
    service = Service.objects.filter(active=True).order_by("pk").first()
    if not approved or service is None:
        return [survey]
    today = timezone.localdate()
    for case in approved:
        with clock_at(today - datetime.timedelta(days=40), 11):
            register_beneficiary(case, by=staff["officer"])
    questions = list(survey.questions.asked())
    made = [survey]
    for index, (days_ago, satisfaction, recommendation, on_time, comment, contact) in enumerate(ANSWERS):
        case = approved[index % len(approved)]
        day = today - datetime.timedelta(days=days_ago)
        with clock_at(day, 10):
            delivery = record_delivery(case, service=service, quantity=Decimal("1"), delivered_on=day,
                                       by=staff["officer"])
        invitation = SurveyInvitation.objects.filter(about_type="services.servicedelivery", about_id=delivery.pk).first()
        made.append(invitation)
        if invitation is None or satisfaction is None:
            continue
        values = dict(zip([q.pk for q in questions], [satisfaction, recommendation, on_time, comment]))
        with clock_at(day + datetime.timedelta(days=1), 18):
            feedback.answer(invitation, values=values, wants_contact=contact)
    return made
