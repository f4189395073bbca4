"""In a real browser, on a phone: a visitor reads «إحصاءات المستفيدين» from the policy page's footer (a category of three
people shows «أقل من ٥»), reads a previous policy version; a manager notifies the beneficiaries of the version in force,
and a second click only says when it was sent."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mustafid.association.models import PolicyVersion
from mustafid.beneficiaries.models import Category
from mustafid.conftest import case_at, make_beneficiary
from mustafid.demo.loader import load_demo_staff
from mustafid.reports import public_stats
from mustafid.reports.models import PolicyNotice

from .axe import assert_accessible
from .test_whole_path import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SMALLEST = {"width": 320, "height": 640}


def fits(page: Page, screen):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= screen["width"], f"the page is {width}px wide on a {screen['width']}px screen"


def test_a_visitor_reads_the_statistics_and_a_manager_notifies_beneficiaries_of_the_policy(
        page: Page, live_server, demo_association):
    users = {user.username: user for user in load_demo_staff()}
    few, many = Category.objects.order_by("order", "pk")[:2]
    for category, count in ((few, 3), (many, 5)):
        for _n in range(count):
            case_at("registered", beneficiary=make_beneficiary(by=users["officer"], category=category),
                    officer=users["officer"], committee_member=users["chair"])
    old = PolicyVersion.objects.order_by("pk").first()
    old.effective_from = timezone.localdate() - datetime.timedelta(days=400)
    old.save()
    PolicyVersion.objects.create(
        association=demo_association, version="2.0", effective_from=timezone.localdate(), response_days=30,
        approved_on=timezone.localdate(), board_meeting="الجلسة الخامسة", channels=old.channels,
        general_goal_ar="الهدف العام للإصدار الثاني", detailed_goals_ar=old.detailed_goals_ar,
    )
    public_stats.refresh()
    base = live_server.url

    page.set_viewport_size(PHONE)
    page.goto(f"{base}/policy/")
    page.get_by_role("contentinfo").get_by_role("link", name="إحصاءات المستفيدين").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("إحصاءات المستفيدين")
    by_category = page.get_by_role("table", name="المستفيدون المسجلون حسب الفئة")
    expect(by_category.get_by_role("row", name=few.name_ar)).to_contain_text("أقل من ٥")
    expect(by_category.get_by_role("row", name=many.name_ar)).to_contain_text("نحو 5")
    expect(page.locator("#computed-at")).to_contain_text("آخر تحديث")
    fits(page, PHONE)
    assert_accessible(page)
    page.set_viewport_size(SMALLEST)
    fits(page, SMALLEST)

    # The previous version, as it was approved.
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/policy/")
    page.get_by_role("link", name=f"قراءة الإصدار {old.version}").click()
    expect(page.locator("#older-version")).to_be_visible()
    fits(page, PHONE)
    assert_accessible(page)

    # The manager notifies the beneficiaries of version 2.0: once.
    sign_in(page, base, "manager")
    page.goto(f"{base}/policy/")
    page.get_by_role("link", name="إشعار المستفيدين بالسياسة الجديدة").click()
    page.get_by_role("button", name="إشعار المستفيدين بالسياسة الجديدة").click()
    expect(page.locator(".alert-success")).to_contain_text("بدأ إرسال الإشعار")
    expect(page.get_by_role("button", name="إشعار المستفيدين بالسياسة الجديدة")).to_have_count(0)
    assert PolicyNotice.objects.get().policy.version == "2.0"
    fits(page, PHONE)
    assert_accessible(page)
