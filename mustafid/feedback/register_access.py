"""Who may see and change what of the complaints register (docs/feedback.md «سجل الشكاوى والمقترحات»).

`Feedback.objects.visible_to(user)` says who sees what; this module turns it into 404 for outsiders and 403 for
those who see an item read-only (auditors, and staff whose part it is not). Opening a confidential item is
written to the audit trail (FEEDBACK_VIEWED).
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from mustafid.audit.log import record
from mustafid.audit.models import EventType

from .models import Feedback
from .register import may_handle, may_log, may_manage_register


def may_see_register(user):
    """The register's list and its link in the navigation."""
    return bool(getattr(user, "is_authenticated", False) and (user.reads_everything or user.is_officer
                                                              or user.is_branch_rep))


def require_register(user):
    if not may_see_register(user):
        raise PermissionDenied


def require_logger(user):
    if not may_log(user):
        raise PermissionDenied


def require_register_manager(user):
    if not may_manage_register(user):
        raise PermissionDenied


def access_feedback(user, pk, *, write=False):
    """The item `pk`: 404 when `user` may not see it, 403 when `write` and it is not theirs to handle.

    A plain read of a confidential item is audited (who opened it, when).
    """
    feedback = get_object_or_404(
        Feedback.objects.visible_to(user).select_related("category", "beneficiary", "assignee", "about_staff",
                                                         "branch"),
        pk=pk)
    if write:
        if not (may_handle(user, feedback) or may_manage_register(user)):
            raise PermissionDenied
    elif feedback.confidential:
        record(EventType.FEEDBACK_VIEWED, actor=user, target=feedback, data={"reference": feedback.reference})
    return feedback
