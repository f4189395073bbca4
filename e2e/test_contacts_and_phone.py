"""In a real browser: the contact form finds the caller by mobile and links the contact to them; at 390×844 no page
scrolls sideways (home of each role, the lists, a beneficiary's page, a request's page)."""

import pytest
from playwright.sync_api import Page, expect

from mustafid.accounts.models import User
from mustafid.conftest import make_beneficiary, open_case
from mustafid.interactions.models import Interaction

from .test_whole_path import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def caller(demo_association):
    return make_beneficiary(by=User.objects.get(username="officer"), first_name="هادي", mobile="+966551234567")


def test_the_contact_form_links_a_caller_found_by_mobile(page: Page, live_server, caller):
    sign_in(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/contacts/new/")
    page.get_by_label("ابحث عن المتواصل بالجوال أو الهوية أو الاسم").press_sequentially("0551234567", delay=20)
    expect(page.locator("#lookup-count")).to_contain_text("وُجد مستفيد واحد")
    page.get_by_label(caller.full_name, exact=False).check()
    page.get_by_label("قناة التواصل").select_option("phone")
    page.get_by_label("نوع التواصل").select_option("inquiry")
    page.get_by_label("الموضوع").fill("يسأل عن موعد الزيارة")
    page.get_by_role("button", name="حفظ", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}{caller.get_absolute_url()}")
    expect(page.locator("main")).to_contain_text("يسأل عن موعد الزيارة")
    assert Interaction.objects.get().beneficiary_id == caller.pk
    assert page.problems == []


def overflow(page: Page):
    """How far the page is wider than the screen (0: nothing scrolls sideways), and the widest culprit."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        let culprit = "";
        for (const el of document.querySelectorAll("body *")) {
            const box = el.getBoundingClientRect();
            if (box.right > width + 1 || box.left < -1) {
                if (!el.closest(".table-responsive") && !culprit) culprit = el.outerHTML.slice(0, 160);
            }
        }
        return [document.documentElement.scrollWidth - width, document.documentElement.scrollWidth, culprit];
    }""")


def test_no_page_scrolls_sideways_on_a_phone(browser, live_server, caller):
    officer = User.objects.get(username="officer")
    case = open_case(caller, officer)
    for _ in range(3):
        open_case(make_beneficiary(by=officer), officer)
    pages = {
        "officer": ["/", "/cases/", "/contacts/", "/contacts/new/", "/beneficiaries/", caller.get_absolute_url(),
                    case.get_absolute_url(), "/referrals/"],
        "manager": ["/", "/committee/", "/audit/"],
        "volunteer": ["/"],
    }
    wide = []
    for username, paths in pages.items():
        context = browser.new_context(viewport=PHONE, locale="ar-SA", timezone_id="Asia/Riyadh", is_mobile=True,
                                      has_touch=True)
        page = context.new_page()
        try:
            sign_in(page, live_server.url, username)
            for path in paths:
                response = page.goto(f"{live_server.url}{path}")
                assert response.status == 200, (username, path, response.status)
                _extra, scroll_width, culprit = overflow(page)
                if scroll_width > PHONE["width"]:
                    wide.append(f"{username} {path}: {scroll_width}px ({culprit})")
        finally:
            context.close()
    assert wide == []
