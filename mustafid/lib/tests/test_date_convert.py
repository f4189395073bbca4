"""/dates/convert: the other calendar's reading shown beside a date field as it is typed."""

import pytest
from django.conf import settings
from django.urls import reverse

URL = reverse("convert_date")


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


def test_a_hijri_date_comes_back_in_both_calendars_with_its_gregorian_reading(signed_in):
    answer = signed_in.get(URL, {"d": "1446/08/28"}).json()
    assert answer == {
        "calendar": "hijri",
        "gregorian": "2025-02-27",
        "hijri": "1446/08/28",
        "reading": "يوافق: 27 فبراير 2025 م",
    }


def test_a_gregorian_date_reads_as_its_hijri_date(signed_in):
    answer = signed_in.get(URL, {"d": "27/02/2025"}).json()
    assert answer["calendar"] == "gregorian"
    assert answer["hijri"] == "1446/08/28"
    assert answer["reading"] == "يوافق: 28 شعبان 1446 هـ"


def test_arabic_digits_and_the_hijri_suffix_are_read_as_the_form_reads_them(signed_in):
    answer = signed_in.get(URL, {"d": "١٤٤٦/٠٨/٢٨ هـ"}).json()
    assert answer["gregorian"] == "2025-02-27"


def test_an_impossible_hijri_date_gets_an_arabic_message_not_a_failure(signed_in):
    response = signed_in.get(URL, {"d": "1446/08/30"})  # Sha'ban 1446 has 29 days
    assert response.status_code == 200
    assert response.json() == {"error": "التاريخ الهجري 1446/8/30 غير موجود في تقويم أم القرى"}


@pytest.mark.parametrize("text", ["", "abc", "2025-02-30", "1446/13/01", "x" * 5000, "9999/99/99"])
def test_anything_else_gets_a_message(signed_in, text):
    response = signed_in.get(URL, {"d": text})
    assert response.status_code == 200
    assert response.json()["error"]


def test_a_date_outside_the_umm_al_qura_table_says_it_has_no_hijri_date(signed_in):
    answer = signed_in.get(URL, {"d": "2090-01-01"}).json()
    assert answer["hijri"] is None
    assert answer["reading"] == "يوافق: لا يقابله تاريخ هجري في تقويم أم القرى"


def test_the_reading_is_in_english_for_an_english_screen(signed_in):
    signed_in.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    answer = signed_in.get(URL, {"d": "2025-02-27"}).json()
    assert "Sha'ban 1446 AH" in answer["reading"]


def test_it_needs_a_signed_in_user(client, db):
    response = client.get(URL, {"d": "1446/08/28"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_answers_get_only(signed_in):
    assert signed_in.post(URL, {"d": "1446/08/28"}).status_code == 405
