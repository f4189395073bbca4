"""The minutes of a meeting (an Arabic PDF on the letterhead), closing the meeting, the signed scan that locks the
minutes, and adding a request to an open meeting's agenda."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mustafid.association.models import Association
from mustafid.audit.models import AuditEvent, EventType
from mustafid.cases.models import SupportType
from mustafid.committee import actions
from mustafid.committee.letters import numeric_dates
from mustafid.committee.models import AgendaItem, Meeting, RejectionReason, Vote
from mustafid.committee.tests.test_letters import embedded_fonts, pdf_text
from mustafid.conftest import PDF_BYTES
from mustafid.lib.errors import ActionRefused

APPROVED_REASONS = "الأسرة بلا دخل ثابت وفق تقرير البحث"
REJECTED_REASONS = "دخل الأسرة يتجاوز حد الاستحقاق المعتمد"
ASKED = "صورة عقد الإيجار الساري"


@pytest.fixture
def members(staff):
    return {"chair": staff["chair"], "committee": staff["committee"], "member": staff["member"]}


def new_meeting(members, **kwargs):
    return actions.create_meeting(starts_at=timezone.now() + datetime.timedelta(hours=1),
                                  invited=list(members.values()), place="مقر الجمعية", by=members["chair"], **kwargs)


@pytest.fixture
def held(make_case, members):
    """A meeting of three requests, the chair and one member present (the third absent): votes, then an
    approval, a rejection and a return for information."""
    cases = [make_case("with_committee") for _ in range(3)]
    meeting = new_meeting(members)
    chair, member = members["chair"], members["committee"]
    actions.record_attendance(meeting, present=[chair, member], by=chair)
    actions.cast_vote(meeting, cases[0], choice="approve", by=chair)
    actions.cast_vote(meeting, cases[0], choice="approve", by=member)
    actions.cast_vote(meeting, cases[1], choice="reject", by=chair)
    actions.cast_vote(meeting, cases[1], choice="abstain", by=member)
    actions.cast_vote(meeting, cases[2], choice="return", by=chair)
    actions.declare_conflict(cases[2], note="قريب المتقدم", by=member)
    approved = actions.record_outcome(
        meeting, cases[0], outcome="approved", reasons=APPROVED_REASONS, support_type=SupportType.objects.first(),
        amount=Decimal("1500"), duration_months=6, starts_on=timezone.localdate() + datetime.timedelta(days=7),
        by=chair)
    rejected = actions.record_outcome(
        meeting, cases[1], outcome="rejected", reasons=REJECTED_REASONS,
        rejection_reason=RejectionReason.objects.first(), by=chair)
    actions.record_outcome(meeting, cases[2], outcome="returned", asked=ASKED, of_whom="applicant", by=chair)
    return meeting, cases, approved.decision, rejected.decision


def minutes_of(client, user, meeting):
    client.force_login(user)
    return client.get(f"/committee/meetings/{meeting.pk}/minutes.pdf")


# ---------------------------------------------------------------------------------------------
# The PDF
# ---------------------------------------------------------------------------------------------

def test_the_minutes_say_the_meeting_its_attendance_quorum_decisions_reasons_and_vote_counts(client, held, members):
    meeting, cases, approved, rejected = held
    response = minutes_of(client, members["committee"], meeting)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader, text = pdf_text(response.content)
    assert meeting.number in text
    hijri, gregorian = numeric_dates(timezone.localdate(meeting.starts_at))
    assert hijri.startswith("14") and hijri in text and gregorian in text
    assert "مقر الجمعية" in text and "جمعية عون" in text  # the letterhead
    assert "حاضر" in text and "غائب" in text and "النصاب" in text
    for case in cases:
        assert case.reference in text and case.beneficiary.full_name in text
        assert case.beneficiary.national_id not in text
    assert approved.number in text and rejected.number in text
    assert APPROVED_REASONS in text and REJECTED_REASONS in text and ASKED in text
    assert "قبول الطلب" in text and "عدم قبول الطلب" in text and "إعادة الطلب لاستكمال المعلومات" in text
    assert RejectionReason.objects.first().name_ar in text
    assert "1500" in text
    # Counts per choice (approve, reject, return, abstain) and the conflicts declared, request by request.
    # (The extracted text runs a table row's numbers together: «العدد20000».)
    compact = text.replace(" ", "")
    assert "العدد20000" in compact and "العدد01010" in compact and "العدد00101" in compact
    assert "امتناع" in text and "تعارض مصالح مُفصَح عنه" in text
    # Names beside votes only when the association chooses it (the attendance lists the members anyway).
    assert "تصويت الأعضاء" not in text
    assert "التوقيعات" in text and members["chair"].display_name in text
    assert any(name.endswith("+Plex-Arabic") for name in embedded_fonts(reader))
    read = AuditEvent.objects.get(event_type=EventType.MINUTES_VIEWED)
    assert read.actor == members["committee"] and read.target_id == str(meeting.pk)


def test_the_minutes_name_the_voters_when_the_association_chooses_it(client, held, members):
    meeting, *_rest = held
    name = members["committee"].display_name
    _reader, without = pdf_text(minutes_of(client, members["chair"], meeting).content)
    Association.objects.update(minutes_name_voters=True)
    _reader, text = pdf_text(minutes_of(client, members["chair"], meeting).content)
    assert "تصويت الأعضاء" in text and "تصويت الأعضاء" not in without
    # Named in the attendance and the signatures either way; beside their two votes only now.
    assert (without.count(name), text.count(name)) == (2, 4)


def test_the_minutes_are_arabic_for_a_reader_whose_screen_is_english(client, held, members, settings):
    meeting, *_rest = held
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _reader, text = pdf_text(minutes_of(client, members["chair"], meeting).content)
    assert "جدول الأعمال" in text and "Agenda" not in text


def test_an_open_meeting_s_minutes_say_they_are_a_draft(client, make_case, members):
    make_case("with_committee")
    meeting = new_meeting(members)
    _reader, text = pdf_text(minutes_of(client, members["chair"], meeting).content)
    assert "مسودة" in text and "لم يكتمل النصاب" in text


@pytest.mark.parametrize("role, status", [("officer", 404), ("outsider", 404), ("volunteer", 404),
                                          ("manager", 200), ("auditor", 200)])
def test_who_may_read_the_minutes(client, make_case, members, staff, role, status):
    meeting = new_meeting(members)
    assert minutes_of(client, staff[role], meeting).status_code == status
    assert AuditEvent.objects.filter(event_type=EventType.MINUTES_VIEWED).exists() == (status == 200)


# ---------------------------------------------------------------------------------------------
# Closing
# ---------------------------------------------------------------------------------------------

def test_closing_refuses_a_second_close_and_later_attendance_votes_outcomes_and_additions(held, members, make_case):
    meeting, cases, *_rest = held
    chair = members["chair"]
    undecided = make_case("with_committee")
    actions.add_to_agenda(meeting, undecided, by=chair)
    with pytest.raises(ActionRefused, match="رئيس لجنة البحث"):
        actions.close_meeting(meeting, by=members["committee"])
    actions.close_meeting(meeting, by=chair)
    meeting.refresh_from_db()
    assert meeting.closed_at and meeting.closed_by == chair
    closed = AuditEvent.objects.get(event_type=EventType.MEETING_CLOSED)
    assert closed.data["undecided"] == [undecided.pk]
    with pytest.raises(ActionRefused, match="من قبل"):
        actions.close_meeting(meeting, by=chair)
    with pytest.raises(ActionRefused, match="أُقفل الاجتماع"):
        actions.cast_vote(meeting, undecided, choice="approve", by=chair)
    with pytest.raises(ActionRefused, match="أُقفل الاجتماع"):
        actions.record_outcome(meeting, undecided, outcome="rejected", reasons="غير مستوفٍ",
                               rejection_reason=RejectionReason.objects.first(), by=chair)
    with pytest.raises(ActionRefused, match="أُقفل الاجتماع"):
        actions.record_attendance(meeting, present=[chair], by=chair)
    with pytest.raises(ActionRefused, match="أُقفل الاجتماع"):
        actions.add_to_agenda(meeting, make_case("with_committee"), by=chair)
    assert not Vote.objects.filter(case=undecided).exists()
    assert AgendaItem.objects.get(case=undecided).outcome == ""
    # The request left undecided may go on another meeting's agenda.
    later = new_meeting(members)
    assert later.items.filter(case=undecided).exists() or actions.add_to_agenda(later, undecided, by=chair)


def test_a_conflict_declared_after_the_meeting_closed_leaves_its_votes_in_the_minutes(held, members, make_case):
    meeting, _cases, *_rest = held
    chair = members["chair"]
    case = make_case("with_committee")
    actions.add_to_agenda(meeting, case, by=chair)
    actions.cast_vote(meeting, case, choice="approve", by=members["committee"])
    actions.close_meeting(meeting, by=chair)
    actions.declare_conflict(case, by=members["committee"])
    assert Vote.objects.filter(meeting=meeting, case=case).count() == 1


def test_the_meeting_page_offers_the_minutes_and_the_close_button_then_shows_it_closed(client, held, members):
    meeting, *_rest = held
    client.force_login(members["chair"])
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert f"/committee/meetings/{meeting.pk}/minutes.pdf" in page and "تنزيل المحضر (PDF)" in page
    assert "إقفال الاجتماع" in page and f"/committee/meetings/{meeting.pk}/close/" in page
    # Without the confirmation: refused, nothing closed.
    response = client.post(f"/committee/meetings/{meeting.pk}/close/", {})
    assert response.status_code == 400
    assert Meeting.objects.get(pk=meeting.pk).closed_at is None
    response = client.post(f"/committee/meetings/{meeting.pk}/close/", {"confirm": "on"})
    assert response.status_code == 302
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "مقفل" in page and "المحضر الموقع" in page
    assert f"/committee/meetings/{meeting.pk}/close/" not in page
    assert f"/committee/meetings/{meeting.pk}/attendance/" not in page
    again = client.post(f"/committee/meetings/{meeting.pk}/close/", {"confirm": "on"})
    assert again.status_code == 400 and "من قبل" in again.content.decode()


def test_a_member_who_is_not_the_chair_may_not_close(client, held, members):
    meeting, *_rest = held
    client.force_login(members["committee"])
    assert client.post(f"/committee/meetings/{meeting.pk}/close/", {"confirm": "on"}).status_code == 403
    assert Meeting.objects.get(pk=meeting.pk).closed_at is None


# ---------------------------------------------------------------------------------------------
# The signed scan
# ---------------------------------------------------------------------------------------------

def stored_minutes(settings):
    folder = Path(settings.MEDIA_ROOT) / "committee" / "minutes"
    return sorted(folder.glob("*")) if folder.exists() else []


def scan(name="محضر.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_signed_scan_is_refused_before_the_meeting_closes(held, members, settings):
    meeting, *_rest = held
    with pytest.raises(ActionRefused, match="بعد إقفال الاجتماع"):
        actions.attach_signed_minutes(meeting, scan(), by=members["chair"])
    assert stored_minutes(settings) == []


def test_a_renamed_executable_and_an_oversize_file_are_refused_with_no_file_left(client, held, members, settings):
    meeting, *_rest = held
    actions.close_meeting(meeting, by=members["chair"])
    client.force_login(members["chair"])
    url = f"/committee/meetings/{meeting.pk}/minutes/signed/"
    response = client.post(url, {"file": scan("minutes.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200)})
    assert response.status_code == 400 and "نوع الملف غير مقبول" in response.content.decode()
    settings.MAX_DOCUMENT_BYTES = 1024
    response = client.post(url, {"file": scan("minutes.pdf", PDF_BYTES + b"\x00" * 2048)})
    assert response.status_code == 400 and "حجم الملف أكبر من المسموح" in response.content.decode()
    meeting.refresh_from_db()
    assert not meeting.minutes_scan and meeting.minutes_signed_at is None
    assert stored_minutes(settings) == []
    assert not AuditEvent.objects.filter(event_type=EventType.MINUTES_SIGNED).exists()


def test_after_the_scan_the_minutes_are_locked_and_their_address_serves_the_scan(client, held, members, settings):
    meeting, *_rest = held
    actions.close_meeting(meeting, by=members["chair"])
    client.force_login(members["chair"])
    response = client.post(f"/committee/meetings/{meeting.pk}/minutes/signed/", {"file": scan()})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_signed_at and meeting.minutes_signed_by == members["chair"]
    signed = AuditEvent.objects.get(event_type=EventType.MINUTES_SIGNED)
    assert signed.data["content_type"] == "application/pdf"
    served = minutes_of(client, members["committee"], meeting)
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert b"".join(served.streaming_content) == PDF_BYTES
    with pytest.raises(ActionRefused, match="من قبل"):
        actions.attach_signed_minutes(meeting, scan(), by=members["chair"])
    assert len(stored_minutes(settings)) == 1
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "المحضر الموقع مرفق ومعتمد" in page and "minutes/signed/" not in page


def test_a_member_may_not_attach_the_scan(client, held, members):
    meeting, *_rest = held
    actions.close_meeting(meeting, by=members["chair"])
    client.force_login(members["committee"])
    assert client.post(f"/committee/meetings/{meeting.pk}/minutes/signed/", {"file": scan()}).status_code == 403
    with pytest.raises(ActionRefused):
        actions.attach_signed_minutes(meeting, scan(), by=members["committee"])


# ---------------------------------------------------------------------------------------------
# Adding to the agenda
# ---------------------------------------------------------------------------------------------

def test_a_request_with_the_committee_is_added_at_the_end_of_an_open_meeting(client, make_case, members):
    first = make_case("with_committee")
    meeting = new_meeting(members)
    added = make_case("with_committee")
    client.force_login(members["chair"])
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "إضافة طلب إلى جدول الأعمال" in page and added.reference in page
    response = client.post(f"/committee/meetings/{meeting.pk}/agenda/add/", {"case": added.pk})
    assert response.status_code == 302
    assert [item.case for item in meeting.items.order_by("position")] == [first, added]
    event = AuditEvent.objects.get(event_type=EventType.AGENDA_ITEM_ADDED)
    assert event.actor == members["chair"] and event.data["case"] == added.pk and event.data["position"] == 2


def test_add_to_agenda_refusals(make_case, members, staff):
    on_agenda = make_case("with_committee")
    meeting = new_meeting(members)
    chair = members["chair"]
    with pytest.raises(ActionRefused, match="على جدول أعمال هذا الاجتماع من قبل"):
        actions.add_to_agenda(meeting, on_agenda, by=chair)
    other = new_meeting(members)
    # The other meeting does not take on_agenda (this open meeting holds it), nor may it be added there.
    assert not other.items.filter(case=on_agenda).exists()
    with pytest.raises(ActionRefused, match="على جدول أعمال الاجتماع المفتوح"):
        actions.add_to_agenda(other, on_agenda, by=chair)
    fresh = make_case("with_committee")
    actions.add_to_agenda(other, fresh, by=chair)
    with pytest.raises(ActionRefused, match="على جدول أعمال الاجتماع المفتوح"):
        actions.add_to_agenda(meeting, fresh, by=chair)
    with pytest.raises(ActionRefused, match="ليس لدى لجنة البحث"):
        actions.add_to_agenda(meeting, make_case("declared"), by=chair)
    with pytest.raises(ActionRefused, match="رئيس لجنة البحث أو المدير"):
        actions.add_to_agenda(meeting, make_case("with_committee"), by=members["committee"])
    assert actions.add_to_agenda(meeting, make_case("with_committee"), by=staff["manager"]).position == 2


def test_the_agenda_form_refuses_a_request_not_offered_and_bad_input(client, make_case, members):
    meeting = new_meeting(members)
    declared = make_case("declared")
    make_case("with_committee")
    client.force_login(members["chair"])
    for value in (declared.pk, "x\x00", "9" * 30, ""):
        response = client.post(f"/committee/meetings/{meeting.pk}/agenda/add/", {"case": value})
        assert response.status_code == 400
    assert not AuditEvent.objects.filter(event_type=EventType.AGENDA_ITEM_ADDED).exists()
    client.force_login(members["committee"])
    assert client.post(f"/committee/meetings/{meeting.pk}/agenda/add/", {"case": declared.pk}).status_code == 403


def test_the_meetings_list_says_which_are_open_closed_or_signed(client, members):
    open_one, closed, signed = new_meeting(members), new_meeting(members), new_meeting(members)
    for meeting in (closed, signed):
        actions.close_meeting(meeting, by=members["chair"])
    actions.attach_signed_minutes(signed, scan(), by=members["chair"])
    client.force_login(members["committee"])
    page = client.get("/committee/meetings/").content.decode()
    rows = {}
    for meeting in (open_one, closed, signed):
        rows[meeting.number] = page.split(meeting.number, 1)[1].split("</tr>", 1)[0]
    assert "مفتوح" in rows[open_one.number]
    assert "مقفل" in rows[closed.number] and "المحضر الموقع" not in rows[closed.number]
    assert "مقفل، والمحضر الموقع مرفق" in rows[signed.number]


def test_the_minutes_mark_a_request_before_the_committee_on_an_appeal(client, held, make_case, members, officer):
    """«تظلم» beside the request, with the decision appealed and the applicant's reason; not on the meeting that took
    the decision appealed, nor on a request that is not under appeal."""
    from mustafid.committee.appeals import file_appeal

    first, cases, _approved, rejected = held
    actions.close_meeting(first, by=members["chair"])
    reason = "تغير دخل الأسرة بعد فقد العائل لعمله"
    file_appeal(cases[1], reason=reason, by=officer)
    other = make_case("with_committee")
    meeting = new_meeting(members)
    chair, member = members["chair"], members["committee"]
    actions.record_attendance(meeting, present=[chair, member], by=chair)
    item = actions.record_outcome(meeting, cases[1], outcome="rejected", reasons="لم يتغير ما بني عليه القرار",
                                  rejection_reason=RejectionReason.objects.first(), by=chair)
    _reader, text = pdf_text(minutes_of(client, chair, meeting).content)
    text = text.split("التوقيعات")[0]
    starts = sorted((text.index(case.reference), case.pk) for case in (cases[1], other))
    sections = {pk: text[start:(starts[n + 1][0] if n + 1 < len(starts) else len(text))]
                for n, (start, pk) in enumerate(starts)}
    appealed = sections[cases[1].pk]
    assert "— تظلم" in appealed and "تظلم من القرار رقم" in appealed and reason in appealed
    assert rejected.number in appealed and item.decision.number in appealed  # the answer: a new numbered decision
    hijri, gregorian = numeric_dates(timezone.localdate(rejected.decided_at))
    assert hijri in appealed and gregorian in appealed
    assert "تظلم" not in sections[other.pk]
    # The first meeting, which took the decision appealed, does not mark it.
    _reader, first_text = pdf_text(minutes_of(client, chair, first).content)
    assert "تظلم" not in first_text
