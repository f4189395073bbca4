"""A referral's due date: REFERRAL_DUE_DAYS working days (no Friday, Saturday or Eid) after it was made, shown in
the researcher's queue in both calendars with the days left, overdue highlighted, the earliest due first."""

import datetime

from django.utils import timezone

from mustafid.lib.hijri import format_hijri
from mustafid.research.actions import refer_to_researcher
from mustafid.research.models import Referral


def _refer(officer, researcher, beneficiary, when):
    referral = refer_to_researcher(researcher=researcher, question="ما المطلوب؟", by=officer, beneficiary=beneficiary)
    Referral.objects.filter(pk=referral.pk).update(referred_at=when)
    return Referral.objects.get(pk=referral.pk)


def _on(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(11, 0)))


def test_five_working_days_skip_the_weekend_and_the_eid(settings, officer, researcher, beneficiary):
    settings.REFERRAL_DUE_DAYS = 5
    thursday = _refer(officer, researcher, beneficiary, _on(datetime.date(2026, 11, 26)))
    assert thursday.due_on == datetime.date(2026, 12, 3)
    # 29 Ramadan 1448: the three days of Eid al-Fitr and the weekend are not counted.
    before_eid = _refer(officer, researcher, beneficiary, _on(datetime.date(2027, 3, 8)))
    assert before_eid.due_on == datetime.date(2027, 3, 18)
    settings.REFERRAL_DUE_WORKING_DAYS = False
    assert thursday.due_on == datetime.date(2026, 12, 1)


def test_the_researchers_queue_shows_each_due_date_earliest_first_and_overdue_highlighted(
        client, officer, researcher, beneficiary):
    now = timezone.now()
    overdue = _refer(officer, researcher, beneficiary, now - datetime.timedelta(days=20))
    fresh = _refer(officer, researcher, beneficiary, now)
    middle = _refer(officer, researcher, beneficiary, now - datetime.timedelta(days=3))
    client.force_login(researcher)
    response = client.get("/referrals/")
    assert [r.pk for r in response.context["page"]] == [overdue.pk, middle.pk, fresh.pk]
    page = response.content.decode()
    assert page.count('class="referral-due') == 3 and page.count("referral-due overdue text-danger") == 1
    assert f'data-due="{fresh.due_on.isoformat()}"' in page and format_hijri(fresh.due_on) in page
    assert "متأخر" in page and fresh.days_left > 0 and overdue.days_left < 0 and overdue.is_overdue
    # The researcher may still choose the newest first; the officer's list stays newest first.
    assert [r.pk for r in client.get("/referrals/?sort=new").context["page"]] == [fresh.pk, middle.pk, overdue.pk]
    client.force_login(officer)
    assert [r.pk for r in client.get("/referrals/").context["page"]] == [fresh.pk, middle.pk, overdue.pk]


def test_an_answered_referral_shows_no_due_date(client, officer, researcher, beneficiary):
    from mustafid.research.actions import answer_referral

    referral = _refer(officer, researcher, beneficiary, timezone.now() - datetime.timedelta(days=20))
    answer_referral(referral, answer="شرحت الخطوات", by=researcher)
    client.force_login(researcher)
    page = client.get("/referrals/?state=all").content.decode()
    assert "referral-due" not in page and not Referral.objects.get(pk=referral.pk).is_overdue
    assert "موعد الرد" not in client.get(f"/referrals/{referral.pk}/").content.decode()


def test_the_referral_page_shows_when_the_answer_is_due(client, officer, researcher, beneficiary):
    referral = _refer(officer, researcher, beneficiary, timezone.now())
    client.force_login(researcher)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "موعد الرد" in page and f'data-due="{referral.due_on.isoformat()}"' in page


def test_the_researchers_home_shows_each_referrals_due_date(client, officer, researcher, beneficiary):
    overdue = _refer(officer, researcher, beneficiary, timezone.now() - datetime.timedelta(days=20))
    client.force_login(researcher)
    page = client.get("/").content.decode()
    assert "موعد الرد" in page and "referral-due overdue" in page and overdue.due_on.isoformat() in page
