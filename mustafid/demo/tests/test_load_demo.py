"""`manage.py load_demo`: the preset association, its demo staff, printed sign-ins."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from mustafid.accounts.models import Role, User
from mustafid.association.models import Association


def run(*args):
    """The command without the demo's requests (test_demo_requests.py loads those)."""
    out = io.StringIO()
    call_command("load_demo", *args, "--no-requests", stdout=out)
    return out.getvalue()


def test_it_loads_the_association_and_one_demo_user_per_role_and_prints_the_sign_ins(no_association):
    output = run("--preset", "qader")
    assert Association.objects.get().name_en.startswith("Qader")
    assert set(User.objects.values_list("roles", flat=True)) == set(Role.values)
    assert "mustafid-demo" in output
    for username in ("officer", "researcher", "committee", "chair", "branch_rep", "volunteer", "manager", "auditor"):
        assert username in output
    assert "مدة الرد 30 يومًا" in output
    # Arabic throughout: no English word on a line (the branch of the branch representative included).
    assert not re.search(r"[A-Za-z]{3,}", re.sub(r"https?://\S+|mustafid-demo|\b[a-z_]+\b", "", output)), output
    assert "مكتب" in output and not re.search(r"\boffice\b", output, re.I)


def test_running_it_again_changes_nothing(no_association):
    run()
    run()
    assert Association.objects.count() == 1 and User.objects.filter(username="officer").count() == 1


def test_without_staff_no_demo_account_is_created(no_association):
    run("--preset", "labas", "--no-staff")
    assert not User.objects.exists()


def test_an_unknown_preset_is_a_clear_error(no_association):
    with pytest.raises(CommandError, match="aoun, makkah, qader, maamen, labas"):
        run("--preset", "nope")


def test_demo_passwords_work_for_sign_in(no_association):
    from django.contrib.auth.hashers import check_password

    run()
    assert check_password("mustafid-demo", User.objects.get(username="manager").password)
