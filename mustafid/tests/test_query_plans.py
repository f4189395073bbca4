"""Every query of every page is served by an index: no page reads a whole table that grows with the association.

Each page the access matrices open (every GET line of test_access_matrix.py for every staff role it answers 200,
and of test_portal_access.py for the beneficiary signed in to the portal, another beneficiary and a visitor) is
opened again on PostgreSQL with its queries recorded; each SELECT, UPDATE and DELETE is then explained with
sequential scans switched off (`enable_seqscan = off`). With that, PostgreSQL still reads a table in full only
where no index can serve the query at all, so a `Seq Scan` left in a plan is a query no index serves: at a million
beneficiaries it reads all of them. `LIKE '%…%'` on a name, a filter on an unindexed column or a function of one
shows here at the size of a test.

Pages are opened as the matrices open them: a list without a search or a filter, an object's page for the object
of its line. The searches' own queries (names, IDs, mobiles) are measured at a million by `make bench` «Search».

Tables whose size is the association's set-up, not its activity (branches, regions, categories, the staff and
their roles, templates, surveys' questions, settings: `BOUNDED`), may be read whole. Whether an index that is
used reads few rows, and the same few at 20,000 and at 1,000,000, is for the benchmark (`make bench` prints what
each page's queries read at its size: docs/development.md «Benchmarks»).
"""

import json
import re

import pytest
from django.db import connection
from django.test import Client

from mustafid.tests import test_portal_access as portal
from mustafid.tests.test_access_matrix import ROLES, ROWS, request, rolled_back_world

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's")

# Tables sized by the association's set-up (a few to a few hundred rows however many beneficiaries it serves).
BOUNDED = {
    "accounts_staffrole", "accounts_user", "accounts_user_roles", "accounts_user_groups",
    "accounts_user_user_permissions",
    "auth_group", "auth_group_permissions", "auth_permission", "django_content_type", "django_site",
    "association_association", "association_branch", "association_region", "association_stafftool",
    "association_policyversion", "association_policynotice",
    "beneficiaries_category", "cases_supporttype", "cases_casestatuscount", "committee_rejectionreason",
    "interactions_faqentry", "notifications_messagetemplate",
    "feedback_feedbackcategory", "feedback_survey", "feedback_surveyquestion", "feedback_surveysettings",
    # The committee's meetings: a few a month.
    "committee_meeting",
}

# Downloads that read more than a page by design: each export reads up to `exports.MAX_ROWS` rows of its list in
# the list's index order (docs/reports.md «التصدير»).
READ_IN_BULK = {"reports:export_cases", "reports:export_beneficiaries", "reports:export_contacts"}

# An index read in its order under a LIMIT, filtered by a condition nearly all its rows meet: it stops after about
# a page of rows. (table, index, a part of the filter): why nearly all rows meet it.
ORDERED_READS = {
    ("cases_case", "case_pending_decision_idx", "submitted_at IS NOT NULL"):
        "the committee sees submitted requests, and every request awaiting a decision has been submitted",
    ("cases_case", "case_received_idx", "submitted_at IS NOT NULL"):
        "the committee's list of requests: every request but a draft has been submitted",
    ("cases_case", "case_pending_decision_idx", "SubPlan"):
        "the requests awaiting a decision that are not on this meeting's agenda yet: an agenda holds a few",
    ("feedback_feedback", "feedback_received_idx", "confidential"):
        "the register without the confidential complaints (about staff), for whoever may not read them: a few",
    ("feedback_feedback", "feedback_received_idx", "about_staff_id"):
        "the register without the complaints about the reader themself: a few",
}

EXPLAINED = re.compile(r"^\s*(SELECT|UPDATE|DELETE|WITH)\b", re.IGNORECASE)


def _whole_reads(plan, found, *, limited=False):
    """(table, index, filter) for each node of `plan` that reads a table or an index from end to end: a `Seq Scan`
    (index None); an index scan with no condition on the index, which reads the index in order (filter ""), except
    under a `Limit`, where it reads the first rows of an order and stops at the page's end — unless it filters
    them (the filter is given)."""
    relation, node = plan.get("Relation Name"), plan.get("Node Type")
    if node == "Seq Scan":
        found.add((relation, None, None))
    elif node in ("Index Scan", "Index Only Scan") and "Index Cond" not in plan:
        if not limited:
            found.add((relation, plan.get("Index Name"), ""))
        elif "Filter" in plan:
            found.add((relation, plan.get("Index Name"), plan["Filter"]))
    limited = (limited or node == "Limit") and node not in ("Sort", "Aggregate", "Hash", "Hash Join")
    for child in plan.get("Plans", ()):
        _whole_reads(child, found, limited=limited)
    return found


def describe(table, index, condition):
    if index is None:
        return f"{table}: Seq Scan (no index serves the query)"
    if not condition:
        return f"{table}: all of the index {index}"
    return f"{table}: the index {index} in order, filtered by {condition}"


def whole_table_reads(statements):
    """{(table, index, filter): an SQL statement reading it whole} among `statements` ((sql, params)), explained with
    sequential scans off; tables of `BOUNDED` and the ordered reads of `ORDERED_READS` are left out."""
    reads = {}
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            for sql, params in statements:
                cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
                for table, index, condition in _whole_reads(plan[0]["Plan"], set()):
                    if table in BOUNDED or any(
                        (table, index) == allowed[:2] and condition and allowed[2] in condition
                        for allowed in ORDERED_READS
                    ):
                        continue
                    reads.setdefault((table, index, condition), sql)
        finally:
            cursor.execute("RESET enable_seqscan")
    return reads


def recorded(fn):
    """The statements `fn` ran that a plan can be asked for, with their parameters."""
    statements = []

    def keep(execute, sql, params, many, context):
        if not many and EXPLAINED.match(sql):
            statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        result = fn()
    return result, statements


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    # The access matrix's world, with its beneficiaries signed in to the portal (test_portal_access.py).
    yield from rolled_back_world(portal.build_portal_world, django_db_blocker,
                                 tmp_path_factory.mktemp("query-plans-media"))


@pytest.fixture(autouse=True)
def _media_in_tmp(world, settings):
    """Files stay in the world's own folder (never var/); the portal sessions outlive the idle timeout."""
    settings.PORTAL_IDLE_MINUTES = 24 * 60
    settings.PORTAL_MIN_RESPONSE_SECONDS = 0


def pages():
    """(row of the access matrix, the roles it answers 200) for every page: its GET lines but the exports."""
    for row in ROWS:
        if row.method != "GET" or row.view in READ_IN_BULK:
            continue
        roles = [role for role in ROLES if row.expected[role] == "200"]
        if roles:
            yield row, roles


def portal_pages():
    """(row of the portal's matrix, the personas it answers 200): the beneficiary's pages, signed in or not."""
    for row in portal.ROWS:
        personas = [persona for persona in portal.PERSONAS if row.expected[persona] == "200"]
        if row.method == "GET" and personas:
            yield row, personas


@pytest.mark.django_db
def test_no_page_reads_a_growing_table_whole(world):
    reads, opened = {}, 0

    def check(label, role, opening):
        nonlocal opened
        response, statements = recorded(opening)
        response = response[0]
        assert response.status_code == 200, (label, role)
        if response.streaming:
            b"".join(response.streaming_content)
        opened += 1
        for read, sql in whole_table_reads(statements).items():
            reads.setdefault((label, read), (role, sql))

    # A client of its own per role: an anonymous visitor must not carry the previous role's session.
    for row, roles in pages():
        for role in roles:
            check(f"{row.view} on {row.target}", role, lambda: request(Client(), world, row, role))
    for row, personas in portal_pages():
        for persona in personas:
            check(f"{row.view} on {row.target}", persona, lambda: portal._request(Client(), world, row, persona))
    assert opened > 200  # every page of both matrices, for every role they answer
    assert not reads, "\n\n".join(f"{label}: {describe(*read)}, for {role}:\n{sql}"
                                    for (label, read), (role, sql) in reads.items())


@pytest.mark.django_db
def test_a_query_no_index_serves_is_found():
    """The check itself: a search by a part of the name (`LIKE '%…%'`) reads every beneficiary, whole or as the
    registry's first page (the index of its order, filtered); the same search by national ID (unique index) and the
    registry's first page unfiltered do not."""
    from mustafid.beneficiaries.models import Beneficiary

    people = Beneficiary.objects.order_by("-created_at", "-pk").only("pk")
    like = people.filter(name_key__contains="محمد")
    assert [read[0] for read in whole_table_reads([like.query.sql_with_params()])] == ["beneficiaries_beneficiary"]
    assert [read[:2] for read in whole_table_reads([like[:26].query.sql_with_params()])] == [
        ("beneficiaries_beneficiary", "beneficiary_created_idx")]
    assert whole_table_reads([people.filter(national_id="1000000008").query.sql_with_params()]) == {}
    assert whole_table_reads([people[:26].query.sql_with_params()]) == {}
