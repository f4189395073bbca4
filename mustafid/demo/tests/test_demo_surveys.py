"""The demo's survey: active, answered through the real actions, enough answers to show the figures."""

import pytest
from django.core.management import call_command

from mustafid.feedback import results
from mustafid.feedback.models import FollowUp, Survey, SurveyInvitation, SurveyResponse


@pytest.mark.parametrize("preset", ["aoun", "qader"])
def test_each_preset_has_an_active_survey_with_answers_and_a_follow_up(no_association, preset):
    call_command("load_demo", preset=preset, verbosity=0, stdout=open("/dev/null", "w"))
    survey = Survey.objects.get(active=True, trigger="delivery")
    assert [q.kind for q in survey.questions.asked()] == ["rating_1_5", "nps_0_10", "yes_no", "short_text"]
    assert "هل تمت خدمتك في الوقت المناسب؟" in [q.text_ar for q in survey.questions.asked()]
    assert SurveyInvitation.objects.count() == 6 and SurveyResponse.objects.count() == 5
    assert FollowUp.objects.get().reason == "both"
    figures = results.compute(survey=survey)
    assert not figures.anonymous and figures.satisfaction == 3.8
    # Loading again adds nothing.
    call_command("load_demo", preset=preset, verbosity=0, stdout=open("/dev/null", "w"))
    assert SurveyInvitation.objects.count() == 6
