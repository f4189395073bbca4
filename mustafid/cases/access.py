"""Who may see or act on a support request and its files."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from mustafid.audit.log import record
from mustafid.audit.models import EventType

from .models import Case, CaseDocument, Declaration, may_take


def _visible_case(user, pk):
    return get_object_or_404(
        Case.objects.visible_to(user).select_related(
            "beneficiary", "beneficiary__region", "beneficiary__category", "support_type", "branch", "received_by"
        ),
        pk=pk,
    )


def access_case(user, pk, *, step=None):
    """404 for outsiders; 403 for those who may see the request but whose roles do not allow `step`.

    `step` (a `Step`) names what the user is about to do; whether the request's state accepts it
    is the action's to say (it refuses with a reason). Only a plain read (no step) is audited as
    a view of the request.
    """
    case = _visible_case(user, pk)
    if step is not None and not may_take(user, step):
        raise PermissionDenied
    if step is None:
        record(EventType.CASE_VIEWED, actor=user, target=case)
    return case


def access_document(user, pk, *, step=None):
    """A document of a request the user may see; `step` as for `access_case`. Reads are audited."""
    document = get_object_or_404(CaseDocument.objects.select_related("document_type"), pk=pk)
    _visible_case(user, document.case_id)
    if step is not None and not may_take(user, step):
        raise PermissionDenied
    if step is None:
        record(EventType.DOCUMENT_VIEWED, actor=user, target=document, data={"case": document.case_id})
    return document


def access_declaration(user, pk):
    declaration = get_object_or_404(Declaration, pk=pk)
    _visible_case(user, declaration.case_id)
    record(EventType.DECLARATION_VIEWED, actor=user, target=declaration, data={"case": declaration.case_id})
    return declaration
