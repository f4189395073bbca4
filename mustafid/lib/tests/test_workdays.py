"""Working days counted by arithmetic give what counting each day one by one gives."""

import random
from datetime import date, timedelta

from mustafid.lib import workdays
from mustafid.lib.hijri import to_hijri

EIDS = workdays.as_ranges(workdays.DEFAULT_HOLIDAYS_TEXT)


def one_by_one(start, end, ranges):
    """The definition: each day of (start, end] that is neither Friday, Saturday nor in a Hijri range."""
    if end < start:
        return -one_by_one(end, start, ranges)
    total = 0
    for i in range(1, (end - start).days + 1):
        day = start + timedelta(days=i)
        _y, month, hday = to_hijri(day)
        if day.weekday() not in (4, 5) and not any(a <= (month, hday) <= b for a, b in ranges):
            total += 1
    return total


def test_counted_between_matches_counting_each_day_over_years_and_eids():
    rng = random.Random(5)
    for _ in range(300):
        start = date(2023, 1, 1) + timedelta(days=rng.randint(0, 1400))
        end = start + timedelta(days=rng.randint(-400, 900))
        for ranges in ((), EIDS):
            assert workdays.counted_between(start, end, working=True, ranges=ranges) == one_by_one(start, end, ranges)


def test_eid_days_that_fall_on_working_days_are_not_counted():
    # 2024's Eid al-Fitr (1-3 Shawwal 1445) fell on 10-12 April: Wednesday to Friday, two working days lost.
    assert workdays.counted_between(date(2024, 4, 6), date(2024, 4, 13), working=True, ranges=EIDS) == 3
    assert workdays.counted_between(date(2024, 4, 6), date(2024, 4, 13), working=True) == 5
    assert workdays.is_holiday(date(2024, 4, 10), EIDS) and not workdays.is_holiday(date(2024, 4, 9), EIDS)
