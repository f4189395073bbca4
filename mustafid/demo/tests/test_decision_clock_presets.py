"""The decision clock on the demo data of each of the five presets: a request submitted, returned for
information, answered, and decided — its due date from the preset's response period, moved by the paused days."""

import datetime

import pytest
from django.utils import timezone

from mustafid.association.models import Association
from mustafid.cases import actions
from mustafid.cases.models import Case, CaseEvent, Status
from mustafid.committee.actions import record_decision
from mustafid.conftest import case_at, make_beneficiary, refreshed
from mustafid.demo.loader import load_demo_staff, load_preset
from mustafid.demo.presets import PRESETS
from mustafid.notifications.models import Message


@pytest.mark.parametrize("preset", list(PRESETS))
def test_each_presets_clock_runs_pauses_and_resumes(no_association, preset):
    load_preset(preset)
    users = {user.username: user for user in load_demo_staff()}
    officer, chair = users["officer"], users["chair"]
    policy = Association.objects.current().policy_in_force()
    days = policy.response_days
    assert days == (30 if preset == "qader" else 14)

    case = case_at("with_committee", beneficiary=make_beneficiary(by=officer), officer=officer, committee_member=chair)
    submitted = timezone.localdate(case.submitted_at)
    assert case.decision_due_on == submitted + datetime.timedelta(days=days)
    assert Message.objects.filter(template="submitted").count() == 1

    # Submitted ten days ago, returned six days ago, answered today: six days paused.
    ago = datetime.timedelta(days=10)
    event = case.events.get(kind=CaseEvent.Kind.SUBMITTED)
    CaseEvent.objects.filter(pk=event.pk).update(at=event.at - ago)
    Case.objects.filter(pk=case.pk).update(submitted_at=case.submitted_at - ago, decision_due_on=case.decision_due_on - ago)
    actions.return_for_information(refreshed(case), asked="صورة عقد الإيجار الساري", of_whom="applicant", by=chair)
    CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.RETURNED).update(
        at=timezone.now() - datetime.timedelta(days=6))
    Case.objects.filter(pk=case.pk).update(clock_paused_on=timezone.localdate() - datetime.timedelta(days=6))
    assert refreshed(case).days_left_when_paused == days - 4
    actions.provide_information(refreshed(case), note="أحضر المستفيد العقد", by=officer)

    case = refreshed(case)
    assert case.status == Status.WITH_COMMITTEE
    assert case.decision_due_on == submitted - ago + datetime.timedelta(days=days + 6)
    assert case.days_left == days - 4
    told = Message.objects.filter(template__in=["returned_for_information", "information_received"])
    assert told.count() == 2
    decision = record_decision(case, outcome="approved", reasons="مستوفٍ للشروط", by=chair)
    assert decision.within_response_period
