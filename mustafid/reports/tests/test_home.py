"""The staff home: my open work, requests by state, decisions due soon and overdue."""

from mustafid.conftest import make_beneficiary
from mustafid.research.actions import refer_to_researcher


def test_the_officer_sees_the_requests_waiting_on_them_and_the_counts_by_state(client, make_case, officer):
    waiting = make_case("documents_complete")
    make_case("with_committee")
    client.force_login(officer)
    response = client.get("/")
    assert list(response.context["my_cases"]) == [waiting]
    counts = {value: count for value, _label, count in response.context["by_status"]}
    assert counts["documents_complete"] == 1 and counts["with_committee"] == 1 and counts["closed"] == 0


def test_the_committee_member_sees_the_agenda(client, make_case, committee_member):
    submitted = make_case("with_committee")
    make_case("declared")
    client.force_login(committee_member)
    assert list(client.get("/").context["agenda"]) == [submitted]


def test_the_researcher_sees_the_referrals_waiting_for_an_answer(client, officer, researcher):
    beneficiary = make_beneficiary(by=officer)
    referral = refer_to_researcher(beneficiary=beneficiary, researcher=researcher, question="سؤال", by=officer)
    client.force_login(researcher)
    response = client.get("/")
    assert [r for r, _days in response.context["my_referrals"]] == [referral]
    assert f"/referrals/{referral.pk}/" in response.content.decode()


def test_the_branch_rep_counts_only_their_branchs_requests(client, make_case, staff):
    make_case("received")
    rep = staff["branch_rep"]
    mine = make_case("received", branch=rep.branch)
    client.force_login(rep)
    response = client.get("/")
    counts = {value: count for value, _label, count in response.context["by_status"]}
    assert counts["received"] == 1 and list(response.context["my_cases"]) == [mine]


def test_the_home_page_makes_a_fixed_number_of_queries(client, make_case, officer, django_assert_max_num_queries):
    for status in ("received", "with_committee", "with_committee", "documents_complete"):
        make_case(status)
    client.force_login(officer)
    # The first page reads the offices and support types its rows show into the copies the process keeps
    # (lib/kept.py), two queries that a running server makes every 30 seconds at most.
    with django_assert_max_num_queries(15):
        client.get("/")
    # 13: the officer's lists are one query each (the last: «رسائل بانتظار الرد», the written contacts awaiting
    # an answer), whatever the number of requests.
    with django_assert_max_num_queries(13):
        client.get("/")
    for _ in range(3):
        make_case("with_committee")
    with django_assert_max_num_queries(13):
        client.get("/")
