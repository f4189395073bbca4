"""In a real browser: the manager rewords a message (a variable inserted by a click, the count and the preview follow
the typing) and an officer sends a beneficiary an appointment reminder typed with Arabic-Indic digits."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mustafid.accounts.models import User
from mustafid.conftest import make_beneficiary
from mustafid.interactions.models import Interaction
from mustafid.lib.hijri import format_gregorian
from mustafid.notifications.models import Message, MessageTemplate

from .test_whole_path import sign_in

pytestmark = pytest.mark.browser

ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_the_manager_rewords_a_message_with_a_live_count_and_preview(page: Page, live_server):
    sign_in(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/settings/")
    page.get_by_role("link", name="نصوص الرسائل").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("نصوص الرسائل")
    page.get_by_role("link", name="تعديل «استلام الطلب» (العربية)").click()

    body = page.get_by_label("نص الرسالة")
    body.fill("وصلنا طلبك رقم ")
    page.get_by_role("button", name="إدراج رقم الطلب").click()
    expect(body).to_have_value("وصلنا طلبك رقم {{ reference }}")
    expect(page.locator("#wording-count")).to_contain_text("طول النص كما يُكتب: 30 حرفًا")
    # The server's preview, as typed: the sample request number filled in.
    expect(page.locator("#wording-preview")).to_contain_text("وصلنا طلبك رقم 2026-00042")
    body.press_sequentially(" {{ refrence }}", delay=10)
    expect(page.locator("#wording-preview")).to_contain_text("متغير غير معروف: refrence")
    body.fill("وصلنا طلبك رقم {{ reference }}.")
    page.get_by_role("button", name="حفظ", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("حُفظ نص الرسالة «استلام الطلب»")
    assert MessageTemplate.objects.get(key="request_received", language="ar").body == "وصلنا طلبك رقم {{ reference }}."
    # The Django admin's pages (the settings home) link no icon, so the browser asks for /favicon.ico.
    assert [problem for problem in page.problems if "/favicon.ico" not in problem] == []


def test_an_officer_sends_an_appointment_reminder_typed_with_arabic_digits(page: Page, live_server):
    beneficiary = make_beneficiary(by=User.objects.get(username="officer"), first_name="هادي")
    day = timezone.localdate() + datetime.timedelta(days=4)
    sign_in(page, live_server.url, "officer")
    page.goto(f"{live_server.url}{beneficiary.get_absolute_url()}")
    page.get_by_role("link", name="إرسال رسالة").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("إرسال رسالة")

    page.get_by_label("تاريخ الموعد").fill(day.isoformat().translate(ARABIC_DIGITS))
    page.get_by_label("الوقت").fill("١٠:٣٠ ص")
    page.get_by_label("المكان").fill("مقر الجمعية بأبها")
    expect(page.locator("#send-preview")).to_contain_text(f"({format_gregorian(day)}) الساعة 10:30 ص في مقر الجمعية بأبها.")
    expect(page.locator("#send-preview")).to_contain_text("رسائل نصية")
    page.get_by_role("button", name="إرسال", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}{beneficiary.get_absolute_url()}")
    expect(page.locator(".alert-success")).to_contain_text("وُضعت الرسالة في صندوق الإرسال")
    message = Message.objects.get(template="appointment_reminder")
    assert message.recipient == beneficiary.mobile and "10:30 ص" in message.body
    assert Interaction.objects.get(beneficiary=beneficiary).direction == "out"
    assert page.problems == []
