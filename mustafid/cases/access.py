"""Who may see or act on a support request and its files."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from mustafid.audit.log import record
from mustafid.audit.models import EventType

from .models import Case, CaseDocument, Declaration


def _visible_case(user, pk):
    return get_object_or_404(
        Case.objects.visible_to(user).select_related(
            "beneficiary", "beneficiary__region", "beneficiary__category", "support_type", "branch", "received_by"
        ),
        pk=pk,
    )


def access_case(user, pk, *, write=False, decide=False, refer=False):
    """404 for outsiders; 403 for those who may read but not take this step.

    write: the intake steps (documents, declaration, submission, registration, service).
    decide: the committee's decision.
    refer: a referral to a social researcher.
    Only a plain read (no step) is audited as a view of the request.
    """
    case = _visible_case(user, pk)
    if write and not user.may_intake:
        raise PermissionDenied
    if decide and not user.is_committee_member:
        raise PermissionDenied
    if refer and not user.may_refer:
        raise PermissionDenied
    if not (write or decide or refer):
        record(EventType.CASE_VIEWED, actor=user, target=case)
    return case


def access_document(user, pk, *, write=False):
    document = get_object_or_404(CaseDocument.objects.select_related("document_type"), pk=pk)
    _visible_case(user, document.case_id)
    if write and not user.may_intake:
        raise PermissionDenied
    if not write:
        record(EventType.DOCUMENT_VIEWED, actor=user, target=document, data={"case": document.case_id})
    return document


def access_declaration(user, pk):
    declaration = get_object_or_404(Declaration, pk=pk)
    _visible_case(user, declaration.case_id)
    record(EventType.DECLARATION_VIEWED, actor=user, target=declaration, data={"case": declaration.case_id})
    return declaration
