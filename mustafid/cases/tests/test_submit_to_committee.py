"""Submission starts the decision clock: due date = submission day + the policy's response period."""

import datetime

import pytest
from django.utils import timezone

from mustafid.association.models import PolicyVersion
from mustafid.cases import actions
from mustafid.cases.models import Case, CaseDocument
from mustafid.conftest import refreshed
from mustafid.lib.errors import ActionRefused
from mustafid.lib.hijri import to_hijri


def test_it_starts_the_decision_clock_with_the_response_period_of_the_policy_in_force(make_case):
    case = make_case("with_committee")
    policy = PolicyVersion.objects.get()
    assert case.policy_version == policy
    assert case.response_days == 14
    assert case.decision_due_on == timezone.localdate(case.submitted_at) + datetime.timedelta(days=14)
    event = case.events.get(kind="submitted")
    assert event.data["decision_due_on"] == case.decision_due_on.isoformat()


def test_a_one_month_policy_gives_thirty_days(make_case):
    PolicyVersion.objects.update(response_days=30)
    case = make_case("with_committee")
    assert case.decision_due_on - timezone.localdate(case.submitted_at) == datetime.timedelta(days=30)


def test_a_newer_policy_version_governs_requests_submitted_after_it_takes_effect(make_case, association):
    old = PolicyVersion.objects.get()
    new = PolicyVersion.objects.create(
        association=association, version="2.0", effective_from=timezone.localdate(), response_days=30,
        channels=old.channels, general_goal_ar=old.general_goal_ar, detailed_goals_ar=old.detailed_goals_ar,
    )
    case = make_case("with_committee")
    assert case.policy_version == new and case.response_days == 30


def test_documents_are_checked_again_for_validity_on_the_day_of_submission(make_case, officer):
    case = make_case("declared")
    CaseDocument.objects.filter(case=case).update(expires_on=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(ActionRefused) as refusal:
        actions.submit_to_committee(case, by=officer)
    assert "غير سارية" in str(refusal.value)
    assert refreshed(case).status == "declared" and refreshed(case).decision_due_on is None


def test_overdue_and_due_soon_are_read_from_the_due_date(make_case):
    on_time, soon, late = make_case("with_committee"), make_case("with_committee"), make_case("with_committee")
    today = timezone.localdate()
    Case.objects.filter(pk=soon.pk).update(decision_due_on=today + datetime.timedelta(days=2))
    Case.objects.filter(pk=late.pk).update(decision_due_on=today - datetime.timedelta(days=1))
    assert list(Case.objects.overdue()) == [refreshed(late)]
    assert list(Case.objects.due_soon()) == [refreshed(soon)]
    assert refreshed(late).is_overdue and not refreshed(on_time).is_overdue
    assert refreshed(soon).is_due_soon


def test_the_due_date_is_shown_in_both_calendars_and_overdue_is_highlighted(client, make_case, officer):
    case = make_case("with_committee")
    client.force_login(officer)
    page = client.get(case.get_absolute_url()).content.decode()
    year, _month, day = to_hijri(case.decision_due_on)
    assert f'datetime="{case.decision_due_on.isoformat()}"' in page
    assert f"{day} " in page and f"{year} هـ" in page
    assert "متأخر عن مدة الرد" not in page
    Case.objects.filter(pk=case.pk).update(decision_due_on=timezone.localdate() - datetime.timedelta(days=3))
    page = client.get(case.get_absolute_url()).content.decode()
    assert "متأخر عن مدة الرد" in page and "3 أيام" in page
    assert "overdue-box" in page


def test_the_staff_home_lists_overdue_and_due_soon_decisions(client, make_case, officer):
    late = make_case("with_committee")
    Case.objects.filter(pk=late.pk).update(decision_due_on=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(officer)
    response = client.get("/")
    assert response.context["overdue"][0] == refreshed(late)
    assert late.reference in response.content.decode()
