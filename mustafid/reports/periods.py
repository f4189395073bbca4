"""The indicators' periods: a Gregorian or Hijri (Umm al-Qura) month, quarter or year, or days from–to.

A period is a half-open range of days [start, end) read in the association's time zone; every indicator
filters its rows on it (`bounds` gives the datetimes), so each query reads one period's rows only.
The choices offered are the current and previous months, quarters and years in both calendars; their
values are short codes («g-m-2026-11», «h-q-1448-2», «g-y-2026»), so a period travels in the link.
"""

import datetime
import re
from dataclasses import dataclass

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mustafid.association.models import Branch
from mustafid.lib.forms import DualDateField, ShortModelChoiceField, day_start, refuse_reversed_range
from mustafid.lib.hijri import (
    GREGORIAN_MONTHS_AR, GREGORIAN_MONTHS_EN, HIJRI_MONTHS_AR, HIJRI_MONTHS_EN, from_hijri, to_hijri,
)

# How many of each kind the period list offers, the current one first.
OFFERED = {"m": 12, "q": 8, "y": 5}
RANGE = "range"
_CODE = re.compile(r"^([gh])-([mqy])-([0-9]{4})(?:-([0-9]{1,2}))?$")


@dataclass(frozen=True)
class Period:
    start: datetime.date  # the first day
    end: datetime.date    # the day after the last
    label: str
    code: str

    @property
    def last_day(self):
        return self.end - datetime.timedelta(days=1)

    def bounds(self):
        """The period as aware datetimes [from, to) in the association's time zone."""
        return day_start(self.start), day_start(self.end)


def _english():
    return get_language() == "en"


def _month_name(calendar, month):
    if calendar == "h":
        return (HIJRI_MONTHS_EN if _english() else HIJRI_MONTHS_AR)[month - 1]
    return (GREGORIAN_MONTHS_EN if _english() else GREGORIAN_MONTHS_AR)[month - 1]


def _suffix(calendar):
    if calendar == "h":
        return " AH" if _english() else " هـ"
    return "" if _english() else " م"


def _first_day(calendar, year, month):
    """The Gregorian date of the first day of a month of either calendar (month 13 is the next year's first)."""
    if month > 12:
        year, month = year + 1, month - 12
    if calendar == "h":
        return from_hijri(year, month, 1)
    return datetime.date(year, month, 1)


def period_of(code):
    """The period a code names, or None when the code is not one (or outside the Hijri table)."""
    found = _CODE.match(code or "")
    if not found:
        return None
    calendar, kind, year, number = found.group(1), found.group(2), int(found.group(3)), found.group(4)
    number = int(number) if number else None
    try:
        if kind == "m" and number and 1 <= number <= 12:
            start, end = _first_day(calendar, year, number), _first_day(calendar, year, number + 1)
            label = f"{_month_name(calendar, number)} {year}{_suffix(calendar)}"
        elif kind == "q" and number and 1 <= number <= 4:
            first = 3 * (number - 1) + 1
            start, end = _first_day(calendar, year, first), _first_day(calendar, year, first + 3)
            label = (f"Q{number} {year}" if _english() else f"الربع {number} من {year}") + _suffix(calendar)
        elif kind == "y" and number is None:
            start, end = _first_day(calendar, year, 1), _first_day(calendar, year, 13)
            label = f"{year}{_suffix(calendar)}"
        else:
            return None
    except ValueError:
        return None
    return Period(start=start, end=end, label=label, code=code)


def _today_in(calendar, today):
    if calendar == "h":
        year, month, _day = to_hijri(today)
        return year, month
    return today.year, today.month


def offered_codes(today):
    """The periods the list offers: this and the previous months, quarters and years, in both calendars."""
    codes = []
    for calendar in ("g", "h"):
        year, month = _today_in(calendar, today)
        for back in range(OFFERED["m"]):
            n = year * 12 + month - 1 - back
            codes.append(f"{calendar}-m-{n // 12}-{n % 12 + 1}")
        quarter = (month - 1) // 3
        for back in range(OFFERED["q"]):
            n = year * 4 + quarter - back
            codes.append(f"{calendar}-q-{n // 4}-{n % 4 + 1}")
        for back in range(OFFERED["y"]):
            codes.append(f"{calendar}-y-{year - back}")
    return codes


def default_code(today):
    """This Gregorian month."""
    return f"g-m-{today.year}-{today.month}"


def period_choices(today):
    groups = {
        ("g", "m"): _("الأشهر الميلادية"), ("g", "q"): _("الأرباع الميلادية"), ("g", "y"): _("السنوات الميلادية"),
        ("h", "m"): _("الأشهر الهجرية"), ("h", "q"): _("الأرباع الهجرية"), ("h", "y"): _("السنوات الهجرية"),
    }
    grouped = {key: [] for key in groups}
    for code in offered_codes(today):
        period = period_of(code)
        if period is not None:
            grouped[(code[0], code[2])].append((code, period.label))
    return [(groups[key], options) for key, options in grouped.items() if options] + [
        (RANGE, _("من تاريخ إلى تاريخ (أدناه)")),
    ]


class IndicatorFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("الفترة"), required=False)
    start = DualDateField(label=_("من تاريخ"), required=False)
    end = DualDateField(label=_("إلى تاريخ"), required=False)
    branch = ShortModelChoiceField(label=_("المكتب"), queryset=Branch.objects.order_by("pk"), required=False,
                                    empty_label=_("كل المكاتب"))

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["period"].choices = period_choices(today)

    def clean_period(self):
        code = self.cleaned_data.get("period") or ""
        if code and code != RANGE and period_of(code) is None:
            raise forms.ValidationError(_("اختر فترة من القائمة."))
        return code

    def clean(self):
        data = refuse_reversed_range(self, super().clean(), "start", "end")
        if data.get("period") == RANGE and not (data.get("start") and data.get("end")) and not self.errors:
            self.add_error("end" if data.get("start") else "start", _("اكتب تاريخي البداية والنهاية للفترة."))
        return data

    def chosen(self):
        """(period, branch or None): what was asked if it is valid, else this month over every branch."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        branch = None if "branch" in self.errors else data.get("branch")
        code = data.get("period") if "period" not in self.errors else ""
        if code == RANGE and data.get("start") and data.get("end") and not self.errors:
            start, last = data["start"], data["end"]
            return Period(start=start, end=last + datetime.timedelta(days=1),
                          label=f"{start.isoformat()} – {last.isoformat()}",
                          code=RANGE), branch
        return period_of(code if code and code != RANGE else default_code(self.today)), branch
