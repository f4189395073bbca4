"""The satisfaction survey in a real browser: the officer records a delivery; the survey's link arrives in the demo's
messages folder (the beneficiary's phone); on a phone (390×844) the beneficiary answers in a few taps without signing
in and is thanked; the manager sees the result and the follow-up a low rating opened, and closes it; the dashboard
and the board's period report (the PDF downloaded) count the answer."""

import hashlib
import io
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from mustafid.accounts.models import User
from mustafid.conftest import Outbox, case_at, make_beneficiary
from mustafid.feedback import actions as feedback

from .axe import assert_accessible
from .test_whole_path import sign_in, sign_out, status_message

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SMALLEST = {"width": 320, "height": 640}
SENSITIVE = ["إدمان", "متعاف", "سجين", "أرملة", "مطلقة", "دعم مالي"]


@pytest.fixture
def registered(demo_association):
    officer, chair = User.objects.get(username="officer"), User.objects.get(username="chair")
    feedback.save_survey(None, fields={"name": "استبيان الرضا", "trigger": "delivery", "active": True},
                         questions=feedback.default_questions(), by=User.objects.get(username="manager"))
    beneficiary = make_beneficiary(by=officer)
    return case_at("registered", beneficiary=beneficiary, officer=officer, committee_member=chair)


def send_the_outbox():
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", "--no-reload", verbosity=0)


def fits(page: Page, screen):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= screen["width"], f"the page is {width}px wide on a {screen['width']}px screen"


def test_a_delivery_brings_a_survey_answered_on_a_phone_and_the_manager_follows_up(page: Page, live_server,
                                                                                      registered):
    case, base = registered, live_server.url
    beneficiary = case.beneficiary

    # --- The officer records the delivery on the request page.
    sign_in(page, base, "officer")
    page.goto(f"{base}/cases/{case.pk}/")
    delivery = page.locator("#delivery")
    delivery.get_by_label("الخدمة").select_option(index=1)
    delivery.get_by_label("المبلغ أو الكمية").fill("١")
    delivery.get_by_role("button", name="تسجيل تقديم الخدمة").click()
    expect(status_message(page, "تم تسجيل تقديم الخدمة.")).to_be_visible()
    sign_out(page)

    # --- The phone: the survey's message in the demo transport's folder, with its link and nothing sensitive.
    send_the_outbox()
    invitations = [m for m in Outbox(settings.MESSAGES_DIR).messages() if m["Template"] == "survey_invitation"]
    assert len(invitations) == 1 and invitations[0]["To"] == beneficiary.mobile
    text = invitations[0]["text"]
    assert not any(word in text for word in SENSITIVE), text
    link = re.search(r"https?://\S+/s/[A-Za-z0-9_-]+/", text).group()
    path = urlsplit(link).path

    # --- The beneficiary answers on a phone, without signing in, counting every tap.
    page.set_viewport_size(PHONE)
    page.goto(f"{base}{path}")
    expect(page.get_by_role("heading", level=1, name="رأيك في خدمتنا")).to_be_visible()
    title = page.title()
    assert "مستفيد" in title and beneficiary.first_name not in title
    expect(page.get_by_text(beneficiary.first_name)).to_have_count(0)
    fits(page, PHONE)
    assert_accessible(page)
    page.set_viewport_size(SMALLEST)
    fits(page, SMALLEST)
    page.set_viewport_size(PHONE)
    taps = 0

    def tap(locator):
        nonlocal taps
        locator.click()
        taps += 1

    # Each answer is a large label (the radio inside the page, announced, but the label is what a finger taps).
    tap(page.locator("label.survey-option", has_text="غير راضٍ أبدًا"))
    expect(page.get_by_role("radio", name="غير راضٍ أبدًا")).to_be_checked()
    recommend = page.get_by_role("group", name=re.compile("أن توصي"))
    tap(recommend.locator("label.survey-option", has_text=re.compile("^3$")))
    expect(recommend.get_by_role("radio", name="3", exact=True)).to_be_checked()
    tap(page.get_by_role("group", name=re.compile("في الوقت المناسب")).locator("label.survey-option", has_text="لا"))
    tap(page.get_by_text("أرغب أن يتواصل معي أحد من الجمعية"))
    tap(page.get_by_role("button", name="إرسال"))
    assert taps <= 10
    expect(page.get_by_role("heading", name="شكرًا، وصلتنا إجابتك")).to_be_visible()
    fits(page, PHONE)
    assert_accessible(page)
    # The link is single use: opened again, it says thank you; it still fits the smallest phones.
    page.goto(f"{base}{path}")
    expect(page.get_by_role("heading", name="شكرًا، وصلتنا إجابتك")).to_be_visible()
    page.set_viewport_size(SMALLEST)
    fits(page, SMALLEST)

    # --- The manager: the follow-up the low rating opened, closed with a note; the result once shown.
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, "manager")
    page.get_by_role("navigation", name="القائمة الرئيسية").get_by_role("link", name="رأي المستفيدين").click()
    expect(page.get_by_role("heading", level=1, name="نتائج استبيانات الرضا")).to_be_visible()
    expect(page.locator("#answered")).to_contain_text("1")
    expect(page.locator("#below-threshold")).to_be_visible()
    page.get_by_role("link", name="مهام المتابعة").click()
    row = page.get_by_role("row").filter(has_text=beneficiary.first_name)
    expect(row).to_contain_text("تقييم منخفض وطلب التواصل")
    row.get_by_label("ما تم في المتابعة").fill("اتصلت بالمستفيد واعتذرت عن التأخير، وحُدد موعد جديد")
    row.get_by_role("button", name="تمت المتابعة").click()
    expect(status_message(page, "أُنجزت مهمة المتابعة.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=beneficiary.first_name)).to_have_count(0)
    # With the association's threshold at one answer, the figures show (names never do).
    page.get_by_role("link", name="الاستبيانات والإعدادات").click()
    page.get_by_role("link", name="الإعدادات", exact=True).last.click()
    page.get_by_label("الحد الأدنى للإجابات لعرض النتائج").fill("١")
    page.get_by_role("button", name="حفظ", exact=True).click()
    expect(status_message(page, "حُفظت إعدادات الاستبيانات.")).to_be_visible()
    page.get_by_role("link", name="نتائج الاستبيانات").click()
    expect(page.locator("#satisfaction")).to_have_text(re.compile(r"^\s*1[.,٫]0\s*$"))
    expect(page.locator("#nps")).to_contain_text("-100")
    expect(page.locator("main").get_by_text(beneficiary.full_name)).to_have_count(0)

    # --- The dashboard: this month's satisfaction row counts the answer (one invitation, one answer, score -100).
    page.get_by_role("navigation", name="القائمة الرئيسية").get_by_role("link", name="المؤشرات").click()
    month = page.locator("section#satisfaction tbody tr").first
    cells = month.locator("td")
    expect(cells.nth(0)).to_have_attribute("data-value", "1")
    expect(cells.nth(1)).to_have_attribute("data-value", "1")
    expect(cells.nth(4)).to_have_attribute("data-value", "-100")

    # --- The board's report of this month: issued once, its figures on the page and in the PDF downloaded.
    page.get_by_role("link", name="تقرير الفترة لمجلس الإدارة").click()
    today = timezone.localdate()
    page.get_by_label("الفترة").select_option(f"g-m-{today:%Y}-{today.month}")
    chosen = page.get_by_label("الفترة").locator("option:checked").inner_text()
    page.get_by_role("button", name="إصدار التقرير").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(chosen.strip())
    expect(page.locator('[data-figure="answered"]')).to_have_text("1")
    with page.expect_download() as download:
        page.get_by_role("link", name="تنزيل التقرير PDF").click()
    content = open(download.value.path(), "rb").read()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == page.locator("#sha256").inner_text().strip()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())
    assert "-100" in text, text
    assert beneficiary.full_name not in text and beneficiary.national_id not in text and beneficiary.mobile[-9:] not in text
    assert page.problems == [], page.problems
