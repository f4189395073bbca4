"""Staff sign in at /accounts/login/; every sign-in and sign-out is audited; guessing is throttled."""

from django.test import Client

from mustafid.audit.models import AuditEvent, EventType
from mustafid.demo.presets import DEMO_PASSWORD


def test_a_staff_member_signs_in_with_the_form_and_out_again(staff):
    client = Client()
    response = client.post("/accounts/login/", {"username": "officer", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert AuditEvent.objects.filter(event_type=EventType.SIGNED_IN, actor=staff["officer"]).exists()
    assert client.get("/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert AuditEvent.objects.filter(event_type=EventType.SIGNED_OUT, actor=staff["officer"]).exists()
    assert client.get("/").status_code == 302


def test_a_wrong_password_gets_a_clear_arabic_message(staff):
    response = Client().post("/accounts/login/", {"username": "officer", "password": "wrong-password"})
    assert response.status_code == 200
    assert "اسم المستخدم أو كلمة المرور غير صحيحة" in response.content.decode()


def test_repeated_wrong_passwords_lock_the_account_for_a_while(staff, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "officer", "password": "wrong-password"})
    response = client.post("/accounts/login/", {"username": "officer", "password": DEMO_PASSWORD})
    assert "تم إيقاف الدخول مؤقتًا" in response.content.decode()
    assert not AuditEvent.objects.filter(event_type=EventType.SIGNED_IN).exists()


def test_sign_out_is_a_post_only(staff):
    client = Client()
    client.force_login(staff["officer"])
    assert client.get("/accounts/logout/").status_code == 405


def test_the_first_superuser_of_a_deployment_is_its_manager(db):
    from mustafid.accounts.models import User

    user = User.objects.create_superuser("admin", "a@example.org", "a-long-password-1")
    assert user.is_manager and user.is_staff and user.roles_display == "المدير"
