"""The indicators page: figures from data built through the real actions, checked against hand-computed values;
the period (Gregorian and Hijri) and branch filters; who may read it; its audit row."""

import datetime

import pytest
from django.utils import timezone

from mustafid.association.models import Branch
from mustafid.audit.models import AuditEvent, EventType
from mustafid.cases.models import Case, CaseEvent, CaseOpenedCount
from mustafid.committee.actions import fill_clock_starts, record_decision
from mustafid.committee.models import Decision
from mustafid.conftest import make_beneficiary, open_case, refreshed
from mustafid.lib.forms import day_start
from mustafid.lib.hijri import from_hijri, to_hijri
from mustafid.reports.indicators import compute
from mustafid.reports.periods import IndicatorFilterForm, period_of
from mustafid.services.actions import record_delivery
from mustafid.services.models import Service


def _table(tables, key):
    return next(table for table in tables if table.key == key)


def _row(table, label):
    return next(row for row in table.rows if row[0] == label)


def _submitted_days_ago(case, days):
    """The decision clock started `days` ago (its `submitted` row moved back)."""
    CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.SUBMITTED).update(
        at=timezone.now() - datetime.timedelta(days=days))


@pytest.fixture
def world(make_case, officer, chair):
    """Four requests opened this month: three by phone, one on the website; three decided (one late) after 0, 4
    and 10 days; one served with 500 SAR in cash and a food basket. The late one was received by the second branch."""
    second = Branch.objects.order_by("-is_head_office", "pk")[1]
    on_time = make_case("with_committee")
    late = make_case("with_committee", branch=second)
    Case.objects.filter(pk=late.pk).update(decision_due_on=timezone.localdate() - datetime.timedelta(days=1))
    _submitted_days_ago(on_time, 4)
    _submitted_days_ago(late, 10)
    record_decision(refreshed(on_time), outcome="approved", reasons="مستوفٍ", by=chair)
    record_decision(refreshed(late), outcome="rejected", reasons="غير مستوفٍ", by=chair)
    served = make_case("in_service")  # decided at once (0 days), 500 SAR delivered
    basket = Service.objects.get(measure=Service.Measure.QUANTITY)
    record_delivery(served, service=basket, quantity=3, delivered_on=timezone.localdate(), by=officer)
    website = open_case(make_beneficiary(by=officer), officer, channel="website")
    return {"second": second, "late": late, "website": website}


def _this_month():
    today = timezone.localdate()
    return period_of(f"g-m-{today.year}-{today.month}")


def test_the_figures_match_the_hand_computed_ones(world):
    headline, tables = compute(_this_month())
    assert headline["opened"] == 4
    channel = _table(tables, "opened_channel")
    assert _row(channel, "الاتصالات الهاتفية")[1:] == [3, 75.0]
    assert _row(channel, "الموقع الإلكتروني للجمعية")[1:] == [1, 25.0]
    branches = _table(tables, "opened_branch")
    assert _row(branches, world["second"].name_ar)[1] == 1
    status = _table(tables, "opened_status")
    assert _row(status, "مستلم")[1] == 1 and _row(status, "مقبول")[1] == 1 and _row(status, "مرفوض")[1] == 1
    # Days to decision: 0, 4 and 10; nearest rank: the median is the 2nd, the 90th percentile the 3rd.
    days = _table(tables, "days_to_decision")
    assert [row[1] for row in days.rows] == [3, 4.0, 10.0]
    on_time = _table(tables, "on_time")
    assert [row[1] for row in on_time.rows] == [3, 2, 1, 66.7, 2, 1]
    assert headline["on_time_share"] == 66.7 and headline["median_days"] == 4.0
    assert headline["cash"] == 500 and headline["in_kind"] == 1
    services = _table(tables, "services")
    assert [row[2:] for row in services.rows] == [[1, 500], [1, 3]]


def test_each_decision_keeps_its_clocks_start_and_bulk_written_ones_get_the_same(world):
    submitted = CaseEvent.objects.get(case=world["late"], kind=CaseEvent.Kind.SUBMITTED).at
    decision = Decision.objects.get(case=world["late"])
    assert decision.clock_started_at == submitted
    # A decision written without it (a restore, the bench's bulk rows) is given the one the timeline says.
    Decision.objects.filter(pk=decision.pk).update(clock_started_at=None)
    assert [row[1] for row in _table(compute(_this_month())[1], "days_to_decision").rows] == [2, 0.0, 4.0]
    assert fill_clock_starts() == 1
    assert refreshed(decision).clock_started_at == submitted
    assert [row[1] for row in _table(compute(_this_month())[1], "days_to_decision").rows] == [3, 4.0, 10.0]


def test_the_branch_filter_reads_the_branch_that_received_the_request(world):
    headline, tables = compute(_this_month(), world["second"])
    assert headline["opened"] == 1
    assert [row[1] for row in _table(tables, "days_to_decision").rows] == [1, 10.0, 10.0]
    assert [row[1] for row in _table(tables, "on_time").rows][:4] == [1, 0, 1, 0.0]
    assert headline["cash"] == 0 and headline["in_kind"] == 0


def test_a_hijri_month_runs_from_its_first_day_to_the_next_ones(world):
    today = timezone.localdate()
    year, month, _day = to_hijri(today)
    period = period_of(f"h-m-{year}-{month}")
    assert period.start == from_hijri(year, month, 1) and period.start <= today < period.end
    assert period_of("h-m-1446-9").start == datetime.date(2025, 3, 1)  # Ramadan 1446
    assert period_of("h-m-1446-9").end == datetime.date(2025, 3, 30)  # Shawwal 1446 began on 30 March 2025
    # A request opened a minute before the Hijri month began is the previous month's.
    CaseEvent.objects.filter(case=world["website"], kind=CaseEvent.Kind.OPENED).update(
        at=day_start(period.start) - datetime.timedelta(minutes=1))
    CaseOpenedCount.rebuild()  # a row moved by hand, as after a restore: recounted as `rebuild_case_counts` does
    assert compute(period)[0]["opened"] == 3
    previous = period_of(f"h-m-{year - (month == 1)}-{12 if month == 1 else month - 1}")
    assert compute(previous)[0]["opened"] == 1


def test_hijri_quarters_and_years_and_a_typed_range():
    assert period_of("h-q-1446-3").start == from_hijri(1446, 7, 1)
    assert period_of("h-q-1446-3").end == from_hijri(1446, 10, 1)
    assert period_of("h-y-1446").end == from_hijri(1447, 1, 1)
    assert period_of("g-q-2026-4").start == datetime.date(2026, 10, 1)
    assert period_of("g-y-2026").end == datetime.date(2027, 1, 1)
    for wrong in ("h-m-1446-13", "g-q-2026-5", "x-m-2026-1", "h-y-9999", "", "g-m-2026"):
        assert period_of(wrong) is None
    today = timezone.localdate()
    form = IndicatorFilterForm({"period": "range", "start": "1446/09/01", "end": "1446/09/29"}, today=today)
    period, branch = form.chosen()
    assert (period.start, period.last_day, branch) == (datetime.date(2025, 3, 1), datetime.date(2025, 3, 29), None)
    # A range without its dates, or reversed, says so beside the field and shows this month meanwhile.
    form = IndicatorFilterForm({"period": "range", "start": "1446/09/01"}, today=today)
    assert form.chosen()[0].code == f"g-m-{today.year}-{today.month}" and "end" in form.errors
    form = IndicatorFilterForm({"period": "range", "start": "2026-05-01", "end": "2026-04-01"}, today=today)
    form.chosen()
    assert "end" in form.errors


def test_the_page_shows_each_figure_in_a_table_beside_its_definition(client, world, staff):
    client.force_login(staff["manager"])
    response = client.get("/indicators/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<caption>الطلبات المستلمة حسب القناة</caption>" in page
    assert 'data-chart="bar"' in page and '<th scope="row">الاتصالات الهاتفية</th><td data-value="3">3</td>' in page
    assert "التعريف:" in page and "⌈ن × ٠٫٥⌉" in page
    assert "reports/vendor/chart.umd.min.js" in page
    read = AuditEvent.objects.filter(event_type=EventType.INDICATORS_VIEWED, actor=staff["manager"]).latest("pk")
    assert read.data["branch"] == "" and read.data["period"].startswith("g-m-")


def test_the_filters_travel_in_the_link_and_a_wrong_one_is_said(client, world, staff):
    client.force_login(staff["auditor"])
    page = client.get(f"/indicators/?branch={world['second'].pk}").content.decode()
    assert 'data-figure="opened">1<' in page
    response = client.get("/indicators/?period=range&start=٢٠٢٦-٠٥-٠١&end=2026-04-01")
    assert response.status_code == 200 and "تاريخ النهاية قبل تاريخ البداية" in response.content.decode()
    response = client.get("/indicators/?period=h-m-1446-13&branch=999999&start=\x00")
    page = response.content.decode()
    assert response.status_code == 200 and page.count('aria-invalid="true"') >= 2
    assert 'data-figure="opened">4<' in page  # this month, every branch, meanwhile
    for wrong in ("1" * 100_000, "\u202e2026-01-01", "٢٠٢٦/١٣/٠١"):
        response = client.get("/indicators/", {"period": "range", "start": wrong, "end": "2026-01-31", "branch": "x"})
        assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    assert client.get("/indicators/?export=pdf").status_code == 200  # an unknown format: the page


@pytest.mark.parametrize("role,allowed", [
    ("manager", True), ("auditor", True), ("officer", False), ("volunteer", False), ("researcher", False),
    ("committee", False), ("branch_rep", False),
])
def test_only_managers_and_auditors_read_the_indicators(client, staff, role, allowed):
    client.force_login(staff[role])
    assert client.get("/indicators/").status_code == (200 if allowed else 403)
    assert client.get("/indicators/?export=xlsx").status_code == (200 if allowed else 403)


def test_the_queries_do_not_grow_with_the_requests(client, make_case, staff, django_assert_max_num_queries):
    client.force_login(staff["manager"])
    for _n in range(3):
        make_case("approved")
    with django_assert_max_num_queries(30):
        assert client.get("/indicators/").status_code == 200


def test_satisfaction_response_rate_and_recommendation_score_by_month(make_case, officer, staff):
    from mustafid.feedback import actions as feedback
    from mustafid.feedback.models import SurveyInvitation, SurveySettings, Trigger

    survey = feedback.save_survey(None, fields={"name": "استبيان الرضا", "trigger": Trigger.DELIVERY, "active": True,
                                                "intro_ar": "", "intro_en": ""},
                                  questions=feedback.default_questions(), by=staff["manager"])
    cash = Service.objects.get(measure=Service.Measure.AMOUNT)
    for _n in range(3):
        record_delivery(make_case("registered"), service=cash, quantity=100, delivered_on=timezone.localdate(), by=officer)
    invitations = list(SurveyInvitation.objects.order_by("pk"))
    assert len(invitations) == 3
    questions = list(survey.questions.asked())
    for invitation, (rating, score) in zip(invitations, [(5, 10), (2, 3)]):
        feedback.answer(invitation, values={questions[0].pk: rating, questions[1].pk: score})
    # Two responses: under the default threshold of five, no mean and no score are shown.
    row = _table(compute(_this_month())[1], "satisfaction").rows[0]
    assert row[1:] == [3, 2, 66.7, None, None]
    SurveySettings.objects.update(anonymity_threshold=2)
    row = _table(compute(_this_month())[1], "satisfaction").rows[0]
    # Mean of 5 and 2; one promoter (10) and one detractor (3) of two: 50 − 50 = 0.
    assert row[1:] == [3, 2, 66.7, 3.5, 0]


def test_the_complaints_table_counts_the_registers_timeline(staff):
    """Received by kind, closed, overdue now, median days to closure — the register's rows, on the page too."""
    from mustafid.feedback import register
    from mustafid.feedback.models import Feedback

    officer, manager = staff["officer"], staff["manager"]

    def receive(kind=Feedback.Kind.COMPLAINT):
        return register.receive(kind=kind, text="تأخر صرف السلة الغذائية", channel="phone", by=officer,
                                sender_name="سارة", sender_mobile="+966551234567")

    first, _second = receive(), receive()
    receive(Feedback.Kind.SUGGESTION)
    register.answer(first, "تم التواصل مع المكتب وصرفت السلة", by=officer)
    register.close(first, by=officer, sender_rating=4)
    period = _this_month()
    _headline, tables = compute(period)
    table = _table(tables, "complaints")
    assert _row(table, "وردت: شكوى")[1] == 2
    assert _row(table, "وردت: اقتراح")[1] == 1
    assert _row(table, "وردت: شكر")[1] == 0
    assert _row(table, "أُغلقت خلال الفترة")[1] == 1
    assert _row(table, "متأخرة عن موعد الرد الآن")[1] == 0
    assert _row(table, "الوسيط من الورود إلى الإغلاق (أيام)")[1] == 0.0
    # A month before, nothing.
    earlier = period_of("g-m-2020-1")
    assert _row(_table(compute(earlier)[1], "complaints"), "وردت: شكوى")[1] == 0
