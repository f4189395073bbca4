"""The survey's public page (/s/<token>/): no sign-in, discreet, one response, hostile input refused beside the field."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mustafid.feedback.models import FollowUp, SurveyInvitation, SurveyResponse

from .conftest import deliver, token_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(make_case, officer, survey):
    delivery = deliver(make_case, officer)
    invitation = SurveyInvitation.objects.get()
    return invitation, token_of(invitation), delivery


def form_data(survey, satisfaction="4", recommendation="9", on_time="1", comment="", contact=False):
    q = list(survey.questions.asked())
    data = {f"q{q[0].pk}": satisfaction, f"q{q[1].pk}": recommendation, f"q{q[2].pk}": on_time,
            f"q{q[3].pk}": comment}
    if contact:
        data["wants_contact"] = "on"
    return data


def test_the_link_opens_the_survey_without_signing_in_and_says_nothing_about_the_person(client, invited, survey):
    invitation, token, delivery = invited
    response = client.get(f"/s/{token}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store" and response["Referrer-Policy"] == "same-origin"
    page = response.content.decode()
    beneficiary = invitation.beneficiary
    for secret in (beneficiary.first_name, beneficiary.family_name, beneficiary.national_id, str(delivery.service),
                   str(delivery.case.support_type), beneficiary.category.name_ar if beneficiary.category_id else "x"):
        assert secret and secret not in page
    assert "ما مدى رضاك" in page and "راضٍ جدًا" in page and "أرغب أن يتواصل معي أحد" in page
    assert page.count('type="radio"') == 5 + 11 + 2


def test_an_answer_then_thanks_and_a_second_submit_adds_nothing(client, invited, survey):
    invitation, token, _delivery = invited
    response = client.post(f"/s/{token}/", form_data(survey, comment="خدمة ممتازة"))
    assert response.status_code == 302 and response["Location"] == f"/s/{token}/"
    assert "شكرًا، وصلتنا إجابتك" in client.get(f"/s/{token}/").content.decode()
    again = client.post(f"/s/{token}/", form_data(survey, satisfaction="1"), follow=True)
    assert "شكرًا، وصلتنا إجابتك" in again.content.decode()
    assert SurveyResponse.objects.count() == 1 and SurveyResponse.objects.get().satisfaction == 4
    assert not FollowUp.objects.exists()


def test_a_double_click_with_the_same_form_is_one_response(client, invited, survey):
    _invitation, token, _delivery = invited
    page = client.get(f"/s/{token}/").content.decode()
    once = page.split('name="_once" value="')[1].split('"')[0]
    data = {**form_data(survey), "_once": once}
    client.post(f"/s/{token}/", data)
    second = client.post(f"/s/{token}/", data, follow=True)
    assert second.status_code == 200 and SurveyResponse.objects.count() == 1


def test_unknown_tampered_and_expired_links_get_the_same_page(client, invited, survey):
    invitation, token, _delivery = invited
    unknown = client.get("/s/nothing-here/")
    tampered = client.get(f"/s/{token[:-2]}xx/")
    SurveyInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = client.get(f"/s/{token}/")
    posted = client.post(f"/s/{token}/", form_data(survey))
    assert {unknown.status_code, tampered.status_code, expired.status_code, posted.status_code} == {404}
    bodies = {r.content.decode().replace(r.wsgi_request.META.get("CSRF_COOKIE", ""), "")
              for r in (unknown, tampered, expired)}
    assert len({b.split("<main")[1] for b in bodies}) == 1
    assert not SurveyResponse.objects.exists()


def test_a_low_rating_with_a_wish_to_be_contacted_opens_a_follow_up(client, invited, survey):
    invitation, token, _delivery = invited
    client.post(f"/s/{token}/", form_data(survey, satisfaction="1", contact=True))
    assert FollowUp.objects.get().reason == "both"


def test_a_required_question_left_empty_is_shown_again_with_the_error_beside_it(client, invited, survey):
    _invitation, token, _delivery = invited
    response = client.post(f"/s/{token}/", form_data(survey, satisfaction="", comment="تعليقي"))
    page = response.content.decode()
    assert response.status_code == 400 and 'role="alert"' in page and "اختر إجابة لهذا السؤال." in page
    assert "تعليقي" in page and 'aria-invalid="true"' in page
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("field, value, error", [
    ("satisfaction", "6", "اختر إحدى الإجابات المعروضة."),
    ("satisfaction", "٣", "اختر إحدى الإجابات المعروضة."),
    ("recommendation", "-1", "اختر إحدى الإجابات المعروضة."),
    ("on_time", "2", "اختر إحدى الإجابات المعروضة."),
    ("comment", "x" * 100_000, "500"),
    ("comment", "نص\x00خطير", None),
    ("comment", "نص \u202e معكوس", None),
])
def test_hostile_input_is_refused_beside_the_field_never_a_500(client, invited, survey, field, value, error):
    _invitation, token, _delivery = invited
    response = client.post(f"/s/{token}/", form_data(survey, **{field: value}))
    assert response.status_code == 400
    if error:
        assert error in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_short_comment_is_kept_cleaned(client, invited, survey):
    _invitation, token, _delivery = invited
    client.post(f"/s/{token}/", form_data(survey, comment="  خدمة   سريعة \n شكرًا  "))
    response = SurveyResponse.objects.get()
    assert response.answers.get(question__kind="short_text").text == "خدمة سريعة شكرًا"


def test_the_page_is_discreet_in_its_title(client, invited):
    _invitation, token, _delivery = invited
    title = client.get(f"/s/{token}/").content.decode().split("<title>")[1].split("</title>")[0]
    assert "مستفيد" in title


def test_the_survey_is_offered_in_english_too(client, invited):
    _invitation, token, _delivery = invited
    switched = client.post("/i18n/setlang/", {"language": "en", "next": f"/s/{token}/"})
    assert switched.status_code == 302 and switched["Location"] == f"/s/{token}/"
    page = client.get(f"/s/{token}/").content.decode()
    assert "Your opinion of our service" in page and "Very satisfied" in page
