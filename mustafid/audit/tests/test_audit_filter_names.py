"""The audit trail names people as people know them: the staff member's name beside the user name, and a filter
by that name."""

from mustafid.conftest import make_beneficiary


def test_the_trail_shows_the_staff_members_name_and_is_filtered_by_it(client, staff):
    officer, auditor = staff["officer"], staff["auditor"]
    make_beneficiary(by=officer)
    make_beneficiary(by=staff["branch_rep"])
    client.force_login(auditor)
    page = client.get("/audit/").content.decode()
    assert officer.display_name in page
    by_name = client.get("/audit/", {"actor": officer.display_name}).content.decode()
    assert by_name.count(f'<bdi dir="ltr">{officer.username}</bdi>') >= 1
    assert f'<bdi dir="ltr">{staff["branch_rep"].username}</bdi>' not in by_name
    by_username = client.get("/audit/", {"actor": officer.username}).content.decode()
    assert f'<bdi dir="ltr">{officer.username}</bdi>' in by_username
