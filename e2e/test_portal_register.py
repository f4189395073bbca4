"""«التسجيل لأول مرة» in a real browser: a first-time applicant, on a phone (390×844), registers themselves (ID in
Arabic-Indic digits, the four names, the mobile confirmed by the code read from the demo's messages folder, a Hijri
birth date, the region), lands signed in with «بانتظار تحقق الموظف», and applies with a document; the officer, at a
desk, finds the registration on the home page «من بوابة المستفيد», sees the request wait, verifies the registration
with a category and the documents; the applicant signs the declaration with a code; the request goes to the committee.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mustafid.association.models import Region
from mustafid.beneficiaries.models import Beneficiary, Category
from mustafid.cases.models import Case, Status, SupportType
from mustafid.conftest import PDF_BYTES
from mustafid.lib.saudi import generate_national_id

from .axe import assert_accessible
from .test_portal import ARABIC_INDIC, PHONE, SMALLEST, assert_fits_the_phone, open_phone
from .test_portal_declare import latest_code
from .test_whole_path import sign_in, sign_out, status_message

pytestmark = pytest.mark.browser

NATIONAL_ID = generate_national_id("1", 44_400_123)
MOBILE = "0556667788"
E164 = "+966556667788"


def check(phone):
    assert_fits_the_phone(phone)
    assert_accessible(phone)


def test_a_first_time_applicant_registers_on_a_phone_applies_and_the_officer_verifies(
        page: Page, browser, live_server, demo_association, tmp_path):
    base = live_server.url
    support_type = SupportType.objects.filter(active=True, required_documents__isnull=False).distinct().first()
    documents = list(support_type.required_documents.all())
    pdf = tmp_path / "هوية.pdf"
    pdf.write_bytes(PDF_BYTES)
    expires = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    phone_context, phone = open_phone(browser)
    try:
        # --- The applicant registers from the sign-in page.
        phone.goto(f"{base}/portal/")
        phone.get_by_role("link", name="أول مرة؟ سجّل بياناتك").click()
        expect(phone.get_by_role("heading", level=1, name="التسجيل لأول مرة")).to_be_visible()
        check(phone)
        phone.set_viewport_size(SMALLEST)
        assert_fits_the_phone(phone, SMALLEST)
        phone.set_viewport_size(PHONE)
        phone.get_by_label("رقم الهوية الوطنية أو الإقامة").fill(NATIONAL_ID.translate(ARABIC_INDIC))
        phone.get_by_label("الاسم الأول").fill("هيفاء")
        phone.get_by_label("اسم الأب").fill("ناصر")
        phone.get_by_label("اسم الجد").fill("عبدالرحمن")
        phone.get_by_label("اسم العائلة").fill("الزهراني")
        phone.get_by_label("رقم الجوال").fill(MOBILE.translate(ARABIC_INDIC))
        phone.get_by_label("تاريخ الميلاد").fill("1410/05/20")
        phone.get_by_label("أنثى").check()
        phone.get_by_label("المنطقة").select_option(str(Region.objects.get(code="asir").pk))
        phone.get_by_label("المدينة").fill("أبها")
        phone.get_by_role("button", name="أرسل رمز التأكيد").click()

        expect(phone.get_by_role("heading", level=1, name="تأكيد رقم الجوال")).to_be_visible()
        check(phone)
        phone.get_by_label("رمز تأكيد الجوال").fill(latest_code("portal_register_code", E164).translate(ARABIC_INDIC))
        phone.get_by_role("button", name="تأكيد التسجيل").click()

        # --- Signed in, awaiting the officer; they apply with the documents from the file picker.
        expect(phone.get_by_role("heading", level=1, name="طلباتي")).to_be_visible()
        expect(phone.get_by_text("بيانات تسجيلك بانتظار تحقق الموظف")).to_be_visible()
        check(phone)
        person = Beneficiary.objects.get(national_id=NATIONAL_ID)
        assert person.awaiting_verification and person.category is None and person.created_by is None
        phone.get_by_role("link", name="تقديم طلب دعم جديد").click()
        phone.get_by_role("radio", name=re.compile(re.escape(str(support_type)))).check()
        phone.get_by_role("button", name="التالي").click()
        phone.get_by_label("ما الذي تحتاجه؟").fill("أحتاج مساعدة في دفع إيجار البيت.")
        for document in documents:
            phone.get_by_label(str(document), exact=True).set_input_files(str(pdf))
            if document.requires_expiry:
                phone.get_by_label(f"تاريخ انتهاء: {document}", exact=True).fill(expires)
        phone.get_by_role("button", name="إرسال الطلب").click()
        expect(phone.get_by_role("heading", level=1, name="وصل طلبك")).to_be_visible()
        case = Case.objects.get(beneficiary=person)

        # --- The officer: the registration on the home page, the request waiting, then verified.
        sign_in(page, base, "officer")
        registrations = page.locator(".awaiting-registrations")
        expect(registrations).to_contain_text("هيفاء ناصر عبدالرحمن الزهراني")
        expect(registrations).to_contain_text("من بوابة المستفيد")
        page.goto(base + case.get_absolute_url())
        for document in documents:
            page.get_by_role("button", name=f"تحقق {document}", exact=True).click()
            expect(status_message(page, "تم التحقق من المستند.")).to_be_visible()
        waiting = page.locator("#awaiting-verification")
        expect(waiting).to_contain_text("المستفيد بانتظار تحقق الموظف")
        expect(page.get_by_role("button", name="تسجيل الإقرار")).to_have_count(0)
        waiting.get_by_role("link", name="التحقق من بيانات المستفيد").click()
        verify = page.locator("#verify")
        expect(verify).to_contain_text("تسجيل ذاتي بانتظار تحقق الموظف")
        verify.get_by_label("الفئة").select_option(str(Category.objects.filter(active=True).first().pk))
        verify.get_by_role("button", name="اعتماد التسجيل").click()
        expect(status_message(page, "اعتُمد تسجيل")).to_be_visible()
        expect(page.locator(".awaiting-verification")).to_have_count(0)
        assert not Beneficiary.objects.get(pk=person.pk).awaiting_verification

        # --- The applicant signs the declaration with a code; the officer submits the request.
        phone.goto(f"{base}/portal/requests/{case.pk}/")
        expect(phone.get_by_text("بيانات تسجيلك بانتظار تحقق الموظف")).to_have_count(0)
        phone.get_by_role("link", name="توقيع الإقرار").click()
        phone.get_by_label("اسمك الرباعي").fill("هيفاء ناصر عبد الرحمن الزهراني")
        phone.get_by_label("أقر بصحة البيانات").check()
        phone.get_by_role("button", name="أرسل رمز التأكيد").click()
        phone.get_by_label("رمز تأكيد الإقرار").fill(latest_code("portal_declare_code", E164))
        phone.get_by_role("button", name="توقيع الإقرار").click()
        expect(phone.get_by_text("وقّعت الإقرار.")).to_be_visible()
        check(phone)

        page.goto(base + case.get_absolute_url())
        page.get_by_role("button", name="رفع الطلب للجنة البحث").click()
        expect(status_message(page, "رُفع الطلب إلى لجنة البحث")).to_be_visible()
        assert Case.objects.get(pk=case.pk).status == Status.WITH_COMMITTEE
        sign_out(page)
        assert phone.problems == [], phone.problems
    finally:
        phone_context.close()
