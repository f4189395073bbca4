"""On phones (390×844, then 320): a beneficiary writes from the portal; the officer finds it on the home under
«رسائل بانتظار الرد», answers it from the contact's page; the beneficiary gets the notice by SMS (the demo transport's
folder) and reads the answer in «تواصلي مع الجمعية». A visitor of the public form gets the answer itself by SMS."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from mustafid.accounts.models import User
from mustafid.conftest import Outbox, make_beneficiary
from mustafid.interactions.models import Interaction
from mustafid.portal import public

from .axe import assert_accessible
from .test_portal import PHONE, SMALLEST, assert_fits_the_phone, send_the_outbox
from .test_whole_path import sign_in

pytestmark = pytest.mark.browser


def assert_no_sideways_scroll(page: Page, screen=PHONE):
    """A staff page (the portal's check also reads the portal's title)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= screen["width"], f"the page is {width}px wide on a {screen['width']}px screen"


def portal_sign_in(page: Page, base, beneficiary):
    page.goto(f"{base}/portal/")
    page.get_by_label("رقم الهوية الوطنية أو الإقامة").fill(beneficiary.national_id)
    page.get_by_role("button", name="أرسل رمز الدخول").click()
    send_the_outbox()
    codes = [m for m in Outbox(settings.MESSAGES_DIR).messages() if m["Template"] == "portal_code"]
    page.get_by_label("رمز الدخول").fill(re.search(r"\d{6}", codes[-1]["text"]).group())
    page.get_by_role("button", name="دخول").click()
    expect(page.get_by_role("heading", level=1, name="طلباتي")).to_be_visible()


def test_the_officer_answers_a_portal_message_and_the_beneficiary_reads_it(page: Page, live_server,
                                                                            demo_association):
    officer = User.objects.get(username="officer")
    beneficiary = make_beneficiary(by=officer)
    base = live_server.url
    page.set_viewport_size(PHONE)
    portal_sign_in(page, base, beneficiary)
    page.goto(f"{base}/portal/contact/")
    page.get_by_label("استفسار").check()
    page.get_by_label("نص الرسالة").fill("متى موعد زيارة الباحث؟")
    page.get_by_role("button", name="أرسل", exact=True).click()
    expect(page.get_by_role("heading", name="وصلت رسالتك")).to_be_visible()
    contact = Interaction.objects.get(channel="website")
    page.context.clear_cookies()

    # The officer, on a phone too: the home's waiting messages, the contact's page, «الرد».
    sign_in(page, base, "officer")
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="رسائل بانتظار الرد")).to_be_visible()
    page.locator(".awaiting-answer").get_by_role("link", name=re.compile(beneficiary.first_name)).click()
    expect(page).to_have_url(f"{base}/contacts/{contact.pk}/")
    expect(page.locator("[data-recorded-by]")).to_have_text("المستفيد عبر البوابة")
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    page.get_by_role("textbox", name="الرد").fill("يزورك الباحث يوم الأحد القادم صباحًا.")
    page.get_by_role("button", name="إرسال الرد").click()
    expect(page.get_by_text("حُفظ الرد ووُضع في صندوق الإرسال إلى المرسل.")).to_be_visible()
    expect(page.locator("[data-answer]")).to_contain_text("يزورك الباحث يوم الأحد القادم صباحًا.")
    expect(page.locator("[data-answer]")).to_contain_text(officer.display_name)
    expect(page.get_by_role("textbox", name="الرد")).to_have_count(0)
    assert_accessible(page)
    page.set_viewport_size(SMALLEST)
    assert_no_sideways_scroll(page, SMALLEST)
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/contacts/?reply=waiting")
    expect(page.locator("main")).not_to_contain_text("متى موعد زيارة الباحث؟")

    send_the_outbox()
    notices = [m for m in Outbox(settings.MESSAGES_DIR).messages() if m["Template"] == "contact_answer_notice"]
    assert len(notices) == 1 and notices[0]["To"] == beneficiary.mobile
    assert "خدمات المستفيد" in notices[0]["text"] and "الأحد" not in notices[0]["text"]

    # The beneficiary reads it in «تواصلي مع الجمعية».
    page.context.clear_cookies()
    portal_sign_in(page, base, beneficiary)
    page.get_by_role("link", name="تواصلي مع الجمعية").first.click()
    card = page.locator("[data-contact]").filter(has_text="متى موعد زيارة الباحث؟")
    expect(card.locator("[data-answer]")).to_contain_text("يزورك الباحث يوم الأحد القادم صباحًا.")
    assert_fits_the_phone(page)
    assert_accessible(page)
    page.set_viewport_size(SMALLEST)
    assert_fits_the_phone(page, SMALLEST)


def test_a_visitor_of_the_public_form_gets_the_answer_by_sms(page: Page, live_server, demo_association):
    contact = public.send_contact(kind="inquiry", text="هل تقبلون المقيمين؟", name="سارة أحمد",
                                  mobile="+966551234567").contact
    base = live_server.url
    page.set_viewport_size(PHONE)
    sign_in(page, base, "officer")
    page.goto(f"{base}/contacts/?reply=waiting")
    page.get_by_role("link", name=re.compile("هل تقبلون المقيمين")).click()
    expect(page.locator("[data-recorded-by]")).to_have_text("النظام")
    page.get_by_role("textbox", name="الرد").fill("نعم، إن كانت الإقامة سارية.")
    page.get_by_role("button", name="إرسال الرد").click()
    expect(page.locator("[data-answer]")).to_contain_text("نعم، إن كانت الإقامة سارية.")
    send_the_outbox()
    sent = [m for m in Outbox(settings.MESSAGES_DIR).messages() if m["Template"] == "contact_answer"]
    assert len(sent) == 1 and sent[0]["To"] == "+966551234567"
    assert "نعم، إن كانت الإقامة سارية." in sent[0]["text"] and str(contact.pk) in sent[0]["text"]
