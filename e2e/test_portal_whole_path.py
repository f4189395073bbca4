"""The whole path of a request applied for from home (issue 10), in a real browser, on the demo association.

The beneficiary, on a phone (390×844), signs in with the code read from the demo's messages folder, applies with the
documents picked from the file picker and sees the request's number and expected date; the officer, at a desk,
verifies the documents; the beneficiary signs the declaration with a code; the officer submits the request to the
committee; the chair holds a meeting with its quorum, the members vote and the chair returns the request for
information asked of the applicant; the beneficiary reads what is asked and uploads the answer; the request is back
with the committee, which approves it at a second meeting; the beneficiary reads the decision and downloads the
letter. Each step that concerns the beneficiary left its message in the transport's folder.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from mustafid.accounts.models import User
from mustafid.cases.models import Case, Status, SupportType
from mustafid.committee.models import Decision, Meeting
from mustafid.conftest import PDF_BYTES, Outbox, make_beneficiary
from mustafid.lib.hijri import format_hijri, to_hijri

from .axe import assert_accessible
from .test_committee_meeting import item, open_outcome, vote
from .test_portal import ARABIC_INDIC, assert_fits_the_phone, open_phone, send_the_outbox
from .test_portal_apply import sign_in as portal_sign_in
from .test_portal_declare import latest_code
from .test_whole_path import sign_in, sign_out, status_message

pytestmark = pytest.mark.browser


@pytest.fixture
def newcomer(demo_association):
    return make_beneficiary(by=User.objects.get(username="officer"))


def check(phone):
    assert_fits_the_phone(phone)
    assert_accessible(phone)


def templates_sent_to(beneficiary):
    send_the_outbox()
    return [m["Template"] for m in Outbox(settings.MESSAGES_DIR).messages() if m["To"] == beneficiary.mobile]


def hold_a_meeting(page: Page, base, case, votes):
    """The chair calls a meeting (today, typed in Hijri) with `case` on its agenda and records the quorum (the chair
    and one member); the chair, then the member, vote `votes`. Returns the meeting, the chair signed in on its page."""
    year, month, day = to_hijri(timezone.localdate())
    sign_in(page, base, "chair")
    page.goto(base + "/committee/meetings/new/")
    page.get_by_label("تاريخ الاجتماع").fill(f"{year}/{month:02d}/{day:02d}")
    page.get_by_label("الوقت").fill("١٠:٣٠")
    page.get_by_label("المكان").fill("قاعة الاجتماعات بالمقر الرئيسي")
    page.get_by_role("button", name="إنشاء الاجتماع").click()
    meeting = Meeting.objects.latest("pk")
    expect(page.get_by_role("heading", level=1)).to_contain_text(meeting.number)
    expect(item(page, case)).to_contain_text(case.reference)
    attendance = page.locator("#attendance form")
    attendance.get_by_label("فيصل العمري").check()
    attendance.get_by_label("عبدالله القحطاني").check()
    attendance.get_by_label("سارة الحربي").uncheck()
    attendance.get_by_role("button", name="تسجيل الحضور").click()
    expect(page.locator("#quorum")).to_contain_text("النصاب مكتمل")
    vote(page, case, votes)
    sign_out(page)
    sign_in(page, base, "committee")
    page.goto(base + meeting.get_absolute_url())
    vote(page, case, votes)
    sign_out(page)
    sign_in(page, base, "chair")
    page.goto(base + meeting.get_absolute_url())
    return meeting


def test_a_request_applied_for_from_a_phone_goes_the_whole_path_to_the_letter(page: Page, browser, live_server,
                                                                              newcomer, tmp_path):
    base = live_server.url
    support_type = SupportType.objects.filter(active=True, required_documents__isnull=False).distinct().first()
    documents = list(support_type.required_documents.all())
    pdf = tmp_path / "مستند.pdf"
    pdf.write_bytes(PDF_BYTES)
    expires = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    phone_context, phone = open_phone(browser)
    try:
        # --- The beneficiary signs in with the code and applies with the documents from the file picker.
        portal_sign_in(phone, base, newcomer)
        phone.get_by_role("link", name="تقديم طلب دعم جديد").click()
        phone.get_by_role("radio", name=re.compile(re.escape(str(support_type)))).check()
        phone.get_by_role("button", name="التالي").click()
        expect(phone.get_by_text("الخطوة 2 من 2")).to_be_visible()
        phone.get_by_label("ما الذي تحتاجه؟").fill("أحتاج مساعدة في دفع إيجار البيت؛ انقطع دخلي منذ شهرين.")
        for document in documents:
            phone.get_by_label(str(document), exact=True).set_input_files(str(pdf))
            if document.requires_expiry:
                phone.get_by_label(f"تاريخ انتهاء: {document}", exact=True).fill(expires)
        phone.get_by_role("button", name="إرسال الطلب").click()
        expect(phone.get_by_role("heading", level=1, name="وصل طلبك")).to_be_visible()
        case = Case.objects.get(beneficiary=newcomer)
        expect(phone.locator("[data-reference]")).to_have_text(case.reference)
        due = phone.locator("[data-due] time")
        day = datetime.date.fromisoformat(due.get_attribute("datetime"))
        assert day > timezone.localdate()
        expect(due.locator(".hijri")).to_contain_text(format_hijri(day))
        check(phone)
        assert case.documents.count() == len(documents) and case.received_by_kind == "beneficiary"
        assert "request_received" in templates_sent_to(newcomer)

        # --- The officer verifies the documents at a desk.
        sign_in(page, base, "officer")
        page.goto(base + case.get_absolute_url())
        for document in documents:
            page.get_by_role("button", name=f"تحقق {document}", exact=True).click()
            expect(status_message(page, "تم التحقق من المستند.")).to_be_visible()
        assert Case.objects.get(pk=case.pk).status == Status.DOCUMENTS_COMPLETE

        # --- The beneficiary signs the declaration with a code sent to the mobile.
        phone.goto(f"{base}/portal/requests/{case.pk}/")
        phone.get_by_role("link", name="توقيع الإقرار").click()
        expect(phone.get_by_role("heading", level=1, name="توقيع الإقرار")).to_be_visible()
        phone.get_by_label("اسمك الرباعي").fill(newcomer.full_name)
        phone.get_by_label("أقر بصحة البيانات").check()
        phone.get_by_role("button", name="أرسل رمز التأكيد").click()
        expect(phone.get_by_role("heading", level=1, name="تأكيد توقيع الإقرار")).to_be_visible()
        phone.get_by_label("رمز تأكيد الإقرار").fill(
            latest_code("portal_declare_code", newcomer.mobile).translate(ARABIC_INDIC))
        phone.get_by_role("button", name="توقيع الإقرار").click()
        expect(phone.get_by_text("وقّعت الإقرار.")).to_be_visible()
        check(phone)
        assert Case.objects.get(pk=case.pk).status == Status.DECLARED

        # --- The officer submits the request to the committee.
        page.goto(base + case.get_absolute_url())
        page.get_by_role("button", name="رفع الطلب للجنة البحث").click()
        expect(status_message(page, "رُفع الطلب إلى لجنة البحث")).to_be_visible()
        sign_out(page)
        case = Case.objects.get(pk=case.pk)

        # --- A meeting with its quorum: the members vote, the chair returns it for information from the applicant.
        first = hold_a_meeting(page, base, case, "إعادة لاستكمال المعلومات")
        form = open_outcome(page, case)
        form.get_by_label("معاد لاستكمال المعلومات").check()
        form.get_by_label("المعلومات المطلوبة (عند الإعادة)").fill("صورة عقد الإيجار الساري")
        form.get_by_role("button", name="تسجيل النتيجة").click()
        expect(item(page, case).locator("[data-outcome]")).to_contain_text("معاد لاستكمال المعلومات")
        assert Case.objects.get(pk=case.pk).status == Status.RETURNED
        sign_out(page)

        # --- The beneficiary reads what is asked and sends the answer with a file.
        phone.goto(f"{base}/portal/requests/{case.pk}/")
        asked = phone.locator(".portal-asked")
        expect(asked).to_contain_text("صورة عقد الإيجار الساري")
        check(phone)
        asked.get_by_role("link", name="الرد على لجنة البحث").click()
        expect(phone.get_by_role("heading", level=1, name="الرد على لجنة البحث")).to_be_visible()
        upload = phone.locator("form").filter(has=phone.get_by_role("button", name="رفع الملف"))
        upload.get_by_label("المستند").select_option(index=1)
        upload.get_by_label("الملف (PDF أو صورة)").set_input_files(str(pdf))
        upload.get_by_label("تاريخ الانتهاء").fill("2030-01-01")
        phone.get_by_role("button", name="رفع الملف").click()
        expect(phone.get_by_text("رُفع الملف.")).to_be_visible()
        phone.get_by_label("ردك على ما طلبته اللجنة").fill("أرفقت عقد الإيجار الساري")
        phone.get_by_role("button", name="إرسال الرد إلى اللجنة").click()
        expect(phone.get_by_text("أُرسل ردك إلى لجنة البحث")).to_be_visible()
        check(phone)
        assert Case.objects.get(pk=case.pk).status == Status.WITH_COMMITTEE

        # --- Back with the committee: a second meeting approves it.
        second = hold_a_meeting(page, base, case, "موافقة")
        assert second != first
        year, month, day_ = to_hijri(timezone.localdate())
        form = open_outcome(page, case)
        form.get_by_label("مقبول", exact=True).check()
        form.get_by_label("الأسباب").fill("الأسرة مستحقة بعد عقد الإيجار المقدم")
        amount = form.get_by_label("المبلغ (ريال)")
        if amount.count() and amount.is_visible():
            amount.fill("١٢٠٠")
        else:
            form.get_by_label("الكمية").fill("١")
        form.get_by_label("المدة (بالأشهر)").fill("٣")
        form.get_by_label("يبدأ من").fill(f"{year}/{month:02d}/{day_:02d}")
        form.get_by_role("button", name="تسجيل النتيجة").click()
        expect(item(page, case).locator("[data-outcome]")).to_contain_text("القرار رقم")
        decision = Decision.objects.get(case=case)
        assert decision.meeting == second and Case.objects.get(pk=case.pk).status == Status.APPROVED
        sign_out(page)

        # --- The beneficiary reads the decision and downloads the letter.
        phone.goto(f"{base}/portal/requests/{case.pk}/")
        section = phone.locator("section[aria-labelledby='decision']")
        expect(section).to_contain_text("وافقت اللجنة على طلبك.")
        expect(section).to_contain_text(decision.number)
        check(phone)
        link = section.get_by_role("link", name="تنزيل خطاب القرار (PDF)")
        response = phone.request.get(base + link.get_attribute("href"))
        assert response.ok and response.headers["content-type"].startswith("application/pdf")
        assert response.body().startswith(b"%PDF")

        # --- Each step that concerns the beneficiary left its message.
        sent = templates_sent_to(newcomer)
        for template in ("portal_code", "request_received", "portal_declare_code", "submitted",
                         "returned_for_information", "information_received", "decision_approved"):
            assert template in sent, (template, sent)
        assert sent.index("returned_for_information") < sent.index("information_received") < sent.index(
            "decision_approved")
        assert phone.problems == [], phone.problems
        assert page.problems == [], page.problems
    finally:
        phone_context.close()
