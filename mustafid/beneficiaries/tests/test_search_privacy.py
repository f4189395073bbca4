"""Searching the registry: no ID or mobile recovered by a masked role, every search audited, nothing in URLs."""

import re

import pytest
from stdnum import luhn

from mustafid.audit.models import AuditEvent, EventType
from mustafid.beneficiaries.models import Beneficiary
from mustafid.conftest import make_beneficiary

REFUSED = "البحث برقم الهوية أو الجوال غير متاح لدورك؛ ابحث بالاسم"


def links_and_urls(response):
    """Every address the browser would keep or log: the redirect chain, the final URL, every link."""
    page = response.content.decode()
    found = re.findall(r'(?:href|action|hx-get|hx-post|hx-push-url)="([^"]*)"', page)
    found += [url for url, _status in getattr(response, "redirect_chain", [])]
    found += [response.get("Location", ""), response.get("HX-Push-Url", "")]
    return found


def searched(actor):
    return AuditEvent.objects.filter(event_type=EventType.REGISTRY_SEARCHED, actor=actor)


@pytest.mark.parametrize("length", [1, 3, 6, 9, 10])
def test_a_volunteer_typing_an_id_prefix_finds_no_one_and_sees_no_id(client, officer, staff, length):
    target = make_beneficiary(by=officer)
    client.force_login(staff["volunteer"])
    response = client.post("/beneficiaries/", {"q": target.national_id[:length]}, follow=True)
    page = response.content.decode()
    assert target.full_name not in page
    assert target.national_id not in page
    assert REFUSED in page


def test_a_volunteer_cannot_confirm_a_guessed_mobile_not_even_with_arabic_digits(client, officer, staff):
    target = make_beneficiary(by=officer, mobile="+966551234567")
    client.force_login(staff["volunteer"])
    for typed in ("0551234567", "٠٥٥١٢٣٤٥٦٧", "055 123 4567", "محمد 0551234567"):
        page = client.post("/beneficiaries/", {"q": typed}, follow=True).content.decode()
        assert target.full_name not in page and REFUSED in page
    assert not Beneficiary.objects.search("0551234567", user=staff["volunteer"]).exists()


def test_the_rule_is_in_the_search_itself_for_every_caller(officer, staff):
    target = make_beneficiary(by=officer)
    assert list(Beneficiary.objects.search(target.national_id[:4], user=officer)) == [target]
    assert not Beneficiary.objects.search(target.national_id[:4], user=staff["volunteer"]).exists()
    assert list(Beneficiary.objects.search(target.first_name, user=staff["volunteer"])) == [target]


def test_a_volunteer_still_finds_people_by_name(client, officer, staff):
    target = make_beneficiary(by=officer, first_name="نوال")
    client.force_login(staff["volunteer"])
    page = client.post("/beneficiaries/", {"q": "نوال"}, follow=True).content.decode()
    assert target.full_name in page and REFUSED not in page


def test_an_officer_finds_by_id_prefix_and_by_mobile(client, officer):
    target = make_beneficiary(by=officer, mobile="+966551234567")
    make_beneficiary(by=officer, first_name="سلمان")
    client.force_login(officer)
    for typed in (target.national_id, target.national_id[:6], "0551234567"):
        page = client.post("/beneficiaries/", {"q": typed}, follow=True).content.decode()
        assert target.full_name in page and "سلمان" not in page


def test_each_search_writes_one_audit_row_with_who_what_and_how_many(client, officer, staff):
    target = make_beneficiary(by=officer)
    make_beneficiary(by=officer, first_name="سلمان")
    client.force_login(officer)
    client.post("/beneficiaries/", {"q": target.national_id}, follow=True)
    row = searched(officer).get()
    assert row.data["query"] == target.national_id and row.data["results"] == 1
    client.post("/beneficiaries/", {"q": "الأحمدي"}, HTTP_HX_REQUEST="true")
    assert searched(officer).count() == 2
    assert searched(officer).first().data["results"] == 2


def test_a_refused_search_is_audited_too(client, officer, staff):
    target = make_beneficiary(by=officer)
    volunteer = staff["volunteer"]
    client.force_login(volunteer)
    client.post("/beneficiaries/", {"q": target.national_id[:5]}, follow=True)
    row = searched(volunteer).get()
    assert row.data == {"query": target.national_id[:5], "page": 1, "results": 0, "refused": True}


def test_the_plain_list_is_audited_with_its_count(client, officer, staff):
    make_beneficiary(by=officer)
    client.force_login(staff["volunteer"])
    client.get("/beneficiaries/")
    row = AuditEvent.objects.get(event_type=EventType.REGISTRY_LISTED, actor=staff["volunteer"])
    assert row.data == {"page": 1, "results": 1}


def test_the_search_form_is_posted_and_no_url_or_link_holds_what_was_typed(client, officer):
    for n in range(27):
        stem = f"10557{n:04d}"
        make_beneficiary(by=officer, national_id=stem + luhn.calc_check_digit(stem))
    client.force_login(officer)
    form = client.get("/beneficiaries/").content.decode()
    assert re.search(r'<form method="post" action="/beneficiaries/" role="search"', form)
    assert 'hx-post="/beneficiaries/"' in form and "hx-get" not in form

    typed = "10557"
    response = client.post("/beneficiaries/", {"q": typed}, follow=True)
    assert response.status_code == 200 and "الصفحة 1" in response.content.decode()
    assert "25+" in response.content.decode()
    urls = links_and_urls(response)
    next_page = next(url for url in urls if "page=2" in url)
    assert re.fullmatch(r"/beneficiaries/\?s=[\w-]+&amp;page=2", next_page)
    assert not any(typed in url for url in urls)

    # The next page keeps the search from the session, with only the key in the URL.
    second = client.get(next_page.replace("&amp;", "&"))
    assert second.status_code == 200 and "الصفحة 2" in second.content.decode()
    assert searched(officer).order_by("pk").last().data == {"query": typed, "page": 2, "results": 27}
    assert not any(typed in url for url in links_and_urls(second))

    swapped = client.post("/beneficiaries/", {"q": typed}, HTTP_HX_REQUEST="true")
    assert swapped["HX-Push-Url"].startswith("/beneficiaries/?s=")
    assert not any(typed in url for url in links_and_urls(swapped))


def test_a_search_key_from_another_session_shows_the_plain_list(client, officer):
    make_beneficiary(by=officer, first_name="نوال")
    make_beneficiary(by=officer, first_name="سلمان")
    client.force_login(officer)
    page = client.get("/beneficiaries/", {"s": "not-mine", "q": "نوال"}).content.decode()
    assert "نوال" in page and "سلمان" in page


@pytest.mark.parametrize("typed", ["\x00", "نوال\x00", "ن" * 5000, "نوال " * 500])
def test_odd_searches_get_an_answer_not_an_error(client, officer, typed):
    make_beneficiary(by=officer, first_name="نوال")
    client.force_login(officer)
    assert client.post("/beneficiaries/", {"q": typed}, follow=True).status_code == 200


def test_the_request_list_search_is_posted_kept_out_of_urls_and_audited(client, officer, make_case):
    case = make_case("received")
    make_case("received", first_name="سلمان")
    client.force_login(officer)
    form = client.get("/cases/").content.decode()
    assert '<form method="post" action="/cases/" role="search"' in form
    listed = AuditEvent.objects.filter(event_type=EventType.CASES_LISTED, actor=officer)
    assert listed.get().data == {"status": "", "query": "", "page": 1, "results": 2}

    typed = case.beneficiary.national_id
    response = client.post("/cases/", {"q": typed, "status": "received"}, follow=True)
    page = response.content.decode()
    assert case.reference in page and "سلمان" not in page
    assert not any(typed in url for url in links_and_urls(response))
    assert re.fullmatch(r"/cases/\?status=received&s=[\w-]+", response.redirect_chain[0][0])
    assert listed.order_by("pk").last().data == {"status": "received", "query": typed, "page": 1, "results": 1}
