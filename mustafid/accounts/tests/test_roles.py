"""A staff member may hold several roles; the committee chair records decisions; code asks role facts only."""

import pytest
from django.core.management import call_command

from mustafid.accounts.models import Role, User
from mustafid.audit.models import AuditEvent, EventType
from mustafid.research.forms import ReferralForm


def staff_with(*roles, username="multi", branch=None):
    user = User.objects.create(username=username, first_name="سلمى", branch=branch)
    user.roles.set(roles)
    return User.objects.get(pk=user.pk)


def test_an_officer_who_is_also_the_researcher_may_do_both(db):
    user = staff_with(Role.OFFICER, Role.RESEARCHER)
    assert user.may_intake and user.is_officer and user.is_researcher and user.may_log_contacts
    assert user.roles_display == "موظف علاقات المستفيدين، الباحث الاجتماعي"


def test_the_researcher_choice_offers_everyone_who_holds_the_researcher_role(staff):
    both = staff_with(Role.OFFICER, Role.RESEARCHER)
    offered = set(ReferralForm().fields["researcher"].queryset)
    assert both in offered and staff["researcher"] in offered
    assert staff["officer"] not in offered and staff["volunteer"] not in offered


def test_with_role_finds_holders_of_any_of_the_roles_once_each(db):
    both = staff_with(Role.OFFICER, Role.RESEARCHER)
    volunteer = staff_with(Role.VOLUNTEER, username="v")
    new = User.objects.filter(pk__in=[both.pk, volunteer.pk])
    assert list(new.with_role(Role.OFFICER, Role.RESEARCHER)) == [both]
    assert list(new.with_role(Role.VOLUNTEER)) == [volunteer]


def test_a_volunteer_alone_sees_no_sensitive_data_but_a_volunteer_who_is_also_an_officer_does(db):
    assert not staff_with(Role.VOLUNTEER, username="v").sees_sensitive_data
    assert staff_with(Role.VOLUNTEER, Role.OFFICER, username="vo").sees_sensitive_data
    assert not staff_with(username="nobody").sees_sensitive_data  # no role, nothing sensitive


def test_a_branch_rep_is_limited_to_their_branch_unless_they_are_also_an_officer(db):
    assert staff_with(Role.BRANCH_REP, username="b").limited_to_branch
    assert not staff_with(Role.BRANCH_REP, Role.OFFICER, username="bo").limited_to_branch


def test_the_chair_is_a_committee_member_who_records_decisions_and_a_member_does_not(staff):
    chair, member = staff["chair"], staff["committee"]
    assert chair.is_committee_member and chair.may_record_decisions
    assert member.is_committee_member and not member.may_record_decisions
    assert chair.roles_display == "رئيس لجنة البحث"


def test_role_facts_follow_a_change_of_roles_on_the_same_object(db):
    user = staff_with(Role.VOLUNTEER)
    assert not user.may_intake
    user.roles.add(Role.OFFICER)
    assert user.may_intake
    user.roles.remove(Role.OFFICER, Role.VOLUNTEER)
    assert not user.may_log_contacts


def test_only_a_manager_enters_the_settings_screens_whatever_else_they_are(db):
    user = staff_with(Role.OFFICER)
    assert not user.is_staff
    user.roles.add(Role.MANAGER)
    assert user.is_staff and User.objects.get(pk=user.pk).is_staff
    user.roles.remove(Role.MANAGER)
    assert not User.objects.get(pk=user.pk).is_staff


def test_createsuperuser_makes_the_deployments_manager(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-password-1")
    call_command("createsuperuser", username="first", email="f@example.org", interactive=False, verbosity=0)
    user = User.objects.get(username="first")
    assert user.is_manager and user.is_staff and user.is_superuser


def test_the_settings_screen_sets_roles_with_checkboxes(client, staff):
    client.force_login(staff["manager"])
    officer = staff["officer"]
    html = client.get(f"/settings/accounts/user/{officer.pk}/change/").content.decode()
    assert 'type="checkbox" name="roles" value="researcher"' in html
    assert 'value="committee_chair"' in html
    data = {"username": officer.username, "first_name": officer.first_name, "last_name": officer.last_name,
            "email": "", "roles": [Role.OFFICER, Role.RESEARCHER], "branch": officer.branch_id or "",
            "is_active": "on"}
    response = client.post(f"/settings/accounts/user/{officer.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.get(pk=officer.pk).role_codes == {Role.OFFICER, Role.RESEARCHER}
    event = AuditEvent.objects.get(event_type=EventType.SETTINGS_CHANGED, target_id=str(officer.pk))
    assert event.data["changed"]["roles"] == {"old": ["موظف علاقات المستفيدين"],
                                              "new": ["موظف علاقات المستفيدين", "الباحث الاجتماعي"]}


@pytest.mark.parametrize("roles, shown", [((Role.VOLUNTEER,), "متطوع"),
                                           ((Role.OFFICER, Role.RESEARCHER), "موظف علاقات المستفيدين، الباحث")])
def test_the_page_header_names_every_role_of_the_signed_in_person(client, db, roles, shown):
    client.force_login(staff_with(*roles))
    assert shown in client.get("/").content.decode()
