"""Every step from every state: allowed steps leave one timeline row and one audit row,
refused steps raise ActionRefused and change nothing."""

import pytest
from django.utils import timezone

from mustafid.audit.models import AuditEvent
from mustafid.cases import actions
from mustafid.cases.workflow import TRANSITIONS
from mustafid.cases.models import Case, CaseDocument, CaseEvent, Status, SupportType
from mustafid.committee.actions import record_decision
from mustafid.conftest import make_beneficiary, pdf_file, refreshed, signature_data_url, valid_dates
from mustafid.lib.errors import ActionRefused
from mustafid.research.actions import refer_to_researcher
from mustafid.services.actions import record_delivery
from mustafid.services.models import Service

STATES = ["received", "incomplete", "documents_complete", "declared", "with_committee", "returned", "approved",
          "rejected", "registered", "in_service", "closed"]


def upload(case, staff):
    doc_type = case.support_type.required_documents.first()
    actions.upload_document(case, document_type=doc_type, uploaded_file=pdf_file(), by=staff["officer"],
                            **valid_dates())


def first_document(case):
    return case.documents.order_by("pk").first()


def verify(case, staff):
    actions.verify_document(first_document(case), by=staff["officer"])


def refuse_document(case, staff):
    actions.refuse_document(first_document(case), reason="الصورة غير واضحة", by=staff["officer"])


def mark_incomplete(case, staff):
    actions.mark_incomplete(case, note="ينقص تقرير طبي", by=staff["officer"])


def declare(case, staff):
    actions.record_declaration(case, method="on_screen", signer_name="محمد", by=staff["officer"],
                               signature_data_url=signature_data_url())


def submit(case, staff):
    actions.submit_to_committee(case, by=staff["officer"])


def approve(case, staff):
    record_decision(case, outcome="approved", reasons="مستوفٍ", by=staff["chair"])


def return_for_information(case, staff):
    actions.return_for_information(case, asked="صورة عقد الإيجار", of_whom="applicant", by=staff["chair"])


def provide_information(case, staff):
    actions.provide_information(case, note="أحضر العقد", by=staff["officer"])


def register(case, staff):
    actions.register_beneficiary(case, by=staff["officer"])


def deliver(case, staff):
    record_delivery(case, service=Service.objects.first(), quantity=100, delivered_on=timezone.localdate(),
                    by=staff["officer"])


def close(case, staff):
    actions.close_case(case, note="", by=staff["officer"])


def refer(case, staff):
    refer_to_researcher(case=case, researcher=staff["researcher"], question="يسأل عن الإجراءات", by=staff["officer"])


STEPS = {f.__name__: f for f in (upload, verify, refuse_document, mark_incomplete, declare, submit, approve,
                                 return_for_information, provide_information, register, deliver, close, refer)}

# The steps each state allows. Verifying needs a document waiting for verification:
# in documents_complete and declared every document is already verified, so it is refused.
ALLOWED = {
    "received": {"upload", "mark_incomplete", "refer"},
    "incomplete": {"upload", "refer"},
    "documents_complete": {"upload", "refuse_document", "mark_incomplete", "declare", "refer"},
    "declared": {"upload", "refuse_document", "mark_incomplete", "submit", "refer"},
    "with_committee": {"approve", "return_for_information", "refer"},
    # Returned for information: documents come with the answer (a refused one leaves it returned).
    "returned": {"upload", "refuse_document", "provide_information", "refer"},
    "approved": {"register", "refer"},
    "rejected": {"close", "refer"},
    "registered": {"deliver", "refer"},
    "in_service": {"deliver", "close", "refer"},
    "closed": set(),
}


def snapshot(case):
    case = Case.objects.get(pk=case.pk)
    return {
        "status": case.status,
        "events": CaseEvent.objects.filter(case=case).count(),
        "audit": AuditEvent.objects.count(),
        "documents": list(CaseDocument.objects.filter(case=case).values_list("pk", "status")),
        "due": case.decision_due_on,
    }


def applicable(state, step):
    # Verifying or refusing a document needs a document; the states before any upload have none.
    return not (step in ("verify", "refuse_document") and state in ("received", "incomplete"))


MATRIX = [(state, step) for state in STATES for step in STEPS if applicable(state, step)]


@pytest.mark.parametrize(("state", "step"), MATRIX, ids=[f"{s}-{t}" for s, t in MATRIX])
def test_each_step_from_each_state_is_allowed_or_refused_with_nothing_changed(state, step, make_case, staff):
    case = make_case("closed_after_rejection" if state == "closed" else state)
    before = snapshot(case)
    if step in ALLOWED[state]:
        STEPS[step](refreshed(case), staff)
        after = snapshot(case)
        assert after["events"] == before["events"] + 1, "an allowed step writes exactly one timeline row"
        assert after["audit"] == before["audit"] + 1, "an allowed step writes exactly one audit row"
    else:
        with pytest.raises(ActionRefused) as refusal:
            STEPS[step](refreshed(case), staff)
        assert str(refusal.value), "a refusal says why"
        assert snapshot(case) == before, "a refused step changes nothing"


def test_the_matrix_covers_every_step_of_every_state():
    assert {state for state, _ in MATRIX} == set(STATES)
    assert len(MATRIX) == len(STATES) * len(STEPS) - 4


@pytest.mark.parametrize(("state", "step", "expected"), [
    ("received", "mark_incomplete", "incomplete"),
    ("documents_complete", "mark_incomplete", "incomplete"),
    ("declared", "mark_incomplete", "incomplete"),
    ("documents_complete", "refuse_document", "incomplete"),
    ("declared", "refuse_document", "incomplete"),
    ("documents_complete", "upload", "incomplete"),
    ("declared", "upload", "incomplete"),
    ("received", "upload", "received"),
    ("documents_complete", "declare", "declared"),
    ("declared", "submit", "with_committee"),
    ("with_committee", "approve", "approved"),
    ("approved", "register", "registered"),
    ("registered", "deliver", "in_service"),
    ("in_service", "deliver", "in_service"),
    ("in_service", "close", "closed"),
    ("rejected", "close", "closed"),
    ("with_committee", "refer", "with_committee"),
    ("with_committee", "return_for_information", "returned"),
    ("returned", "upload", "returned"),
    ("returned", "refuse_document", "returned"),
    ("returned", "provide_information", "with_committee"),
])
def test_an_allowed_step_moves_the_request_to_the_expected_state(state, step, expected, make_case, staff):
    case = make_case(state)
    STEPS[step](refreshed(case), staff)
    assert refreshed(case).status == expected


def test_every_status_change_in_the_workflow_is_reached_by_some_step(make_case, staff):
    seen = set()
    for state in STATES:
        for step in ALLOWED[state]:
            case = make_case("closed_after_rejection" if state == "closed" else state)
            before = case.status
            STEPS[step](case, staff)
            after = refreshed(case).status
            if after != before:
                seen.add((before, after))
    # INCOMPLETE -> DOCUMENTS_COMPLETE and DECLARED -> DOCUMENTS_COMPLETE come from verifying documents:
    # covered in test_documents.py. WITH_COMMITTEE -> REJECTED and the appeal (REJECTED -> WITH_COMMITTEE) in the
    # committee's tests.
    missing = set(TRANSITIONS) - seen - {
        (Status.INCOMPLETE, Status.DOCUMENTS_COMPLETE),
        (Status.RECEIVED, Status.DOCUMENTS_COMPLETE),
        (Status.DECLARED, Status.DOCUMENTS_COMPLETE),
        (Status.WITH_COMMITTEE, Status.REJECTED),
        (Status.REJECTED, Status.WITH_COMMITTEE),
    }
    assert not missing


def test_a_refused_step_says_which_move_is_not_allowed(make_case, staff):
    case = make_case("received")
    with pytest.raises(ActionRefused) as refusal:
        actions.move(refreshed(case), to=Status.APPROVED, kind=CaseEvent.Kind.DECIDED, by=staff["officer"],
                     audit_type=0)
    assert "مستلم" in str(refusal.value) and "مقبول" in str(refusal.value)


def test_the_officer_sees_a_refusal_over_http_and_the_request_does_not_move(client, make_case, staff):
    case = make_case("received")
    client.force_login(staff["officer"])
    response = client.post(f"/cases/{case.pk}/submit/", follow=True)
    assert "يُرفع الطلب للجنة بعد اكتمال المستندات وتوقيع الإقرار" in response.content.decode()
    assert refreshed(case).status == "received"


def test_a_request_opened_over_a_channel_the_policy_does_not_enable_is_refused(db, staff):
    from mustafid.association.models import PolicyVersion

    PolicyVersion.objects.update(channels=["interview", "phone"])
    beneficiary = make_beneficiary(by=staff["officer"])
    with pytest.raises(ActionRefused):
        actions.open_case(beneficiary=beneficiary, support_type=SupportType.objects.first(), channel="website",
                          need="دعم", by=staff["officer"])
    assert not Case.objects.exists()


def test_decision_clock_is_untouched_by_steps_before_submission(make_case):
    case = make_case("declared")
    assert case.decision_due_on is None and case.submitted_at is None
    assert case.events.filter(kind="submitted").count() == 0
