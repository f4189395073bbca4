"""Requests at risk and overdue; the share decided within the period; returned requests on the officer's home."""

import datetime
import io

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mustafid.association.models import Branch
from mustafid.audit.models import AuditEvent, EventType
from mustafid.cases import actions
from mustafid.cases.models import Case
from mustafid.committee.actions import record_decision
from mustafid.committee.models import Decision, DecisionDayCount
from mustafid.conftest import refreshed


def _due_in(case, days):
    Case.objects.filter(pk=case.pk).update(decision_due_on=timezone.localdate() + datetime.timedelta(days=days))
    return refreshed(case)


def test_the_page_lists_the_overdue_then_those_due_soon_with_the_days_left(client, make_case, committee_member):
    late = _due_in(make_case("with_committee"), -4)
    today = _due_in(make_case("with_committee"), 0)
    soon = _due_in(make_case("with_committee"), 5)
    later = _due_in(make_case("with_committee"), 12)
    client.force_login(committee_member)
    page = client.get("/deadlines/").content.decode()
    order = [page.find(case.reference) for case in (late, today, soon)]
    assert all(position > 0 for position in order) and order == sorted(order)
    assert later.reference not in page  # beyond the default seven days
    assert "متأخر 4 أيام" in page and "5 أيام" in page
    assert 'class="overdue"' in page
    wider = client.get("/deadlines/?days=14").content.decode()
    assert later.reference in wider and "12 يومًا" in wider
    read = AuditEvent.objects.filter(event_type=EventType.DEADLINES_VIEWED, actor=committee_member).latest("pk")
    assert read.data["results"] == 4 and read.data["days"] == 14


def test_returned_requests_are_not_at_risk_their_clock_stands_still(client, make_case, chair):
    case = _due_in(make_case("with_committee"), -1)
    actions.return_for_information(case, asked="عقد الإيجار", of_whom="applicant", by=chair)
    client.force_login(chair)
    assert case.reference not in client.get("/deadlines/").content.decode()


def test_the_page_is_keyset_paged_and_its_queries_do_not_grow_with_its_rows(client, make_case, staff):
    manager = staff["manager"]
    for n in range(3):
        _due_in(make_case("with_committee"), n)
    client.force_login(manager)
    client.get("/deadlines/")  # the header's association read once, kept for the pages measured
    with CaptureQueriesContext(connection) as few:
        client.get("/deadlines/")
    for n in range(27):
        _due_in(make_case("with_committee"), n % 7)
    with CaptureQueriesContext(connection) as many:
        first = client.get("/deadlines/").content.decode()
    assert len(many) == len(few)
    assert "cursor=" in first and "25+" in first
    cursor = first.split("cursor=")[1].split("&")[0]
    second = client.get(f"/deadlines/?days=7&cursor={cursor}&page=2").content.decode()
    references = [case.reference for case in Case.objects.filter(status="with_committee")]
    assert sum(ref in first for ref in references) == 25 and sum(ref in second for ref in references) == 5


def test_the_share_decided_within_the_period_by_month_and_by_branch(client, make_case, chair, officer, staff):
    branch = Branch.objects.order_by("-is_head_office", "pk")[1]
    on_time = make_case("with_committee")
    late = make_case("with_committee", branch=branch)
    record_decision(on_time, outcome="approved", reasons="مستوفٍ", by=chair)
    Case.objects.filter(pk=late.pk).update(decision_due_on=timezone.localdate() - datetime.timedelta(days=2))
    # The request's branch is the one that received it (the beneficiary's at the time).
    Case.objects.filter(pk=late.pk).update(branch=branch)
    record_decision(refreshed(late), outcome="rejected", reasons="غير مستوفٍ", by=chair)
    assert list(Decision.objects.order_by("pk").values_list("within_response_period", flat=True)) == [True, False]
    client.force_login(staff["manager"])
    page = client.get("/deadlines/").content.decode()
    share = page[page.index('id="share-title"'):]
    assert "50%" in share  # this month: one of two
    assert branch.name_ar in share and "0%" in share and "100%" in share


def test_who_may_read_the_page(client, staff):
    for role, expected in (("officer", 200), ("committee", 200), ("manager", 200), ("researcher", 403),
                           ("volunteer", 403), ("branch_rep", 403)):
        client.force_login(staff[role])
        assert client.get("/deadlines/").status_code == expected, role


def test_the_officer_sees_the_returned_requests_on_the_home_with_what_is_asked(client, make_case, chair, officer):
    case = make_case("with_committee")
    actions.return_for_information(case, asked="تعريف بالراتب من جهة العمل", of_whom="applicant", by=chair)
    client.force_login(officer)
    page = client.get("/").content.decode()
    assert "معادة من اللجنة لاستكمال المعلومات" in page
    assert case.reference in page and "تعريف بالراتب من جهة العمل" in page
    actions.provide_information(case, note="وصل", by=officer)
    assert "معادة من اللجنة" not in client.get("/").content.decode()


def test_the_home_shows_days_left_beside_the_overdue_and_due_soon(client, make_case, officer):
    late = _due_in(make_case("with_committee"), -3)
    soon = _due_in(make_case("with_committee"), 2)
    client.force_login(officer)
    page = client.get("/").content.decode()
    assert late.reference in page and "متأخر 3 أيام" in page
    assert soon.reference in page and "يومان" in page



def test_the_agenda_and_the_requests_list_show_the_days_left_and_the_paused_clock(client, make_case, chair):
    late = _due_in(make_case("with_committee"), -2)
    soon = _due_in(make_case("with_committee"), 5)
    returned = make_case("returned")
    client.force_login(chair)
    agenda = client.get(reverse("committee:agenda")).content.decode()
    assert late.reference in agenda and "متأخر يومان" in agenda
    assert soon.reference in agenda and "باقٍ 5 أيام" in agenda
    listed = client.get(reverse("cases:list") + "?status=returned").content.decode()
    assert returned.reference in listed and "مدة الرد متوقفة" in listed


def _recount():
    """{(local day, request's branch, within the period): n} counted from the decisions themselves."""
    counts = {}
    for decided_at, branch_id, on_time in Decision.objects.values_list("decided_at", "case__branch_id",
                                                                        "within_response_period"):
        key = (timezone.localdate(decided_at), branch_id, on_time)
        counts[key] = counts.get(key, 0) + 1
    return counts


def test_each_decision_is_counted_by_day_branch_and_period_and_the_page_reads_no_decision(client, make_case, chair,
                                                                                          staff):
    branch = Branch.objects.order_by("-is_head_office", "pk")[1]
    for days, at_branch in ((3, None), (-2, None), (5, branch), (-1, branch), (4, branch)):
        case = _due_in(make_case("with_committee", **({"branch": at_branch} if at_branch else {})), days)
        record_decision(refreshed(case), outcome="approved", reasons="مستوفٍ", by=chair)
    assert DecisionDayCount.counts() == _recount()
    assert sum(DecisionDayCount.counts().values()) == 5
    client.force_login(staff["manager"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/deadlines/").content.decode()
    assert not [q["sql"] for q in queries.captured_queries if '"committee_decision"' in q["sql"]]
    share = page[page.index('id="share-title"'):]
    assert "60%" in share  # this month: three of five within the period
    assert branch.name_ar in share and "67%" in share and "50%" in share


def test_the_command_recounts_what_a_bulk_load_left_uncounted(make_case, chair):
    for days in (3, -2):
        record_decision(refreshed(_due_in(make_case("with_committee"), days)), outcome="approved", reasons="مستوفٍ",
                        by=chair)
    expected = _recount()
    DecisionDayCount.objects.filter(within_response_period=False).delete()
    DecisionDayCount.objects.filter(within_response_period=True).update(n=7)
    out = io.StringIO()
    call_command("rebuild_decision_counts", stdout=out)
    assert DecisionDayCount.counts() == expected
    assert "2 decisions counted" in out.getvalue() and "2 daily counts corrected" in out.getvalue()
