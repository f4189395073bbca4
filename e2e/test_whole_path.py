"""The whole path of a request, in Arabic, in a real browser, on the demo association (`aoun`).

An officer logs a phone inquiry from an unknown caller, registers the caller as a
beneficiary, opens a support request, uploads and verifies every required document,
takes the declaration signed on the screen and submits the request to the committee;
the committee meets with its quorum and the chair records its approval; the officer completes the registration and delivers
a service. The request's timeline and the beneficiary's then show every step with
both calendars, and the applicant has had a message in Arabic at each step that concerns them.

Fields and buttons are found by their label and accessible name, as a screen reader
would find them: a field without a label or a button without a name fails the test.
"""

import datetime
import re
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from mustafid.demo.presets import DEMO_PASSWORD, DOCUMENT_TYPES
from mustafid.lib.hijri import format_gregorian, format_hijri, from_hijri, to_hijri
from mustafid.conftest import Outbox
from mustafid.lib.saudi import generate_national_id

pytestmark = pytest.mark.browser

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

CALLER = ["سالم", "أحمد", "علي", "الشهري"]
CALLER_MOBILE = "٠٥٠١٢٣٤٥٦٧"  # 0501234567 typed on an Arabic keyboard
BIRTH_HIJRI = "1410/05/12"
SUPPORT_TYPE = "دعم أسرة المتعافي"  # three documents: two with an expiry date, one without
TIMELINE_STEPS = [
    "استلام الطلب",
    "رفع مستند",
    "التحقق من مستند",
    "توقيع الإقرار",
    "رفع الطلب للجنة البحث",
    "قرار لجنة البحث",
    "استكمال التسجيل",
    "تقديم الخدمة",
]
# A tiny but real PDF: the app checks the file's first bytes, not its name.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
REQUIRES_EXPIRY = {name_ar: expiry for name_ar, _name_en, expiry in DOCUMENT_TYPES.values()}


def hijri_text(day, *, arabic_digits=False, suffix=""):
    """`day` as staff type it from a Hijri document: "1446/08/28", optionally "١٤٤٦/٠٨/٢٨ هـ"."""
    text = "{:04d}/{:02d}/{:02d}".format(*to_hijri(day)) + suffix
    return text.translate(ARABIC_INDIC) if arabic_digits else text


def status_message(page: Page, text):
    """The confirmation shown after an action (an alert with role=status)."""
    return page.get_by_role("status").filter(has_text=text)


def sign_in(page: Page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    expect(page.get_by_role("heading", name="تسجيل دخول الموظفين")).to_be_visible()
    page.get_by_label("اسم المستخدم").fill(username)
    page.get_by_label("كلمة المرور").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="دخول", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("أهلًا")


def sign_out(page: Page):
    page.get_by_role("button", name="خروج", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


def assert_arabic_page(page: Page):
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")


def assert_dual_date(time_element):
    """A <time class="dual-date">: a Gregorian date («م») and, in a .hijri span, the Hijri one («هـ»)."""
    expect(time_element.locator(".greg")).to_have_text(re.compile(r"^\d{1,2} [^\d()]+ \d{4} م$"))
    expect(time_element.locator(".hijri")).to_have_text(re.compile(r"^\(\d{1,2} [^\d()]+ 1[45]\d\d هـ\)$"))


def open_case_from_list(page: Page, reference):
    page.get_by_role("navigation", name="القائمة الرئيسية").get_by_role("link", name="طلبات الدعم").click()
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)


def test_whole_path_in_arabic(page: Page, live_server, tmp_path):
    base = live_server.url
    started = time.monotonic()
    today = timezone.localdate()
    national_id = generate_national_id("1", 4242)

    # --- The officer signs in through the form.
    sign_in(page, base, "officer")
    assert_arabic_page(page)
    # CSS loaded: the navigation bar has the app's colour.
    expect(page.locator(".app-nav")).to_have_css("background-color", "rgb(15, 95, 75)")

    # --- On a phone the home page does not scroll sideways, and Bootstrap's JS opens the menu.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "horizontal scroll at 390px"
    menu = page.get_by_role("button", name="فتح القائمة")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("navigation", name="القائمة الرئيسية").get_by_role("link", name="طلبات الدعم")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})

    # --- A phone inquiry from someone not registered; then register them from it.
    page.get_by_role("main").get_by_role("link", name="تسجيل تواصل").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("تسجيل تواصل")
    page.get_by_label("قناة التواصل").select_option(label="الاتصالات الهاتفية")
    page.get_by_label("نوع التواصل").select_option(label="استفسار")
    expect(page.get_by_role("radio", name="وارد من المستفيد")).to_be_checked()
    page.get_by_label("اسم المتواصل").fill(" ".join(CALLER))
    page.get_by_label("جوال المتواصل").fill(CALLER_MOBILE)
    page.get_by_label("الموضوع").fill("يستفسر عن برنامج دعم أسر المتعافين وشروطه")
    page.get_by_label("ما تم (الإجابة أو الإجراء)").fill("شُرحت له الشروط والمستندات المطلوبة")
    page.get_by_role("button", name="حفظ وتسجيل المتواصل كمستفيد").click()

    expect(status_message(page, "تم تسجيل التواصل.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("تسجيل مستفيد")
    expect(page.get_by_text("يرتبط هذا التسجيل بالتواصل")).to_be_visible()
    # The caller's name and mobile carry over from the contact.
    for label, part in zip(["الاسم الأول", "اسم الأب", "اسم الجد", "اسم العائلة"], CALLER):
        expect(page.get_by_label(label)).to_have_value(part)
    expect(page.get_by_label("رقم الجوال")).to_have_value(re.compile(r"501234567$"))
    for label, part in zip(["الاسم الأول", "اسم الأب", "اسم الجد", "اسم العائلة"], CALLER):
        page.get_by_label(label).fill(part)
    page.get_by_label("رقم الهوية الوطنية / الإقامة").fill(national_id)
    page.get_by_label("تاريخ الميلاد").fill(BIRTH_HIJRI)
    page.get_by_role("radio", name="ذكر").check()
    expect(page.get_by_label("الجنسية")).to_have_value("سعودي")
    page.get_by_label("الفئة").select_option(label="أسر المتعافين")
    page.get_by_label("المنطقة").select_option(label="عسير")
    page.get_by_label("المدينة").fill("خميس مشيط")
    page.get_by_role("button", name="حفظ", exact=True).click()

    full_name = " ".join(CALLER)
    expect(status_message(page, f"تم تسجيل المستفيد {full_name}.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(full_name)
    beneficiary_url = page.url
    birth = from_hijri(1410, 5, 12)
    expect(page.locator(f"time.dual-date[datetime='{birth.isoformat()}']")).to_be_visible()

    # --- A support request, received over the phone.
    page.get_by_role("link", name="طلب دعم جديد").click()
    page.get_by_label("نوع الدعم").select_option(label=SUPPORT_TYPE)
    page.get_by_label("قناة الاستلام").select_option(label="الاتصالات الهاتفية")
    page.get_by_label("وصف الحاجة").fill("أسرة متعافٍ بلا دخل ثابت تحتاج إلى دعم مالي لشهرين")
    page.get_by_role("button", name="استلام الطلب").click()
    expect(status_message(page, "تم استلام الطلب")).to_be_visible()
    reference = page.get_by_role("heading", level=1).locator("bdi").inner_text().strip()
    assert reference, "the request page shows no reference"
    case_url = page.url
    assert_arabic_page(page)

    # --- Every required document: a real PDF, dates typed in both calendars, then verified.
    pdf = tmp_path / "مستند.pdf"
    pdf.write_bytes(PDF_BYTES)
    document_select = page.get_by_role("combobox", name="المستند", exact=True)
    required = [
        text.strip() for text in document_select.locator("option").all_inner_texts() if text.strip() != "اختر المستند"
    ]
    assert len(required) == 3, required
    for index, document in enumerate(required):
        if not document_select.is_visible():  # the upload form folds away once a document is in
            page.locator("#documents summary").filter(has_text="رفع مستند").click()
        document_select.select_option(label=document)
        page.get_by_label("الملف (PDF أو صورة)").set_input_files(str(pdf))
        issued = today - datetime.timedelta(days=400 + 30 * index)
        if index % 2 == 0:
            page.get_by_label("تاريخ الإصدار").fill(hijri_text(issued))
        else:
            page.get_by_label("تاريخ الإصدار").fill(issued.isoformat())
        if REQUIRES_EXPIRY[document]:
            expires = today + datetime.timedelta(days=700)
            if index == 0:
                page.get_by_label("تاريخ الانتهاء").fill(hijri_text(expires, arabic_digits=True, suffix=" هـ"))
            else:
                page.get_by_label("تاريخ الانتهاء").fill(expires.strftime("%d/%m/%Y"))
        page.get_by_role("button", name="رفع المستند").click()
        expect(status_message(page, "تم رفع المستند وهو بانتظار التحقق.")).to_be_visible()
        row = page.locator("ul.checklist > li").filter(has_text=document)
        expect(row.locator(".doc-status")).to_have_text("بانتظار التحقق")

    for document in required:
        page.get_by_role("button", name=f"تحقق {document}", exact=True).click()
        expect(status_message(page, "تم التحقق من المستند.")).to_be_visible()
        expect(page.locator("ul.checklist > li").filter(has_text=document).locator(".doc-status")).to_have_text(
            "تم التحقق"
        )

    # --- The declaration, signed on the screen with the mouse.
    declaration = page.locator("#declaration")
    expect(declaration.get_by_label("اسم الموقّع")).to_have_value(full_name)
    expect(declaration.get_by_role("radio", name="توقيع على الشاشة")).to_be_checked()
    pad = declaration.get_by_role("img", name="توقيع مقدم الطلب")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 50, box
    page.mouse.move(box["x"] + 30, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 13):
        page.mouse.move(box["x"] + 30 + step * 20, box["y"] + box["height"] * (0.7 - 0.4 * (step % 2)), steps=3)
    page.mouse.up()
    expect(declaration.locator("input[name='signature']")).to_have_value(re.compile(r"^data:image/png;base64,.{200,}"))
    declaration.get_by_label("قرأت نص الإقرار على مقدم الطلب ووافق عليه").check()
    declaration.get_by_role("button", name="تسجيل الإقرار").click()
    expect(status_message(page, "تم تسجيل الإقرار.")).to_be_visible()
    expect(page.locator("#declaration .fingerprint-ok")).to_be_visible()

    # --- Submit to the committee: the decision is due in the policy's two weeks, shown in both calendars.
    page.get_by_role("button", name="رفع الطلب للجنة البحث").click()
    expect(status_message(page, "رُفع الطلب إلى لجنة البحث")).to_be_visible()
    due = timezone.localdate() + datetime.timedelta(days=14)
    due_date = page.locator(".decision-due time.dual-date")
    expect(due_date).to_have_attribute("datetime", due.isoformat())
    assert_dual_date(due_date)
    expect(due_date.locator(".greg")).to_have_text(format_gregorian(due))
    expect(due_date.locator(".hijri")).to_have_text(f"({format_hijri(due)})")
    expect(page.locator(".decision-due")).to_contain_text("مدة الرد")
    sign_out(page)

    # --- The committee decides as a body: the chair calls a meeting, records the quorum present and the approval.
    sign_in(page, base, "chair")
    page.get_by_role("navigation", name="القائمة الرئيسية").get_by_role("link", name="لجنة البحث").click()
    page.get_by_role("link", name="اجتماعات اللجنة").click()
    page.get_by_role("link", name="اجتماع جديد").click()
    page.get_by_label("تاريخ الاجتماع").fill(hijri_text(today))
    page.get_by_label("الوقت").fill("10:30")
    page.get_by_label("المكان").fill("مقر الجمعية")
    page.get_by_role("button", name="إنشاء الاجتماع").click()
    attendance = page.locator("#attendance form")
    attendance.get_by_label("فيصل العمري").check()
    attendance.get_by_label("عبدالله القحطاني").check()
    attendance.get_by_role("button", name="تسجيل الحضور").click()
    expect(page.locator("#quorum")).to_contain_text("النصاب مكتمل")
    item = page.locator("section.step[id^='item-']").filter(has_text=reference)
    item.get_by_text("تسجيل نتيجة الطلب").click()
    outcome = item.locator("form[action$='/outcome/']")
    outcome.get_by_label("مقبول", exact=True).check()
    outcome.get_by_label("الأسباب").fill("الأسرة مستوفية لشروط دعم أسر المتعافين والمستندات سارية")
    outcome.get_by_label("المبلغ (ريال)").fill("١٥٠٠")
    outcome.get_by_label("المدة (بالأشهر)").fill("٦")
    outcome.get_by_label("يبدأ من").fill(hijri_text(today))
    outcome.get_by_role("button", name="تسجيل النتيجة").click()
    expect(item.locator("[data-outcome]")).to_contain_text("القرار رقم")
    item.get_by_role("link", name="صفحة الطلب ومستنداته").click()
    expect(page.locator(".status")).to_have_text("مقبول")
    sign_out(page)

    # --- The officer completes the registration and records a service delivery.
    sign_in(page, base, "officer")
    open_case_from_list(page, reference)
    page.get_by_role("button", name="استكمال التسجيل").click()
    expect(status_message(page, "تم استكمال تسجيل المستفيد.")).to_be_visible()
    delivery = page.locator("#delivery")
    delivery.get_by_label("الخدمة").select_option(label="دعم مالي")
    delivery.get_by_label("المبلغ أو الكمية").fill("١٥٠٠")
    expect(delivery.get_by_label("تاريخ التقديم")).not_to_have_value("")
    delivery.get_by_role("button", name="تسجيل تقديم الخدمة").click()
    expect(status_message(page, "تم تسجيل تقديم الخدمة.")).to_be_visible()
    expect(delivery.get_by_role("table")).to_contain_text("دعم مالي")

    # --- The request's timeline: every step, each with a Gregorian and a Hijri date.
    expect(page).to_have_url(case_url)
    timeline = page.get_by_role("list", name="الخط الزمني")
    for step in TIMELINE_STEPS:
        rows = timeline.locator("> li").filter(has=page.locator("strong", has_text=re.compile(f"^{step}$")))
        expect(rows.first).to_be_visible()
        for i in range(rows.count()):
            assert_dual_date(rows.nth(i).locator(".when time.dual-date"))
    uploads = timeline.locator("> li").filter(has=page.locator("strong", has_text=re.compile("^رفع مستند$")))
    expect(uploads).to_have_count(len(required))
    verified = timeline.locator("> li").filter(has=page.locator("strong", has_text=re.compile("^التحقق من مستند$")))
    expect(verified).to_have_count(len(required))

    # --- The beneficiary's timeline shows the phone inquiry that started it all.
    page.goto(beneficiary_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(full_name)
    expect(page.get_by_text("مستفيد مسجل")).to_be_visible()
    contacts = page.get_by_role("list", name="الخط الزمني").locator("> li.timeline-contact")
    # The phone inquiry, and the committee's decision letter sent out as a letter.
    expect(contacts).to_have_count(2)
    expect(contacts.filter(has_text="الخطابات")).to_have_count(1)
    contact = contacts.filter(has_text="تواصل: استفسار")
    expect(contact).to_have_count(1)
    expect(contact).to_contain_text("تواصل: استفسار")
    expect(contact).to_contain_text("الاتصالات الهاتفية")
    expect(contact).to_contain_text("يستفسر عن برنامج دعم أسر المتعافين")
    assert_dual_date(contact.locator(".when time.dual-date"))

    # --- Without being asked, the applicant was told of every step: the worker sends the outbox through the
    # demo transport (one file per message), each in Arabic, to the caller's mobile, with the numbers and dates.
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", "--no-reload", verbosity=0)
    sent = Outbox(settings.MESSAGES_DIR).messages()
    assert [message["Template"] for message in sent] == [
        "request_received", "submitted", "decision_approved", "registered", "service_delivered",
    ], [message["Template"] for message in sent]
    assert {message["To"] for message in sent} == {"+966501234567"}
    assert {message["Channel"] for message in sent} == {"sms"} and {message["Language"] for message in sent} == {"ar"}
    texts = [message["text"] for message in sent]
    assert all(text.startswith("جمعية عون:") for text in texts), texts
    assert all(reference in text for text in texts[:3]), texts
    assert f"موعد القرار {format_hijri(due)} ({format_gregorian(due)})" in texts[1], texts[1]
    assert "وافقت لجنة البحث" in texts[2]
    assert "1500" in texts[4] and format_hijri(timezone.localdate()) in texts[4], texts[4]

    # --- English: the same page comes back, left-to-right.
    page.goto(case_url)
    page.get_by_role("button", name="English").click()
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")
    expect(html).to_have_attribute("dir", "ltr")
    expect(page).to_have_url(case_url)

    # --- No console error, CSP violation or failed request on the way.
    assert page.problems == [], page.problems
    print(f"\nwhole path walked in {time.monotonic() - started:.1f}s")
