"""The indicators' requests opened by day (`CaseOpenedCount`): kept by the workflow as requests open, move, change
category and are removed, always equal to a count of the `opened` timeline rows themselves; repaired by
`rebuild_case_counts`; on PostgreSQL, two steps at once lose nothing."""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from mustafid.association.models import Branch
from mustafid.beneficiaries import actions as beneficiary_actions
from mustafid.beneficiaries.models import Category
from mustafid.beneficiaries.tests.test_self_registration import register_self
from mustafid.cases import actions as case_actions
from mustafid.cases.models import CaseEvent, CaseOpenedCount, SupportType
from mustafid.conftest import make_beneficiary, open_case
from mustafid.reports.indicators import compute
from mustafid.reports.periods import period_of


def from_the_timeline():
    """What the old indicator counted: the `opened` rows by day, channel, branch, type, category now, state now."""
    rows = (CaseEvent.objects.filter(kind=CaseEvent.Kind.OPENED).order_by()
            .annotate(opened_on=TruncDate("at", tzinfo=timezone.get_current_timezone()))
            .values_list("opened_on", "case__branch_id", "case__channel", "case__support_type_id",
                         "case__beneficiary__category_id", "case__status").annotate(n=Count("pk")))
    return {row[:4] + (row[4] or 0,) + row[5:6]: row[-1] for row in rows}


@pytest.mark.django_db
def test_the_counts_follow_every_step_category_change_and_removal(make_case, officer, staff):
    second = Branch.objects.order_by("-is_head_office", "pk")[1]
    for status in ("received", "declared", "with_committee", "approved", "rejected", "registered", "in_service",
                   "closed", "closed_after_rejection"):
        make_case(status)
        assert CaseOpenedCount.counts() == from_the_timeline(), status
    someone = make_beneficiary(by=officer, branch=second)
    open_case(someone, officer, channel="website")
    open_case(someone, officer, support_type=SupportType.objects.order_by("-pk").first())
    assert CaseOpenedCount.counts() == from_the_timeline()
    # Their category changes: both requests move with them (and back to none is «—», category 0).
    other = Category.objects.exclude(pk=someone.category_id).order_by("pk").first()
    beneficiary_actions.update_beneficiary(someone, by=staff["manager"], category=other)
    assert CaseOpenedCount.counts() == from_the_timeline()
    # A rejected self-registration takes its draft request away; its verified twin moves to a category.
    applicant = register_self()
    case_actions.open_case(beneficiary=applicant, support_type=SupportType.objects.first(), channel="website",
                           need="إيجار", by=officer)
    verified = register_self()
    case_actions.open_case(beneficiary=verified, support_type=SupportType.objects.first(), channel="website",
                           need="إيجار", by=officer)
    assert CaseOpenedCount.counts() == from_the_timeline()
    beneficiary_actions.reject_self_registration(applicant, by=officer, reason="لا يطابق")
    beneficiary_actions.verify_self_registration(verified, by=officer, category=other)
    assert CaseOpenedCount.counts() == from_the_timeline()
    # What the page shows: the same totals as the timeline.
    today = timezone.localdate()
    headline, _tables = compute(period_of(f"g-m-{today.year}-{today.month}"))
    assert headline["opened"] == sum(from_the_timeline().values()) == 9 + 2 + 1  # the rejected one is gone
    out = io.StringIO()
    call_command("rebuild_case_counts", stdout=out)
    assert "0 daily counts corrected" in out.getvalue()


@pytest.mark.django_db
def test_rebuild_repairs_counts_written_outside_the_workflow(make_case):
    make_case("received")
    make_case("with_committee")
    CaseOpenedCount.objects.update(n=7)
    out = io.StringIO()
    call_command("rebuild_case_counts", stdout=out)
    assert CaseOpenedCount.counts() == from_the_timeline() and ": 7 -> 1" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_two_requests_opened_at_once_are_both_counted(officer, association):
    if connection.vendor != "postgresql":
        pytest.skip("two connections writing at once: PostgreSQL (CI runs it)")
    people = [make_beneficiary(by=officer) for _ in range(2)]
    barrier = threading.Barrier(2)
    errors = []

    def apply(person):
        try:
            barrier.wait(timeout=10)
            open_case(person, officer)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=apply, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert CaseOpenedCount.counts() == from_the_timeline() and sum(from_the_timeline().values()) == 2
