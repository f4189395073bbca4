"""Who sees what of the complaints register, for every role, confidentiality included (register_access.py)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from mustafid.accounts.models import Role, User
from mustafid.audit.models import AuditEvent, EventType
from mustafid.feedback import register
from mustafid.feedback.models import Feedback
from mustafid.feedback.register_access import access_feedback


def receive(by, **overrides):
    fields = {"kind": Feedback.Kind.COMPLAINT, "text": "لم يرد أحد على اتصالي", "channel": "phone", "by": by}
    fields.update(overrides)
    return register.receive(**fields)


@pytest.fixture
def items(staff):
    """One plain item at the head office, one at the branch rep's branch, one about the researcher (confidential)."""
    head_office = receive(staff["officer"])
    at_branch = receive(staff["branch_rep"])
    about_staff = receive(staff["officer"], about_staff=staff["researcher"])
    return {"head_office": head_office, "at_branch": at_branch, "about_staff": about_staff}


# role -> (what it sees of the three, may it change the plain ones)
MATRIX = {
    "manager": ({"head_office", "at_branch", "about_staff"}, True),
    "auditor": ({"head_office", "at_branch", "about_staff"}, False),
    "officer": ({"head_office", "at_branch"}, True),
    "branch_rep": ({"at_branch"}, True),
    "outsider": (set(), False),  # a branch representative of another branch
    "researcher": (set(), False),
    "committee": (set(), False),
    "chair": (set(), False),
    "volunteer": (set(), False),
}


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_every_role_sees_what_the_matrix_says(staff, items, role):
    user = staff[role]
    seen, writes = MATRIX[role]
    visible = set(Feedback.objects.visible_to(user).values_list("pk", flat=True))
    assert visible == {items[name].pk for name in seen}
    for name, item in items.items():
        if name not in seen:
            with pytest.raises(Http404):
                access_feedback(user, item.pk)
            with pytest.raises(Http404):
                access_feedback(user, item.pk, write=True)
            continue
        assert access_feedback(user, item.pk).pk == item.pk
        if writes and not item.confidential:
            assert access_feedback(user, item.pk, write=True).pk == item.pk
        elif not writes:
            with pytest.raises(PermissionDenied):
                access_feedback(user, item.pk, write=True)


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_every_role_gets_the_status_the_matrix_says_on_the_pages(client, staff, items, role):
    client.force_login(staff[role])
    seen, writes = MATRIX[role]
    listed = client.get("/feedback/register/")
    assert listed.status_code == (200 if role in ("manager", "auditor", "officer", "branch_rep", "outsider") else 403)
    for name, item in items.items():
        page = client.get(f"/feedback/register/{item.pk}/")
        assert page.status_code == (200 if name in seen else 404), name
        post = client.post(f"/feedback/register/{item.pk}/note", {"note": "ملاحظة"})
        expected = 404 if name not in seen else 302 if writes and not item.confidential else 403
        if role == "manager":
            expected = 302
        assert post.status_code == expected, (name, post.status_code)
        if listed.status_code == 200:
            assert (item.reference in listed.content.decode()) == (name in seen)


def test_the_staff_member_concerned_never_sees_it_even_as_a_manager(staff):
    other_manager = User.objects.create(username="manager2", first_name="علي", email="m2@demo.mustafid.invalid")
    other_manager.roles.set([Role.MANAGER, Role.AUDITOR])
    item = receive(staff["officer"], about_staff=other_manager)
    assert not Feedback.objects.visible_to(other_manager).filter(pk=item.pk).exists()
    with pytest.raises(Http404):
        access_feedback(other_manager, item.pk)
    assert Feedback.objects.visible_to(staff["manager"]).filter(pk=item.pk).exists()
    # Nor is it assigned to them, nor does the escalation notice reach them.
    with pytest.raises(register.ActionRefused):
        register.assign(item, other_manager, by=staff["manager"])


def test_the_officer_who_logs_a_complaint_about_a_colleague_no_longer_sees_it(client, staff):
    client.force_login(staff["officer"])
    response = client.post("/feedback/register/new/", {
        "kind": "complaint", "channel": "phone", "text": "تعامل غير لائق", "sender_name": "أحمد",
        "about_staff": staff["researcher"].pk})
    assert response.status_code == 302 and response["Location"] == "/feedback/register/"
    item = Feedback.objects.get()
    assert item.confidential and client.get(f"/feedback/register/{item.pk}/").status_code == 404


def test_opening_a_confidential_item_is_audited(staff, items):
    access_feedback(staff["auditor"], items["about_staff"].pk)
    access_feedback(staff["manager"], items["head_office"].pk)
    rows = AuditEvent.objects.filter(event_type=EventType.FEEDBACK_VIEWED)
    assert [(row.actor_id, row.target_id) for row in rows] == [(staff["auditor"].pk, str(items["about_staff"].pk))]


def test_officers_handle_items_assigned_to_them_or_to_nobody(staff, items):
    item = items["head_office"]
    assert register.may_handle(staff["officer"], item)
    register.assign(item, staff["manager"], by=staff["manager"])
    item.refresh_from_db()
    assert not register.may_handle(staff["officer"], item)
    with pytest.raises(register.ActionRefused):
        register.answer(item, "تم", by=staff["officer"])


def test_a_complaint_by_a_beneficiary_never_shows_on_their_request_or_their_page(client, staff, make_case):
    case = make_case("registered")
    item = receive(staff["officer"], beneficiary=case.beneficiary, text="الباحث تأخر في الزيارة كثيرًا")
    client.force_login(staff["manager"])
    for url in (f"/cases/{case.pk}/", f"/beneficiaries/{case.beneficiary_id}/"):
        page = client.get(url)
        assert page.status_code == 200, url
        body = page.content.decode()
        assert item.reference not in body and "الباحث تأخر" not in body, url
    # The contacts log holds only a discreet line, with no beneficiary attached.
    assert item.interaction.beneficiary_id is None and "الباحث" not in item.interaction.summary


def test_the_register_list_makes_as_many_queries_for_thirty_items_as_for_three(client, staff,
                                                                                django_assert_max_num_queries):
    """Each row's category and assignee come with the page's one query (no query per row)."""
    manager = staff["manager"]
    for _ in range(3):
        register.assign(receive(staff["officer"]), staff["officer"], by=manager)
    client.force_login(manager)
    with django_assert_max_num_queries(12) as few:
        assert client.get("/feedback/register/").status_code == 200
    for _ in range(27):
        register.assign(receive(staff["officer"]), staff["officer"], by=manager)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/feedback/register/")
    assert response.status_code == 200 and response.content.decode().count('href="/feedback/register/') >= 25
