"""The research committee from the home visit to the letters, in a real browser, in Arabic, on the demo association.

A researcher files the social research report on a phone; the officer submits that request to the committee,
where two more requests wait. The chair calls a meeting: with too few present it refuses to decide; with the
quorum present the members vote and the chair records an approval (the researched request), a rejection and a
return for information. The meeting's minutes and the decision letters download as PDF. The officer finds the
returned request on their home, records the applicant's answer, and the request is back on the committee's agenda
with its due date moved by the days the clock stood still.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mustafid.accounts.models import User
from mustafid.cases.models import Case, CaseEvent
from mustafid.committee.models import Decision, Meeting
from mustafid.conftest import case_at, make_beneficiary
from mustafid.lib.hijri import to_hijri
from mustafid.research.actions import refer_to_researcher

from .test_committee_meeting import item, open_outcome, vote
from .test_research_report import file_a_report_on_a_phone
from .test_whole_path import sign_in, sign_out, status_message

pytestmark = pytest.mark.browser

PAUSED_DAYS = 3


@pytest.fixture
def requests(demo_association):
    officer = User.objects.get(username="officer")
    chair = User.objects.get(username="chair")
    researched = case_at("declared", beneficiary=make_beneficiary(by=officer, first_name="نواف"), officer=officer)
    referral = refer_to_researcher(case=researched, researcher=User.objects.get(username="researcher"),
                                   question="دراسة حالة الأسرة قبل الرفع للجنة", by=officer)
    rejected, returned = (
        case_at("with_committee", beneficiary=make_beneficiary(by=officer, first_name=name), officer=officer,
                committee_member=chair)
        for name in ("رائد", "حمدان")
    )
    return referral, researched, rejected, returned


def back_date(case, *, submitted_days, paused_days):
    """As if the request had been submitted `submitted_days` ago and returned `paused_days` ago (the rows the clock
    reads are moved, as the clock's own tests do: no time travel)."""
    ago = datetime.timedelta(days=submitted_days)
    submitted = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.SUBMITTED)
    CaseEvent.objects.filter(pk=submitted.pk).update(at=submitted.at - ago)
    case = Case.objects.get(pk=case.pk)
    Case.objects.filter(pk=case.pk).update(submitted_at=case.submitted_at - ago,
                                           decision_due_on=case.decision_due_on - ago)
    CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.RETURNED).update(
        at=timezone.now() - datetime.timedelta(days=paused_days))
    Case.objects.filter(pk=case.pk).update(clock_paused_on=timezone.localdate() - datetime.timedelta(days=paused_days))
    return Case.objects.get(pk=case.pk)


def pdf_of(page: Page, base, link):
    """The file a link gives, fetched with the page's session; its bytes."""
    response = page.request.get(base + link.get_attribute("href"))
    assert response.ok, response.status
    assert response.headers["content-type"].startswith("application/pdf")
    return response.body()


def test_the_committee_from_the_home_visit_to_the_letters_and_back(page: Page, live_server, requests, tmp_path):
    referral, approved, rejected, returned = requests
    base = live_server.url
    year, month, day = to_hijri(timezone.localdate())

    # --- The researcher files the report during the home visit, on a phone.
    file_a_report_on_a_phone(page, base, referral, tmp_path)
    page.context.clear_cookies()  # signed out (the menu is folded at phone width)

    # --- The officer submits the researched request to the committee.
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, "officer")
    page.goto(base + approved.get_absolute_url())
    page.get_by_role("button", name="رفع الطلب للجنة البحث").click()
    expect(status_message(page, "رُفع الطلب إلى لجنة البحث")).to_be_visible()
    sign_out(page)

    # --- The chair calls a meeting; the three requests make its agenda, the report's recommendation beside one.
    sign_in(page, base, "chair")
    page.goto(base + "/committee/meetings/new/")
    page.get_by_label("تاريخ الاجتماع").fill(f"{year}/{month:02d}/{day:02d}")
    page.get_by_label("الوقت").fill("١٠:٣٠")
    page.get_by_label("المكان").fill("قاعة الاجتماعات بالمقر الرئيسي")
    page.get_by_role("button", name="إنشاء الاجتماع").click()
    meeting = Meeting.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(meeting.number)
    for case in (approved, rejected, returned):
        expect(item(page, case)).to_contain_text(case.reference)
    expect(item(page, approved)).to_contain_text("دخل الفرد أقل من حد الكفاية")

    # Only the chair present: too few. The meeting refuses to decide and says why; nothing changes.
    attendance = page.locator("#attendance form")
    attendance.get_by_label("فيصل العمري").check()
    attendance.get_by_label("عبدالله القحطاني").uncheck()
    attendance.get_by_label("سارة الحربي").uncheck()
    attendance.get_by_role("button", name="تسجيل الحضور").click()
    expect(page.locator("#quorum")).to_contain_text("النصاب غير مكتمل")
    form = open_outcome(page, rejected)
    form.get_by_label("مرفوض", exact=True).check()
    form.get_by_label("الأسباب").fill("دخل الأسرة الشهري يتجاوز الحد المعتمد")
    form.get_by_label("سبب الرفض").select_option(label="الدخل يتجاوز الحد المعتمد لنوع الدعم")
    form.get_by_role("button", name="تسجيل النتيجة").click()
    expect(page.get_by_role("alert").first).to_contain_text("لم يكتمل نصاب الاجتماع")
    assert Case.objects.get(pk=rejected.pk).status == "with_committee" and not Decision.objects.exists()
    refused = f"/committee/meetings/{meeting.pk}/cases/{rejected.pk}/outcome/"
    assert page.problems and all(refused in problem and "400" in problem for problem in page.problems)
    page.problems.clear()

    # The chair and a member: the quorum. Both vote on each request.
    page.goto(base + meeting.get_absolute_url())
    attendance = page.locator("#attendance form")
    attendance.get_by_label("عبدالله القحطاني").check()
    attendance.get_by_role("button", name="تسجيل الحضور").click()
    expect(page.locator("#quorum")).to_contain_text("النصاب مكتمل")
    vote(page, approved, "موافقة")
    vote(page, rejected, "رفض")
    vote(page, returned, "إعادة لاستكمال المعلومات")
    sign_out(page)
    sign_in(page, base, "committee")
    page.goto(base + meeting.get_absolute_url())
    vote(page, approved, "موافقة")
    vote(page, rejected, "رفض")
    vote(page, returned, "إعادة لاستكمال المعلومات")
    expect(item(page, approved).locator("[data-votes]")).to_contain_text("موافقة 2")
    sign_out(page)

    # --- The chair records the committee's outcomes: an approval, a rejection, a return for information.
    sign_in(page, base, "chair")
    page.goto(base + meeting.get_absolute_url())
    form = open_outcome(page, approved)
    form.get_by_label("مقبول", exact=True).check()
    form.get_by_label("الأسباب").fill("الأسرة مستحقة وفق تقرير البحث الاجتماعي")
    form.get_by_label("المبلغ (ريال)").fill("١٣٦٠")
    form.get_by_label("المدة (بالأشهر)").fill("٦")
    form.get_by_label("يبدأ من").fill(f"{year}/{month:02d}/{day:02d}")
    form.get_by_role("button", name="تسجيل النتيجة").click()
    expect(item(page, approved).locator("[data-outcome]")).to_contain_text("القرار رقم")

    form = open_outcome(page, rejected)
    form.get_by_label("مرفوض", exact=True).check()
    form.get_by_label("الأسباب").fill("دخل الأسرة الشهري يتجاوز الحد المعتمد")
    form.get_by_label("سبب الرفض").select_option(label="الدخل يتجاوز الحد المعتمد لنوع الدعم")
    form.get_by_role("button", name="تسجيل النتيجة").click()
    expect(item(page, rejected).locator("[data-outcome]")).to_contain_text("مرفوض")

    form = open_outcome(page, returned)
    form.get_by_label("معاد لاستكمال المعلومات").check()
    form.get_by_label("المعلومات المطلوبة (عند الإعادة)").fill("صورة عقد الإيجار الساري")
    form.get_by_role("button", name="تسجيل النتيجة").click()
    expect(item(page, returned).locator("[data-outcome]")).to_contain_text("معاد لاستكمال المعلومات")
    assert [Case.objects.get(pk=c.pk).status for c in (approved, rejected, returned)] == [
        "approved", "rejected", "returned"]

    # --- The meeting's minutes download as PDF from the meeting's page.
    minutes = page.get_by_role("link", name="تنزيل المحضر (PDF)")
    assert pdf_of(page, base, minutes).startswith(b"%PDF")

    # --- The decision letters download as PDF from each request's page.
    for case in (approved, rejected):
        decision = Decision.objects.get(case=case)
        assert decision.meeting == meeting
        page.goto(base + case.get_absolute_url())
        expect(page.locator("#decision")).to_contain_text(decision.number)
        link = page.locator("#decision-letters").get_by_role("link", name=f"تنزيل خطاب القرار رقم {decision.number}")
        assert pdf_of(page, base, link).startswith(b"%PDF")
    sign_out(page)

    # --- The applicant answers after PAUSED_DAYS days: the officer sees the request on the home and records it.
    returned = back_date(returned, submitted_days=10, paused_days=PAUSED_DAYS)
    due_before = returned.decision_due_on
    sign_in(page, base, "officer")
    home_list = page.locator(".returned-list")
    expect(home_list).to_contain_text(returned.reference)
    home_list.get_by_role("link", name=returned.reference).click()
    panel = page.locator("#returned")
    expect(panel).to_contain_text("صورة عقد الإيجار الساري")
    expect(panel.locator(".clock-paused")).to_contain_text("مدة الرد متوقفة")
    panel.get_by_label("ما قدّمه المستفيد").fill("أحضر المستفيد عقد الإيجار الساري")
    panel.get_by_role("button", name="تسجيل المعلومات وإعادة الطلب للجنة").click()
    expect(page.locator(".status")).to_have_text("لدى لجنة البحث")
    due_after = Case.objects.get(pk=returned.pk).decision_due_on
    assert due_after == due_before + datetime.timedelta(days=PAUSED_DAYS)
    expect(page.locator(".decision-due time.dual-date")).to_have_attribute("datetime", due_after.isoformat())
    expect(page.locator("main")).to_contain_text("استؤنفت مدة الرد بعد توقف 3 أيام")

    # Back on the committee's agenda, with its new due date.
    page.goto(base + "/committee/")
    row = page.locator("main tbody tr").filter(has_text=returned.reference)
    expect(row).to_have_count(1)
    expect(row.locator(f"time[datetime='{due_after.isoformat()}']")).to_have_count(1)
    assert page.problems == [], page.problems
