"""In a real browser: the manager adds a frequently asked question; on a phone (390×844, then 320 wide) a visitor finds
it on the public page as they type, spelled without the hamza; an officer logging an inquiry sees it as they type the
summary and puts its answer in «ما تم»; a visitor writing to the association from the portal sees it before sending."""

import re

import pytest
from playwright.sync_api import Page, expect

from mustafid.interactions.models import FaqEntry

from .axe import assert_accessible
from .test_whole_path import sign_in, sign_out

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SMALLEST = {"width": 320, "height": 640}
QUESTION = "هل أستطيع تعديل الإقرار بعد توقيعه؟"
ANSWER = "لا يُعدَّل الإقرار بعد توقيعه؛ إن تغيرت بياناتك فأبلغ الجمعية لتوقّع إقرارًا جديدًا."


def fits(page: Page, screen):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= screen["width"], f"the page is {width}px wide on a {screen['width']}px screen"


def test_a_question_added_by_the_manager_is_found_as_one_types_and_offered_to_officer_and_visitor(
        page: Page, live_server):
    base = live_server.url
    sign_in(page, base, "manager")
    page.goto(f"{base}/settings/")
    page.get_by_role("link", name="إدارة الأسئلة الشائعة").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("إدارة الأسئلة الشائعة")
    page.get_by_role("link", name="إضافة سؤال").click()
    page.locator("#id_question_ar").fill(QUESTION)
    page.locator("#id_answer_ar").fill(ANSWER)
    page.get_by_role("button", name="حفظ", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("أُضيف السؤال")
    # The list with its buttons fits the smallest phone.
    page.set_viewport_size(SMALLEST)
    fits(page, SMALLEST)
    page.set_viewport_size({"width": 1280, "height": 900})
    entry = FaqEntry.objects.get(question_ar=QUESTION)
    assert entry.published and entry.updated_by.username == "manager"
    sign_out(page)

    # A visitor on a phone: the public page, searched as they type, without the hamza.
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/policy/")
    page.get_by_role("contentinfo").get_by_role("link", name="الأسئلة الشائعة").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("الأسئلة الشائعة")
    fits(page, PHONE)
    assert_accessible(page)
    page.get_by_role("searchbox", name="ابحث في الأسئلة").press_sequentially("الاقرار", delay=40)
    expect(page.get_by_role("status").filter(has_text="فيه «الاقرار»")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name=QUESTION)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/faq/\?q="))
    assert page.locator(".faq-entry").count() == 1
    fits(page, PHONE)
    assert_accessible(page)
    page.set_viewport_size(SMALLEST)
    fits(page, SMALLEST)

    # The portal's «تواصل معنا»: the question suggested before the message is sent.
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/portal/contact/")
    page.get_by_label("نص الرسالة").press_sequentially("وقعت الاقرار وأريد تعديله", delay=20)
    suggestions = page.locator(".faq-suggest")
    expect(suggestions.get_by_text(QUESTION)).to_be_visible()
    expect(suggestions.get_by_role("status")).to_contain_text("قريب مما تكتب")
    fits(page, PHONE)
    assert_accessible(page)

    # An officer logging an inquiry by phone: the question offered as the summary is typed, its answer added.
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, "officer")
    page.goto(f"{base}/contacts/new/")
    page.get_by_label("الموضوع").press_sequentially("يسأل هل يعدل الإقرار", delay=20)
    box = page.locator(".faq-suggest")
    expect(box.get_by_text(QUESTION)).to_be_visible()
    expect(box.get_by_text(ANSWER)).to_be_visible()
    box.get_by_role("button", name="أضف الإجابة إلى «ما تم»").first.click()
    expect(page.get_by_label("ما تم (الإجابة أو الإجراء)")).to_have_value(ANSWER)
    expect(box.get_by_role("status")).to_have_text("أُضيفت الإجابة إلى «ما تم».")
    assert_accessible(page)
    # The Django admin's pages (the settings home) link no icon, so the browser asks for /favicon.ico.
    assert [problem for problem in page.problems if "/favicon.ico" not in problem] == []
