"""Registry search as staff type it: the same people, in the same order, on SQLite and PostgreSQL.

CI runs this file on both databases; every expectation below is a fixed list of people, so a
difference between the two is a failure on one of them.
"""

import pytest
from django.core.management import call_command

from mustafid.beneficiaries.actions import update_beneficiary
from django.db import connection

from mustafid.beneficiaries import search
from mustafid.beneficiaries.models import (
    Beneficiary, BeneficiaryNameSet, BeneficiaryNameToken, NameToken, NameTokenVariant,
)
from mustafid.beneficiaries.search import within_one_edit
from mustafid.conftest import make_beneficiary
from mustafid.lib.saudi import generate_national_id

# Registered in this order (so the later ones are "newer"): key -> the four parts.
PEOPLE = {
    "abdullah": ("عبد الله", "محمد", "علي", "القحطاني"),
    "fatima": ("فاطمة", "سعد", "ناصر", "الشهري"),
    "ahmad": ("أحمد", "عبدالرحمن", "إبراهيم", "الزهراني"),
    "mustafa": ("مصطفى", "خالد", "عيسى", "العتيبي"),
    "muhammad": ("محمد", "فهد", "سليمان", "القحطاني"),
    "noura": ("نورة", "محمد", "عبدالله", "الدوسري"),
    "saadoun": ("سعدون", "بندر", "ماجد", "الحربي"),
    "saud": ("سعود", "تركي", "حمد", "المطيري"),
}


@pytest.fixture
def people(officer):
    return {
        key: make_beneficiary(by=officer, first_name=first, father_name=father, grandfather_name=grandfather,
                              family_name=family, national_id=generate_national_id("1", 5_000_000 + i),
                              mobile=f"+96655{i:07d}")
        for i, (key, (first, father, grandfather, family)) in enumerate(PEOPLE.items())
    }


def found(query, user):
    return list(Beneficiary.objects.search(query, user=user))


def keys(query, user, people):
    by_pk = {person.pk: key for key, person in people.items()}
    return [by_pk[b.pk] for b in found(query, user)]


@pytest.mark.parametrize(("query", "expected"), [
    # Spelling variants: ه/ة, ى/ي, أ/إ/آ/ا, «عبد الله»/«عبدالله», tashkeel and tatweel.
    ("عبدالله القحطاني", ["abdullah"]),
    ("عبد الله القحطانى", ["abdullah"]),
    ("عَبْدُ اللهِ القحطـــاني", ["abdullah"]),
    ("فاطمه الشهري", ["fatima"]),
    ("احمد الزهراني", ["ahmad"]),
    # «احمد» is also one letter from «محمد» and «حمد»: those come after, as typos.
    ("إحمد", ["ahmad", "muhammad", "saud", "noura", "abdullah"]),
    ("آحمد الزهراني", ["ahmad"]),
    ("مصطفي", ["mustafa"]),
    ("نوره الدوسرى", ["noura"]),
    # Name parts in any order.
    ("القحطاني عبدالله", ["abdullah"]),
    ("الشهري ناصر فاطمة", ["fatima"]),
    # Without the article, or with it where the name has none.
    ("قحطاني", ["muhammad", "abdullah"]),
    # Prefixes, as typed.
    ("القحط", ["muhammad", "abdullah"]),
    ("عبدالر", ["ahmad"]),
    ("فاط الشه", ["fatima"]),
    ("نو", ["noura"]),
    # One typo: a letter dropped, replaced, doubled, two swapped.
    ("القحطنى", ["muhammad", "abdullah"]),
    ("مصتفى", ["mustafa"]),
    ("فاطممة", ["fatima"]),
    ("الزهارني احمد", ["ahmad"]),
    # ... also in the «ال» of a compound name, which leaves «عبد» apart: «عبد لاله» for «عبد الله».
    ("عبد لاله القحطاني", ["abdullah"]),
    # Whole words first, then beginnings of words, then one typo — whatever the registration order.
    ("سعد", ["fatima", "saadoun", "saud"]),
    # ... and, at each step, first name first: «محمد» the first name, then the father's.
    ("محمد", ["muhammad", "noura", "abdullah", "ahmad", "saud"]),
    # Nobody.
    ("خديجة", []),
    ("زززز", []),
])
def test_the_same_people_are_found_however_the_name_is_typed(officer, people, query, expected):
    assert keys(query, officer, people) == expected


QUERIES = test_the_same_people_are_found_however_the_name_is_typed.pytestmark[0].args[1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the name sets are searched on PostgreSQL only")
def test_the_name_sets_gin_index_finds_the_same_people_in_the_same_order_as_the_word_rows(officer, people, monkeypatch):
    by_sets = {query: keys(query, officer, people) for query, _expected in QUERIES}
    monkeypatch.setattr(search, "SET_EXPECTED", -1)  # never: the (token, beneficiary) rows only
    by_rows = {query: keys(query, officer, people) for query, _expected in QUERIES}
    assert by_sets == by_rows == dict(QUERIES)


def name_set_of(person):
    rows = BeneficiaryNameToken.objects.filter(beneficiary=person).values_list("token_id", "position")
    return sorted([pk for pk, _position in rows] + [-pk for pk, position in rows if position == 0])


def test_each_persons_name_set_holds_their_words_and_their_first_name_negated(officer, people):
    person = people["abdullah"]
    first = NameToken.objects.get(token="عبدالله").pk
    assert sorted(BeneficiaryNameSet.objects.get(beneficiary=person).tokens) == name_set_of(person)
    assert -first in BeneficiaryNameSet.objects.get(beneficiary=person).tokens
    assert BeneficiaryNameSet.objects.count() == len(people)


def test_a_changed_name_rewrites_its_name_set_and_a_rebuild_restores_them_all(officer, people):
    update_beneficiary(people["mustafa"], by=officer, first_name="مرتضى")
    assert sorted(BeneficiaryNameSet.objects.get(beneficiary=people["mustafa"]).tokens) == name_set_of(people["mustafa"])
    assert -NameToken.objects.get(token="مرتضي").pk in BeneficiaryNameSet.objects.get(beneficiary=people["mustafa"]).tokens
    BeneficiaryNameSet.objects.all().delete()
    call_command("rebuild_name_index", verbosity=0)
    assert {s.beneficiary_id: sorted(s.tokens) for s in BeneficiaryNameSet.objects.all()} == {
        person.pk: name_set_of(person) for person in people.values()}
    assert keys("مرتضى القحطاني", officer, people) == [] and keys("مرتضى", officer, people) == ["mustafa"]


def test_an_exact_national_id_finds_that_person_only_and_a_prefix_finds_all_it_begins(officer, people):
    wanted = people["mustafa"]
    assert found(wanted.national_id, officer) == [wanted]
    prefix = wanted.national_id[:4]
    beginning = [p for p in people.values() if p.national_id.startswith(prefix)]
    assert set(found(prefix, officer)) == set(beginning)


@pytest.mark.parametrize("typed", ["0550000003", "٠٥٥٠٠٠٠٠٠٣", "+966550000003", "966550000003", "055 000 0003",
                                   "550000003"])
def test_a_mobile_in_any_format_finds_its_owner(officer, people, typed):
    assert found(typed, officer) == [people["mustafa"]]


def test_a_request_reference_finds_the_requests_beneficiary(officer, make_case):
    case = make_case("received")
    make_case("received", first_name="سلمان")
    assert found(case.reference, officer)[0] == case.beneficiary
    assert case.beneficiary in found(case.reference.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")), officer)
    year, serial = case.reference.removeprefix("R-").split("-")
    assert case.beneficiary in found(f"{year}-{serial}", officer)  # typed without the R
    assert case.beneficiary in found(f"{year}-{int(serial)}", officer)
    assert found(f"{int(year) - 1}-{serial}", officer) == []


def test_a_registration_number_finds_the_registered_beneficiary(officer, make_case):
    case = make_case("registered")
    beneficiary = Beneficiary.objects.get(pk=case.beneficiary_id)
    assert beneficiary.registration_number
    assert beneficiary in found(beneficiary.registration_number, officer)


def test_a_volunteer_cannot_search_by_reference_or_registration_number(officer, staff, make_case):
    case = make_case("registered")
    assert found(case.reference, staff["volunteer"]) == []


def test_a_branch_representative_finds_only_their_branch(officer, staff, people):
    rep = staff["branch_rep"]
    theirs = make_beneficiary(by=officer, branch=rep.branch, first_name="عبد الله", family_name="القحطاني")
    assert list(Beneficiary.objects.visible_to(rep).search("عبدالله القحطاني", user=rep)) == [theirs]
    assert found("عبدالله القحطاني", officer) == [theirs, people["abdullah"]]


def test_a_search_returns_no_more_than_it_is_asked_for(officer, people):
    assert len(list(Beneficiary.objects.search("محمد", user=officer, limit=2))) == 2


def test_a_changed_name_is_found_by_its_new_spelling_only(officer, people):
    update_beneficiary(people["mustafa"], by=officer, first_name="مرتضى")
    assert keys("مرتضى", officer, people) == ["mustafa"]
    assert keys("مصطفى", officer, people) == []
    assert NameToken.objects.get(token="مصطفي").frequency == 0
    assert NameToken.objects.get(token="العتيبي").frequency == 1


def test_rebuild_name_index_restores_the_index_of_data_restored_without_it(officer, people):
    BeneficiaryNameToken.objects.all().delete()
    NameToken.objects.all().delete()
    assert found("القحطاني", officer) == []
    call_command("rebuild_name_index", verbosity=0)
    assert keys("القحطاني", officer, people) == ["muhammad", "abdullah"]
    assert NameToken.objects.get(token="القحطاني").frequency == 2
    assert NameToken.objects.get(token="محمد").frequency == 3


@pytest.mark.parametrize(("a", "b", "near"), [
    ("مصطفي", "مصتفي", True), ("فاطمه", "فاطممه", True), ("الزهراني", "الزهارني", True), ("سعد", "سعود", True),
    ("سعد", "سعد", True), ("سعد", "سعيدي", False), ("الزهراني", "الزاهرني", False), ("abc", "bca", False),
])
def test_one_edit_means_one_letter_added_dropped_replaced_or_two_neighbours_swapped(a, b, near):
    assert within_one_edit(a, b) is near and within_one_edit(b, a) is near


def test_a_common_name_typed_whole_is_taken_as_meant_not_widened_to_prefixes_and_typos(officer, people, monkeypatch):
    from mustafid.beneficiaries import search

    monkeypatch.setattr(search, "WIDEN_IF_FEWER", 3)  # «محمد» is held by three people here: a common name
    monkeypatch.setattr(search, "WIDEN_ALL_READ", 2)  # ... too common to read again widened to typos
    assert keys("محمد", officer, people) == ["muhammad", "noura", "abdullah"]
    assert keys("سعد", officer, people) == ["fatima", "saadoun", "saud"]  # held by one: still widened


def test_a_typo_that_makes_another_common_name_is_still_found_when_nobody_has_the_name_as_typed(
        officer, people, monkeypatch):
    from mustafid.beneficiaries import search

    make_beneficiary(by=officer, first_name="فهد", family_name="الشري")
    monkeypatch.setattr(search, "WIDEN_IF_FEWER", 1)  # every name here counts as common
    # «الشهري» typed «الشري» (a name of its own): nobody is «فاطمه سعد الشري», so typos are looked for.
    assert keys("فاطمه سعد الشري", officer, people) == ["fatima"]


def test_a_typo_that_makes_another_common_name_is_found_after_those_who_hold_the_name_as_typed(
        officer, people, monkeypatch):
    from mustafid.beneficiaries import search

    other = make_beneficiary(by=officer, first_name="فاطمة", father_name="سعد", family_name="الشري")
    monkeypatch.setattr(search, "WIDEN_IF_FEWER", 1)  # every name here counts as common
    # Someone is «فاطمة سعد الشري» as typed: first; then Fatima al-Shehri, one typo away.
    assert [b.pk for b in found("فاطمه سعد الشري", officer)] == [other.pk, people["fatima"].pk]
    # A page that is full as typed is not widened.
    assert [b.pk for b in Beneficiary.objects.search("فاطمه سعد الشري", user=officer, limit=1)] == [other.pk]
    # Nor when every word, widened, is held by too many people to read again.
    monkeypatch.setattr(search, "WIDEN_ALL_READ", 0)
    assert [b.pk for b in found("فاطمه سعد الشري", officer)] == [other.pk]


def test_a_name_typed_with_a_word_twice_finds_who_holds_it_twice_before_the_newer_who_hold_it_once(officer, monkeypatch):
    # The index holds each person's words as a set: «محمد» twice is kept as a word of its own (`search.repeated`),
    # or «ريان محمد محمد العتيبي» would rank every newer «ريان محمد … العتيبي» before him.
    twice = make_beneficiary(by=officer, first_name="ريان", father_name="محمد", grandfather_name="محمد",
                             family_name="العتيبي")
    once = [make_beneficiary(by=officer, first_name="ريان", father_name="محمد", grandfather_name=grandfather,
                             family_name="العتيبي").pk for grandfather in ("فهد", "سعد", "علي")]
    queries = ["ريان محمد محمد العتيبي", "راين محمد محمد العتيبى", "ريان مححمد محمد العتيبي", "ريان محمد محمدد العتيبي"]
    for query in queries:
        assert [b.pk for b in Beneficiary.objects.search(query, user=officer)] == [twice.pk, *reversed(once)], query
    # Typed once, the name is everyone's: newest first, as before.
    assert [b.pk for b in found("ريان محمد العتيبي", officer)] == [*reversed(once), twice.pk]
    # The same on the (token, beneficiary) rows as on PostgreSQL's name sets.
    monkeypatch.setattr(search, "SET_EXPECTED", -1)
    for query in queries:
        assert [b.pk for b in Beneficiary.objects.search(query, user=officer, limit=1)] == [twice.pk], query


def test_a_word_held_twice_is_indexed_once_more_and_unindexed_when_the_name_changes(officer):
    person = make_beneficiary(by=officer, first_name="محمد", father_name="محمد", grandfather_name="علي",
                              family_name="السبيعي")
    mark = NameToken.objects.get(token=search.repeated("محمد"))
    assert mark.frequency == 1
    assert BeneficiaryNameToken.objects.get(beneficiary=person, token=mark).position == 1
    assert mark.pk in BeneficiaryNameSet.objects.get(beneficiary=person).tokens
    # No typo variants: a slip in «محمد» never reaches the mark on its own.
    assert not NameTokenVariant.objects.filter(token=mark).exists()
    update_beneficiary(person, by=officer, father_name="فهد")
    mark.refresh_from_db()
    assert mark.frequency == 0
    assert not BeneficiaryNameToken.objects.filter(beneficiary=person, token=mark).exists()
    assert [b.pk for b in found("محمد محمد السبيعي", officer)] == [person.pk]  # still found: holds it once
