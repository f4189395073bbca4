"""A password set by someone else is audited and must be replaced by its owner; the auditor's account is
out of a manager's reach; nothing secret reaches the audit trail."""

import json

from django.test import Client

from mustafid.accounts.models import Role, User
from mustafid.audit.models import AuditEvent, EventType
from mustafid.demo.presets import DEMO_PASSWORD

NEW = "نخلة-الواحة-2047"
OWN = "سدرة-المنتهى-1999"


def manager_client(staff):
    client = Client()
    client.force_login(staff["manager"])
    return client


def sign_in(username, password):
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return client, response


def trail_text():
    return json.dumps(list(AuditEvent.objects.values_list("data", flat=True)), ensure_ascii=False)


def test_a_manager_resetting_a_password_is_audited_and_the_owner_must_replace_it(staff):
    officer = staff["officer"]
    response = manager_client(staff).post(f"/settings/accounts/user/{officer.pk}/password/",
                                          {"password1": NEW, "password2": NEW, "usable_password": "true"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(event_type=EventType.PASSWORD_SET)
    assert (event.actor, event.target_id) == (staff["manager"], str(officer.pk))
    assert User.objects.get(pk=officer.pk).must_change_password

    client, response = sign_in("officer", NEW)
    assert response.status_code == 302
    # Anything but choosing their own password (or signing out) leads back to the password page.
    for url in ("/", "/beneficiaries/", f"/settings/accounts/user/{officer.pk}/change/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/accounts/password/")
    page = client.get("/accounts/password/")
    assert "عيّن أحد المديرين كلمة المرور هذه" in page.content.decode()

    response = client.post("/accounts/password/", {"old_password": NEW, "new_password1": OWN, "new_password2": OWN})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # still signed in, free to work
    officer.refresh_from_db()
    assert officer.check_password(OWN) and not officer.must_change_password
    assert AuditEvent.objects.filter(event_type=EventType.PASSWORD_CHANGED, actor=officer).exists()
    assert NEW not in trail_text() and OWN not in trail_text()


def test_the_new_password_is_checked_by_the_projects_rules(staff):
    client = Client()
    client.force_login(staff["officer"])
    response = client.post("/accounts/password/", {"old_password": DEMO_PASSWORD, "new_password1": "12345",
                                                   "new_password2": "12345"})
    assert response.status_code == 400
    assert User.objects.get(pk=staff["officer"].pk).check_password(DEMO_PASSWORD)
    response = client.post("/accounts/password/", {"old_password": "wrong-password", "new_password1": OWN,
                                                   "new_password2": OWN})
    assert response.status_code == 400 and "كلمة المرور الحالية غير صحيحة" in response.content.decode()
    assert not AuditEvent.objects.filter(event_type=EventType.PASSWORD_CHANGED).exists()


def test_a_staff_account_created_by_a_manager_is_audited_without_its_password(staff):
    client = manager_client(staff)
    response = client.post("/settings/accounts/user/add/", {
        "username": "newcomer", "first_name": "سارة", "last_name": "القحطاني", "roles": [Role.OFFICER],
        "branch": "", "usable_password": "true", "password1": NEW, "password2": NEW,
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="newcomer")
    assert user.must_change_password and user.is_officer
    assert AuditEvent.objects.filter(event_type=EventType.PASSWORD_SET, target_id=str(user.pk)).exists()
    created = AuditEvent.objects.get(event_type=EventType.SETTINGS_CHANGED, target_id=str(user.pk))
    assert "password" not in created.data["changed"]
    assert user.password not in trail_text() and "pbkdf2" not in trail_text() and "md5$" not in trail_text()


def test_deleting_a_staff_account_leaves_no_hash_in_the_trail(staff):
    client = manager_client(staff)
    volunteer = staff["volunteer"]
    hashed = volunteer.password
    response = client.post(f"/settings/accounts/user/{volunteer.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(event_type=EventType.SETTINGS_DELETED, target_id=str(volunteer.pk)).exists()
    assert hashed not in trail_text()


def test_a_manager_cannot_change_the_auditors_account_in_any_way(staff):
    client = manager_client(staff)
    auditor = staff["auditor"]
    before = User.objects.filter(pk=auditor.pk).values().get()
    assert client.post(f"/settings/accounts/user/{auditor.pk}/password/",
                       {"password1": NEW, "password2": NEW, "usable_password": "true"}).status_code == 403
    assert client.get(f"/settings/accounts/user/{auditor.pk}/password/").status_code == 403
    change = client.post(f"/settings/accounts/user/{auditor.pk}/change/", {
        "username": "auditor", "first_name": "x", "last_name": "", "email": "", "roles": [Role.MANAGER],
        "branch": "", "is_active": ""})
    assert change.status_code == 403
    assert client.post(f"/settings/accounts/user/{auditor.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = client.post("/settings/accounts/user/", {"action": "delete_selected", "_selected_action": [auditor.pk],
                                                    "post": "yes"})
    assert bulk.status_code == 403
    assert User.objects.filter(pk=auditor.pk).values().get() == before
    assert User.objects.get(pk=auditor.pk).role_codes == {Role.AUDITOR}
    assert not AuditEvent.objects.filter(event_type=EventType.PASSWORD_SET).exists()
    # The manager still sees the account (read-only).
    assert client.get(f"/settings/accounts/user/{auditor.pk}/change/").status_code == 200


def test_a_manager_may_neither_grant_nor_offer_the_auditor_role(staff):
    client = manager_client(staff)
    officer = staff["officer"]
    assert 'value="auditor"' not in client.get(f"/settings/accounts/user/{officer.pk}/change/").content.decode()
    response = client.post(f"/settings/accounts/user/{officer.pk}/change/", {
        "username": "officer", "first_name": "نورة", "last_name": "", "email": "", "roles": [Role.AUDITOR],
        "branch": "", "is_active": "on"})
    assert response.status_code == 200  # the form again: not a valid choice
    assert not User.objects.get(pk=officer.pk).is_auditor


def test_a_superuser_may_reset_the_auditors_password_which_is_then_audited(staff):
    admin = User.objects.create_superuser("root", "r@example.org", "a-long-password-1")
    client = Client()
    client.force_login(admin)
    auditor = staff["auditor"]
    response = client.post(f"/settings/accounts/user/{auditor.pk}/password/",
                           {"password1": NEW, "password2": NEW, "usable_password": "true"})
    assert response.status_code == 302
    assert User.objects.get(pk=auditor.pk).must_change_password
    assert AuditEvent.objects.filter(event_type=EventType.PASSWORD_SET, actor=admin,
                                     target_id=str(auditor.pk)).exists()
