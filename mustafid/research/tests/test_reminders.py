"""A researcher is reminded of a referral awaiting their answer: the day before it is due, and on the day — once each."""

import datetime

import pytest
from django.utils import timezone

from mustafid.notifications.models import Message, Purpose
from mustafid.research.reminders import remind_referrals

pytestmark = pytest.mark.django_db


def reminders_to(user):
    return Message.objects.filter(person_type="accounts.user", person_id=user.pk, purpose=Purpose.STAFF).order_by("pk")


def test_a_researcher_is_reminded_of_a_referral_the_day_before_it_is_due(settings, make_case, officer, researcher):
    from mustafid.research.actions import refer_to_researcher
    from mustafid.research.models import Referral

    settings.REFERRAL_DUE_DAYS = 5
    settings.REFERRAL_DUE_WORKING_DAYS = False  # calendar days here; working days: test_referral_due.py
    case = make_case("received")
    referral = refer_to_researcher(case=case, researcher=researcher, question="زيارة منزلية", by=officer)
    assert remind_referrals(timezone.now()) == 0
    Referral.objects.filter(pk=referral.pk).update(referred_at=timezone.now() - datetime.timedelta(days=4))
    assert remind_referrals(timezone.now()) == 1
    assert remind_referrals(timezone.now()) == 0
    message = reminders_to(researcher).get()
    assert f"إحالة رقم {referral.pk}" in message.body


