"""Counting days for a deadline: calendar days, or working days (Saudi weekend, Hijri holidays).

A period of N days from a day D ends on the N-th counted day after D (D itself is not counted: a request
submitted on Sunday with two weeks is due the Sunday after next). In calendar days every day counts; in
working days Friday and Saturday do not, nor the holidays given as Hijri (month, day) ranges — the two Eids
by default (`DEFAULT_HOLIDAYS`), which fall on different Gregorian days every year.

Holidays are written one range a line, «10/1-10/3 عيد الفطر» (month/day-month/day, then an optional name),
so an association can keep its own list (`parse_holidays`).
"""

import re
from datetime import date, timedelta
from functools import lru_cache

from django.utils.translation import gettext as _

from mustafid.lib.arabic import to_ascii_digits
from mustafid.lib.hijri import to_hijri

# Friday and Saturday (date.weekday(): Monday is 0).
WEEKEND = frozenset({4, 5})

# Eid al-Fitr 1-3 Shawwal, Eid al-Adha 10-13 Dhu al-Hijjah (the Day of Arafah, 9 Dhu al-Hijjah, may be added).
DEFAULT_HOLIDAYS_TEXT = "10/1-10/3 عيد الفطر\n12/10-12/13 عيد الأضحى"

_LINE_RE = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{1,2})\s*(?:-\s*(\d{1,2})\s*/\s*(\d{1,2}))?\s*(.*)$")


def parse_holidays(text):
    """Read holiday lines into ((month, day), (month, day), name) ranges; ValueError with an Arabic message."""
    ranges = []
    for number, line in enumerate((text or "").splitlines(), 1):
        line = to_ascii_digits(line).strip()
        if not line:
            continue
        match = _LINE_RE.match(line)
        if not match:
            raise ValueError(_("السطر %(n)s: اكتب الإجازة مثل 10/1-10/3 عيد الفطر (الشهر/اليوم بالهجري).") % {"n": number})
        m1, d1, m2, d2, name = match.groups()
        start = (int(m1), int(d1))
        end = (int(m2), int(d2)) if m2 else start
        for month, day in (start, end):
            if not (1 <= month <= 12 and 1 <= day <= 30):
                raise ValueError(_("السطر %(n)s: الشهر من 1 إلى 12 واليوم من 1 إلى 30.") % {"n": number})
        if end < start:
            raise ValueError(_("السطر %(n)s: نهاية الإجازة قبل بدايتها.") % {"n": number})
        ranges.append((start, end, name.strip()))
    return ranges


def as_ranges(holidays):
    """Holidays as stored (text, or a list of [[m, d], [m, d], name]) → tuple of ((m, d), (m, d)) ranges."""
    if isinstance(holidays, str):
        holidays = parse_holidays(holidays)
    return tuple((tuple(start), tuple(end)) for start, end, *_rest in holidays or ())


def _frozen(ranges):
    return tuple((tuple(start), tuple(end)) for start, end, *_rest in ranges)


def is_holiday(day, ranges):
    if not ranges:
        return False
    return day in _holidays_of_year(day.year, _frozen(ranges))


@lru_cache(maxsize=256)
def _holidays_of_year(year, ranges):
    """The Gregorian days of `year` that fall in one of the Hijri ranges (each year converted once per process:
    a list of a hundred deadlines reaching years back asks the same days again and again)."""
    days = set()
    day, end = date(year, 1, 1), date(year, 12, 31)
    while day <= end:
        try:
            _hyear, month, hday = to_hijri(day)
        except ValueError:
            pass  # beyond the Umm al-Qura table: no Hijri holiday can be known
        else:
            if any(start <= (month, hday) <= last for start, last in ranges):
                days.add(day)
        day += timedelta(days=1)
    return frozenset(days)


def counts(day, *, working, ranges=()):
    """Whether the day counts towards a period: every day, or a working day that is not a holiday."""
    if not working:
        return True
    return day.weekday() not in WEEKEND and not is_holiday(day, ranges)


def add_days(start: date, n: int, *, working=False, ranges=()) -> date:
    """The n-th counted day after `start` (n calendar days later when not counting working days)."""
    if not working:
        return start + timedelta(days=n)
    day = start
    left = n
    while left > 0:
        day += timedelta(days=1)
        if counts(day, working=True, ranges=ranges):
            left -= 1
    return day


def counted_between(start: date, end: date, *, working=False, ranges=()) -> int:
    """How many counted days in (start, end]: the days a period consumes from start to end (negative if before)."""
    if end < start:
        return -counted_between(end, start, working=working, ranges=ranges)
    if not working:
        return (end - start).days
    # Working days by arithmetic (each full week holds 5), then the holidays in (start, end] on working days:
    # a deadline long past costs no more than one due tomorrow.
    weeks, rest = divmod((end - start).days, 7)
    counted = weeks * (7 - len(WEEKEND))
    counted += sum(1 for i in range(weeks * 7 + 1, weeks * 7 + rest + 1)
                   if (start + timedelta(days=i)).weekday() not in WEEKEND)
    if ranges:
        ranges = _frozen(ranges)
        for year in range(start.year, end.year + 1):
            counted -= sum(1 for day in _holidays_of_year(year, ranges)
                           if start < day <= end and day.weekday() not in WEEKEND)
    return counted
