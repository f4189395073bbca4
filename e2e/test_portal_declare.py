"""The beneficiary's own acts in a real browser at phone size (390×844): sign the declaration with a fresh code read
from the demo's messages folder, answer what the committee asked with a file from the picker, and change the mobile
with a code sent to the new number."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from mustafid.accounts.models import User
from mustafid.cases.models import Case, Status
from mustafid.conftest import PDF_BYTES, Outbox, case_at, make_beneficiary

from .axe import assert_accessible
from .test_portal import ARABIC_INDIC, PHONE, assert_fits_the_phone, send_the_outbox

pytestmark = pytest.mark.browser

NEW_MOBILE = "0551234567"


def latest_code(template, to):
    send_the_outbox()
    sent = [m for m in Outbox(settings.MESSAGES_DIR).messages() if m["Template"] == template and m["To"] == to]
    assert sent, f"no {template} message to {to}"
    text = sent[-1]["text"]
    assert "إدمان" not in text and "متعاف" not in text
    return re.search(r"\d{6}", text).group()


@pytest.fixture
def applicant(demo_association):
    officer, chair = User.objects.get(username="officer"), User.objects.get(username="chair")
    beneficiary = make_beneficiary(by=officer)
    ready = case_at("documents_complete", beneficiary=beneficiary, officer=officer, committee_member=chair)
    returned = case_at("returned", beneficiary=beneficiary, officer=officer, committee_member=chair)
    return beneficiary, ready, returned


def check(page):
    assert_fits_the_phone(page)
    assert_accessible(page)


def test_a_beneficiary_signs_answers_and_changes_the_mobile_on_a_phone(page: Page, live_server, applicant, tmp_path):
    beneficiary, ready, returned = applicant
    page.set_viewport_size(PHONE)
    base = live_server.url

    page.goto(f"{base}/portal/")
    page.get_by_label("رقم الهوية الوطنية أو الإقامة").fill(beneficiary.national_id)
    page.get_by_role("button", name="أرسل رمز الدخول").click()
    page.get_by_label("رمز الدخول").fill(latest_code("portal_code", beneficiary.mobile))
    page.get_by_role("button", name="دخول").click()
    expect(page.get_by_role("heading", level=1, name="طلباتي")).to_be_visible()

    # The declaration: the policy's words, the tick, the name as registered, a fresh code.
    page.goto(f"{base}/portal/requests/{ready.pk}/")
    page.get_by_role("link", name="توقيع الإقرار").click()
    expect(page.get_by_role("heading", level=1, name="توقيع الإقرار")).to_be_visible()
    check(page)
    page.get_by_label("اسمك الرباعي").fill("محمد عبدالله سعيد")
    page.get_by_label("أقر بصحة البيانات").check()
    page.get_by_role("button", name="أرسل رمز التأكيد").click()
    expect(page.get_by_text("الاسم لا يطابق اسمك المسجل")).to_be_visible()
    # The refused form answers 400 (it frees its once-token for the corrected one): that, and nothing else.
    assert page.problems and all("400" in problem and "/declare/" in problem for problem in page.problems)
    page.problems.clear()
    page.get_by_label("اسمك الرباعي").fill(beneficiary.full_name)
    page.get_by_label("أقر بصحة البيانات").check()
    page.get_by_role("button", name="أرسل رمز التأكيد").click()
    expect(page.get_by_role("heading", level=1, name="تأكيد توقيع الإقرار")).to_be_visible()
    check(page)
    page.get_by_label("رمز تأكيد الإقرار").fill(
        latest_code("portal_declare_code", beneficiary.mobile).translate(ARABIC_INDIC))
    page.get_by_role("button", name="توقيع الإقرار").click()
    expect(page.get_by_text("وقّعت الإقرار.")).to_be_visible()
    assert Case.objects.get(pk=ready.pk).status == Status.DECLARED

    # The committee's question: a file from the picker, then the note.
    page.goto(f"{base}/portal/requests/{returned.pk}/")
    page.get_by_role("link", name="الرد على لجنة البحث").click()
    expect(page.get_by_role("heading", level=1, name="الرد على لجنة البحث")).to_be_visible()
    check(page)
    upload = page.locator("form").filter(has=page.get_by_role("button", name="رفع الملف"))
    options = upload.get_by_label("المستند").locator("option")
    upload.get_by_label("المستند").select_option(index=1)
    assert options.count() > 1
    pdf = tmp_path / "عقد.pdf"
    pdf.write_bytes(PDF_BYTES)
    upload.get_by_label("الملف (PDF أو صورة)").set_input_files(str(pdf))
    expiry = upload.get_by_label("تاريخ الانتهاء")
    expiry.fill("2030-01-01")
    page.get_by_role("button", name="رفع الملف").click()
    expect(page.get_by_text("رُفع الملف.")).to_be_visible()
    page.get_by_label("ردك على ما طلبته اللجنة").fill("أرفقت عقد الإيجار الساري")
    page.get_by_role("button", name="إرسال الرد إلى اللجنة").click()
    expect(page.get_by_text("أُرسل ردك إلى لجنة البحث")).to_be_visible()
    assert Case.objects.get(pk=returned.pk).status == Status.WITH_COMMITTEE
    check(page)

    # A new mobile, confirmed by the code sent to it.
    old = beneficiary.mobile
    page.get_by_role("link", name="بيانات التواصل").click()
    expect(page.get_by_role("heading", level=1, name="بيانات التواصل")).to_be_visible()
    check(page)
    page.get_by_label("رقم الجوال").fill(NEW_MOBILE)
    page.get_by_role("button", name="حفظ").click()
    expect(page.get_by_role("heading", level=1, name="تأكيد رقم الجوال الجديد")).to_be_visible()
    check(page)
    page.get_by_label("رمز تأكيد الرقم الجديد").fill(latest_code("portal_mobile_code", "+966551234567"))
    page.get_by_role("button", name="تأكيد الرقم").click()
    expect(page.get_by_text("تغيّر رقم جوالك المسجل")).to_be_visible()
    send_the_outbox()
    notices = [m for m in Outbox(settings.MESSAGES_DIR).messages() if m["Template"] == "portal_mobile_changed"]
    assert len(notices) == 1 and notices[0]["To"] == old
    assert page.problems == [], page.problems
