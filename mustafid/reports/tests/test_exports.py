"""Excel and CSV exports of the indicators and the staff lists: opened as a reader would open them."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from mustafid.audit.models import AuditEvent, EventType
from mustafid.conftest import make_beneficiary
from mustafid.interactions.actions import log_interaction
from mustafid.lib.saudi import mask_national_id
from mustafid.reports import exports


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def _workbook(response):
    assert response["Content-Type"] == exports.XLSX_TYPE
    assert "attachment" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(_body(response)))


def _csv_rows(response):
    body = _body(response)
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _header_row(sheet, first):
    return next(row for row in sheet.iter_rows(values_only=True) if row[0] == first)


def _exported(actor, name):
    return AuditEvent.objects.filter(event_type=EventType.LIST_EXPORTED, actor=actor, data__list=name).latest("pk")


def test_the_indicators_workbook_reads_right_to_left_with_numbers_as_numbers(client, make_case, staff):
    make_case("in_service")
    client.force_login(staff["manager"])
    book = _workbook(client.get("/indicators/?export=xlsx"))
    assert "الطلبات المستلمة حسب القناة" in book.sheetnames
    sheet = book["الطلبات المستلمة حسب القناة"]
    assert sheet.sheet_view.rightToLeft is True
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("الفترة:") and rows[2][0].startswith("التعريف:")
    assert rows[3] == ("القناة", "الطلبات", "النسبة %")
    assert rows[4] == ("الاتصالات الهاتفية", 1, 100)
    services = list(book["الخدمات المقدمة"].iter_rows(values_only=True))
    assert services[4][0] == "دعم مالي" and services[4][2] == 1 and services[4][3] == 500
    record = _exported(staff["manager"], "indicators")
    assert record.data["format"] == "xlsx" and record.data["results"] > 0 and record.data["period"].startswith("g-m-")


def test_the_indicators_csv_starts_with_a_bom(client, make_case, staff):
    make_case("received")
    client.force_login(staff["auditor"])
    rows = _csv_rows(client.get("/indicators/?export=csv"))
    assert ["القناة", "الطلبات", "النسبة %"] in rows
    assert ["الاتصالات الهاتفية", "1", "100.0"] in rows


def test_the_requests_export_has_dates_in_both_calendars_and_the_lists_filters(client, make_case, staff):
    received = make_case("received")
    approved = make_case("approved")
    client.force_login(staff["officer"])
    book = _workbook(client.get("/exports/cases/?status=approved&export=xlsx"))
    sheet = book.active
    assert sheet.sheet_view.rightToLeft is True
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("رقم الطلب", "المستفيد", "رقم الهوية")
    assert "تاريخ الاستلام" in header and "تاريخ الاستلام (هجري)" in header
    assert [row[0] for row in rows[1:]] == [approved.reference]
    day = rows[1][header.index("تاريخ الاستلام")]
    assert isinstance(day, datetime.datetime) and day.date() == timezone.localdate()
    assert rows[1][header.index("تاريخ الاستلام (هجري)")].endswith("هـ")
    assert rows[1][2] == approved.beneficiary.national_id
    assert received.reference not in str(rows)
    record = _exported(staff["officer"], "cases")
    assert record.data["status"] == "approved" and record.data["results"] == 1
    rows = _csv_rows(client.get("/exports/cases/?export=csv"))
    assert rows[0][0] == "رقم الطلب" and len(rows) == 3
    assert rows[1][rows[0].index("تاريخ الاستلام")] == timezone.localdate().isoformat()


def test_a_volunteers_exports_have_no_ids_and_no_mobiles(client, beneficiary, staff):
    volunteer = staff["volunteer"]
    log_interaction(channel="phone", direction="in", kind="inquiry", summary="سؤال عن الدعم", by=volunteer,
                    beneficiary=beneficiary)
    client.force_login(volunteer)
    rows = list(_workbook(client.get("/exports/beneficiaries/?export=xlsx")).active.iter_rows(values_only=True))
    assert "رقم الهوية" not in rows[0] and "الجوال" not in rows[0] and "الفئة" not in rows[0]
    text = str(rows)
    assert beneficiary.full_name in text
    assert beneficiary.national_id not in text and mask_national_id(beneficiary.national_id) not in text
    assert beneficiary.mobile[-9:] not in text
    rows = _csv_rows(client.get("/exports/contacts/?export=csv"))
    assert "الجوال" not in rows[0] and beneficiary.full_name in str(rows)
    assert beneficiary.mobile[-9:] not in str(rows)
    assert client.get("/exports/cases/").status_code == 403
    assert _exported(volunteer, "contacts").data["results"] == 1


def test_cells_are_guarded_against_formula_injection(client, beneficiary, officer):
    log_interaction(channel="phone", direction="in", kind="inquiry", summary='=HYPERLINK("http://x.test","اضغط")',
                    by=officer, beneficiary=beneficiary)
    client.force_login(officer)
    rows = _csv_rows(client.get("/exports/contacts/?export=csv"))
    summary = rows[1][rows[0].index("الموضوع")]
    assert summary.startswith("'=HYPERLINK")
    rows = list(_workbook(client.get("/exports/contacts/?export=xlsx")).active.iter_rows(values_only=True))
    assert rows[1][rows[0].index("الموضوع")].startswith("'=")


def test_the_registry_export_for_staff_who_see_ids(client, beneficiary, officer):
    client.force_login(officer)
    rows = list(_workbook(client.get("/exports/beneficiaries/")).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("رقم التسجيل", "الاسم", "رقم الهوية", "الجوال")
    assert rows[1][2] == beneficiary.national_id


def test_an_export_stops_at_its_cap_and_says_so(client, make_case, officer, monkeypatch):
    monkeypatch.setattr(exports, "MAX_ROWS", 2)
    for _n in range(3):
        make_case("received")
    client.force_login(officer)
    rows = _csv_rows(client.get("/exports/cases/?export=csv"))
    assert len(rows) == 4 and rows[-1][0].startswith("توقف الملف عند")
    assert _exported(officer, "cases").data == {**_exported(officer, "cases").data, "results": 2, "capped": True}


@pytest.mark.parametrize("role,status", [("committee", 200), ("auditor", 200), ("volunteer", 403)])
def test_the_requests_export_follows_the_lists_access(client, staff, role, status):
    client.force_login(staff[role])
    assert client.get("/exports/cases/?export=xlsx").status_code == status


def test_the_registry_export_takes_the_lists_saved_search(client, beneficiary, officer):
    other = make_beneficiary(by=officer, first_name="سلمان")
    client.force_login(officer)
    listed = client.post("/beneficiaries/", {"q": beneficiary.national_id})
    key = listed["Location"].split("s=")[1].split("&")[0]
    rows = list(_workbook(client.get(f"/exports/beneficiaries/?s={key}")).active.iter_rows(values_only=True))
    assert [row[2] for row in rows[1:]] == [beneficiary.national_id]
    assert other.national_id not in str(rows)
    assert _exported(officer, "beneficiaries").data["query"] == beneficiary.national_id


@pytest.mark.parametrize("path", ["/exports/cases/", "/exports/contacts/", "/exports/beneficiaries/"])
def test_an_export_makes_as_many_queries_for_30_rows_as_for_3(client, officer, staff, path):
    """No query per row: every export reads its rows and what `disclose` shows of each person in one pass."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mustafid.beneficiaries.models import Category
    from mustafid.conftest import open_case

    categories = list(Category.objects.order_by("pk")[:2])

    def add(n):
        for i in range(n):
            person = make_beneficiary(by=officer, category=categories[i % 2])
            open_case(person, officer)
            log_interaction(channel="phone", direction="in", kind="inquiry", summary="سؤال عن موعد", by=officer,
                            beneficiary=person)

    def queries():
        client.force_login(staff["manager"])
        with CaptureQueriesContext(connection) as captured:
            _body(client.get(path, {"format": "csv"}))
        return len(captured.captured_queries)

    add(3)
    queries()  # reads the copies of the offices, categories and regions each process keeps (lib/kept.py)
    few = queries()
    add(27)
    assert queries() == few
