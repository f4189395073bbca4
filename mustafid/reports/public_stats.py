"""«إحصاءات المستفيدين»: the public page of beneficiaries by category and region, decisions and aid, per Hijri year.

The governance standard asks for accurate published statistics of cash and in-kind aid and of beneficiaries by
category, with no personal data. Three rules (docs/public.md):

* **Never a count under 5.** A count of 1 to 4 people is published as «أقل من ٥»; an aid row given to fewer than
  5 people shows neither its people nor its amount. A row with nobody (a region the association does not serve)
  is left out.
* **Never a small count by subtraction.** A group of figures about the same people (the registered beneficiaries,
  by category and by region; the decisions by outcome; the aid by service) is exact, totals included, only while
  none of its counts is under 5. Once one is, every other count of the group is rounded to the nearest 5 and its
  total to the nearest 10 (amounts to the nearest 1,000 riyals), marked «نحو»: a total minus the rows shown no
  longer gives a hidden row, within one table or across the two tables of the same people.
* **Never the whole registry per request.** The figures are computed by a periodic job (`refresh`, registered with
  the outbox's sweep, at most once an hour) into `StatisticsSnapshot` rows, already suppressed and rounded; the
  page reads one snapshot and says when it was computed («آخر تحديث»). `manage.py refresh_public_statistics`
  computes them at once.
"""

import logging
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from mustafid.association.models import Region
from mustafid.beneficiaries.models import Beneficiary, Category
from mustafid.committee.models import Decision
from mustafid.lib.forms import day_start
from mustafid.lib.hijri import from_hijri, to_hijri
from mustafid.services.models import Service, ServiceDelivery

from .models import StatisticsSnapshot

logger = logging.getLogger(__name__)

SMALL = 5
# The page offers the current Hijri year and the ones before it, this many in all.
YEARS_SHOWN = 2
REFRESH_EVERY = timedelta(hours=1)


# ------------------------------------------------------------------------------------------------ the rules

def _round(value, step):
    """`value` to the nearest multiple of `step` (halves up), never below `step` (a figure that was shown)."""
    return max(step, (int(value) + step // 2) // step * step)


def _plain(value):
    """A count or an amount as JSON keeps it: an integer, or a string with two decimals."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else str(value.quantize(Decimal("0.01")))


def cells(counts):
    """The published form of a group of counts about the same people: {"n", "about"} or {"small": True} each.

    Exact while no count is under SMALL; otherwise the small ones hidden and the others rounded to 5.
    """
    suppressed = any(n < SMALL for n in counts)
    published = []
    for n in counts:
        if n < SMALL:
            published.append({"small": True})
        elif suppressed:
            published.append({"n": _round(n, 5), "about": True})
        else:
            published.append({"n": int(n), "about": False})
    return published, suppressed


def total(value, suppressed, step=10):
    """The published total of a group: exact, or rounded to `step` once a count of the group is hidden."""
    if value < SMALL and step == 10:
        return {"small": True}
    if suppressed:
        return {"n": _round(value, step), "about": True}
    return {"n": _plain(value), "about": False}


# ------------------------------------------------------------------------------------------------ the figures

def hijri_year_of(day):
    return to_hijri(day)[0]


def year_days(hijri_year):
    """(first day, first day of the next year) of a Hijri year, as Gregorian dates."""
    return from_hijri(hijri_year, 1, 1), from_hijri(hijri_year + 1, 1, 1)


def build(hijri_year, today=None):
    """The published figures of one Hijri year (up to `today` for the current one), suppressed and rounded."""
    today = today or timezone.localdate()
    first, after = year_days(hijri_year)
    until = min(after, today + timedelta(days=1))
    start, end = day_start(first), day_start(until)

    # The registered beneficiaries on the year's last day (today, for the current year): one group, two tables.
    registered = Beneficiary.objects.filter(registered_at__lt=end).order_by()
    by_category = dict(registered.values_list("category").annotate(n=Count("pk")))
    by_region = dict(registered.values_list("region").annotate(n=Count("pk")))
    # A category or region with nobody in it is left out (a zero is no one's data, and counted as hidden it would
    # blur every figure of a one-region association).
    categories = [(c.pk, c.name_ar, c.name_en) for c in Category.objects.order_by("order", "pk") if by_category.get(c.pk)]
    if by_category.get(None):
        categories.append((None, "غير محددة", "Not set"))
    regions = [(r.pk, r.name_ar, r.name_en) for r in Region.objects.order_by("order", "pk") if by_region.get(r.pk)]
    counts = [by_category.get(pk, 0) for pk, *_names in categories] + [by_region.get(pk, 0) for pk, *_n in regions]
    published, suppressed = cells(counts)
    people = sum(by_category.values())
    beneficiaries = {
        "total": total(people, suppressed),
        "about": suppressed,
        "by_category": [{"ar": ar, "en": en, **cell} for (_pk, ar, en), cell in zip(categories, published)],
        "by_region": [{"ar": ar, "en": en, **cell}
                      for (_pk, ar, en), cell in zip(regions, published[len(categories):])],
    }

    # The committee's decisions in the year, by outcome.
    outcomes = dict(Decision.objects.filter(decided_at__gte=start, decided_at__lt=end).order_by()
                    .values_list("outcome").annotate(n=Count("pk")))
    keys = [key for key in (Decision.Outcome.APPROVED, Decision.Outcome.REJECTED) if outcomes.get(key)]
    published, suppressed = cells([outcomes.get(key, 0) for key in keys])
    decisions = {
        "total": total(sum(outcomes.values()), suppressed),
        "about": suppressed,
        "rows": [{"key": str(key), **cell} for key, cell in zip(keys, published)],
    }

    # Aid delivered in the year, by service: how many people received it and how much.
    delivered = (ServiceDelivery.objects.filter(delivered_on__gte=first, delivered_on__lt=until).order_by()
                 .values("service").annotate(quantity=Sum("quantity"), people=Count("case__beneficiary", distinct=True)))
    by_service = {row["service"]: row for row in delivered}
    services = [s for s in Service.objects.order_by("pk") if s.pk in by_service]
    published, suppressed = cells([by_service[s.pk]["people"] for s in services])
    rows, hidden_cash, cash = [], False, Decimal(0)
    for service, cell in zip(services, published):
        quantity = by_service[service.pk]["quantity"] or Decimal(0)
        is_cash = service.measure == Service.Measure.AMOUNT
        if is_cash:
            cash += quantity
            hidden_cash |= bool(cell.get("small"))
        amount = None if cell.get("small") else total(quantity, suppressed, step=1000 if is_cash else 5)
        rows.append({"ar": service.name_ar, "en": service.name_en, "cash": is_cash,
                     "unit_ar": service.unit_ar, "unit_en": service.unit_en, "people": cell, "amount": amount})
    cash_people = (ServiceDelivery.objects.filter(delivered_on__gte=first, delivered_on__lt=until,
                                                  service__measure=Service.Measure.AMOUNT)
                   .order_by().aggregate(n=Count("case__beneficiary", distinct=True))["n"])
    aid = {
        "rows": rows,
        "about": suppressed,
        "cash": ({"small": True} if cash_people < SMALL
                 else total(cash, suppressed or hidden_cash, step=1000)),
    }
    return {
        "year": hijri_year, "first": first.isoformat(), "last": (until - timedelta(days=1)).isoformat(),
        "partial": until < after, "beneficiaries": beneficiaries, "decisions": decisions, "aid": aid,
    }


# ------------------------------------------------------------------------------------------------ the snapshot

def years(today=None):
    current = hijri_year_of(today or timezone.localdate())
    return [current - back for back in range(YEARS_SHOWN)]


def refresh(now=None, force=False):
    """The periodic job: recompute the snapshots when the newest is an hour old (or a year has none)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    wanted = years(today)
    fresh = dict(StatisticsSnapshot.objects.filter(hijri_year__in=wanted).values_list("hijri_year", "computed_at"))
    stale = [year for year in wanted
             if force or year not in fresh or fresh[year] <= now - REFRESH_EVERY]
    for year in stale:
        # A past year changes little, but a late-recorded delivery or decision still counts: it is refreshed too.
        data = build(year, today)
        updated = StatisticsSnapshot.objects.filter(hijri_year=year).update(data=data, computed_at=now)
        if not updated:
            try:
                with transaction.atomic():
                    StatisticsSnapshot.objects.create(hijri_year=year, data=data, computed_at=now)
            except IntegrityError:  # another worker made it at the same moment
                pass
    return len(stale)


def snapshot(year=None):
    """The snapshot the page shows (the year asked for, if kept; else the newest), and the years offered."""
    shown = list(StatisticsSnapshot.objects.order_by("-hijri_year")[:YEARS_SHOWN])
    chosen = next((s for s in shown if s.hijri_year == year), shown[0] if shown else None)
    return chosen, [s.hijri_year for s in shown]

