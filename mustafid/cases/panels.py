"""The request's own panels on its page, and its events on the beneficiary's timeline.

Registered in `CasesConfig.ready()`; research, committee and services register theirs the
same way (see `mustafid/lib/composition.py`). Each panel shows its step's button exactly
when the action would accept it: `case.offers(step, user)`.
"""

import datetime

from django.utils import timezone

from mustafid.association.models import current_policy
from mustafid.beneficiaries.audit_subjects import people_named
from mustafid.lib.composition import (
    AuditSubjectSource, Panel, TimelineRow, TimelineSource, audit_subjects, beneficiary_timeline, request_panels,
    submission_refusals,
)

from .actions import DECLARATION_TEXT, DECLARATION_TEXT_EN, awaiting_verification_refusal
from .forms import (
    CloseCaseForm, DeclarationForm, NoteForm, ProvideInformationForm, RefuseDocumentForm, ReturnForInformationForm,
    UploadDocumentForm,
)
from .models import Case, CaseDocument, CaseEvent, Declaration, InformationFrom, Status, Step
from .progress import changed_since_signing


def _documents_panel(case, user, bound):
    may_act = case.offers(Step.DOCUMENTS, user)
    return {
        "checklist": case.document_checklist(),
        "all_documents": case.documents.select_related("document_type", "reviewed_by"),
        "may_review": may_act,
        "upload_form": (bound or UploadDocumentForm(case=case)) if may_act else None,
        "refuse_form": RefuseDocumentForm() if may_act else None,
        "today": timezone.localdate(),
    }


def _incomplete_panel(case, user, bound):
    if not case.offers(Step.MARK_INCOMPLETE, user):
        return None
    return {"form": bound or NoteForm()}


def _declaration_panel(case, user, bound):
    declaration = case.current_declaration
    # A self-registration (portal) is verified first: the declaration vouches for data the officer may correct.
    may_sign = case.offers(Step.DECLARE, user) and not case.beneficiary.awaiting_verification
    if declaration is None and not may_sign:
        return None
    matches = declaration.matches_current_data() if declaration else None
    return {
        "declaration": declaration,
        "matches": matches,
        # Once the request has gone past it, the declaration is a record to consult: folded unless it no longer holds.
        "folded": not may_sign and matches and case.status not in (Status.DOCUMENTS_COMPLETE, Status.DECLARED),
        "changes": changed_since_signing(declaration) if declaration and not matches else [],
        "form": (bound or DeclarationForm(initial={"signer_name": case.beneficiary.full_name})) if may_sign else None,
        "text": DECLARATION_TEXT,
        "text_en": DECLARATION_TEXT_EN,
    }


def _submit_panel(case, user, bound):
    if not case.offers(Step.SUBMIT, user):
        return None
    policy = current_policy()
    today = timezone.localdate()
    return {
        "policy": policy,
        "due_preview": today + datetime.timedelta(days=policy.response_days) if policy else None,
        # What still stops the submission (a required research report): said, and the button held back.
        "blocked": ([awaiting_verification_refusal()] if case.beneficiary.awaiting_verification else [])
        + submission_refusals(case),
    }


def _awaiting_verification_panel(case, user, bound):
    """The applicant registered themselves in the portal: the request waits until an officer verifies them."""
    if not case.beneficiary.awaiting_verification:
        return None
    return {"beneficiary": case.beneficiary, "may_verify": user.may_intake}


def _return_panel(case, user, bound):
    """The committee returns the request for information it lacks (between meetings, or from a meeting)."""
    if not case.offers(Step.RETURN, user):
        return None
    return {"form": bound or ReturnForInformationForm()}


def _returned_panel(case, user, bound):
    """What the committee asked, since when the clock stands still, and the officer's form for the answer."""
    asked = case.information_request()
    if asked is None:
        return None
    return {
        "asked": asked,
        "of_whom": InformationFrom(asked.data.get("of_whom", InformationFrom.APPLICANT)).label,
        "form": (bound or ProvideInformationForm()) if case.offers(Step.PROVIDE_INFORMATION, user) else None,
        "accepts_documents": case.offers(Step.DOCUMENTS, user),
    }


def _register_panel(case, user, bound):
    return {} if case.offers(Step.REGISTER, user) else None


def _close_panel(case, user, bound):
    if not case.offers(Step.CLOSE, user):
        return None
    return {"form": bound or CloseCaseForm()}


def _event_rows(beneficiary, user):
    """The events of the beneficiary's requests that the reader may see (a committee member: submitted ones)."""
    events = CaseEvent.objects.filter(
        case__beneficiary=beneficiary, case__in=Case.objects.visible_to(user)
    ).select_related("actor", "case")
    return [TimelineRow(at=event.at, template="cases/timeline/event.html", item=event) for event in events]


def _audit_records(query, user):
    """The requests, documents and declarations of the people a query names, for the audit trail's filter."""
    people = people_named(query, user)
    if not people:
        return []
    cases = list(Case.objects.visible_to(user).filter(beneficiary__in=people).values_list("pk", flat=True)[:200])
    documents = CaseDocument.objects.filter(case__in=cases).values_list("pk", flat=True)[:500]
    declarations = Declaration.objects.filter(case__in=cases).values_list("pk", flat=True)[:200]
    return [
        (label, [str(pk) for pk in ids])
        for label, ids in (("cases.case", cases), ("cases.casedocument", list(documents)),
                           ("cases.declaration", list(declarations)))
        if ids
    ]


def register():
    for panel in (
        Panel("awaiting_verification", 1, "cases/panels/awaiting_verification.html", _awaiting_verification_panel),
        Panel("documents", 10, "cases/panels/documents.html", _documents_panel),
        Panel("incomplete", 20, "cases/panels/incomplete.html", _incomplete_panel),
        Panel("declaration", 40, "cases/panels/declaration.html", _declaration_panel),
        Panel("returned", 5, "cases/panels/returned.html", _returned_panel),
        Panel("submit", 50, "cases/panels/submit.html", _submit_panel),
        Panel("return", 65, "cases/panels/return.html", _return_panel),
        Panel("register", 70, "cases/panels/register.html", _register_panel),
        Panel("close", 90, "cases/panels/close.html", _close_panel),
    ):
        request_panels.register(panel)
    beneficiary_timeline.register(TimelineSource("case_events", 20, _event_rows))
    audit_subjects.register(AuditSubjectSource("cases", 20, _audit_records))
