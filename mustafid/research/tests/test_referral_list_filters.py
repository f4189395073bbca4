"""The referrals list: oldest or newest first, and a date range typed in either calendar."""

import datetime

from django.utils import timezone

from mustafid.lib.hijri import to_hijri
from mustafid.research.actions import refer_to_researcher
from mustafid.research.models import Referral


def _refer(officer, researcher, beneficiary, days_ago):
    referral = refer_to_researcher(researcher=researcher, question="ما المطلوب؟", by=officer, beneficiary=beneficiary)
    Referral.objects.filter(pk=referral.pk).update(referred_at=timezone.now() - datetime.timedelta(days=days_ago))
    return referral


def test_oldest_first_and_a_range_in_either_calendar(client, officer, researcher, beneficiary):
    old = _refer(officer, researcher, beneficiary, 30)
    new = _refer(officer, researcher, beneficiary, 0)
    client.force_login(officer)
    assert [r.pk for r in client.get("/referrals/").context["page"]] == [new.pk, old.pk]
    assert [r.pk for r in client.get("/referrals/?sort=old").context["page"]] == [old.pk, new.pk]
    today = timezone.localdate()
    year, month, day = to_hijri(today)
    for typed in (today.isoformat(), f"{year}/{month:02d}/{day:02d}"):
        page = client.get("/referrals/", {"referred_from": typed})
        assert [r.pk for r in page.context["page"]] == [new.pk], typed


def test_a_range_ending_before_it_starts_says_so(client, officer):
    client.force_login(officer)
    response = client.get("/referrals/", {"referred_from": "2026-05-02", "referred_to": "2026-05-01"})
    assert response.status_code == 400 and "تاريخ النهاية قبل تاريخ البداية." in response.content.decode()
