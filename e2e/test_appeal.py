"""In a real browser at phone size: the officer records a rejected applicant's appeal from the request page, and the
request is back on the committee's agenda marked «تظلم» with a new due date."""

import pytest
from playwright.sync_api import Page, expect

from mustafid.accounts.models import User
from mustafid.cases.models import Case
from mustafid.committee.models import Appeal
from mustafid.conftest import case_at, make_beneficiary

from .axe import assert_accessible
from .test_request_progress import PHONE, assert_no_sideways_scroll
from .test_whole_path import sign_in, sign_out

pytestmark = pytest.mark.browser

REASON = "فقد العائل عمله بعد القرار، ومعه خطاب إنهاء الخدمة"


@pytest.fixture
def rejected(demo_association):
    officer = User.objects.get(username="officer")
    chair = User.objects.get(username="chair")
    return case_at("rejected", beneficiary=make_beneficiary(by=officer), officer=officer, committee_member=chair)


def test_the_officer_files_an_appeal_on_a_phone_and_it_returns_to_the_agenda(page: Page, live_server, rejected):
    page.set_viewport_size(PHONE)
    base = live_server.url
    sign_in(page, base, "officer")
    page.goto(base + rejected.get_absolute_url())
    step = page.locator("[data-next-step]").first
    expect(step).to_have_text("تسجيل تظلم")
    step.click()
    panel = page.locator("#appeal")
    expect(panel).to_be_in_viewport()
    panel.get_by_role("link", name="تسجيل تظلم").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("تسجيل تظلم من قرار الرفض")
    expect(page.get_by_text(rejected.decisions.get().number)).to_be_visible()
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    page.get_by_label("سبب التظلم").fill(REASON)
    page.get_by_role("button", name="تسجيل التظلم").click()

    expect(page.locator(".messages")).to_contain_text("سُجّل التظلم")
    expect(page.locator("#appeal [data-appeal]")).to_contain_text(REASON)
    expect(page.locator("#appeal [data-appeal]")).to_contain_text("موعد القرار في التظلم")
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    assert Case.objects.get(pk=rejected.pk).status == "with_committee" and Appeal.objects.count() == 1

    page.set_viewport_size({"width": 1280, "height": 900})  # the menu's sign-out, unfolded
    sign_out(page)
    sign_in(page, base, "chair")
    page.set_viewport_size(PHONE)
    page.goto(base + "/committee/")
    row = page.locator("tr", has_text=rejected.reference)
    expect(row.locator("[data-appeal]")).to_have_text("تظلم")
    assert_no_sideways_scroll(page)
