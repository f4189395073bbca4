"""In a real browser on a phone (390×844): the social researcher opens the referral, writes the research report during
the home visit (Hijri date and amounts typed in Arabic-Indic digits, one more income row, a photo of the house),
files it, and the request page shows the committee the recommendation and the totals."""

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from mustafid.accounts.models import User
from mustafid.cases.models import CaseEvent
from mustafid.conftest import case_at, make_beneficiary
from mustafid.research.actions import refer_to_researcher
from mustafid.research.models import ResearchReport

from .test_contacts_and_phone import PHONE, overflow
from .test_whole_path import sign_in, status_message

pytestmark = pytest.mark.browser


@pytest.fixture
def referral(demo_association):
    officer = User.objects.get(username="officer")
    beneficiary = make_beneficiary(by=officer, first_name="نواف")
    case = case_at("declared", beneficiary=beneficiary, officer=officer)
    return refer_to_researcher(case=case, researcher=User.objects.get(username="researcher"),
                               question="دراسة حالة الأسرة قبل الرفع للجنة", by=officer)


def house_photo(tmp_path):
    path = tmp_path / "house.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (180, 160, 120)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def no_sideways_scroll(page: Page):
    extra, _width, culprit = overflow(page)
    assert extra <= 0, f"the page scrolls sideways at 390px: {culprit}"


def test_a_researcher_files_a_report_on_a_phone(page: Page, live_server, referral, tmp_path):
    file_a_report_on_a_phone(page, live_server.url, referral, tmp_path)

    # The request page: the committee's summary, and the step on the timeline.
    page.get_by_role("link", name=referral.case.reference).click()
    panel = page.locator("#research-report")
    expect(panel).to_contain_text("التوصية بالقبول")
    expect(panel.locator("#per-capita")).to_contain_text("906.83")
    expect(page.locator("main")).to_contain_text("اعتماد تقرير البحث الاجتماعي")
    no_sideways_scroll(page)

    report = ResearchReport.objects.get(case=referral.case)
    assert report.is_filed and report.photos.count() == 1
    assert referral.case.events.filter(kind=CaseEvent.Kind.RESEARCH_FILED).count() == 1
    assert page.problems == []


def file_a_report_on_a_phone(page: Page, base, referral, tmp_path):
    """The researcher, signed in on a phone, writes the report of the home visit and files it (recommending approval).

    Also used by the committee's browser test (e2e/test_committee_flow.py)."""
    page.set_viewport_size(PHONE)
    sign_in(page, base, "researcher")
    page.goto(f"{base}/referrals/{referral.pk}/")
    page.get_by_role("link", name="تقرير البحث الاجتماعي").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("تقرير البحث الاجتماعي")
    no_sideways_scroll(page)

    page.get_by_label("تاريخ الزيارة").fill("١٤٤٧/٠٥/١٠")
    page.get_by_label("نوع الزيارة").select_option("home")
    page.get_by_label("القائم بالزيارة").fill("خالد الشهري")
    page.get_by_label("مكان الزيارة").fill("أبها، حي المنسك")
    members = page.locator("#members .report-row")
    members.nth(0).get_by_label("صلة القرابة").fill("زوجة")
    members.nth(0).get_by_label("العمر").fill("٣٨")
    members.nth(1).get_by_label("صلة القرابة").fill("ابن")
    members.nth(1).get_by_label("العمر").fill("١٢")
    incomes = page.locator("#incomes .report-row")
    incomes.nth(0).get_by_label("مصدر الدخل").select_option("social_security")
    incomes.nth(0).get_by_label("المبلغ الشهري (ريال)").fill("١٥٠٠")
    incomes.nth(1).get_by_label("مصدر الدخل").select_option("citizen_account")
    incomes.nth(1).get_by_label("المبلغ الشهري (ريال)").fill("٧٢٠٫٥٠")
    # Both empty income rows are used: «إضافة صف» saves the draft and brings more.
    page.locator("#incomes").get_by_role("button", name="إضافة صف").click()
    expect(status_message(page, "حُفظت مسودة التقرير")).to_be_visible()
    assert page.locator("#incomes .report-row").count() == 6
    page.locator("#incomes .report-row").nth(2).get_by_label("مصدر الدخل").select_option("rehabilitation")
    page.locator("#incomes .report-row").nth(2).get_by_label("المبلغ الشهري (ريال)").fill("٥٠٠")
    expenses = page.locator("#expenses .report-row")
    expenses.nth(0).get_by_label("بند المصروف").select_option("rent")
    expenses.nth(0).get_by_label("المبلغ الشهري (ريال)").fill("١٣٦٠")
    page.get_by_label("نوع السكن").select_option("apartment")
    page.get_by_label("ملكية السكن").select_option("rented")
    page.get_by_label("حالة السكن").select_option("poor")
    page.get_by_label("إضافة صورة للسكن").set_input_files(house_photo(tmp_path))
    page.get_by_label("الاحتياجات").fill("سداد الإيجار المتأخر")
    page.get_by_role("button", name="حفظ المسودة", exact=True).click()
    expect(status_message(page, "حُفظت مسودة التقرير")).to_be_visible()
    expect(page.get_by_role("img", name="صورة السكن 1")).to_be_visible()

    # Filing without a recommendation is refused with the reason, nothing lost.
    page.get_by_role("button", name="اعتماد التقرير").click()
    expect(page.get_by_role("alert")).to_contain_text("لا يعتمد التقرير قبل إكمال")
    # The refused form comes back as a 400 (the browser logs it too); nothing else went wrong.
    assert page.problems and all("400" in problem for problem in page.problems), page.problems
    page.problems.clear()
    page.get_by_label("التوصية", exact=True).select_option("approve")
    page.get_by_label("أسباب التوصية").fill("دخل الفرد أقل من حد الكفاية والإيجار نصف الدخل")
    no_sideways_scroll(page)
    page.get_by_role("button", name="اعتماد التقرير").click()
    expect(status_message(page, "اعتُمد تقرير البحث الاجتماعي")).to_be_visible()
    expect(page.locator("#report-state")).to_have_text("معتمد")
    # 1500 + 720.50 + 500 for three people (the applicant, the wife and the son); rent 1360 of 2720.50.
    expect(page.locator("#total-income")).to_contain_text("2720.5")
    expect(page.locator("#per-capita")).to_contain_text("906.83")
    expect(page.locator("#rent-share")).to_contain_text("50%")
    expect(page.get_by_role("button", name="اعتماد التقرير")).to_have_count(0)
    no_sideways_scroll(page)
