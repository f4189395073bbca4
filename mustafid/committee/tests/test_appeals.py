"""Appeals (التظلم) against a rejection, through the real actions: within `APPEAL_DAYS` only, once per decision,
back to the committee with a clock of its own (the policy in force that day), answered by a new numbered decision."""

import datetime
import io
import threading

import pytest
from django.db import connection, connections
from django.db.models import F
from django.utils import timezone
from pypdf import PdfReader

from mustafid.association.models import PolicyVersion
from mustafid.audit.models import AuditEvent, EventType
from mustafid.cases import actions as case_actions
from mustafid.cases.clock import DecisionClock
from mustafid.cases.models import Case, CaseDocument, CaseEvent, Status
from mustafid.committee import appeals
from mustafid.committee.actions import record_decision
from mustafid.committee.letters import render_letter
from mustafid.committee.models import Appeal, Decision
from mustafid.conftest import pdf_file, refreshed, valid_dates
from mustafid.lib.errors import ActionRefused
from mustafid.notifications.models import Message

REASON = "تغيّر دخل الأسرة بعد فقد العائل لعمله، ومعي خطاب إنهاء الخدمة"


def rejected(make_case, days_ago=0):
    """A rejected request whose decision was taken `days_ago` days ago (the rows moved back: no time travel)."""
    case = make_case("rejected")
    if days_ago:
        ago = datetime.timedelta(days=days_ago)
        CaseEvent.objects.filter(case=case).update(at=F("at") - ago)
        Decision.objects.filter(case=case).update(decided_at=F("decided_at") - ago)
        Case.objects.filter(pk=case.pk).update(submitted_at=F("submitted_at") - ago, decided_at=F("decided_at") - ago,
                                               decision_due_on=F("decision_due_on") - ago)
    return refreshed(case)


def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_an_appeal_within_the_period_sends_the_request_back_to_the_committee(make_case, officer):
    case = rejected(make_case, days_ago=appeals.appeal_days())  # the last day still counts
    rejection = case.decisions.get()
    appeal = appeals.file_appeal(case, reason=REASON, by=officer)
    case = refreshed(case)
    assert case.status == Status.WITH_COMMITTEE and case.under_appeal
    assert appeal.appealed == rejection and appeal.reason == REASON and appeal.decision is None
    assert appeal.acted_by.user == officer
    assert Case.objects.awaiting_committee().filter(pk=case.pk).exists()  # on the agenda again
    # The timeline: the appeal, with the reason and the decision appealed; its audit row.
    event = case.events.get(kind=CaseEvent.Kind.APPEALED)
    assert (event.from_status, event.to_status, event.note) == ("rejected", "with_committee", REASON)
    assert event.data["appealed_decision"] == rejection.number and event.data["appeal"] == appeal.pk
    audit = AuditEvent.objects.get(event_type=EventType.APPEAL_FILED)
    assert audit.actor == officer and audit.data["appealed_decision"] == rejection.number


def test_after_the_period_the_appeal_is_refused_and_nothing_changes(make_case, officer):
    case = rejected(make_case, days_ago=appeals.appeal_days() + 1)
    events = case.events.count()
    with pytest.raises(ActionRefused) as refusal:
        appeals.file_appeal(case, reason=REASON, by=officer)
    assert "انتهت مدة التظلم" in str(refusal.value)
    case = refreshed(case)
    assert case.status == Status.REJECTED and case.events.count() == events and not Appeal.objects.exists()


def test_one_appeal_per_decision(make_case, officer):
    case = rejected(make_case)
    appeals.file_appeal(case, reason=REASON, by=officer)
    with pytest.raises(ActionRefused) as refusal:
        appeals.file_appeal(case, reason="مرة أخرى", by=officer)
    assert "سبق تسجيل تظلم" in str(refusal.value)
    assert Appeal.objects.count() == 1
    assert case.events.filter(kind=CaseEvent.Kind.APPEALED).count() == 1


@pytest.mark.parametrize("status", ["with_committee", "approved", "returned", "closed_after_rejection"])
def test_only_a_rejected_request_is_appealed(make_case, officer, status):
    case = make_case(status)
    with pytest.raises(ActionRefused):
        appeals.file_appeal(case, reason=REASON, by=officer)
    assert refreshed(case).status == case.status and not Appeal.objects.exists()


def test_the_reason_is_required_and_cleaned(make_case, officer):
    case = rejected(make_case)
    for empty in ("", "   ", "\u202e\x00"):
        with pytest.raises(ActionRefused):
            appeals.file_appeal(case, reason=empty, by=officer)
    with pytest.raises(ActionRefused):
        appeals.file_appeal(case, reason="س" * (appeals.REASON_MAX + 1), by=officer)
    appeal = appeals.file_appeal(case, reason=" لم \u202eيُنظر\x00 في دخلي ", by=officer)
    assert appeal.reason == "لم يُنظر في دخلي"


@pytest.mark.parametrize("role", ["committee", "chair", "researcher", "volunteer", "auditor"])
def test_the_intake_staff_record_the_appeal(make_case, staff, role):
    case = rejected(make_case)
    with pytest.raises(ActionRefused):
        appeals.file_appeal(case, reason=REASON, by=staff[role])
    assert not Appeal.objects.exists()


def test_the_appeal_has_its_own_clock_from_the_policy_in_force_when_filed(make_case, officer, chair, association):
    case = rejected(make_case, days_ago=10)
    first_due = case.decision_due_on
    # Between the rejection and the appeal the board approves a new version: a month to answer.
    old = PolicyVersion.objects.get()
    new = PolicyVersion.objects.create(
        association=association, version="9.0", effective_from=timezone.localdate(), response_days=30,
        channels=old.channels, general_goal_ar=old.general_goal_ar, detailed_goals_ar=old.detailed_goals_ar,
    )
    appeal = appeals.file_appeal(case, reason=REASON, by=officer)
    case = refreshed(case)
    today = timezone.localdate()
    assert appeal.due_on == case.decision_due_on == today + datetime.timedelta(days=30) != first_due
    assert case.response_days == 30 and case.policy_version == new
    event = case.events.get(kind=CaseEvent.Kind.APPEALED)
    assert event.data["response_days"] == 30 and event.data["policy_version"] == "9.0"
    # The timeline is the source: the clock read back from it starts at the appeal.
    clock = DecisionClock.for_case(case)
    assert clock.start == today and clock.due_on == case.decision_due_on and clock.pauses == []
    # Returned for information during the appeal (filed six days ago, returned four days ago): the appeal's clock
    # pauses and resumes, its due date moves by the four days.
    CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.APPEALED).update(
        at=timezone.now() - datetime.timedelta(days=6))
    case_actions.return_for_information(case, asked="خطاب إنهاء الخدمة", of_whom="applicant", by=chair)
    CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.RETURNED).update(
        at=timezone.now() - datetime.timedelta(days=4))
    Case.objects.filter(pk=case.pk).update(clock_paused_on=today - datetime.timedelta(days=4))
    case_actions.provide_information(refreshed(case), note="أحضر الخطاب", by=officer)
    case = refreshed(case)
    assert case.decision_due_on == today - datetime.timedelta(days=6) + datetime.timedelta(days=30 + 4)
    assert Appeal.objects.get().due_on == case.decision_due_on


def test_new_documents_come_with_the_appeal(make_case, officer):
    case = rejected(make_case)
    appeals.file_appeal(case, reason=REASON, by=officer)
    case = refreshed(case)
    assert case.accepts_documents
    doc_type = case.support_type.required_documents.first()
    document = case_actions.upload_document(case, document_type=doc_type, uploaded_file=pdf_file(), by=officer,
                                            **valid_dates())
    case_actions.refuse_document(document, reason="غير واضح", by=officer)
    assert refreshed(case).status == Status.WITH_COMMITTEE  # a refused one leaves the appeal with the committee
    document = case_actions.upload_document(refreshed(case), document_type=doc_type, uploaded_file=pdf_file(),
                                            by=officer, **valid_dates())
    case_actions.verify_document(document, by=officer)
    assert CaseDocument.objects.get(pk=document.pk).status == "verified"
    assert refreshed(case).status == Status.WITH_COMMITTEE
    # A request with the committee for the first time takes no documents.
    assert not make_case("with_committee").accepts_documents


def test_the_answer_is_a_new_numbered_decision_linked_to_the_appeal(make_case, officer, chair):
    case = rejected(make_case)
    rejection = case.decisions.get()
    appeal = appeals.file_appeal(case, reason=REASON, by=officer)
    other = record_decision(make_case("with_committee"), outcome="approved", reasons="مستوفٍ", by=chair)
    answer = record_decision(refreshed(case), outcome="approved", reasons="ثبت تغيّر الدخل", by=chair)
    appeal.refresh_from_db()
    assert appeal.decision == answer and answer.pk != rejection.pk
    year, n = rejection.number.split("/")
    assert answer.number == f"{year}/{int(other.number.split('/')[1]) + 1:04d}"
    assert answer.within_response_period
    case = refreshed(case)
    assert case.status == Status.APPROVED and not case.under_appeal
    # The approval's path continues.
    case_actions.register_beneficiary(case, by=officer)
    assert refreshed(case).status == Status.REGISTERED
    kinds = list(case.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds[-4:] == ["decided", "appealed", "decided", "registered"]


def test_the_decision_on_an_appeal_is_final_and_its_letter_says_so(make_case, officer, chair):
    case = rejected(make_case)
    rejection = case.decisions.get()
    appeals.file_appeal(case, reason=REASON, by=officer)
    answer = record_decision(refreshed(case), outcome="rejected", reasons="لم يثبت تغيّر الدخل", by=chair)
    case = refreshed(case)
    assert case.status == Status.REJECTED
    with pytest.raises(ActionRefused) as refusal:
        appeals.file_appeal(case, reason=REASON, by=officer)
    assert "نهائي" in str(refusal.value)
    told = Message.objects.get(template="appeal_rejected")
    assert told.context["decision"] == answer.number and told.context["letter_link"]
    assert not Message.objects.filter(template="decision_rejected", context__decision=answer.number).exists()
    text = pdf_text(render_letter(answer))
    assert answer.number in text and rejection.number in text
    assert "التظلم" in text and "نهائي" in text
    assert "يحق لكم التظلم" not in text
    # The first letter still tells how to appeal.
    assert "يحق لكم التظلم" in pdf_text(render_letter(rejection))


def test_the_applicant_is_told_once_with_the_new_due_date(make_case, officer):
    case = rejected(make_case)
    rejection = case.decisions.get()
    appeals.file_appeal(case, reason=REASON, by=officer)
    with pytest.raises(ActionRefused):
        appeals.file_appeal(case, reason=REASON, by=officer)
    message = Message.objects.filter(template="appealed").get()
    assert message.about_id == case.pk
    assert message.context["decision"] == rejection.number
    assert message.context["due_gregorian"]


def test_the_appeals_clock_has_reminders_of_its_own(make_case, officer, chair):
    from mustafid.cases.reminders import remind_decisions

    def due_in(case, days):
        Case.objects.filter(pk=case.pk).update(decision_due_on=timezone.localdate() + datetime.timedelta(days=days))

    case = make_case("with_committee")
    due_in(case, 0)
    assert remind_decisions(timezone.now()) == 1
    record_decision(refreshed(case), outcome="rejected", reasons="غير مستوفٍ", by=chair)
    appeals.file_appeal(refreshed(case), reason=REASON, by=officer)
    due_in(case, 0)
    assert remind_decisions(timezone.now()) == 1  # the appeal's own «due today», not taken for the first one's
    assert remind_decisions(timezone.now()) == 0


def test_the_request_page_offers_the_appeal_only_while_it_may_be_filed(make_case, officer, chair):
    from mustafid.cases.progress import progress

    def steps(case):
        return [str(action.label) for action in progress(refreshed(case), officer).actions]

    assert steps(rejected(make_case)) == ["تسجيل تظلم", "إغلاق الطلب"]
    assert steps(rejected(make_case, days_ago=appeals.appeal_days() + 1)) == ["إغلاق الطلب"]
    case = rejected(make_case)
    appeals.file_appeal(case, reason=REASON, by=officer)
    assert "التظلم" in str(progress(refreshed(case), chair).waiting_on)
    record_decision(refreshed(case), outcome="rejected", reasons="لم يثبت تغيّر الدخل", by=chair)
    assert steps(case) == ["إغلاق الطلب"]  # the decision on the appeal is final


# ---------------------------------------------------------------------------------------------
# Through the pages
# ---------------------------------------------------------------------------------------------

def test_the_officer_files_the_appeal_from_the_request_page(client, make_case, officer):
    case = rejected(make_case)
    client.force_login(officer)
    page = client.get(case.get_absolute_url())
    assert "تسجيل تظلم" in page.content.decode()
    url = f"/committee/cases/{case.pk}/appeal/"
    form = client.get(url)
    assert form.status_code == 200 and case.decisions.get().number in form.content.decode()
    assert client.post(url, {"reason": "\u202e"}).status_code == 400
    assert client.post(url, {"reason": "س" * 100_001}).status_code == 400
    response = client.post(url, {"reason": REASON})
    assert response.status_code == 302
    assert refreshed(case).status == Status.WITH_COMMITTEE
    # The same form sent again: refused with a reason, no second appeal, no error page.
    again = client.post(url, {"reason": REASON})
    assert again.status_code == 400 and "سبق تسجيل تظلم" in again.content.decode()
    assert Appeal.objects.count() == 1
    page = client.get(case.get_absolute_url()).content.decode()
    assert "data-appeal" in page and REASON in page
    # The agenda marks it; a meeting's agenda gives the appeal's reason beside the request.
    agenda = client.get("/committee/").content.decode()
    assert "تظلم" in agenda and case.reference in agenda


def test_a_meetings_agenda_marks_the_appeal_and_gives_its_reason(client, make_case, officer, chair):
    from mustafid.committee.actions import create_meeting
    from mustafid.committee.models import committee_members

    case = rejected(make_case)
    appeals.file_appeal(case, reason=REASON, by=officer)
    meeting = create_meeting(starts_at=timezone.now(), invited=list(committee_members()), place="مقر الجمعية",
                             by=chair)
    client.force_login(chair)
    page = client.get(meeting.get_absolute_url()).content.decode()
    item = page.split(f'id="item-{case.pk}"')[1].split("</section>")[0]
    assert "data-appeal" in item and REASON in item and case.decisions.get().number in item


def test_the_button_is_not_offered_after_the_period(client, make_case, officer):
    case = rejected(make_case, days_ago=appeals.appeal_days() + 5)
    client.force_login(officer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "انتهت مدة التظلم" in page and f"/committee/cases/{case.pk}/appeal/" not in page


# ---------------------------------------------------------------------------------------------
# Two officers at the same moment (PostgreSQL)
# ---------------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_appeals_at_the_same_moment_make_one(make_case, officer, monkeypatch):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("concurrent writers need PostgreSQL or an SQLite file")
    case = rejected(make_case)
    barrier = threading.Barrier(2, timeout=3)
    appeal_refusal = appeals.appeal_refusal

    def both_check_then_go(*args, **kwargs):
        found = appeal_refusal(*args, **kwargs)
        try:
            barrier.wait()  # the first holds the lock; the second waits for it in lock_case, and never gets here
        except threading.BrokenBarrierError:
            pass
        return found

    monkeypatch.setattr(appeals, "appeal_refusal", both_check_then_go)
    results = []

    def file():
        try:
            results.append(appeals.file_appeal(Case.objects.get(pk=case.pk), reason=REASON, by=officer).pk)
        except ActionRefused as refusal:
            results.append(str(refusal))
        except Exception as error:  # reported, not swallowed
            results.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=file) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert Appeal.objects.count() == 1, results
    assert sum(isinstance(result, int) for result in results) == 1, results
    assert any("سبق تسجيل تظلم" in str(result) for result in results), results
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.APPEALED).count() == 1
