"""Who may see and change what of the surveys (docs/feedback.md «Access»).

* The results (aggregates, comments without names) and the follow-up tasks: managers and auditors (read-only).
* The surveys, the settings and closing a follow-up: managers.
* Everyone else (officers, researchers, the committee, branch representatives, volunteers): nothing, 403.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import FollowUp, Survey


def may_read_results(user):
    return bool(getattr(user, "reads_everything", False))


def may_manage(user):
    return bool(getattr(user, "is_manager", False))


def require_reader(user):
    if not may_read_results(user):
        raise PermissionDenied


def require_manager(user):
    if not may_manage(user):
        raise PermissionDenied


def access_survey(user, pk):
    require_manager(user)
    return get_object_or_404(Survey, pk=pk)


def access_follow_up(user, pk, *, write=False):
    require_reader(user)
    follow_up = get_object_or_404(FollowUp.objects.select_related("invitation__beneficiary"), pk=pk)
    if write:
        require_manager(user)
    return follow_up
