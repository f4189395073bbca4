"""The staff home's counts by state: from the summary kept by the workflow, right for every role, at fixed cost."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from mustafid.cases import actions as case_actions
from mustafid.cases.models import Case, CaseStatusCount
from mustafid.conftest import make_beneficiary, open_case
from mustafid.research.actions import refer_to_researcher
from mustafid.tests.paging import assert_counts_nothing, get_with_queries


def home_counts(client, user):
    client.force_login(user)
    return {value: n for value, _label, n in client.get("/").context["by_status"] if n}


def true_counts(user):
    rows = Case.objects.visible_to(user).order_by().values_list("status").annotate(n=Count("pk"))
    return dict(rows.values_list("status", "n"))


@pytest.mark.django_db
def test_each_role_counts_what_it_may_see(client, make_case, staff, researcher, officer):
    rep = staff["branch_rep"]
    make_case("received")
    make_case("with_committee")
    make_case("approved")
    branch_case = make_case("documents_complete", branch=rep.branch)
    make_case("with_committee", branch=rep.branch)
    refer_to_researcher(case=branch_case, researcher=researcher, question="؟", by=officer)
    expected = {
        "officer": {"received": 1, "with_committee": 2, "approved": 1, "documents_complete": 1},
        "manager": {"received": 1, "with_committee": 2, "approved": 1, "documents_complete": 1},
        "committee": {"with_committee": 2, "approved": 1},
        "branch_rep": {"documents_complete": 1, "with_committee": 1},
        "researcher": {"documents_complete": 1},
        "outsider": {},
    }
    for role, counts in expected.items():
        assert home_counts(client, staff[role]) == counts == true_counts(staff[role]), role


@pytest.mark.django_db
def test_the_counts_follow_every_step_of_a_request(client, make_case, officer, chair, staff):
    """Walk requests to each state; after each, the summary equals a count of the requests themselves."""
    for status in ("received", "incomplete", "documents_complete", "declared", "with_committee", "approved",
                   "rejected", "registered", "in_service", "closed", "closed_after_rejection"):
        make_case(status)
        for role in ("officer", "committee"):
            assert home_counts(client, staff[role]) == true_counts(staff[role]), (status, role)
    out = io.StringIO()
    call_command("rebuild_case_counts", stdout=out)
    assert "0 counts corrected" in out.getvalue()


@pytest.mark.django_db
def test_a_refused_step_leaves_the_counts_as_they_were(client, make_case, officer, staff):
    case = make_case("received")
    before = home_counts(client, officer)
    with pytest.raises(Exception):
        case_actions.submit_to_committee(case, by=officer)  # not declared: refused, nothing changed
    assert home_counts(client, officer) == before == true_counts(officer)


@pytest.mark.django_db
def test_rebuild_case_counts_repairs_counts_written_outside_the_workflow(make_case, officer):
    make_case("received")
    make_case("received")
    CaseStatusCount.objects.update(n=99)
    out = io.StringIO()
    call_command("rebuild_case_counts", stdout=out)
    assert CaseStatusCount.totals() == {"received": 2} and "received: 99 -> 2" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["officer", "manager", "committee", "chair", "branch_rep", "researcher", "volunteer",
                                  "auditor"])
def test_the_home_page_makes_as_many_queries_for_30_requests_as_for_3(client, staff, officer, researcher, role):
    def add(n):
        beneficiary = make_beneficiary(by=officer, branch=staff["branch_rep"].branch)
        for _ in range(n):
            case = open_case(beneficiary, officer)
            refer_to_researcher(case=case, researcher=researcher, question="؟", by=officer)

    add(3)
    client.force_login(staff[role])
    _response, few = get_with_queries(client, "/")
    add(27)
    _response, many = get_with_queries(client, "/")
    assert len(many) == len(few)
    if role in ("officer", "manager", "committee", "chair"):
        # Read from the summary: no count over the requests at all. The manager's two indicators count a
        # bounded index range each: the decisions of the last 90 days (`decision_decided_idx`) and the
        # committee's overdue queue (the partial `case_pending_decision_idx`).
        assert_counts_nothing([sql for sql in many if not _an_indicator(sql)])


def _an_indicator(sql):
    return sql.startswith('SELECT COUNT(') and (
        'FROM "committee_decision" WHERE "committee_decision"."decided_at" >=' in sql
        or ("= 'with_committee'" in sql and '"decision_due_on" <' in sql)
    )


@pytest.mark.django_db
def test_a_beneficiary_moved_to_another_branch_takes_their_requests_counts_along(client, make_case, staff, officer):
    from mustafid.beneficiaries.actions import update_beneficiary

    rep = staff["branch_rep"]
    case = make_case("with_committee")
    make_case("received", beneficiary=case.beneficiary)
    assert home_counts(client, rep) == {}
    update_beneficiary(case.beneficiary, branch=rep.branch, by=officer)
    assert home_counts(client, rep) == {"with_committee": 1, "received": 1} == true_counts(rep)
    assert home_counts(client, staff["officer"]) == true_counts(staff["officer"])
    out = io.StringIO()
    call_command("rebuild_case_counts", stdout=out)
    assert "0 counts corrected" in out.getvalue()


@pytest.mark.django_db
def test_a_branch_rep_on_the_committee_counts_both_sets(client, make_case, staff):
    from mustafid.accounts.models import Role

    rep = staff["branch_rep"]
    rep.roles.add(Role.COMMITTEE_MEMBER)
    make_case("with_committee")
    make_case("received", branch=rep.branch)
    make_case("received")
    assert home_counts(client, rep) == {"with_committee": 1, "received": 1} == true_counts(rep)
