"""The committee's panels on the request page (registered in `CommitteeConfig.ready()`): its decisions, and the
decision by circulation between meetings (members vote, the chair records once the quorum has voted)."""

from mustafid.cases.models import Step, may_take
from mustafid.lib.composition import Panel, request_panels

from .access import may_see_meetings
from .actions import circulation_quorum, open_circulation
from .forms import CirculationDecisionForm, ConflictForm, VoteForm
from .models import AgendaItem, Conflict, vote_counts


def _decision_panel(case, user, bound):
    """The committee's decisions on the request; while it awaits one, where the committee takes it.

    No one decides alone: the chair records what a meeting with its quorum decided (`record_outcome`), or what the
    members decided by circulation once a quorum of them voted (`decide_by_circulation`).
    """
    decisions = case.decisions.select_related("decided_by", "meeting", "support_type", "rejection_reason")
    pending = case.is_open_for(Step.DECIDE) and user.is_committee_member
    if not decisions and not pending:
        return None
    meetings = []
    if pending and may_see_meetings(user):
        items = AgendaItem.objects.filter(case=case, outcome="", meeting__closed_at__isnull=True)
        meetings = [item.meeting for item in items.select_related("meeting").order_by("meeting__starts_at", "pk")]
    return {"decisions": decisions, "pending": pending, "meetings": meetings}


def _circulation_panel(case, user, bound):
    if not (user.is_committee_member and case.is_open_for(Step.DECIDE)):
        return None
    circulation = open_circulation(case)
    votes = list(circulation.votes.all()) if circulation else []
    needed, voted = circulation_quorum(circulation)
    mine = next((vote for vote in votes if vote.member_id == user.pk), None)
    conflicted = Conflict.objects.filter(case=case, member=user).exists()
    vote_form = bound if isinstance(bound, VoteForm) else None
    decision_form = bound if isinstance(bound, CirculationDecisionForm) else None
    initial = {"choice": mine.choice, "note": mine.note} if mine else None
    return {
        "open": bound is not None or circulation is not None,
        "counts": vote_counts(votes), "voted": voted, "needed": needed, "mine": mine, "conflicted": conflicted,
        "form": (vote_form or VoteForm(case_pk="c", initial=initial)) if not conflicted else None,
        "conflict_form": ConflictForm(case_pk="c") if not conflicted else None,
        "decision_form": (decision_form or CirculationDecisionForm(case=case))
        if may_take(user, Step.DECIDE) and voted >= needed else None,
    }


def register():
    request_panels.register(Panel("decision", 60, "committee/panels/decision.html", _decision_panel))
    request_panels.register(Panel("circulation", 62, "committee/panels/circulation.html", _circulation_panel))
