"""The contacts list: a count of what is shown, date ranges in either calendar, both orders, tap-to-call for readers
of full numbers only, at a fixed number of queries."""

import datetime

from django.utils import timezone

from mustafid.interactions.actions import log_interaction
from mustafid.lib.hijri import to_hijri
from mustafid.tests.paging import assert_counts_nothing, get_with_queries


def contact(by, summary, days_ago=0, **kwargs):
    return log_interaction(channel="phone", direction="in", kind="inquiry", summary=summary, by=by,
                           occurred_at=timezone.now() - datetime.timedelta(days=days_ago), **kwargs)


def summaries(response):
    return [c.summary for c in response.context["page"]]


def test_a_date_range_in_either_calendar_and_both_orders(client, officer):
    contact(officer, "قديم", days_ago=30)
    contact(officer, "أمس", days_ago=1)
    contact(officer, "اليوم")
    client.force_login(officer)
    start = timezone.localdate() - datetime.timedelta(days=2)
    assert summaries(client.get(f"/contacts/?occurred_from={start.isoformat()}")) == ["اليوم", "أمس"]
    year, month, day = to_hijri(start)
    assert summaries(client.get(f"/contacts/?occurred_from={year}/{month:02d}/{day:02d}&sort=old")) == ["أمس", "اليوم"]
    assert summaries(client.get(f"/contacts/?occurred_to={start.isoformat()}")) == ["قديم"]


def test_a_mistyped_date_shows_its_message_and_the_list_unfiltered(client, officer):
    contact(officer, "اليوم")
    client.force_login(officer)
    response = client.get("/contacts/?occurred_from=1446/14/01&channel=carrier-pigeon")
    assert response.status_code == 200 and summaries(response) == ["اليوم"]


def test_the_list_says_how_many_are_shown(client, officer):
    contact(officer, "اليوم")
    client.force_login(officer)
    page = client.get("/contacts/").content.decode()
    assert "المعروض في هذه الصفحة" in page and '<bdi dir="ltr">1</bdi>' in page


def test_an_officer_may_tap_to_call_a_contacts_mobile_and_a_volunteer_never_sees_it(client, officer, staff):
    contact(officer, "من موظف", contact_name="سعيد", contact_mobile="+966551234567")
    client.force_login(officer)
    assert 'href="tel:+966551234567"' in client.get("/contacts/").content.decode()
    volunteer = staff["volunteer"]
    log_interaction(channel="volunteering", direction="in", kind="inquiry", summary="من متطوع", by=volunteer,
                    contact_name="سعيد", contact_mobile="+966551234567")
    client.force_login(volunteer)
    page = client.get("/contacts/").content.decode()
    assert "tel:" not in page and "551234567" not in page


def test_filters_and_sorts_make_as_many_queries_for_30_contacts_as_for_3(client, officer):
    for i in range(3):
        contact(officer, f"تواصل {i}", days_ago=i)
    client.force_login(officer)
    urls = ["/contacts/?sort=old", "/contacts/?occurred_from=2020-01-01&channel=phone&kind=inquiry"]
    few = {url: len(get_with_queries(client, url)[1]) for url in urls}
    for i in range(27):
        contact(officer, f"تواصل آخر {i}", days_ago=i)
    for url in urls:
        _response, sqls = get_with_queries(client, url)
        assert len(sqls) == few[url], url
        assert_counts_nothing(sqls)
