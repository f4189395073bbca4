"""Applying from home in a real browser at phone size (390×844): the beneficiary signs in with the code read from the
demo's messages folder, chooses the support type, describes the need, picks the documents with the file picker (an
SVG is refused clearly first), sends, and sees the request's number and the expected decision date in both calendars;
the request's page lists the documents waiting for the staff, and the one «received» message leaves with the number.
(The officer's side: portal/tests/test_apply.py.)"""

import datetime
import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from mustafid.accounts.models import User
from mustafid.cases.models import Case, SupportType
from mustafid.conftest import PDF_BYTES, Outbox, make_beneficiary
from mustafid.lib.hijri import format_hijri

from .axe import assert_accessible
from .test_portal import PHONE, assert_fits_the_phone, send_the_outbox

pytestmark = pytest.mark.browser


@pytest.fixture
def newcomer(demo_association):
    return make_beneficiary(by=User.objects.get(username="officer"))


def sign_in(page: Page, base, beneficiary):
    page.goto(f"{base}/portal/")
    page.get_by_label("رقم الهوية الوطنية أو الإقامة").fill(beneficiary.national_id)
    page.get_by_role("button", name="أرسل رمز الدخول").click()
    expect(page.get_by_text("إذا كان الرقم مسجلًا لدينا فسيصلك رمز")).to_be_visible()
    send_the_outbox()
    codes = [m for m in Outbox(settings.MESSAGES_DIR).messages() if m["Template"] == "portal_code"]
    page.get_by_label("رمز الدخول").fill(re.search(r"\d{6}", codes[-1]["text"]).group())
    page.get_by_role("button", name="دخول").click()
    expect(page.get_by_role("heading", level=1, name="طلباتي")).to_be_visible()


def test_a_beneficiary_applies_from_a_phone_with_documents_and_sees_the_number_and_date(page: Page, live_server,
                                                                                       newcomer, tmp_path):
    support_type = SupportType.objects.filter(active=True, required_documents__isnull=False).distinct().first()
    documents = list(support_type.required_documents.all())
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(PDF_BYTES)
    svg = tmp_path / "scan.svg"
    svg.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    expires = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    page.set_viewport_size(PHONE)
    base = live_server.url
    sign_in(page, base, newcomer)

    page.get_by_role("link", name="تقديم طلب دعم جديد").click()
    expect(page.get_by_role("heading", level=1, name="طلب دعم جديد")).to_be_visible()
    assert_fits_the_phone(page)
    assert_accessible(page)
    page.get_by_role("button", name="التالي").click()
    expect(page.get_by_text("اختر نوع الدعم.").first).to_be_visible()
    assert page.problems and all("400" in problem for problem in page.problems), page.problems
    page.problems.clear()  # the unchosen type answered 400, as designed
    page.get_by_role("radio", name=re.compile(re.escape(str(support_type)))).check()
    page.get_by_role("button", name="التالي").click()

    expect(page.get_by_text("الخطوة 2 من 2")).to_be_visible()
    assert str(support_type) not in page.title()
    assert_fits_the_phone(page)
    assert_accessible(page)
    page.get_by_label("ما الذي تحتاجه؟").fill("أحتاج مساعدة في دفع إيجار البيت؛ انقطع دخلي منذ شهرين.")

    def pick(files):
        for document, path in zip(documents, files):
            page.get_by_label(str(document), exact=True).set_input_files(str(path))
            if document.requires_expiry:
                page.get_by_label(f"تاريخ انتهاء: {document}", exact=True).fill(expires)

    # An SVG (a picture that can carry a script) is refused by its content, beside its field; nothing is opened.
    pick([svg] + [pdf] * (len(documents) - 1))
    page.get_by_role("button", name="إرسال الطلب").click()
    expect(page.get_by_role("alert")).to_contain_text("نوع الملف غير مقبول")
    assert not Case.objects.filter(beneficiary=newcomer).exists()
    assert_accessible(page)
    assert page.problems and all("400" in problem for problem in page.problems), page.problems
    page.problems.clear()  # the refused file answered 400, as designed

    pick([pdf] * len(documents))
    page.get_by_role("button", name="إرسال الطلب").click()
    expect(page.get_by_role("heading", level=1, name="وصل طلبك")).to_be_visible()
    case = Case.objects.get(beneficiary=newcomer)
    expect(page.locator("[data-reference]")).to_have_text(case.reference)
    # The date it would give if the request were complete today, in both calendars.
    due = page.locator("[data-due] time")
    day = datetime.date.fromisoformat(due.get_attribute("datetime"))
    assert day > timezone.localdate()
    expect(due.locator(".hijri")).to_contain_text(format_hijri(day))
    expect(due.locator(".greg")).to_be_visible()
    assert_fits_the_phone(page)
    assert_accessible(page)
    assert case.documents.count() == len(documents) and case.received_by_kind == "beneficiary"

    # The request's page lists the documents as waiting for the staff; the message with the number is on its way.
    page.get_by_role("link", name=re.compile("^صفحة الطلب")).click()
    expect(page.get_by_text("وصل، وينتظر مراجعة الموظف").first).to_be_visible()
    assert_fits_the_phone(page)
    assert_accessible(page)
    send_the_outbox()
    received = [m for m in Outbox(settings.MESSAGES_DIR).messages() if m["Template"] == "request_received"]
    assert len(received) == 1 and case.reference in received[0]["text"]
    assert page.problems == [], page.problems
