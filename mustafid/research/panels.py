"""Research's panel on the request page: referrals to a social researcher (registered in `ResearchConfig.ready()`)."""

from mustafid.cases.models import Step
from mustafid.lib.composition import Panel, request_panels

from .forms import ReferralForm


def _referral_panel(case, user, bound):
    referrals = case.referrals.select_related("researcher", "referred_by")
    may_refer = case.offers(Step.REFER, user)
    if not referrals and not may_refer:
        return None
    return {"referrals": referrals, "form": (bound or ReferralForm()) if may_refer else None}


def register():
    request_panels.register(Panel("referral", 30, "research/panels/referral.html", _referral_panel))
