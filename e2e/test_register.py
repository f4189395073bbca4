"""On a phone (390×844): an officer logs a complaint taken by phone and reads its reference; the manager assigns it,
answers it and closes it; the sender gets the answer and the rating link by SMS (the demo transport's folder), rates
the handling 2 and asks for a second look; the item is back with the managers. A complaint about a staff member is
not seen by the officer who logged it."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from mustafid.conftest import Outbox
from mustafid.feedback.models import Feedback

from .axe import assert_accessible
from .test_portal import PHONE, send_the_outbox
from .test_whole_path import sign_in, sign_out

pytestmark = pytest.mark.browser


def leave(page: Page):
    """Sign out (the button is in the navigation, folded on a phone)."""
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_out(page)
    page.set_viewport_size(PHONE)


def assert_no_sideways_scroll(page: Page, screen=PHONE):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= screen["width"], f"the page is {width}px wide on a {screen['width']}px screen"


def test_a_complaint_by_phone_from_logging_to_the_second_look(page: Page, live_server):
    base = live_server.url
    page.set_viewport_size(PHONE)
    sign_in(page, base, "officer")
    page.goto(f"{base}/feedback/register/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("تسجيل شكوى أو اقتراح")
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    page.get_by_role("radio", name="شكوى").check()
    page.get_by_label("قناة الورود").select_option("phone")
    page.get_by_label("النص").fill("تأخر صرف السلة الغذائية ثلاثة أسابيع")
    page.get_by_label("اسم المرسل").fill("سارة")
    page.get_by_label("جوال المرسل").fill("0551234567")
    page.get_by_role("button", name="تسجيل", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("FB-")
    item = Feedback.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(item.reference)
    assert_no_sideways_scroll(page)
    leave(page)

    sign_in(page, base, "manager")
    page.goto(f"{base}/feedback/register/")
    page.get_by_role("link", name=item.reference).click()
    page.get_by_label("إسناد إلى").select_option(label="نورة العتيبي")
    page.get_by_role("button", name="إسناد", exact=True).click()
    expect(page.locator(".alert-success")).to_have_text("أُسند البند.")
    page.get_by_label("الرد على المرسل").fill("صُرفت السلة اليوم، ونعتذر عن التأخير.")
    page.get_by_role("button", name="حفظ الرد وإرساله").click()
    expect(page.locator(".alert-success")).to_have_text("حُفظ الرد.")
    page.get_by_role("button", name="إغلاق البند").click()
    expect(page.locator(".alert-success")).to_have_text("أُغلق البند.")
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    leave(page)

    send_the_outbox()
    sent = {m["Template"]: m for m in Outbox(settings.MESSAGES_DIR).messages()}
    assert "صُرفت السلة" in sent["feedback_answer"]["text"]
    link = re.search(r"https?://\S+/feedback/r/[^/\s]+/", sent["feedback_rating"]["text"]).group(0)
    page.goto(base + link[link.index("/feedback/r/"):])
    expect(page.get_by_role("heading", level=1)).to_have_text("تقييم معالجة رسالتك")
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    page.get_by_role("radio", name="2", exact=True).check()
    page.get_by_label("أطلب مراجعة ثانية، للسبب الآتي (اختياري)").fill("السلة ناقصة")
    page.get_by_role("button", name="إرسال").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("شكرًا لك")
    item.refresh_from_db()
    assert item.sender_rating == 2 and item.status == Feedback.Status.APPEALED


def test_a_complaint_about_a_colleague_leaves_the_officers_sight(page: Page, live_server):
    base = live_server.url
    page.set_viewport_size(PHONE)
    sign_in(page, base, "officer")
    page.goto(f"{base}/feedback/register/new/")
    page.get_by_role("radio", name="شكوى").check()
    page.get_by_label("قناة الورود").select_option("letter")
    page.get_by_label("النص").fill("تعامل غير لائق من الباحث")
    page.get_by_label("دون ذكر الاسم").check()
    page.get_by_label("الموظف المعني (إن كانت الشكوى عن موظف)").select_option(label="خالد الشهري")
    page.get_by_role("button", name="تسجيل", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("FB-")
    expect(page.get_by_role("heading", level=1)).to_have_text("سجل الشكاوى والمقترحات")
    item = Feedback.objects.get()
    assert item.confidential
    expect(page.get_by_text(item.reference, exact=False)).to_have_count(1)  # the confirmation only, not a row
