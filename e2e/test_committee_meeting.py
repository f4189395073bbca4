"""A meeting of the research committee in a real browser, in Arabic, on the demo association (`aoun`).

The chair calls a meeting (its date typed in Hijri); three requests with the committee make its agenda. With
only the chair present the meeting refuses to decide; with the chair and a member present (two of three: the
quorum) both vote on each request, and the chair records an approval with the support granted, a rejection
with a listed reason, and a return for information. The agenda shows the votes as counts and each decision's
number.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mustafid.accounts.models import User
from mustafid.cases.models import Case
from mustafid.committee.models import AgendaItem, Decision, Meeting
from mustafid.conftest import case_at, make_beneficiary
from mustafid.lib.hijri import to_hijri

from .test_whole_path import sign_in, sign_out

pytestmark = pytest.mark.browser


@pytest.fixture
def requests_with_the_committee(demo_association):
    officer = User.objects.get(username="officer")
    chair = User.objects.get(username="chair")
    return [
        case_at("with_committee", beneficiary=make_beneficiary(by=officer, first_name=name), officer=officer,
                committee_member=chair)
        for name in ("مازن", "رائد", "حمدان")
    ]


def item(page: Page, case):
    return page.locator(f"#item-{case.pk}")


def vote(page: Page, case, choice):
    form = item(page, case).locator("form[action$='/vote/']")
    form.get_by_label(choice, exact=True).check()
    form.get_by_role("button", name="تسجيل التصويت").click()
    expect(page.locator(".alert-success").first).to_contain_text("تم تسجيل تصويتك")


def open_outcome(page: Page, case):
    section = item(page, case)
    section.get_by_text("تسجيل نتيجة الطلب").click()
    return section.locator("form[action$='/outcome/']")


def test_the_chair_runs_a_meeting_from_quorum_to_outcomes(page: Page, live_server, requests_with_the_committee):
    approved, rejected, returned = requests_with_the_committee
    base = live_server.url
    year, month, day = to_hijri(timezone.localdate())

    sign_in(page, base, "chair")
    page.goto(base + "/committee/")
    page.get_by_role("link", name="اجتماعات اللجنة").click()
    page.get_by_role("link", name="اجتماع جديد").click()
    page.get_by_label("تاريخ الاجتماع").fill(f"{year}/{month:02d}/{day:02d}")
    page.get_by_label("الوقت").fill("١٠:٣٠")
    page.get_by_label("المكان").fill("قاعة الاجتماعات بالمقر الرئيسي")
    page.get_by_role("button", name="إنشاء الاجتماع").click()
    meeting = Meeting.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{year}/01")
    for case in requests_with_the_committee:
        expect(item(page, case)).to_contain_text(case.reference)

    # Only the chair present: one of the two needed. The meeting refuses to decide, and nothing changes.
    attendance = page.locator("#attendance form")
    attendance.get_by_label("فيصل العمري").check()
    attendance.get_by_label("عبدالله القحطاني").uncheck()
    attendance.get_by_label("سارة الحربي").uncheck()
    attendance.get_by_role("button", name="تسجيل الحضور").click()
    expect(page.locator("#quorum")).to_contain_text("النصاب غير مكتمل")
    form = open_outcome(page, approved)
    form.get_by_label("معاد لاستكمال المعلومات").check()
    form.get_by_label("المعلومات المطلوبة (عند الإعادة)").fill("صورة الهوية")
    form.get_by_role("button", name="تسجيل النتيجة").click()
    expect(page.get_by_role("alert").first).to_contain_text("لم يكتمل نصاب الاجتماع")
    assert Case.objects.get(pk=approved.pk).status == "with_committee"

    # The chair and a member: the quorum.
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
    vote(page, returned, "امتناع")
    expect(item(page, approved).locator("[data-votes]")).to_contain_text("موافقة 2")
    sign_out(page)

    sign_in(page, base, "chair")
    page.goto(base + meeting.get_absolute_url())
    form = open_outcome(page, approved)
    form.get_by_label("مقبول", exact=True).check()
    form.get_by_label("الأسباب").fill("الأسرة مستحقة وفق تقرير البحث الاجتماعي")
    form.get_by_label("المبلغ (ريال)").fill("١٥٠٠")
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

    decision = Decision.objects.get(case=approved)
    assert (decision.meeting, decision.amount, decision.duration_months) == (meeting, 1500, 6)
    assert Decision.objects.get(case=rejected).rejection_reason.name_ar.startswith("الدخل يتجاوز")
    assert [Case.objects.get(pk=c.pk).status for c in (approved, rejected, returned)] == [
        "approved", "rejected", "returned"]
    assert set(AgendaItem.objects.values_list("outcome", flat=True)) == {"approved", "rejected", "returned"}

    page.goto(base + approved.get_absolute_url())
    expect(page.locator("#decision")).to_contain_text(decision.number)
    expect(page.locator("#decision")).to_contain_text(meeting.number)
    # The one refusal (no quorum) answered 400 with the page and its message, as designed; nothing else failed.
    refused = f"/committee/meetings/{meeting.pk}/cases/{approved.pk}/outcome/"
    assert [problem for problem in page.problems if not (refused in problem and "400" in problem)] == []
