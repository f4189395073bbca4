"""The referrals list in keyset pages: every referral reachable (no cut at 200), fixed queries, no count."""

import pytest
from django.urls import reverse

from mustafid.conftest import make_beneficiary
from mustafid.interactions.actions import log_interaction
from mustafid.research.actions import answer_referral, refer_to_researcher
from mustafid.tests.paging import assert_counts_nothing, get_with_queries

URL = reverse("research:list")


def refer(n, *, by, researcher, beneficiary=None):
    referrals = []
    for i in range(n):
        if beneficiary is None:
            # About a contact from someone not yet registered: the subject comes through the contact.
            contact = log_interaction(channel="phone", direction="in", kind="inquiry", summary="سؤال", by=by,
                                      contact_name=f"متصل {i}")
            referrals.append(refer_to_researcher(interaction=contact, researcher=researcher, question="؟", by=by))
        else:
            referrals.append(refer_to_researcher(beneficiary=beneficiary, researcher=researcher, question="؟", by=by))
    return referrals


@pytest.mark.django_db
def test_the_list_makes_as_many_queries_for_30_referrals_as_for_3(client, officer, researcher):
    client.force_login(officer)
    beneficiary = make_beneficiary(by=officer)
    refer(2, by=officer, researcher=researcher, beneficiary=beneficiary)
    refer(1, by=officer, researcher=researcher)
    _response, few = get_with_queries(client, URL)
    refer(20, by=officer, researcher=researcher, beneficiary=beneficiary)
    refer(10, by=officer, researcher=researcher)
    response, many = get_with_queries(client, URL)
    assert len(many) == len(few)
    assert_counts_nothing(many)
    assert len(response.context["page"].rows) == 30 and response.context["page"].next_cursor


@pytest.mark.django_db
def test_every_referral_is_reachable_page_by_page_and_a_new_one_does_not_shift_them(client, officer, researcher):
    client.force_login(researcher)
    beneficiary = make_beneficiary(by=officer)
    older = refer(40, by=officer, researcher=researcher, beneficiary=beneficiary)
    answer_referral(older[0], answer="تم", by=researcher)
    first = client.get(URL, {"state": "all"}).context["page"]
    newest = refer(1, by=officer, researcher=researcher, beneficiary=beneficiary)[0]
    second = client.get(URL, {"state": "all", "cursor": first.next_cursor}).context["page"]
    shown = [r.pk for r in first.rows + second.rows]
    assert sorted(shown) == sorted(r.pk for r in older) and newest.pk not in shown
    # Awaiting an answer (the default): the answered one is not there.
    open_pages = client.get(URL).context["page"]
    assert older[0] not in open_pages.rows and len(open_pages.rows) == 30


@pytest.mark.django_db
def test_each_row_says_who_when_by_whom_and_whether_answered(client, officer, researcher):
    """A row per referral: the person (or the caller of a contact) linked to the referral, the request's number when
    it is about one, who referred to whom, «بانتظار الرد» with the due date, or «تم الرد» without one."""
    from mustafid.conftest import open_case

    beneficiary = make_beneficiary(by=officer)
    case = open_case(beneficiary, officer)
    about_case = refer_to_researcher(case=case, researcher=researcher, question="؟", by=officer)
    (about_contact,) = refer(1, by=officer, researcher=researcher)
    answered = refer_to_researcher(beneficiary=beneficiary, researcher=researcher, question="؟", by=officer)
    answer_referral(answered, answer="تم شرح الإجراءات", by=researcher)
    client.force_login(officer)
    page = client.get(URL + "?state=all").content.decode()
    rows = {referral.pk: page.split(f'href="/referrals/{referral.pk}/"')[1].split("</li>")[0]
            for referral in (about_case, about_contact, answered)}
    assert f">{beneficiary.full_name}</a>" in rows[about_case.pk]
    assert f'<bdi dir="ltr">{case.reference}</bdi>' in rows[about_case.pk]
    assert ">متصل 0</a>" in rows[about_contact.pk] and "<bdi" not in rows[about_contact.pk].split("<div")[0]
    for pk in (about_case.pk, about_contact.pk):
        assert f"{officer.display_name} ← {researcher.display_name} · بانتظار الرد" in rows[pk]
        assert 'class="referral-due' in rows[pk]
    assert "· تم الرد</div>" in rows[answered.pk] and "referral-due" not in rows[answered.pk]
