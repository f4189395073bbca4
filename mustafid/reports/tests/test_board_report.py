"""The board's period report: a real Arabic PDF of the period's figures (checked against a small hand-computed data
set built through the real actions), kept with its SHA-256 and figures, once per period; confidential items without
their text; who may issue, read and download it; the board's recommendations, published on /statistics/."""

import datetime
import hashlib
import io
import json
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from mustafid.association.models import Branch
from mustafid.audit.models import AuditEvent, EventType
from mustafid.beneficiaries.models import Beneficiary, Category
from mustafid.cases.models import Case, CaseEvent
from mustafid.committee.actions import record_decision
from mustafid.conftest import refreshed
from mustafid.feedback import register
from mustafid.feedback.models import Feedback
from mustafid.lib.errors import ActionRefused
from mustafid.reports import board_report
from mustafid.reports.models import BoardRecommendation, BoardReport
from mustafid.reports.periods import Period
from mustafid.services.actions import record_delivery
from mustafid.services.models import Service

SECRET = "Secret-BRAVO about a staff member"
SENDER = "Sender-CHARLIE"


def _range():
    """The last 30 days (whatever day the tests run, the data made a few days ago fall inside)."""
    today = timezone.localdate()
    return {"period": "range", "start": (today - datetime.timedelta(days=30)).isoformat(), "end": today.isoformat()}


def _this_month():
    today = timezone.localdate()
    data = _range()
    return Period(start=datetime.date.fromisoformat(data["start"]), end=today + datetime.timedelta(days=1),
                  label=f"{data['start']} – {data['end']}", code="range")


def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    return reader, " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def world(make_case, officer, chair, staff):
    """This month: three decisions after 0, 4 and 10 days (the last one late); one request served with 500 SAR and a
    basket of 3; a complaint answered, a suggestion not yet, and a confidential complaint about a staff member."""
    on_time = make_case("with_committee")
    late = make_case("with_committee")
    Case.objects.filter(pk=late.pk).update(decision_due_on=timezone.localdate() - datetime.timedelta(days=1))
    for case, days in ((on_time, 4), (late, 10)):
        CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.SUBMITTED).update(
            at=timezone.now() - datetime.timedelta(days=days))
    record_decision(refreshed(on_time), outcome="approved", reasons="مستوفٍ", by=chair)
    record_decision(refreshed(late), outcome="rejected", reasons="غير مستوفٍ", by=chair)
    served = make_case("in_service")  # decided at once, 500 SAR delivered
    basket = Service.objects.get(measure=Service.Measure.QUANTITY)
    record_delivery(served, service=basket, quantity=3, delivered_on=timezone.localdate(), by=officer)
    complaint = register.receive(kind="complaint", text="Complaint-ALPHA: late reply", channel="phone", by=officer,
                                 sender_name=SENDER, sender_mobile="0551234567")
    register.receive(kind="suggestion", text="Suggestion-DELTA", channel="phone", by=officer, anonymous=True)
    secret = register.receive(kind="complaint", text=SECRET, channel="phone", by=officer,
                              sender_name=SENDER, about_staff=staff["volunteer"])
    # Answered two days after it came (the register's own answer action is built beside this; the columns suffice).
    now = timezone.now()
    Feedback.objects.filter(pk=complaint.pk).update(received_at=now - datetime.timedelta(days=2), answered_at=now,
                                                    response="Response-ECHO", status=Feedback.Status.ANSWERED)
    Feedback.objects.filter(pk=secret.pk).update(response="Secret response FOXTROT", answered_at=now,
                                                 status=Feedback.Status.ANSWERED)
    return {"complaint": complaint, "secret": secret, "served": served}


def test_the_figures_match_the_hand_computed_ones(world):
    figures = board_report.build_figures(_this_month())
    decisions = figures["decisions"]
    assert [row[1] for row in decisions["on_time"]["rows"]] == [3, 2, 1, 66.7, 2, 1]
    assert [row[1] for row in decisions["days"]["rows"]] == [3, 4.0, 10.0]
    assert decisions["on_time"]["definition"].startswith("القرارات المسجلة خلال الفترة")
    aid = figures["aid"]
    assert [row[1] for row in aid["summary"]["rows"]] == [500, 1]
    # One beneficiary served (fewer than 5): their category shows «أقل من ٥» and no amounts.
    category = Category.objects.get(pk=Beneficiary.objects.get(pk=world["served"].beneficiary_id).category_id)
    assert aid["by_category"]["rows"] == [[category.name_ar, "أقل من ٥", None, None]]
    log = figures["feedback"]
    assert (log["total"], log["answered"], log["confidential"]) == (3, 2, 1)
    assert log["by_kind"][:2] == [["شكوى", 2], ["اقتراح", 1]]
    rows = {row["reference"]: row for row in log["rows"]}
    visible, secret = rows[world["complaint"].reference], rows[world["secret"].reference]
    assert visible["text"].startswith("Complaint-ALPHA") and visible["response"] == "Response-ECHO"
    assert visible["days"] == 2.0 and visible["status"] == "تم الرد"
    assert secret["confidential"] and secret["text"] is None and secret["response"] is None
    satisfaction = figures["satisfaction"]
    assert (satisfaction["invited"], satisfaction["answered"], satisfaction["shown"]) == (0, 0, False)
    versions = figures["policies"]["versions"]
    assert versions and versions[0]["version"]
    assert SENDER not in json.dumps(figures, ensure_ascii=False)


def test_the_manager_issues_a_real_pdf_kept_with_its_hash_and_audited(client, world, staff):
    client.force_login(staff["manager"])
    response = client.post("/indicators/board/", _range())
    report = BoardReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/indicators/board/{report.pk}/"
    with report.pdf.open("rb") as stored:
        content = stored.read()
    assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == report.sha256
    assert report.figures["feedback"]["total"] == 3 and report.period_label == _this_month().label
    reader, text = pdf_text(content)
    assert "Complaint-ALPHA" in text and "Response-ECHO" in text
    assert world["secret"].reference in text
    assert re.search("صفحة [٠-٩]+ من [٠-٩]+", text) and "BoardReport" not in text
    for hidden in ("Secret-BRAVO", "FOXTROT", SENDER, "0551234567"):
        assert hidden not in text
    audit = AuditEvent.objects.get(event_type=EventType.BOARD_REPORT_ISSUED)
    assert audit.actor == staff["manager"] and audit.data["sha256"] == report.sha256
    download = client.get(f"/indicators/board/{report.pk}/report.pdf")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == content


def test_the_pdf_says_confidential_and_numbers_its_pages_in_arabic(world, staff):
    from django.template.loader import render_to_string

    from mustafid.association.models import Association

    figures = board_report.build_figures(_this_month())
    html = render_to_string(board_report.TEMPLATE, {
        "figures": figures, "association": Association.objects.current(), "logo": "", "fonts": {},
        "issued": ["1448/06/21", "2026/12/01"], "issued_by": "مدير"})
    assert "سرية — لدى الإدارة" in html and "Secret-BRAVO" not in html
    assert 'counter(page, arabic-indic) " من " counter(pages, arabic-indic)' in html and "صفحة" in html
    assert "class=\"letterhead\"" in html and "أقل من ٥" in html
    for title in ("نتائج قياس رضا المستفيدين", "سجل الشكاوى والمقترحات", "إحصاءات المساعدات",
                  "القرارات ضمن مدة الرد", "إصدارات سياسة تنظيم العلاقة مع المستفيدين"):
        assert title in html
    assert "التعريف:" in html


def test_a_second_issue_of_the_same_period_gives_the_first_report(client, world, staff):
    client.force_login(staff["manager"])
    first = client.post("/indicators/board/", _range())
    second = client.post("/indicators/board/", _range())
    assert BoardReport.objects.count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]
    with pytest.raises(board_report.AlreadyIssued):
        board_report.issue_report(_this_month(), by=staff["manager"])
    # Another branch is another report.
    branch = Branch.objects.order_by("pk").first()
    board_report.issue_report(_this_month(), branch, by=staff["manager"])
    assert BoardReport.objects.count() == 2


def test_a_double_click_issues_one_report(client, world, staff):
    import uuid

    client.force_login(staff["manager"])
    token = str(uuid.uuid4())
    client.post("/indicators/board/", {**_range(), "_once": token})
    repeat = client.post("/indicators/board/", {"period": "g-y-2025", "_once": token})
    assert repeat.status_code == 302 and BoardReport.objects.count() == 1


def test_a_wrong_period_is_said_and_nothing_is_issued(client, staff):
    client.force_login(staff["manager"])
    for data in ({"period": "range", "start": "2026-05-01", "end": "2026-04-01"},
                 {"period": "range", "start": "\x00"}, {"period": "h-m-1446-13"},
                 {"period": "range", "start": "1" * 100_000, "end": "\u202e2026-01-01"}):
        response = client.post("/indicators/board/", data)
        assert response.status_code == 400 and 'aria-invalid="true"' in response.content.decode()
    assert not BoardReport.objects.exists()


@pytest.mark.parametrize("role,read,write", [
    ("manager", 200, True), ("auditor", 200, False), ("officer", 403, False), ("volunteer", 403, False),
    ("researcher", 403, False), ("committee", 403, False), ("branch_rep", 403, False),
])
def test_managers_issue_auditors_read_and_no_one_else_knows(client, staff, role, read, write):
    report = board_report.issue_report(_this_month(), by=staff["manager"])
    recommendation = board_report.record_recommendation(report, text="توصية", by=staff["manager"])
    client.force_login(staff[role])
    assert client.get("/indicators/board/").status_code == read
    assert client.get(f"/indicators/board/{report.pk}/").status_code == read
    pdf = client.get(f"/indicators/board/{report.pk}/report.pdf")
    assert pdf.status_code == read
    if read == 200:
        b"".join(pdf.streaming_content)
    issue = client.post("/indicators/board/", {"period": "g-y-2025"})
    recommend = client.post(f"/indicators/board/{report.pk}/recommend/", {"text": "أخرى"})
    publish = client.post(f"/indicators/board/recommendations/{recommendation.pk}/publish/")
    if write:
        assert (issue.status_code, recommend.status_code, publish.status_code) == (302, 302, 302)
        assert BoardReport.objects.count() == 2 and BoardRecommendation.objects.count() == 2
    else:
        assert (issue.status_code, recommend.status_code, publish.status_code) == (403, 403, 403)
        assert BoardReport.objects.count() == 1 and BoardRecommendation.objects.count() == 1
        assert not BoardRecommendation.objects.filter(published_at__isnull=False).exists()
    page = client.get("/indicators/board/").content.decode()
    if read == 200:
        assert ("إصدار التقرير" in page) == write


def test_a_published_recommendation_shows_on_the_statistics_page_and_an_unpublished_one_does_not(client, staff):
    report = board_report.issue_report(_this_month(), by=staff["manager"])
    client.force_login(staff["manager"])
    response = client.post(f"/indicators/board/{report.pk}/recommend/",
                           {"text": "رفع نسبة الاستجابة للاستبيان", "board_meeting": "الاجتماع الثالث"})
    assert response.status_code == 302
    kept = BoardRecommendation.objects.get()
    assert AuditEvent.objects.filter(event_type=EventType.BOARD_RECOMMENDATION_RECORDED, actor=staff["manager"],
                                     target_id=str(kept.pk)).exists()
    board_report.record_recommendation(report, text="توصية لم تنشر بعد", by=staff["manager"])
    client.logout()
    page = client.get("/statistics/").content.decode()
    assert "رفع نسبة الاستجابة" not in page and "توصيات مجلس الإدارة على نتائج قياس الرضا" not in page
    client.force_login(staff["manager"])
    assert client.post(f"/indicators/board/recommendations/{kept.pk}/publish/").status_code == 302
    assert AuditEvent.objects.filter(event_type=EventType.BOARD_RECOMMENDATION_PUBLISHED).count() == 1
    # Publishing twice changes nothing.
    client.post(f"/indicators/board/recommendations/{kept.pk}/publish/")
    assert AuditEvent.objects.filter(event_type=EventType.BOARD_RECOMMENDATION_PUBLISHED).count() == 1
    client.logout()
    page = client.get("/statistics/").content.decode()
    assert "توصيات مجلس الإدارة على نتائج قياس الرضا" in page
    assert "رفع نسبة الاستجابة للاستبيان" in page and "الاجتماع الثالث" in page
    assert "توصية لم تنشر بعد" not in page


def test_a_hostile_recommendation_is_refused_with_a_message(client, staff):
    report = board_report.issue_report(_this_month(), by=staff["manager"])
    client.force_login(staff["manager"])
    for text in ("", "\x00", "x" * 100_000, "توصية \u202e معكوسة"):
        response = client.post(f"/indicators/board/{report.pk}/recommend/", {"text": text})
        assert response.status_code == 400 and 'aria-invalid="true"' in response.content.decode()
    with pytest.raises(ActionRefused):
        board_report.record_recommendation(report, text="\u202eمعكوسة", by=staff["manager"])
    with pytest.raises(ActionRefused):
        board_report.record_recommendation(report, text="توصية", by=staff["auditor"])
    assert not BoardRecommendation.objects.exists()
    assert client.get("/indicators/board/999999/").status_code == 404
