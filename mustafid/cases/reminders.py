"""Reminders to the committee of requests awaiting its decision (half the period left, two days, the day).

Registered as a periodic job of the outbox (`cases/apps.py`): run by every sweep — the worker's
`tick` each minute, or `manage.py send_reminders` from cron. Each reminder is sent once.
"""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mustafid.accounts.models import Role, User
from mustafid.association.models import current_policy
from mustafid.notifications.catalogue import MessageKind
from mustafid.notifications.models import Purpose
from mustafid.notifications.reminders import due_context, milestone, remind

from .models import Case, Status

KIND = MessageKind(
    "decision_due_reminder", _("تذكير بموعد قرار اللجنة"), folder=Path(__file__).resolve().parent / "messages" /
    "decision_due_reminder", purpose=Purpose.STAFF, audience="staff",
    variables={"reference": _("رقم الطلب"), "due_hijri": _("موعد القرار (هجري)"),
               "due_gregorian": _("موعد القرار (ميلادي)"), "remaining": _("المدة الباقية"), "link": _("رابط الطلب")},
)
BATCH = 1000


def remind_decisions(now):
    today = timezone.localdate(now)
    policy = current_policy(today)
    period = policy.response_days if policy else 14
    horizon = today + timedelta(days=max(period // 2, 3))
    # Served by case_due_idx (decision_due_on, id); bounded by the horizon, not by the table.
    due = (
        Case.objects.filter(status=Status.WITH_COMMITTEE, decision_due_on__gte=today, decision_due_on__lte=horizon)
        .select_related("beneficiary")
        .order_by("decision_due_on", "id")[:BATCH]
    )
    items = []
    for case in due:
        reached = milestone(case.decision_due_on, today, period)
        if reached:
            # An appeal's clock (a request decided before, back with the committee) has reminders of its own.
            key = f"decision:{case.pk}"
            if case.decided_at is not None:
                key += f":{case.decided_at:%Y%m%d%H%M%S}"
            items.append((key, reached, case))
    if not items:
        return 0
    chairs = list(User.objects.with_role(Role.COMMITTEE_CHAIR).filter(is_active=True).order_by("pk"))

    def context(case):
        return {"reference": case.reference, "link": settings.SITE_URL + case.get_absolute_url(),
                **due_context(case.decision_due_on)}

    with transaction.atomic():
        return remind("decision_due_reminder", items=items, people=chairs, context=context)
