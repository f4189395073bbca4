"""In a real browser at phone size (390×844): the request page shows its stepper and the reader's next step,
which opens the step's form; nothing overflows the screen sideways."""

import pytest
from playwright.sync_api import Page, expect

from mustafid.accounts.models import User
from mustafid.conftest import case_at, make_beneficiary

from .test_whole_path import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def cases(demo_association):
    officer = User.objects.get(username="officer")
    chair = User.objects.get(username="chair")
    return {
        status: case_at(status, beneficiary=make_beneficiary(by=officer), officer=officer, committee_member=chair)
        for status in ("received", "declared", "with_committee")
    }


def assert_no_sideways_scroll(page: Page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px screen"


def assert_where_it_stands(page: Page, current_stage, next_step):
    stepper = page.get_by_role("navigation", name="مراحل الطلب")
    expect(stepper).to_be_visible()
    current = stepper.locator('[aria-current="step"]')
    expect(current).to_have_count(1)
    expect(current).to_contain_text(current_stage)
    expect(current).to_contain_text("الحالية")
    action = page.locator("[data-next-step]").first
    expect(action).to_have_text(next_step)
    expect(action).to_be_in_viewport()  # no scrolling to find what to do next
    assert_no_sideways_scroll(page)
    return action


def test_the_request_page_says_where_it_stands_and_what_comes_next_on_a_phone(page: Page, live_server, cases):
    page.set_viewport_size(PHONE)
    base = live_server.url
    sign_in(page, base, "officer")

    page.goto(base + cases["received"].get_absolute_url())
    action = assert_where_it_stands(page, "المستندات", "رفع مستند")
    action.click()
    expect(page.locator("#upload")).to_have_attribute("open", "")
    expect(page.locator("#upload select[name=document_type]")).to_be_visible()
    assert_no_sideways_scroll(page)

    page.goto(base + cases["declared"].get_absolute_url())
    action = assert_where_it_stands(page, "الرفع للجنة", "رفع الطلب للجنة البحث")
    action.click()
    expect(page.get_by_role("button", name="رفع الطلب للجنة البحث")).to_be_in_viewport()
    page.context.clear_cookies()  # signed out (the menu is folded at phone width)

    sign_in(page, base, "chair")
    page.goto(base + cases["with_committee"].get_absolute_url())
    expect(page.locator(".case-head .decision-due")).to_contain_text("المتبقي على الموعد")
    # No one decides alone: the next step says where the committee decides, and no decision form is offered.
    action = assert_where_it_stands(page, "القرار", "القرار في اجتماع اللجنة")
    action.click()
    expect(page.locator("#decision [data-pending-decision]")).to_be_in_viewport()
    expect(page.get_by_role("button", name="تسجيل القرار", exact=True)).to_have_count(0)
    assert_no_sideways_scroll(page)
    assert page.problems == []
