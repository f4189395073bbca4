"""Without signing in, on a phone (390×844): «تواصل معنا» sends an inquiry and shows its reference number, which
the officer then finds in the contacts list; «تتبع طلبي» shows a request's status after the code read from the demo's
messages folder (the demo transport is the phone), and nothing else of it."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from mustafid.accounts.models import User
from mustafid.conftest import Outbox, case_at, make_beneficiary
from mustafid.interactions.models import Interaction

from .axe import assert_accessible
from .test_portal import ARABIC_INDIC, PHONE, SMALLEST, assert_fits_the_phone, send_the_outbox

pytestmark = pytest.mark.browser


def test_a_visitor_sends_an_inquiry_and_tracks_a_request_on_a_phone(page: Page, live_server, demo_association):
    officer, chair = User.objects.get(username="officer"), User.objects.get(username="chair")
    beneficiary = make_beneficiary(by=officer)
    case = case_at("with_committee", beneficiary=beneficiary, officer=officer, committee_member=chair)
    page.set_viewport_size(PHONE)
    base = live_server.url

    page.goto(f"{base}/portal/contact/")
    expect(page.get_by_role("heading", name="تواصل معنا")).to_be_visible()
    assert_fits_the_phone(page)
    assert_accessible(page)
    page.get_by_label("الاسم").fill("سارة أحمد")
    page.get_by_label("رقم الجوال").fill("0551234567".translate(ARABIC_INDIC))
    page.get_by_label("استفسار").check()  # an inquiry is a contact (a suggestion goes to the register)
    page.get_by_label("نص الرسالة").fill("هل تستقبلون المراجعين في المساء؟")
    page.get_by_role("button", name="أرسل", exact=True).click()
    expect(page.get_by_role("heading", name="وصلت رسالتك")).to_be_visible()
    contact = Interaction.objects.get(channel="website")
    expect(page.locator("[data-number]")).to_have_text(str(contact.pk))
    assert_fits_the_phone(page)
    assert_accessible(page)
    assert contact.kind == "inquiry" and contact.contact_mobile == "+966551234567"

    # «تتبع طلبي»: the number as typed on a phone, then the code from the mobile on the request.
    page.goto(f"{base}/portal/track/")
    assert_fits_the_phone(page)
    assert_accessible(page)
    page.get_by_label("رقم الطلب").fill(case.reference)
    page.get_by_role("button", name="أرسل رمز المتابعة").click()
    expect(page.get_by_text("إذا كان رقم الطلب صحيحًا")).to_be_visible()
    assert_accessible(page)
    send_the_outbox()
    codes = [m for m in Outbox(settings.MESSAGES_DIR).messages() if m["Template"] == "portal_track_code"]
    assert len(codes) == 1 and codes[0]["To"] == beneficiary.mobile
    code = re.search(r"\d{6}", codes[0]["text"]).group()
    page.get_by_label("رمز المتابعة").fill(code.translate(ARABIC_INDIC))
    page.get_by_role("button", name="اعرض حالة الطلب").click()
    expect(page.get_by_role("heading", name=re.compile("حالة الطلب"))).to_be_visible()
    expect(page.locator("[data-status]")).to_have_text("طلبك لدى لجنة البحث لاتخاذ القرار.")
    expect(page.get_by_text("موعد القرار المتوقع")).to_be_visible()
    text = page.locator("main").inner_text()
    assert beneficiary.first_name in text and beneficiary.family_name not in text
    assert beneficiary.national_id not in text and "خطاب" not in text.replace("خطاب القرار ادخل", "")
    assert_fits_the_phone(page)
    assert_accessible(page)
    page.set_viewport_size(SMALLEST)
    assert_fits_the_phone(page, SMALLEST)


def test_a_signed_in_beneficiary_sends_a_complaint_and_reads_their_contacts_and_services(page: Page, live_server,
                                                                                       demo_association):
    from decimal import Decimal

    from django.utils import timezone

    from mustafid.services.actions import record_delivery
    from mustafid.services.models import Service

    officer, chair = User.objects.get(username="officer"), User.objects.get(username="chair")
    beneficiary = make_beneficiary(by=officer)
    case = case_at("registered", beneficiary=beneficiary, officer=officer, committee_member=chair)
    record_delivery(case, service=Service.objects.filter(measure="amount").first(), quantity=Decimal("500"),
                    delivered_on=timezone.localdate(), by=officer)
    page.set_viewport_size(PHONE)
    base = live_server.url
    page.goto(f"{base}/portal/")
    page.get_by_label("رقم الهوية الوطنية أو الإقامة").fill(beneficiary.national_id)
    page.get_by_role("button", name="أرسل رمز الدخول").click()
    send_the_outbox()
    sign_in = [m for m in Outbox(settings.MESSAGES_DIR).messages() if m["Template"] == "portal_code"]
    page.get_by_label("رمز الدخول").fill(re.search(r"\d{6}", sign_in[0]["text"]).group())
    page.get_by_role("button", name="دخول").click()
    expect(page.get_by_role("heading", level=1, name="طلباتي")).to_be_visible()

    page.get_by_role("link", name="تواصلي مع الجمعية").click()
    expect(page.get_by_role("heading", name="تواصلي مع الجمعية")).to_be_visible()
    assert_fits_the_phone(page)
    assert_accessible(page)
    page.locator("main").get_by_role("link", name="تواصل معنا").click()
    expect(page.get_by_label("الاسم")).to_have_count(0)  # their record answers for them
    page.get_by_label("شكوى").check()
    page.get_by_label("نص الرسالة").fill("لم يصلني رد على اتصالي.")
    page.get_by_role("button", name="أرسل", exact=True).click()
    # A complaint goes to the association's register, with its reference number and expected reply date.
    expect(page.get_by_role("heading", name="وصلت رسالتك")).to_be_visible()
    reference = page.locator("[data-reference]").inner_text().strip()
    assert re.fullmatch(r"FB-\d{4}-\d{5}", reference), reference
    expect(page.locator("[data-due]")).to_be_visible()
    page.get_by_role("link", name="تواصلي مع الجمعية").first.click()
    item = page.locator("[data-feedback]").filter(has_text="لم يصلني رد على اتصالي.")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(reference)
    assert_fits_the_phone(page)
    assert_accessible(page)

    page.get_by_role("link", name="الخدمات المقدمة").click()
    expect(page.locator("[data-delivery]")).to_have_count(1)
    expect(page.locator("[data-delivery]")).to_contain_text("500")
    assert_fits_the_phone(page)
    assert_accessible(page)
    page.set_viewport_size(SMALLEST)
    assert_fits_the_phone(page, SMALLEST)
