"""What a signed-in beneficiary may open: their own requests, and nothing else.

The request's number in the address is never trusted: it is looked up among the beneficiary's own
requests, and another's is the same 404 as one that does not exist.
"""

from django.http import Http404

from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.cases.models import Case


def own_cases(beneficiary):
    return Case.objects.filter(beneficiary_id=beneficiary.pk)


def access_own_case(beneficiary, pk, *, actor):
    """The beneficiary's own request `pk` (404 otherwise); the read is audited as done by `actor` (the
    session's: the beneficiary, or the guardian acting for them)."""
    case = own_cases(beneficiary).select_related("support_type").filter(pk=pk).first()
    if case is None:
        raise Http404
    record(EventType.CASE_VIEWED, actor=actor, target=case, data={"through": "portal"})
    return case


def latest_decision(case):
    """The committee's latest decision on the request (an appeal may bring a second), or None."""
    return case.decisions.order_by("-decided_at", "-pk").first()
