"""A home page per role: each role's own work first, the requests by state compact (no zero states)."""

import datetime
import re

from django.utils import timezone

from mustafid.accounts.models import Role
from mustafid.audit.models import EventType
from mustafid.conftest import make_beneficiary
from mustafid.interactions.actions import log_interaction
from mustafid.research.actions import refer_to_researcher
from mustafid.research.models import Referral


def home(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response, response.content.decode()


def sections(page):
    return re.findall(r'data-section="([a-z]+)"', page)


def test_the_officer_sees_their_open_requests_and_todays_contacts_first(client, make_case, officer):
    waiting = make_case("documents_complete")
    log_interaction(channel="phone", direction="in", kind="inquiry", summary="اتصل يسأل عن موعده", by=officer)
    response, page = home(client, officer)
    assert sections(page)[0] == "intake"
    assert response.context["my_cases"] == [waiting]
    assert "اتصل يسأل عن موعده" in page and [c.summary for c in response.context["contacts_today"]]


def test_yesterdays_contacts_are_not_todays(client, officer):
    log_interaction(channel="phone", direction="in", kind="inquiry", summary="قديم", by=officer,
                    occurred_at=timezone.now() - datetime.timedelta(days=2))
    response, _page = home(client, officer)
    assert response.context["contacts_today"] == []


def test_the_counts_by_state_show_only_the_states_that_have_requests(client, make_case, officer):
    make_case("received")
    make_case("with_committee")
    _response, page = home(client, officer)
    counts = page[page.index('class="status-counts"'):]
    counts = counts[:counts.index("</ul>")]
    assert "مستلم" in counts or "received" in counts
    assert counts.count("<li>") == 2
    assert "مغلق" not in counts


def test_the_researcher_sees_their_referrals_oldest_first_with_how_long_they_are_open(client, officer, researcher):
    older = refer_to_researcher(beneficiary=make_beneficiary(by=officer), researcher=researcher,
                                question="قديمة", by=officer)
    Referral.objects.filter(pk=older.pk).update(referred_at=timezone.now() - datetime.timedelta(days=5))
    newer = refer_to_researcher(beneficiary=make_beneficiary(by=officer), researcher=researcher,
                                question="حديثة", by=officer)
    response, page = home(client, researcher)
    assert sections(page)[0] == "researcher"
    assert [r for r, _days in response.context["my_referrals"]] == [older, newer]
    assert "مفتوحة منذ" in page


def test_the_committee_sees_the_agenda_first_with_the_overdue_marked(client, make_case, committee_member):
    late = make_case("with_committee")
    late.__class__.objects.filter(pk=late.pk).update(decision_due_on=timezone.localdate() - datetime.timedelta(days=3))
    on_time = make_case("with_committee")
    response, page = home(client, committee_member)
    assert sections(page) == ["committee"]
    assert [c.pk for c in response.context["agenda"]] == [late.pk, on_time.pk]
    assert "متأخر" in page and 'class="overdue"' in page


def test_the_manager_sees_the_indicators(client, make_case, staff):
    make_case("approved")  # decided within its response period
    make_case("with_committee")
    response, page = home(client, staff["manager"])
    assert sections(page)[0] == "manager"
    assert response.context["decisions"] == {"total": 1, "on_time": 1, "share": 100}
    assert "100%" in page and response.context["overdue_count"] == 0


def test_the_auditor_sees_the_latest_audit_rows_and_sensitive_reads(client, make_case, staff, officer):
    case = make_case("received")
    client.force_login(officer)
    client.get(case.beneficiary.get_absolute_url())  # a read of a beneficiary's record
    response, page = home(client, staff["auditor"])
    assert sections(page)[0] == "auditor"
    assert response.context["latest_reads"][0].event_type == EventType.BENEFICIARY_VIEWED
    assert all(100 <= e.event_type < 200 for e in response.context["latest_reads"])
    assert "عرض ملف مستفيد" in page


def test_the_volunteer_sees_the_contact_form_and_their_recent_contacts_and_no_counts(client, make_case, staff):
    volunteer = staff["volunteer"]
    make_case("received")
    log_interaction(channel="volunteering", direction="in", kind="suggestion", summary="اقتراح زيارة", by=volunteer)
    response, page = home(client, volunteer)
    assert sections(page) == ["volunteer"]
    assert "/contacts/new/" in page and "اقتراح زيارة" in page
    assert "status-counts" not in page and "الطلبات حسب الحالة" not in page


def test_a_person_with_several_roles_sees_each_roles_section(client, make_case, officer):
    officer.roles.add(Role.COMMITTEE_MEMBER)
    make_case("with_committee")
    _response, page = home(client, officer)
    assert sections(page) == ["intake", "committee"]
