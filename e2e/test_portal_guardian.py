"""A guardian acts for a beneficiary from a phone (390×844): the officer adds the guardian on the beneficiary's page;
the guardian signs in with their own ID and the code read from the demo's messages folder (sent to THEIR mobile),
chooses whom to act for, sees «تتصرف نيابة عن» on every page, follows the request; once the officer ends the
guardianship, the guardian's session is over at the next page."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from mustafid.accounts.models import User
from mustafid.audit.models import AuditEvent, EventType
from mustafid.beneficiaries.actions import add_guardian
from mustafid.beneficiaries.models import Guardian
from mustafid.conftest import Outbox, case_at, make_beneficiary
from mustafid.lib.saudi import generate_national_id

from .axe import assert_accessible
from .test_portal import ARABIC_INDIC, PHONE, SMALLEST, assert_fits_the_phone, open_phone, send_the_outbox
from .test_whole_path import sign_in, status_message

pytestmark = pytest.mark.browser

GUARDIAN_ID = generate_national_id("1", 44_000_001)
GUARDIAN_NAME = "سعد محمد الأحمدي"


@pytest.fixture
def family(demo_association):
    officer, chair = User.objects.get(username="officer"), User.objects.get(username="chair")
    father = make_beneficiary(by=officer, first_name="عبدالرحمن")
    son = make_beneficiary(by=officer, first_name="يوسف")
    returned = case_at("returned", beneficiary=son, officer=officer, committee_member=chair)
    # The same guardian already acts for his father (the same ID and mobile).
    add_guardian(father, by=officer, name=GUARDIAN_NAME, national_id=GUARDIAN_ID, mobile="0551112233",
                 relation="son")
    return father, son, returned


def test_a_guardian_acts_for_a_beneficiary_from_a_phone(page: Page, browser, live_server, family):
    father, son, returned = family
    base = live_server.url

    # --- The officer adds the guardian on the son's page (Arabic-Indic digits as typed on an Arabic keyboard).
    sign_in(page, base, "officer")
    page.goto(base + son.get_absolute_url())
    expect(page.get_by_role("heading", name="أولياء الأمور")).to_be_visible()
    page.get_by_text("إضافة ولي أمر", exact=True).click()
    page.get_by_label("اسم ولي الأمر").fill(GUARDIAN_NAME)
    page.get_by_label("رقم هوية ولي الأمر / إقامته").fill(GUARDIAN_ID.translate(ARABIC_INDIC))
    page.get_by_label("جوال ولي الأمر").fill("0551112233")
    page.get_by_label("صلته بالمستفيد").select_option("father")
    page.get_by_role("button", name="إضافة ولي الأمر").click()
    expect(status_message(page, "أُضيف ولي الأمر")).to_be_visible()
    expect(page.get_by_text(GUARDIAN_NAME)).to_be_visible()
    assert_accessible(page)
    guardian = Guardian.objects.get(beneficiary=son)

    # --- The guardian, on a phone, signs in with their own ID; the code goes to their own mobile.
    phone_context, phone = open_phone(browser)
    try:
        phone.goto(f"{base}/portal/")
        phone.get_by_label("رقم الهوية الوطنية أو الإقامة").fill(GUARDIAN_ID)
        phone.get_by_role("button", name="أرسل رمز الدخول").click()
        expect(phone.get_by_text("إذا كان الرقم مسجلًا لدينا فسيصلك رمز")).to_be_visible()
        send_the_outbox()
        codes = [m for m in Outbox(settings.MESSAGES_DIR).messages() if m["Template"] == "portal_code"]
        assert [m["To"] for m in codes] == ["+966551112233"]  # the guardian's, never the son's or the father's
        phone.get_by_label("رمز الدخول").fill(re.search(r"\d{6}", codes[0]["text"]).group())
        phone.get_by_role("button", name="دخول").click()

        # A guardian of two: whom to act for, by name only.
        expect(phone.get_by_role("heading", level=1, name="لمن تريد الدخول؟")).to_be_visible()
        assert_fits_the_phone(phone)
        assert_accessible(phone)
        phone.get_by_role("button", name=f"نيابة عن: {son.full_name}").click()

        expect(phone.get_by_role("heading", level=1, name="طلباتي")).to_be_visible()
        expect(phone.get_by_text("تتصرف نيابة عن: يوسف")).to_be_visible()
        assert_fits_the_phone(phone)
        assert_accessible(phone)
        phone.set_viewport_size(SMALLEST)
        assert_fits_the_phone(phone, SMALLEST)
        phone.set_viewport_size(PHONE)
        phone.get_by_role("link", name=f"التفاصيل للطلب {returned.reference}").click()
        expect(phone.get_by_role("heading", name="ما تطلبه منك لجنة البحث")).to_be_visible()
        expect(phone.get_by_text("تتصرف نيابة عن: يوسف")).to_be_visible()
        read = AuditEvent.objects.filter(event_type=EventType.CASE_VIEWED, target_id=str(returned.pk)).latest("pk")
        assert (read.actor_kind, read.actor_label) == ("guardian", GUARDIAN_NAME)

        # --- The officer ends the guardianship; the guardian's next page is the sign-in.
        page.goto(base + son.get_absolute_url())
        page.get_by_role("button", name=f"إلغاء صلاحية {GUARDIAN_NAME}").click()
        expect(status_message(page, "أُلغيت صلاحية ولي الأمر")).to_be_visible()
        assert not Guardian.objects.get(pk=guardian.pk).active
        phone.get_by_role("navigation", name="صفحات المستفيد").get_by_role("link", name="طلباتي").click()
        expect(phone.get_by_role("heading", name="الدخول إلى خدمات المستفيد")).to_be_visible()
        expect(phone.get_by_text("لم تعد قائمة")).to_be_visible()
        assert phone.problems == [], phone.problems
    finally:
        phone_context.close()
    assert page.problems == [], page.problems
