"""Who may see or act on the committee's meetings, and on a request as a committee member.

Committee members (and the chair) see the meetings and vote; the chair records attendance and outcomes; the
chair or the manager calls a meeting; managers and auditors read. Anyone else: 404 for a meeting, 403 for
the lists. A request is found through `Case.objects.visible_to(user)`, as everywhere.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from mustafid.cases.models import Case, Step, may_take

from .actions import may_schedule_meetings
from .models import Meeting


def may_see_meetings(user):
    return bool(user.is_committee_member or user.reads_everything)


def require_meetings_reader(user):
    if not may_see_meetings(user):
        raise PermissionDenied


def require_scheduler(user):
    if not may_schedule_meetings(user):
        raise PermissionDenied


def access_meeting(user, pk, *, vote=False, chair=False):
    """404 for who may not see meetings; 403 for a reader voting (not a member) or recording (not the chair)."""
    if not may_see_meetings(user):
        raise Http404
    meeting = get_object_or_404(Meeting, pk=pk)
    if vote and not user.is_committee_member:
        raise PermissionDenied
    if chair and not may_take(user, Step.DECIDE):
        raise PermissionDenied
    return meeting


def access_case_as_member(user, pk, *, chair=False):
    """A request the user may see (404 otherwise), for a member's step on it (403 for anyone else)."""
    case = get_object_or_404(Case.objects.visible_to(user).select_related("beneficiary", "support_type"), pk=pk)
    if not user.is_committee_member:
        raise PermissionDenied
    if chair and not may_take(user, Step.DECIDE):
        raise PermissionDenied
    return case
