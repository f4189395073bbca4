"""Reminders to researchers of referrals awaiting their answer (a day before the due date, and on the day).

A referral is due REFERRAL_DUE_DAYS after it was made (default 5 working days: `Referral.due_on`). Registered as a
periodic job of the outbox (`research/apps.py`); each reminder is sent once.
"""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mustafid.notifications.catalogue import MessageKind
from mustafid.notifications.models import Purpose
from mustafid.notifications.reminders import due_context, milestone, remind

from .models import Referral

KIND = MessageKind(
    "referral_due_reminder", _("تذكير بموعد الرد على إحالة"), folder=Path(__file__).resolve().parent / "messages" /
    "referral_due_reminder", purpose=Purpose.STAFF, audience="staff",
    variables={"referral": _("رقم الإحالة"), "due_hijri": _("الموعد (هجري)"), "due_gregorian": _("الموعد (ميلادي)"),
               "remaining": _("المدة الباقية"), "link": _("رابط الإحالة")},
)
BATCH = 1000


def due_on(referral):
    return referral.due_on


def remind_referrals(now):
    today = timezone.localdate(now)
    days = settings.REFERRAL_DUE_DAYS
    # Open referrals made recently enough to be due tomorrow or later: served by referral_open_idx (-referred_at,
    # -id). Counted in working days, `days` of them span at most two weeks longer (weekends, an Eid).
    since = now - timedelta(days=days + 1 + (2 * days + 14 if settings.REFERRAL_DUE_WORKING_DAYS else 0))
    items = []
    for referral in (
        Referral.objects.open().filter(referred_at__gte=since, researcher__isnull=False)
        .select_related("researcher").order_by("-referred_at", "-id")[:BATCH]
    ):
        reached = milestone(due_on(referral), today, 2)
        if reached in ("due", "two_days") and (due_on(referral) - today).days <= 1:
            items.append((referral, reached))
    queued = 0
    with transaction.atomic():
        for referral, reached in items:
            queued += remind(
                "referral_due_reminder", items=[(f"referral:{referral.pk}", reached, referral)],
                people=[referral.researcher],
                context=lambda r: {"referral": str(r.pk), "link": settings.SITE_URL + reverse("research:detail", args=[r.pk]),
                                   **due_context(due_on(r))},
            )
    return queued
