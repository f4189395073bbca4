"""A satisfaction survey after the committee's decision, when the association wants one (the survey settings'
«استبيان بعد قرار لجنة البحث», off by default) and a survey is active for it: the invitation and its message are
written in the decision's transaction, once per decision (feedback/actions.py `invite`). `committee` sits above
`feedback`, so it calls it directly; the lower apps never reach up."""

from mustafid.audit.actors import Actor
from mustafid.feedback.actions import invite
from mustafid.feedback.models import Trigger

from .letters import _decision_of


def survey_after_decision(event):
    decision = _decision_of(event)
    if decision is None:
        return None
    return invite(Trigger.DECISION, event.case.beneficiary, decision, by=Actor.system("surveys"))


def register():
    from mustafid.cases import workflow

    if survey_after_decision not in workflow._writers:
        workflow.on_case_event_written(survey_after_decision)
