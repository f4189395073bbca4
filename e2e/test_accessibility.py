"""In a real browser: errors one can see and hear, dates read in both calendars, visible focus, the
current section in the menu, the sign-in page's password toggle, no layout shift, and axe-core's check.

Every page these tests (and the other browser tests) visit is also checked with axe-core at the end
of the test (e2e/conftest.py); the checks here look at the pages in the states that matter: a form
that failed, a panel that opened.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mustafid.accounts.models import User
from mustafid.committee.actions import create_meeting, record_attendance
from mustafid.conftest import case_at, make_beneficiary
from mustafid.demo.presets import DEMO_PASSWORD

from .axe import assert_accessible
from .test_whole_path import sign_in

pytestmark = pytest.mark.browser

REQUIRED = "هذا الحقل مطلوب."  # Django's message, in Arabic


def test_a_failed_registration_focuses_the_error_summary_and_each_error_is_read_with_its_field(page: Page, live_server):
    sign_in(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/beneficiaries/new/")
    expect(page.get_by_label("الاسم الأول")).to_be_focused()  # the first field, when the form opens
    page.get_by_label("تاريخ الميلاد").fill("1446/08/30")  # Sha'ban 1446 has 29 days
    page.get_by_role("button", name="حفظ", exact=True).click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_in_viewport()
    expect(summary.get_by_role("link", name=re.compile("^الاسم الأول: "))).to_be_visible()

    first_name = page.get_by_label("الاسم الأول")
    expect(first_name).to_have_attribute("aria-invalid", "true")
    expect(first_name).to_have_accessible_description(REQUIRED)
    expect(page.get_by_label("تاريخ الميلاد")).to_have_accessible_description(
        re.compile("التاريخ الهجري 1446/8/30 غير موجود في تقويم أم القرى")
    )
    # A line of the summary takes one to its field.
    summary.get_by_role("link", name=re.compile("^اسم العائلة: ")).click()
    expect(page.get_by_label("اسم العائلة")).to_be_focused()
    assert_accessible(page)
    # The refused form comes back with 400 (the app's answer to bad input); nothing else went wrong.
    assert [p for p in page.problems if "400" not in p and "ERR_ABORTED" not in p] == [], page.problems


def test_the_chair_who_records_an_empty_outcome_sees_the_error_at_once(page: Page, live_server, demo_association):
    officer = User.objects.get(username="officer")
    chair, member = User.objects.get(username="chair"), User.objects.get(username="committee")
    case = case_at("with_committee", beneficiary=make_beneficiary(by=officer), officer=officer)
    meeting = create_meeting(starts_at=timezone.now(), place="مقر الجمعية", invited=[chair, member], by=chair)
    record_attendance(meeting, present=[chair, member], by=chair)
    sign_in(page, live_server.url, "chair")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    item = page.locator(f"#item-{case.pk}")
    item.get_by_text("تسجيل نتيجة الطلب").click()
    item.get_by_role("button", name="تسجيل النتيجة").click()

    item = page.locator(f"#item-{case.pk}")
    summary = item.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()  # on a phone, far below the top of the page
    expect(item.locator("form[action$='/outcome/'] fieldset").first).to_have_accessible_description(REQUIRED)
    assert_accessible(page)


def test_a_date_reads_in_the_other_calendar_as_it_is_typed(page: Page, live_server):
    sign_in(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/beneficiaries/new/")
    birth = page.get_by_label("تاريخ الميلاد")
    reading = page.locator("#id_birth_date_reading")
    expect(reading).to_have_attribute("aria-live", "polite")
    # The hint reads in order: each example isolated left to right inside the Arabic sentence.
    expect(page.locator("#id_birth_date_helptext bdi")).to_have_text(["1446/08/28", "2025-02-27"])

    birth.press_sequentially("1446/08/28", delay=20)  # Hijri: the server converts
    expect(reading).to_have_text("يوافق: 27 فبراير 2025 م")
    birth.fill("")
    birth.press_sequentially("٢٠٢٥-٠٢-٢٧", delay=20)  # Gregorian, Arabic digits: the browser's Umm al-Qura
    expect(reading).to_have_text("يوافق: 28 شعبان 1446 هـ")
    birth.fill("")
    birth.press_sequentially("1446/08/30", delay=20)  # a typo caught before saving
    expect(reading).to_have_text("التاريخ الهجري 1446/8/30 غير موجود في تقويم أم القرى")
    expect(reading).to_have_class(re.compile(r"\btext-danger\b"))
    assert page.problems == [], page.problems


def test_focus_is_visible_on_menu_links_and_fields_and_the_menu_marks_the_current_section(page: Page, live_server):
    sign_in(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/beneficiaries/")
    nav = page.get_by_role("navigation", name="القائمة الرئيسية")
    current = nav.locator("[aria-current=page]")
    expect(current).to_have_count(1)
    expect(current).to_have_text("المستفيدون")

    link = nav.get_by_role("link", name="الرئيسية")
    link.focus()
    expect(link).to_have_css("outline-style", "solid")
    expect(link).to_have_css("outline-width", "3px")
    expect(link).to_have_css("color", "rgb(255, 255, 255)")  # white on the teal: 7.6:1

    search = page.get_by_role("searchbox").first
    search.focus()
    expect(search).to_have_css("outline-style", "solid")
    expect(search).to_have_css("outline-width", "3px")


def test_the_sign_in_page_focuses_the_user_name_and_can_show_the_password(page: Page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_label("اسم المستخدم")).to_be_focused()
    password = page.get_by_label("كلمة المرور")
    toggle = page.get_by_role("button", name="إظهار كلمة المرور")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    password.fill(DEMO_PASSWORD)
    toggle.click()
    expect(password).to_have_attribute("type", "text")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    toggle.click()
    expect(password).to_have_attribute("type", "password")
    assert_accessible(page)

    page.get_by_label("اسم المستخدم").fill("officer")
    password.fill("wrong password")
    page.get_by_role("button", name="دخول", exact=True).click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("اسم المستخدم أو كلمة المرور غير صحيحة.")
    assert_accessible(page)


CLS_SCRIPT = """() => new Promise((resolve) => {
  let cls = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) { if (!entry.hadRecentInput) { cls += entry.value; } }
  }).observe({ type: "layout-shift", buffered: true });
  setTimeout(() => resolve(cls), 1500);
})"""


def layout_shift(page: Page, url):
    page.goto(url, wait_until="load")
    return page.evaluate(CLS_SCRIPT)


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1366, "height": 768}])
def test_no_layout_shift_on_the_policy_the_sign_in_and_the_home_page(page: Page, live_server, viewport):
    page.set_viewport_size(viewport)
    page.context.clear_cookies()
    shifts = {
        "policy": layout_shift(page, f"{live_server.url}/policy/"),
        "sign-in": layout_shift(page, f"{live_server.url}/accounts/login/"),
    }
    page.get_by_label("اسم المستخدم").fill("officer")
    page.get_by_label("كلمة المرور").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="دخول", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("أهلًا")
    shifts["home"] = layout_shift(page, f"{live_server.url}/")
    print(f"\nCLS at {viewport['width']}x{viewport['height']}: {shifts}")
    assert all(value <= 0.1 for value in shifts.values()), shifts
