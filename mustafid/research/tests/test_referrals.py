"""Referral to a social researcher when the procedures are unclear, and the researcher's answer."""

import pytest

from mustafid.cases.models import CaseEvent
from mustafid.conftest import refreshed
from mustafid.interactions.actions import log_interaction
from mustafid.lib.errors import ActionRefused
from mustafid.research.actions import answer_referral, refer_to_researcher


def test_a_request_is_referred_and_answered_without_moving_it(make_case, officer, researcher):
    case = make_case("documents_complete")
    referral = refer_to_researcher(case=case, researcher=researcher, question="لا يفهم شروط الدعم", by=officer)
    answer_referral(referral, answer="شرحت له الشروط ومدة الرد", by=researcher)
    assert refreshed(case).status == "documents_complete"
    kinds = list(case.events.values_list("kind", flat=True))
    assert CaseEvent.Kind.REFERRED in kinds and CaseEvent.Kind.REFERRAL_ANSWERED in kinds
    assert referral.beneficiary == case.beneficiary


def test_a_contact_before_any_request_can_be_referred(db, staff):
    volunteer = staff["volunteer"]
    contact = log_interaction(channel="phone", direction="in", kind="inquiry", summary="يسأل عن الخدمات",
                              contact_name="سعيد", by=volunteer)
    referral = refer_to_researcher(interaction=contact, researcher=staff["researcher"], question="أسئلة عن البرنامج",
                                   by=volunteer)
    assert referral.case is None and referral.interaction == contact


def test_only_the_assigned_researcher_answers(make_case, officer, researcher, staff):
    referral = refer_to_researcher(case=make_case(), researcher=researcher, question="سؤال", by=officer)
    with pytest.raises(ActionRefused):
        answer_referral(referral, answer="رد", by=officer)
    answer_referral(referral, answer="رد", by=researcher)
    with pytest.raises(ActionRefused):
        answer_referral(referral, answer="رد ثان", by=researcher)


def test_a_referral_goes_to_a_researcher_only(make_case, officer, staff):
    with pytest.raises(ActionRefused):
        refer_to_researcher(case=make_case(), researcher=staff["committee"], question="سؤال", by=officer)


def test_the_researcher_sees_the_referred_beneficiary_and_not_the_others(client, make_case, officer, researcher):
    referred, other = make_case(), make_case()
    refer_to_researcher(case=referred, researcher=researcher, question="سؤال", by=officer)
    client.force_login(researcher)
    assert client.get(referred.get_absolute_url()).status_code == 200
    assert client.get(referred.beneficiary.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(other.beneficiary.get_absolute_url()).status_code == 404
