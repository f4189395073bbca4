from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.cases.models import Case

from .models import HousingPhoto, Referral, ResearchReport


def access_referral(user, pk, *, answer=False):
    """404 for outsiders; 403 when someone other than the assigned researcher tries to answer."""
    referral = get_object_or_404(
        Referral.objects.visible_to(user).select_related("case", "beneficiary", "interaction", "researcher"), pk=pk
    )
    if answer and referral.researcher_id != user.pk:
        raise PermissionDenied
    return referral


def access_report_case(user, case_pk, *, write=False, audit_target=None):
    """The request whose social research report the user reads (or, with `write`, writes), and the report or None.

    Who may read: whoever sees the request (its referrals' people: the researcher it was referred to, officers,
    its branch's representative, the committee once submitted, managers and auditors); a volunteer never (health
    and income). 404 for outsiders; 403 for readers who write. Every read is audited.
    """
    if not user.sees_sensitive_data:
        raise Http404
    case = get_object_or_404(Case.objects.visible_to(user).select_related("beneficiary", "support_type"), pk=case_pk)
    report = ResearchReport.objects.filter(case=case).select_related("researcher").first()
    if write:
        from .actions import may_write_report

        if not may_write_report(user, case):
            raise PermissionDenied
    else:
        # Even an empty page says whether the researcher has written anything yet: every read is in the trail.
        # The row names what the address named (the request, or a photo), with the report in its data.
        record(EventType.RESEARCH_REPORT_VIEWED, actor=user, target=audit_target or case,
               data={"case": case.pk, "report": report.pk if report else None})
    return case, report


def access_housing_photo(user, pk):
    """A housing photo of a report the user may read; audited as a read of the report."""
    photo = get_object_or_404(HousingPhoto.objects.select_related("report"), pk=pk)
    access_report_case(user, photo.report.case_id, audit_target=photo)
    return photo
