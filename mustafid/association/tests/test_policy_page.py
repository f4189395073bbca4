"""The published policy (/policy/), generated from each association's configuration."""

import datetime

import pytest
from django.test import Client

from mustafid.association.models import PolicyVersion, period_in_words
from mustafid.demo.loader import load_preset
from mustafid.demo.presets import PRESETS

# From ../shared/seeds/README.md: response period, channel count, approval.
SEEDS = {
    "aoun": (14, 8, "اجتماع مجلس الإدارة الرابع لعام 2024م", None),
    "makkah": (14, 8, "", None),
    "qader": (30, 7, "الجلسة الثامنة", datetime.date(2021, 8, 1)),     # 1442/12/22 H
    "maamen": (14, 8, "الجلسة الثانية", datetime.date(2025, 2, 27)),   # 1446/08/28 H
    "labas": (14, 8, "رقم (5)", datetime.date(2021, 1, 1)),
}


@pytest.mark.parametrize("preset", list(PRESETS))
def test_each_preset_carries_its_policys_parameters(no_association, preset):
    load_preset(preset)
    days, channels, meeting, approved_on = SEEDS[preset]
    policy = PolicyVersion.objects.get()
    assert policy.response_days == days
    assert len(policy.channels) == channels
    assert meeting in policy.board_meeting
    assert policy.approved_on == approved_on


@pytest.mark.parametrize("preset", list(PRESETS))
def test_the_policy_page_shows_the_presets_policy(no_association, preset):
    load_preset(preset)
    days, channels, _meeting, approved_on = SEEDS[preset]
    page = Client().get("/policy/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert PRESETS[preset]["name_ar"] in page
    assert page.count('data-channel="') == channels
    period = "شهر" if days == 30 else "أسبوعين"
    assert f"خلال {period} من اكتمال الطلب" in page
    assert "الهدف العام" in page and "الأهداف التفصيلية" in page
    assert "اللائحة الأساسية للجمعية" in page
    if approved_on:
        assert f'datetime="{approved_on.isoformat()}"' in page


def test_the_approval_line_gives_gregorian_and_hijri_dates(no_association):
    load_preset("maamen")
    page = Client().get("/policy/").content.decode()
    assert "27 فبراير 2025 م" in page and "28 شعبان 1446 هـ" in page


def test_qaders_policy_names_the_social_research_regulation_and_has_no_referral_step(no_association):
    load_preset("qader")
    page = Client().get("/policy/").content.decode()
    assert "لائحة البحث الاجتماعي" in page
    assert "مناديب المكاتب الفرعية" not in page
    assert "إحالته لمسؤول البحث الاجتماعي" not in page


def test_qader_and_maamen_speak_of_suggestions(no_association):
    load_preset("maamen")
    assert "ومقترحاتهم" in Client().get("/policy/").content.decode()


def test_an_association_without_approval_data_says_so(no_association):
    load_preset("makkah")
    page = Client().get("/policy/").content.decode()
    assert "لم تُسجل بيانات اعتماد مجلس الإدارة" in page
    assert "262" in page


def test_the_policy_page_is_404_before_any_association_is_configured(no_association):
    assert Client().get("/policy/").status_code == 404


@pytest.mark.parametrize(("days", "arabic"), [(14, "أسبوعين"), (30, "شهر"), (7, "أسبوع"), (1, "يوم واحد"),
                                              (2, "يومين"), (5, "5 أيام"), (20, "20 يومًا")])
def test_the_response_period_is_said_in_words(days, arabic):
    assert period_in_words(days) == arabic


def test_healthz_answers_when_the_database_does(db):
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json()["database"] == "ok"


def test_healthz_answers_503_when_the_database_does_not(db, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("database is down")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken_cursor)
        response = Client().get("/healthz")
    assert response.status_code == 503


def test_the_public_policy_page_reads_the_association_once(no_association, client, django_assert_num_queries):
    load_preset("aoun")
    # The association, its policy in force, the staff tools and the previous versions: one query each, the header
    # reuses the first.
    with django_assert_num_queries(4):
        assert client.get("/policy/").status_code == 200
