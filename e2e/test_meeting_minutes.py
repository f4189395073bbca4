"""A meeting's end on a phone, in a real browser, in Arabic, on the demo association (`aoun`).

The chair adds a request that came to the committee after the meeting was called, downloads the minutes (a PDF
naming the meeting and its decisions), closes the meeting with its confirmation — the page then says «مقفل» and
offers no vote or outcome — and attaches the signed scan; the minutes' address then serves that scan.
"""

import io

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from mustafid.accounts.models import User
from mustafid.committee import actions
from mustafid.committee.models import Meeting, RejectionReason
from mustafid.conftest import PDF_BYTES, case_at, make_beneficiary

from .test_whole_path import sign_in, status_message

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def held_meeting(demo_association):
    """A meeting whose quorum was present: one request rejected, one left open; a fourth request came later."""
    officer, chair = User.objects.get(username="officer"), User.objects.get(username="chair")
    member = User.objects.get(username="committee")

    def with_committee(name):
        return case_at("with_committee", beneficiary=make_beneficiary(by=officer, first_name=name), officer=officer,
                       committee_member=chair)

    rejected, left_open = with_committee("مازن"), with_committee("رائد")
    meeting = actions.create_meeting(starts_at=timezone.now(), invited=[chair, member], place="قاعة الاجتماعات",
                                     by=chair)
    actions.record_attendance(meeting, present=[chair, member], by=chair)
    actions.cast_vote(meeting, rejected, choice="reject", by=member)
    item = actions.record_outcome(meeting, rejected, outcome="rejected", reasons="دخل الأسرة يتجاوز الحد المعتمد",
                                  rejection_reason=RejectionReason.objects.first(), by=chair)
    later = with_committee("حمدان")
    return meeting, item.decision, left_open, later


def pdf_at(page: Page, url):
    response = page.request.get(url)
    assert response.ok, response.status
    return response


def test_the_chair_closes_a_meeting_and_attaches_its_signed_minutes_on_a_phone(page: Page, live_server,
                                                                              held_meeting, tmp_path):
    meeting, decision, left_open, later = held_meeting
    base = live_server.url
    page.set_viewport_size(PHONE)
    sign_in(page, base, "chair")
    page.goto(base + meeting.get_absolute_url())
    expect(page.locator("#meeting-status")).to_contain_text("مفتوح")

    # A request that reached the committee after the meeting was called goes at the end of its agenda.
    adding = page.locator("#agenda-add")
    adding.get_by_label("الطلب").select_option(label=f"{later.reference} — {later.beneficiary.full_name}")
    adding.get_by_role("button", name="إضافة إلى جدول الأعمال").click()
    expect(status_message(page, "أُضيف الطلب")).to_be_visible()
    expect(page.locator(f"#item-{later.pk}")).to_contain_text(later.reference)

    # The minutes, before closing: a draft naming the meeting and its decision.
    link = page.get_by_role("link", name="تنزيل المحضر (PDF)")
    response = pdf_at(page, base + link.get_attribute("href"))
    assert response.headers["content-type"].startswith("application/pdf")
    text = " ".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(response.body())).pages)
    assert meeting.number in text and decision.number in text and "مسودة" in text

    # Closing asks for the confirmation first.
    page.get_by_text("إقفال الاجتماع", exact=True).first.click()
    closing = page.locator("#close-meeting form")
    closing.get_by_role("button", name="إقفال الاجتماع").click()
    expect(page.locator("#close-meeting")).to_contain_text("أكّد إقفال الاجتماع أولًا")
    assert Meeting.objects.get(pk=meeting.pk).closed_at is None
    page.problems.clear()  # the refused form answered 400, as designed
    page.locator("#close-meeting form").get_by_label("أؤكد إقفال الاجتماع", exact=False).check()
    page.locator("#close-meeting form").get_by_role("button", name="إقفال الاجتماع").click()
    expect(status_message(page, "أُقفل الاجتماع")).to_be_visible()
    expect(page.locator("#meeting-status")).to_contain_text("مقفل")
    expect(page.locator("form[action$='/vote/'], form[action$='/outcome/'], #attendance form")).to_have_count(0)
    # Nothing spills past a phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The signed scan locks the minutes: their address now serves it.
    signed = tmp_path / "محضر موقع.pdf"
    signed.write_bytes(PDF_BYTES)
    page.locator("#minutes-scan form").get_by_label("المحضر الموقع").set_input_files(str(signed))
    page.get_by_role("button", name="إرفاق المحضر الموقع").click()
    expect(status_message(page, "أُرفق المحضر الموقع")).to_be_visible()
    expect(page.locator("#meeting-status")).to_contain_text("المحضر الموقع مرفق ومعتمد")
    expect(page.locator("#minutes-scan")).to_have_count(0)
    assert pdf_at(page, base + link.get_attribute("href")).body() == PDF_BYTES
    assert page.problems == [], page.problems
