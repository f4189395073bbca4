"""The beneficiary portal in a real browser at phone size (390×844): sign in with the national ID and the code read
from the demo's messages folder (the demo transport is the phone), follow one's requests, read what the committee
asks, download the decision letter, read one's messages, sign out."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Page, expect

from mustafid.accounts.models import User
from mustafid.conftest import Outbox, case_at, make_beneficiary

from .axe import assert_accessible

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SMALLEST = {"width": 320, "height": 640}
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.fixture
def applicant(demo_association):
    officer, chair = User.objects.get(username="officer"), User.objects.get(username="chair")
    beneficiary = make_beneficiary(by=officer)
    approved = case_at("approved", beneficiary=beneficiary, officer=officer, committee_member=chair)
    returned = case_at("returned", beneficiary=beneficiary, officer=officer, committee_member=chair)
    return beneficiary, approved, returned


def send_the_outbox():
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", "--no-reload", verbosity=0)


def open_phone(browser):
    """A second person's phone beside `page` (390x844, Arabic): (its context, to close; its page). Its
    `problems` gathers uncaught script errors and failed responses, as `page`'s do."""
    context = browser.new_context(viewport=PHONE, locale="ar-SA", timezone_id="Asia/Riyadh")
    context.set_default_timeout(15_000)
    phone = context.new_page()
    phone.problems = []
    phone.on("pageerror", lambda error: phone.problems.append(f"page error: {error}"))
    phone.on("response", lambda r: r.status >= 400 and phone.problems.append(f"HTTP {r.status}: {r.url}"))
    return context, phone


def assert_fits_the_phone(page: Page, screen=PHONE):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= screen["width"], f"the page is {width}px wide on a {screen['width']}px screen"
    title = page.title()
    assert "خدمات المستفيد" in title and "جمعية عون" in title and "إدمان" not in title and "متعاف" not in title


def test_a_beneficiary_signs_in_with_the_code_and_follows_their_requests_on_a_phone(page: Page, live_server,
                                                                                        applicant):
    beneficiary, approved, returned = applicant
    page.set_viewport_size(PHONE)
    base = live_server.url

    page.goto(f"{base}/portal/")
    expect(page.get_by_role("heading", name="الدخول إلى خدمات المستفيد")).to_be_visible()
    assert_fits_the_phone(page)
    assert_accessible(page)
    page.get_by_label("رقم الهوية الوطنية أو الإقامة").fill(beneficiary.national_id.translate(ARABIC_INDIC))
    page.get_by_role("button", name="أرسل رمز الدخول").click()
    expect(page.get_by_text("إذا كان الرقم مسجلًا لدينا فسيصلك رمز")).to_be_visible()
    assert_fits_the_phone(page)
    assert_accessible(page)

    # The phone: the demo transport's file for the beneficiary's mobile.
    send_the_outbox()
    codes = [m for m in Outbox(settings.MESSAGES_DIR).messages() if m["Template"] == "portal_code"]
    assert len(codes) == 1 and codes[0]["To"] == beneficiary.mobile
    code = re.search(r"\d{6}", codes[0]["text"]).group()
    assert "إدمان" not in codes[0]["text"] and "متعاف" not in codes[0]["text"]

    page.get_by_label("رمز الدخول").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="دخول").click()
    expect(page.get_by_text("الرمز غير صحيح")).to_be_visible()
    page.get_by_label("رمز الدخول").fill(code)
    page.get_by_role("button", name="دخول").click()

    expect(page.get_by_role("heading", level=1, name="طلباتي")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name=re.compile("^طلب رقم"))).to_have_count(2)
    expect(page.get_by_text("وافقت لجنة البحث على طلبك.")).to_be_visible()
    assert_fits_the_phone(page)
    assert_accessible(page)
    # The smallest phones in use (320 px) too.
    page.set_viewport_size(SMALLEST)
    assert_fits_the_phone(page, SMALLEST)
    page.set_viewport_size(PHONE)

    page.get_by_role("link", name=f"التفاصيل للطلب {returned.reference}").click()
    expect(page.get_by_role("heading", name="ما تطلبه منك لجنة البحث")).to_be_visible()
    expect(page.get_by_text("صورة عقد الإيجار الساري")).to_be_visible()
    expect(page.get_by_role("navigation", name="خطوات الطلب").locator('[aria-current="step"]')).to_contain_text(
        "قرار اللجنة")
    assert_fits_the_phone(page)
    assert_accessible(page)

    page.goto(f"{base}/portal/requests/{approved.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="تنزيل خطاب القرار (PDF)").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    assert_fits_the_phone(page)
    assert_accessible(page)

    page.get_by_role("link", name="رسائلي").click()
    expect(page.get_by_role("heading", name="رسائلي")).to_be_visible()
    expect(page.get_by_text(approved.reference).first).to_be_visible()
    expect(page.get_by_text("رمز الدخول إلى خدمات")).to_have_count(0)
    assert_fits_the_phone(page)
    assert_accessible(page)

    page.get_by_role("button", name="خروج", exact=True).click()
    expect(page.get_by_text("خرجت من خدمات المستفيد")).to_be_visible()
    page.goto(f"{base}/portal/requests/")
    expect(page.get_by_role("heading", name="الدخول إلى خدمات المستفيد")).to_be_visible()
    assert page.problems == [], page.problems
