"""In a real browser: the manager opens the indicators from the menu on a desktop and on a phone (390 wide); the
charts are drawn (right to left, under the strict CSP) beside tables with the same figures; the Excel export
downloads and reads right to left; without JavaScript the tables alone are the page."""

import io

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from mustafid.accounts.models import User
from mustafid.conftest import case_at, make_beneficiary

from .axe import assert_accessible
from .test_whole_path import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def fits(page: Page, screen):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= screen["width"], f"the page is {width}px wide on a {screen['width']}px screen"


def test_the_manager_reads_the_indicators_as_charts_and_tables_and_exports_them(page: Page, live_server, browser):
    officer, chair = User.objects.get(username="officer"), User.objects.get(username="chair")
    case_at("in_service", beneficiary=make_beneficiary(by=officer), officer=officer, committee_member=chair)
    base = live_server.url
    sign_in(page, base, "manager")
    page.get_by_role("link", name="المؤشرات").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("المؤشرات")
    channel = page.locator("table[data-canvas='opened_channel-chart']")
    expect(channel.locator("tbody tr").first).to_contain_text("الاتصالات الهاتفية")
    expect(channel.locator("tbody tr td").first).to_have_text("1")
    canvas = page.locator("#opened_channel-chart")
    expect(canvas).to_be_visible()
    expect(canvas).to_have_attribute("data-drawn", "true")
    assert canvas.bounding_box()["height"] > 50
    assert page.evaluate("Chart.getChart('opened_channel-chart').data.datasets[0].data") == [1]
    assert page.evaluate("Chart.getChart('opened_channel-chart').options.scales.x.reverse") is True
    expect(page.locator("[data-figure='cash']")).to_have_text("500")
    assert not page.problems, page.problems  # no CSP violation, no script error
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="تصدير Excel").click()
    book = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    sheet = book["الطلبات المستلمة حسب القناة"]
    assert sheet.sheet_view.rightToLeft is True
    assert ("الاتصالات الهاتفية", 1, 100) in list(sheet.iter_rows(values_only=True))

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator("#opened_channel-chart")).to_be_visible()
    fits(page, PHONE)
    assert_accessible(page)

    # Without JavaScript: the same figures, in the tables; no empty chart boxes.
    cookies = page.context.cookies()
    quiet = browser.new_context(viewport=PHONE, locale="ar-SA", java_script_enabled=False)
    try:
        quiet.add_cookies(cookies)
        bare = quiet.new_page()
        bare.goto(f"{base}/indicators/")
        expect(bare.locator("table[data-canvas='opened_channel-chart'] tbody tr td").first).to_have_text("1")
        expect(bare.locator("#opened_channel-chart")).to_be_hidden()
    finally:
        quiet.close()
