"""Umm al-Qura conversion, display and parsing of dates in either calendar."""

from datetime import date

import pytest
from hijridate import Gregorian, Hijri
from hypothesis import given
from hypothesis import strategies as st

from mustafid.lib.hijri import (
    GREGORIAN_MONTHS_AR,
    HIJRI_MONTHS_AR,
    HIJRI_MONTHS_EN,
    format_gregorian,
    format_hijri,
    from_hijri,
    parse_date,
    to_hijri,
)

KNOWN_PAIRS = [
    (date(2025, 2, 27), (1446, 8, 28)),
    (date(2021, 8, 1), (1442, 12, 22)),
    (date(2024, 3, 11), (1445, 9, 1)),
]


@pytest.mark.parametrize(("gregorian", "hijri"), KNOWN_PAIRS)
def test_known_pairs_agree_with_hijridate_itself(gregorian, hijri):
    assert Gregorian.fromdate(gregorian).to_hijri().datetuple() == hijri
    assert Hijri(*hijri).to_gregorian().datetuple() == gregorian.timetuple()[:3]


@pytest.mark.parametrize(("gregorian", "hijri"), KNOWN_PAIRS)
def test_gregorian_converts_to_known_hijri(gregorian, hijri):
    assert to_hijri(gregorian) == hijri


@pytest.mark.parametrize(("gregorian", "hijri"), KNOWN_PAIRS)
def test_hijri_converts_to_known_gregorian(gregorian, hijri):
    assert from_hijri(*hijri) == gregorian


@given(st.dates(min_value=date(1937, 1, 1), max_value=date(2076, 12, 31)))
def test_every_date_round_trips_through_hijri(d):
    assert from_hijri(*to_hijri(d)) == d


def test_impossible_hijri_month_is_refused():
    with pytest.raises(ValueError, match="غير موجود"):
        from_hijri(1446, 13, 1)


def test_thirtieth_of_a_29_day_hijri_month_is_refused():
    # Sha'ban 1446 has 29 days in Umm al-Qura.
    with pytest.raises(ValueError):
        from_hijri(1446, 8, 30)


def test_hijri_year_outside_the_table_is_refused_as_value_error():
    with pytest.raises(ValueError, match="خارج النطاق"):
        from_hijri(1300, 1, 1)


def test_gregorian_date_outside_the_table_is_refused_as_value_error():
    with pytest.raises(ValueError):
        to_hijri(date(1900, 1, 1))


def test_month_name_lists_have_twelve_names():
    assert len(HIJRI_MONTHS_AR) == len(HIJRI_MONTHS_EN) == len(GREGORIAN_MONTHS_AR) == 12
    assert HIJRI_MONTHS_AR[8] == "رمضان"
    assert GREGORIAN_MONTHS_AR[0] == "يناير"


def test_hijri_is_formatted_in_arabic_by_default():
    assert format_hijri(date(2025, 2, 27)) == "28 شعبان 1446 هـ"


def test_hijri_is_formatted_in_english():
    assert format_hijri(date(2025, 2, 27), "en") == "28 Sha'ban 1446 AH"


def test_gregorian_is_formatted_in_arabic_by_default():
    assert format_gregorian(date(2025, 2, 27)) == "27 فبراير 2025 م"


def test_gregorian_is_formatted_in_english():
    assert format_gregorian(date(2025, 2, 27), "en") == "27 February 2025"


FEB_27 = date(2025, 2, 27)


@pytest.mark.parametrize(
    "text",
    [
        "2025-02-27",
        "2025/02/27",
        "27/02/2025",
        "27-02-2025",
        "27/2/2025",
        "2025-2-27",
        "1446/08/28",
        "28/08/1446",
        "1446-08-28",
        "1446/8/28",
        "٢٠٢٥-٠٢-٢٧",
        "٢٨/٠٨/١٤٤٦",
        "۱۴۴۶/۰۸/۲۸",
        "1446/08/28 هـ",
        "1446/08/28هـ",
        "28/08/1446 ه",
        "1446/08/28 H",
        "1446/08/28 AH",
        "1446/08/28 ah",
        "2025-02-27 م",
        "27/02/2025 AD",
        "  2025-02-27  ",
        "١٤٤٦/٠٨/٢٨ هـ",
    ],
)
def test_every_accepted_format_reads_the_same_day(text):
    assert parse_date(text) == FEB_27


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "tomorrow",
        "2025",
        "2025-02",
        "27/02/25",
        "2025-02/27",
        "30/02/2025",
        "2025-13-01",
        "1446/13/01",
        "1446/08/30",
        "00/01/1446",
        "1300/01/01",
        "2025-02-27 هـ",
        "1446/08/28 م",
        "1446/08/28 AD",
        "2025.02.27",
        "27/02/2025 xyz",
    ],
)
def test_every_refused_text_raises_value_error(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_refusal_message_is_arabic_and_quotes_the_input():
    with pytest.raises(ValueError) as error:
        parse_date("tomorrow")
    assert "tomorrow" in str(error.value)
    assert "تعذرت قراءة التاريخ" in str(error.value)


def test_contradicting_suffix_explains_the_year_is_not_hijri():
    with pytest.raises(ValueError, match="ليست سنة هجرية"):
        parse_date("2025-02-27 هـ")


def test_leap_day_is_accepted_only_in_leap_years():
    assert parse_date("29/02/2024") == date(2024, 2, 29)
    with pytest.raises(ValueError):
        parse_date("29/02/2025")
