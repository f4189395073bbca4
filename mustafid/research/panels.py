"""Research's panel on the request page: referrals to a social researcher (registered in `ResearchConfig.ready()`)."""

from mustafid.cases.models import Step
from mustafid.lib.composition import Panel, request_panels

from .actions import may_write_report
from .forms import ReferralForm
from .models import ResearchReport


def _referral_panel(case, user, bound):
    referrals = case.referrals.select_related("researcher", "referred_by")
    may_refer = case.offers(Step.REFER, user)
    if not referrals and not may_refer:
        return None
    return {"referrals": referrals, "form": (bound or ReferralForm()) if may_refer else None}


def _report_panel(case, user, bound):
    """The social research report's summary for the committee (recommendation and totals), or the way to write it."""
    if not user.sees_sensitive_data:
        return None
    report = ResearchReport.objects.filter(case=case).select_related("researcher").first()
    may_write = case.is_open_for(Step.REFER) and may_write_report(user, case) and not (report and report.is_filed)
    if report is None and not may_write and not case.support_type.requires_research:
        return None
    return {
        "report": report,
        "figures": report.figures() if report else None,
        "may_write": may_write,
        "required": case.support_type.requires_research,
    }


def register():
    request_panels.register(Panel("referral", 30, "research/panels/referral.html", _referral_panel))
    request_panels.register(Panel("research_report", 35, "research/panels/report.html", _report_panel))
