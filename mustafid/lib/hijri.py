"""Hijri (Umm al-Qura) and Gregorian dates: conversion, display and parsing.

Saudi documents (national ID, iqama, family card) carry Hijri dates, while
banks and schools use Gregorian ones. Staff must be able to type either, and
read both. Dates are always stored as Gregorian `datetime.date`; the Hijri
form is computed with the official Umm al-Qura calendar (hijridate).
"""

import re
from datetime import date
from functools import lru_cache

from django.utils.translation import gettext_lazy as _
from hijridate import Gregorian, Hijri

from mustafid.lib.arabic import to_ascii_digits

# Month names as hijridate spells them (Umm al-Qura's Arabic names; English transliterations),
# for both calendars; fixed tables, so output does not depend on the server's locale.
HIJRI_MONTHS_AR = [Hijri(1446, month, 1).month_name("ar") for month in range(1, 13)]
HIJRI_MONTHS_EN = [Hijri(1446, month, 1).month_name("en") for month in range(1, 13)]
GREGORIAN_MONTHS_AR = [Gregorian(2025, month, 1).month_name("ar") for month in range(1, 13)]
GREGORIAN_MONTHS_EN = [Gregorian(2025, month, 1).month_name("en") for month in range(1, 13)]

# Years below this are read as Hijri (the Hijri year 1600 is about 2174 AD).
HIJRI_YEAR_LIMIT = 1600

# A date in three numbers: 4-digit year first (Y-M-D) or last (D/M/Y), "-" or "/".
_DATE_RE = re.compile(r"(\d{1,4})\s*([-/])\s*(\d{1,2})\s*\2\s*(\d{1,4})")
# Optional calendar suffix; longer forms first so "AH" is not read as "H".
_SUFFIX_RE = re.compile(r"^(.*?)\s*(هـ|ه|AH|H|AD|م)\.?$", re.IGNORECASE)
_HIJRI_SUFFIXES = {"هـ", "ه", "ah", "h"}


@lru_cache(maxsize=8192)
def to_hijri(d: date) -> tuple[int, int, int]:
    """Return the Umm al-Qura (year, month, day) of a Gregorian date.

    Raises ValueError outside the calendar's table (about 1924-2077). Remembered per date (a list shows
    the same few days on every row, and a day's Hijri form never changes); 8,192 days are 22 years.
    """
    try:
        h = Gregorian(d.year, d.month, d.day).to_hijri()
    except (ValueError, OverflowError):
        raise ValueError(
            str(_("التاريخ %(date)s خارج نطاق التقويم الهجري المدعوم") % {"date": d.isoformat()})
        ) from None
    return (h.year, h.month, h.day)


def from_hijri(year: int, month: int, day: int) -> date:
    """Return the Gregorian date of an Umm al-Qura date.

    Raises ValueError for impossible dates (month 13, 30 Sha'ban 1446 ...) or
    years outside the supported table (1343-1500 AH).
    """
    try:
        g = Hijri(int(year), int(month), int(day)).to_gregorian()
    except OverflowError:
        raise ValueError(
            str(_("السنة الهجرية %(year)s خارج النطاق المدعوم (1343-1500 هـ)") % {"year": year})
        ) from None
    except ValueError:
        raise ValueError(
            str(
                _("التاريخ الهجري %(year)s/%(month)s/%(day)s غير موجود في تقويم أم القرى")
                % {"year": year, "month": month, "day": day}
            )
        ) from None
    return date(g.year, g.month, g.day)


def format_hijri(d: date, lang: str = "ar") -> str:
    """Return e.g. "28 شعبان 1446 هـ" (ar) or "28 Sha'ban 1446 AH" (en), month names from hijridate."""
    year, month, day = to_hijri(d)
    if lang == "en":
        return f"{day} {HIJRI_MONTHS_EN[month - 1]} {year} AH"
    return f"{day} {HIJRI_MONTHS_AR[month - 1]} {year} هـ"


def format_hijri_or_gregorian(d: date, lang: str = "ar") -> str:
    """The Hijri form of a date, or its Gregorian form outside the Umm al-Qura table (before 1924, after 2077).

    For messages about dates people typed: a passport may expire in 2080, and saying so must not fail.
    """
    try:
        return format_hijri(d, lang)
    except ValueError:
        return format_gregorian(d, lang)


def format_gregorian(d: date, lang: str = "ar") -> str:
    """Return e.g. "27 فبراير 2025 م" (ar) or "27 February 2025" (en), month names from hijridate."""
    if lang == "en":
        return f"{d.day} {GREGORIAN_MONTHS_EN[d.month - 1]} {d.year}"
    return f"{d.day} {GREGORIAN_MONTHS_AR[d.month - 1]} {d.year} م"


def _unreadable(text: str) -> ValueError:
    return ValueError(
        str(
            _("تعذرت قراءة التاريخ «%(value)s»، اكتبه مثل 1446/08/28 أو 2025-02-27")
            % {"value": text}
        )
    )


def parse_date(text: str) -> date:
    """Read a date typed in either calendar and return it as a Gregorian date (see `parse_date_in_calendar`)."""
    return parse_date_in_calendar(text)[0]


def parse_date_in_calendar(text: str) -> tuple[date, str]:
    """Read a date typed in either calendar: its Gregorian date and the calendar it was typed in.

    The calendar is "hijri" or "gregorian", so a page can show the reading in the other one.

    Accepted: "2025-02-27", "2025/02/27", "27/02/2025", "1446/08/28",
    "28/08/1446", "1446-08-28", with Arabic-Indic digits and an optional
    suffix (هـ, ه, H, AH for Hijri; م, AD for Gregorian). A 4-digit first
    number means year-month-day, otherwise day/month/year. A year below 1600
    is Hijri. Anything unreadable, impossible or contradictory raises
    ValueError with an Arabic message: a wrong date is never returned.
    """
    original = "" if text is None else str(text)
    value = to_ascii_digits(original).strip()
    if not value:
        raise _unreadable(original)

    suffix_calendar = None
    match = _SUFFIX_RE.match(value)
    if match:
        value = match.group(1)
        suffix_calendar = "hijri" if match.group(2).lower() in _HIJRI_SUFFIXES else "gregorian"

    match = _DATE_RE.fullmatch(value)
    if not match:
        raise _unreadable(original)
    first, _sep, middle, last = match.groups()
    if len(first) == 4:
        year, month, day = first, middle, last
    elif len(last) == 4 and len(first) <= 2:
        day, month, year = first, middle, last
    else:
        # Two-digit years and other shapes are ambiguous: refuse rather than guess.
        raise _unreadable(original)
    year, month, day = int(year), int(month), int(day)

    calendar = "hijri" if year < HIJRI_YEAR_LIMIT else "gregorian"
    if suffix_calendar and suffix_calendar != calendar:
        if suffix_calendar == "hijri":
            message = _("السنة %(year)s ليست سنة هجرية، احذف «هـ» أو صحح السنة")
        else:
            message = _("السنة %(year)s ليست سنة ميلادية، احذف «م» أو صحح السنة")
        raise ValueError(str(message % {"year": year}))

    if calendar == "hijri":
        return from_hijri(year, month, day), calendar
    try:
        return date(year, month, day), calendar
    except ValueError:
        raise ValueError(
            str(
                _("التاريخ الميلادي %(day)02d/%(month)02d/%(year)s غير موجود")
                % {"year": year, "month": month, "day": day}
            )
        ) from None
