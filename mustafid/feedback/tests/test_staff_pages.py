"""The managers' and auditors' side: results (anonymous below the threshold), follow-ups, surveys and settings."""

import pytest

from mustafid.audit.models import AuditEvent, EventType
from mustafid.feedback import actions
from mustafid.feedback.models import FollowUp, Survey, SurveyInvitation, SurveySettings

from .conftest import deliver, values

pytestmark = pytest.mark.django_db

READERS = ["manager", "auditor"]
OTHERS = ["officer", "researcher", "committee", "chair", "branch_rep", "volunteer", "outsider"]


def answered(make_case, officer, survey, ratings, comment="", contact=False):
    for rating in ratings:
        deliver(make_case, officer)
        invitation = SurveyInvitation.objects.filter(answered_at__isnull=True).latest("pk")
        actions.answer(invitation, values=values(survey, satisfaction=rating, recommendation=rating * 2, on_time=1,
                                                 comment=comment), wants_contact=contact)


@pytest.mark.parametrize("role", READERS)
def test_managers_and_auditors_read_the_results_and_the_read_is_audited(client, staff, role, survey):
    client.force_login(staff[role])
    response = client.get("/feedback/")
    assert response.status_code == 200 and "نتائج استبيانات الرضا" in response.content.decode()
    assert AuditEvent.objects.filter(event_type=EventType.SURVEY_RESPONSES_VIEWED, actor=staff[role]).exists()
    assert client.get("/feedback/follow-ups/").status_code == 200


@pytest.mark.parametrize("role", OTHERS)
def test_no_other_role_sees_results_follow_ups_or_surveys(client, staff, role, survey):
    client.force_login(staff[role])
    for url in ("/feedback/", "/feedback/follow-ups/", "/feedback/surveys/", f"/feedback/surveys/{survey.pk}/",
                "/feedback/settings/"):
        assert client.get(url).status_code == 403, url
    # The results' link (the register's, /feedback/register/, is for officers and branch representatives too).
    assert 'href="/feedback/"' not in client.get("/").content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client, survey):
    assert client.get("/feedback/")["Location"].startswith("/accounts/login/")


def test_below_the_threshold_only_counts_are_shown(client, staff, make_case, officer, survey):
    answered(make_case, officer, survey, [5, 4, 1], comment="تأخر الموعد كثيرًا")
    client.force_login(staff["manager"])
    page = client.get("/feedback/").content.decode()
    assert 'id="below-threshold"' in page and "تأخر الموعد" not in page and 'id="satisfaction"' not in page
    assert 'id="answered">3' in page


def test_at_the_threshold_the_figures_and_comments_show_without_names(client, staff, make_case, officer, survey):
    answered(make_case, officer, survey, [5, 5, 4, 2, 1], comment="تأخر الموعد كثيرًا")
    client.force_login(staff["auditor"])
    response = client.get("/feedback/", {"period": "all"})
    page = response.content.decode()
    assert 'id="below-threshold"' not in page and "تأخر الموعد" in page
    figures = response.context["results"]
    assert figures.answered == 5 and figures.invited == 5 and figures.rate == 100
    assert figures.satisfaction == 3.4
    # Recommendation 10, 10, 8, 4, 2: two promoters, two detractors -> 0.
    assert (figures.promoters, figures.detractors, figures.nps) == (2, 2, 0)
    for invitation in SurveyInvitation.objects.select_related("beneficiary"):
        assert invitation.beneficiary.first_name + " " + invitation.beneficiary.father_name not in page
        assert invitation.beneficiary.national_id not in page


def test_the_threshold_is_the_associations_choice(client, staff, make_case, officer, survey):
    SurveySettings.objects.update_or_create(pk=SurveySettings.current().pk, defaults={"anonymity_threshold": 2})
    answered(make_case, officer, survey, [4, 4])
    client.force_login(staff["manager"])
    assert 'id="below-threshold"' not in client.get("/feedback/").content.decode()


def test_the_manager_sees_the_follow_up_and_closes_it_with_a_note(client, staff, make_case, officer, survey):
    answered(make_case, officer, survey, [1])
    follow_up = FollowUp.objects.get()
    client.force_login(staff["manager"])
    page = client.get("/feedback/follow-ups/").content.decode()
    assert follow_up.invitation.beneficiary.first_name in page and "تقييم منخفض" in page
    empty = client.post(f"/feedback/follow-ups/{follow_up.pk}/done", {"note": ""})
    assert empty.status_code == 400 and "اكتب ما تم في المتابعة." in empty.content.decode()
    done = client.post(f"/feedback/follow-ups/{follow_up.pk}/done", {"note": "اتصلت به واعتذرت"})
    assert done.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.is_done and follow_up.note == "اتصلت به واعتذرت"


def test_the_auditor_reads_follow_ups_but_may_not_close_them(client, staff, make_case, officer, survey):
    answered(make_case, officer, survey, [2])
    follow_up = FollowUp.objects.get()
    client.force_login(staff["auditor"])
    page = client.get("/feedback/follow-ups/").content.decode()
    assert "تمت المتابعة" not in page
    assert client.post(f"/feedback/follow-ups/{follow_up.pk}/done", {"note": "تم"}).status_code == 403
    assert not FollowUp.objects.get().is_done


def test_a_follow_up_never_shows_the_comment_next_to_the_person(client, staff, make_case, officer, survey):
    answered(make_case, officer, survey, [1], comment="الموظف لم يحسن استقبالي")
    client.force_login(staff["manager"])
    assert "لم يحسن استقبالي" not in client.get("/feedback/follow-ups/").content.decode()


def question_post(survey=None, **overrides):
    questions = list(survey.questions.asked()) if survey else []
    rows = questions and [actions.default_questions()[i] | {"id": q.pk} for i, q in enumerate(questions)] \
        or actions.default_questions()
    data = {"name": "استبيان بعد الخدمة", "trigger": "delivery", "active": "on", "intro_ar": "", "intro_en": "",
            "questions-TOTAL_FORMS": str(len(rows)), "questions-INITIAL_FORMS": "0", "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "20"}
    for index, row in enumerate(rows):
        for name in ("kind", "text_ar", "text_en", "role"):
            data[f"questions-{index}-{name}"] = row[name]
        if row.get("id"):
            data[f"questions-{index}-id"] = row["id"]
        if row["required"]:
            data[f"questions-{index}-required"] = "on"
    data.update(overrides)
    return data


def test_a_manager_creates_and_edits_a_survey_audited(client, staff, survey):
    client.force_login(staff["manager"])
    assert client.get("/feedback/surveys/new/").status_code == 200
    response = client.post("/feedback/surveys/new/", question_post(name="استبيان جديد"))
    assert response.status_code == 302
    created = Survey.objects.get(name="استبيان جديد")
    assert created.active and created.questions.count() == 4
    survey.refresh_from_db()
    assert not survey.active  # one active survey per trigger
    edit = question_post(created, **{"questions-3-DELETE": "on", "active": ""})
    assert client.post(f"/feedback/surveys/{created.pk}/", edit).status_code == 302
    created.refresh_from_db()
    assert not created.active and created.questions.asked().count() == 3
    assert AuditEvent.objects.filter(event_type=EventType.SURVEY_CHANGED, actor=staff["manager"]).count() == 3


@pytest.mark.parametrize("overrides, error", [
    ({"questions-0-text_ar": ""}, "هذا الحقل مطلوب"),
    ({"questions-0-text_ar": "سؤال\x00"}, None),
    ({"questions-0-text_ar": "س" * 100_000}, None),
    ({"questions-0-kind": "choice", "questions-0-role": ""}, "أضف خيارين على الأقل"),
    ({"questions-1-role": "satisfaction"}, "سؤال الرضا يكون تقييمًا"),
    ({"name": "\u202eاستبيان"}, None),
])
def test_a_bad_survey_is_shown_again_with_the_error(client, staff, survey, overrides, error):
    client.force_login(staff["manager"])
    response = client.post("/feedback/surveys/new/", question_post(**overrides))
    assert response.status_code == 400
    if error:
        assert error in response.content.decode()
    assert Survey.objects.count() == 1


def test_a_manager_changes_the_settings_and_bad_values_are_refused(client, staff):
    client.force_login(staff["manager"])
    fields = {"expiry_days": "٧", "reminder_days": "2", "anonymity_threshold": "5", "follow_up_rating": "2",
              "follow_up_days": "3"}
    assert client.post("/feedback/settings/", fields).status_code == 302
    assert SurveySettings.current().expiry_days == 7
    bad = client.post("/feedback/settings/", {**fields, "reminder_days": "9"})
    assert bad.status_code == 400 and "يكون التذكير قبل انتهاء صلاحية الرابط." in bad.content.decode()
    assert client.post("/feedback/settings/", {**fields, "expiry_days": "0"}).status_code == 400
    assert AuditEvent.objects.filter(event_type=EventType.SURVEY_CHANGED).count() == 1


def test_the_nav_offers_the_results_to_managers_and_auditors_only(client, staff):
    client.force_login(staff["auditor"])
    assert 'href="/feedback/"' in client.get("/").content.decode()
    client.force_login(staff["officer"])
    assert 'href="/feedback/"' not in client.get("/").content.decode()


def test_the_follow_up_list_reads_a_fixed_number_of_queries_and_counts_nothing(client, staff, make_case, officer,
                                                                                survey):
    from mustafid.tests.paging import assert_counts_nothing, get_with_queries

    client.force_login(staff["manager"])
    client.get("/feedback/follow-ups/")  # the session and the settings row, once
    answered(make_case, officer, survey, [1])
    _response, one = get_with_queries(client, "/feedback/follow-ups/")
    answered(make_case, officer, survey, [2, 1, 2])
    response, four = get_with_queries(client, "/feedback/follow-ups/")
    assert len(response.context["rows"]) == 4
    assert len(one) == len(four), "\n".join(four)
    assert_counts_nothing(four)


def test_the_managers_home_shows_the_open_follow_ups_with_the_earliest_due(client, staff, make_case, officer, survey):
    client.force_login(staff["manager"])
    assert client.get("/").context["follow_ups_open"] == "0"
    answered(make_case, officer, survey, [1, 2])
    response = client.get("/")
    assert response.context["follow_ups_open"] == "2"
    assert response.context["follow_up_next"] == FollowUp.objects.order_by("due_on").first().due_on
    assert 'href="/feedback/follow-ups/"' in response.content.decode()
