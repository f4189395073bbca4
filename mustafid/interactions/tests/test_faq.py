"""«الأسئلة الشائعة»: the manager's actions and their audit rows, who may edit, the public page and its search, the
suggestions beside an inquiry and on the portal, and hostile input."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from mustafid.audit.actors import Actor
from mustafid.audit.models import AuditEvent, EventType
from mustafid.demo.faq import load_demo_faq
from mustafid.interactions import faq
from mustafid.interactions.models import FaqEntry
from mustafid.lib.errors import ActionRefused

pytestmark = pytest.mark.django_db

DECLARATION_Q = "ما الإقرار ولماذا أوقّعه؟"
DECLARATION_A = "الإقرار تعهد بأن البيانات صحيحة، ويوقَّع مرة واحدة لكل طلب."


@pytest.fixture
def manager(staff):
    return staff["manager"]


def add(manager, question=DECLARATION_Q, answer=DECLARATION_A, **extra):
    return faq.add_faq_entry(question_ar=question, answer_ar=answer, by=manager, **extra)


def faq_events():
    return AuditEvent.objects.filter(event_type=EventType.FAQ_CHANGED).order_by("pk")


# --- Actions and their audit rows -------------------------------------------------------------------------------

def test_adding_an_entry_fills_its_search_key_places_it_last_and_is_audited_with_the_new_values(manager):
    first = add(manager, "كيف أقدم طلب دعم؟", "من خدمات المستفيد.")
    entry = add(manager, question_en="What is the declaration?", answer_en="Your statement that the data are true.")

    assert entry.order == first.order + 1
    assert "الاقرار" in entry.search_key and "what is the declaration" in entry.search_key
    assert "ّ" not in entry.search_key  # the shadda of «أوقّعه» is folded away
    assert (entry.updated_by, entry.updated_by_kind) == (manager, "staff")
    event = faq_events().last()
    assert (event.actor, event.target_id) == (manager, str(entry.pk))
    assert event.data["change"] == "added" and event.data["new"]["question_ar"] == DECLARATION_Q


def test_an_edit_is_audited_with_the_old_and_new_wording_and_an_unchanged_one_writes_nothing(manager):
    entry = add(manager)
    assert faq.change_faq_entry(entry, by=manager, question_ar="ما الإقرار؟", answer_ar=DECLARATION_A) is True

    event = faq_events().last()
    assert event.data == {"change": "edited", "entry": entry.pk, "old": {"question_ar": DECLARATION_Q},
                          "new": {"question_ar": "ما الإقرار؟"}}
    entry.refresh_from_db()
    assert entry.search_key.startswith("ما الاقرار؟")
    count = faq_events().count()
    assert faq.change_faq_entry(entry, by=manager, question_ar="ما الإقرار؟", answer_ar=DECLARATION_A) is False
    assert faq_events().count() == count


def test_unpublishing_and_publishing_again_are_audited_and_hide_the_entry_from_every_reader(manager):
    entry = add(manager)
    assert faq.publish_faq_entry(entry, published=False, by=manager) is True
    assert faq_events().last().data["old"] == {"published": True}
    assert faq.search_published("الإقرار") == [] and faq.suggest("الإقرار") == []
    assert faq.publish_faq_entry(entry, published=False, by=manager) is False
    faq.publish_faq_entry(entry, published=True, by=manager)
    assert faq.search_published("الإقرار") == [entry]


def test_moving_an_entry_swaps_it_with_its_neighbour_and_is_audited(manager):
    one, two, three = (add(manager, f"سؤال {n}", "إجابة") for n in ("أول", "ثان", "ثالث"))
    assert faq.move_faq_entry(three, up=True, by=manager) is True
    assert list(FaqEntry.objects.order_by("order").values_list("pk", flat=True)) == [one.pk, three.pk, two.pk]
    assert faq_events().last().data == {"change": "moved_up", "entry": three.pk, "old": {"order": 2},
                                        "new": {"order": 1}}
    assert faq.move_faq_entry(one, up=True, by=manager) is False  # already first


def test_an_action_refuses_half_an_english_translation_and_an_empty_arabic_answer(manager):
    with pytest.raises(ActionRefused):
        add(manager, question_en="What is it?")
    with pytest.raises(ActionRefused):
        add(manager, answer="   ")
    assert not FaqEntry.objects.exists() and not faq_events().exists()


# --- Who may edit ---------------------------------------------------------------------------------------------

ENTRY_DATA = {"question_ar": "هل يمكنني تعديل طلبي بعد إرساله؟", "answer_ar": "نعم، ما لم يُرفع إلى لجنة البحث.",
              "question_en": "", "answer_en": "", "published": "on"}


@pytest.mark.parametrize("role, list_status, edit_status", [
    ("manager", 200, 302), ("auditor", 200, 403), ("officer", 403, 403), ("volunteer", 403, 403),
    ("researcher", 403, 403), ("branch_rep", 403, 403),
])
def test_only_managers_edit_and_auditors_read_the_list(client, staff, role, list_status, edit_status):
    client.force_login(staff[role])
    assert client.get(reverse("faq:manage")).status_code == list_status
    assert client.post(reverse("faq:new"), ENTRY_DATA).status_code == edit_status
    assert FaqEntry.objects.exists() == (edit_status == 302)


def test_a_visitor_is_sent_to_sign_in_for_the_managers_screens(client, association):
    response = client.get(reverse("faq:manage"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_manager_adds_edits_unpublishes_and_moves_through_the_pages(client, manager):
    client.force_login(manager)
    assert client.post(reverse("faq:new"), ENTRY_DATA).status_code == 302
    entry = FaqEntry.objects.get()
    page = client.get(reverse("faq:manage")).content.decode()
    assert ENTRY_DATA["question_ar"] in page and "منشور" in page
    response = client.post(reverse("faq:edit", args=[entry.pk]), {**ENTRY_DATA, "answer_ar": "نعم، قبل رفعه للجنة."})
    assert response.status_code == 302
    client.post(reverse("faq:publish", args=[entry.pk]), {"published": "0"})
    entry.refresh_from_db()
    assert (entry.answer_ar, entry.published) == ("نعم، قبل رفعه للجنة.", False)
    assert [event.data["change"] for event in faq_events()] == ["added", "edited", "unpublished"]
    assert client.get(reverse("faq:edit", args=[entry.pk + 1000])).status_code == 404


# --- Hostile input --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("field, value", [
    ("question_ar", "سؤال\x00"), ("answer_ar", "\u202eإجابة"), ("question_ar", "س" * 100_000),
    ("answer_ar", "ج" * 100_000), ("question_en", "\u2066What\u2069"), ("question_en", "Only the question"),
])
def test_hostile_or_incomplete_input_shows_the_form_again_with_an_arabic_error_and_saves_nothing(
        client, manager, field, value):
    client.force_login(manager)
    response = client.post(reverse("faq:new"), {**ENTRY_DATA, field: value})
    assert response.status_code == 400
    html = response.content.decode()
    assert "لم يُحفظ النموذج" in html and 'role="alert"' in html
    assert not FaqEntry.objects.exists() and not faq_events().exists()


def test_a_form_sent_twice_adds_the_entry_once(client, manager):
    client.force_login(manager)
    token = str(uuid.uuid4())
    client.post(reverse("faq:new"), {**ENTRY_DATA, "_once": token})
    second = client.post(reverse("faq:new"), {**ENTRY_DATA, "_once": token}, follow=True)
    assert "تم استلام هذا النموذج من قبل" in second.content.decode()
    assert FaqEntry.objects.count() == 1 and faq_events().count() == 1


# --- The public page ------------------------------------------------------------------------------------------

def test_the_public_page_shows_only_published_entries_to_anyone(client, manager):
    shown = add(manager)
    hidden = add(manager, "سؤال لم يُنشر", "إجابة مسودة", published=False)
    response = client.get(reverse("faq:page"))
    html = response.content.decode()
    assert response.status_code == 200
    assert shown.question_ar in html and hidden.question_ar not in html
    assert "<h1" in html and 'role="search"' in html and 'method="get"' in html


@pytest.mark.parametrize("stored, typed", [
    ("الإقرار", "الاقرار"), ("الاقرار", "الإقرار"), ("الإقرار", "اقرار"), ("الإقرار", "الإِقْرَار"),
    ("مستشفى الأمل", "مستشفي"), ("الجمعية", "جمعيه"),
])
def test_the_search_finds_an_entry_however_its_words_are_spelled(client, manager, stored, typed):
    entry = add(manager, f"سؤال عن {stored}", "إجابة")
    add(manager, "كيف أتابع طلبي؟", "من تتبع طلبي.")
    html = client.get(reverse("faq:page"), {"q": typed}).content.decode()
    assert entry.question_ar in html and "كيف أتابع طلبي؟" not in html


def test_the_search_says_when_nothing_is_found_and_one_letter_shows_everything(client, manager):
    add(manager)
    assert "لا سؤال فيه «كهرباء»" in client.get(reverse("faq:page"), {"q": "كهرباء"}).content.decode()
    one_letter = client.get(reverse("faq:page"), {"q": "ا"}).content.decode()
    assert DECLARATION_Q in one_letter and "اكتب حرفين على الأقل" in one_letter


def test_typing_on_the_page_gets_only_the_results_fragment(client, manager):
    add(manager)
    response = client.get(reverse("faq:page"), {"q": "الاقرار"}, HTTP_X_REQUESTED_WITH="fetch")
    html = response.content.decode()
    assert DECLARATION_Q in html and "<html" not in html and 'data-faq-said="سؤال واحد فيه' in html


def test_english_readers_get_the_english_text_and_the_arabic_where_there_is_none(client, manager):
    add(manager, question_en="What is the declaration?", answer_en="Your statement that the data are true.")
    add(manager, "كيف أتابع طلبي؟", "من تتبع طلبي.")
    client.post(reverse("set_language"), {"language": "en", "next": "/faq/"})
    try:
        html = client.get(reverse("faq:page")).content.decode()
        assert "What is the declaration?" in html and DECLARATION_Q not in html
        assert 'lang="ar" dir="rtl"' in html and "كيف أتابع طلبي؟" in html
        assert "What is the declaration?" in client.get(reverse("faq:page"), {"q": "الإقرار"}).content.decode()
    finally:
        translation.activate("ar")


@pytest.mark.parametrize("query", ["\x00", "\u202eالاقرار", "x" * 100_000, "'; DROP TABLE x; --", "%", "_"])
def test_the_public_search_answers_hostile_queries(client, manager, query):
    add(manager)
    assert client.get(reverse("faq:page"), {"q": query}).status_code == 200


# --- Suggestions beside a question being typed ------------------------------------------------------------------

def test_suggestions_are_the_published_entries_holding_most_of_the_words_typed(manager):
    declaration = add(manager)
    add(manager, "متى يصلني الرد على طلبي؟", "خلال أربعة عشر يومًا.")
    add(manager, "سؤال مخفي عن الإقرار", "مسودة", published=False)
    found = faq.suggest("يسأل عن الاقرار الذي وقعه في الطلب")
    assert found[0] == declaration and all(entry.published for entry in found)


def test_the_suggestions_are_bounded_to_five_in_one_query(client, manager):
    for n in range(8):
        add(manager, f"سؤال رقم {n} عن الدعم", "إجابة عن الدعم")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("faq:suggest"), {"q": "الدعم الشهري", "for": "portal"})
    assert response.status_code == 200
    faq_queries = [query["sql"] for query in queries if "faqentry" in query["sql"]]
    assert len(faq_queries) == 1 and "LIMIT 5" in faq_queries[0]
    assert response.content.decode().count("<details") == 5


def test_the_suggestion_endpoint_shows_published_entries_only_and_copy_buttons_to_staff_only(client, staff):
    manager = staff["manager"]
    add(manager)
    add(manager, "سؤال مسودة عن الإقرار", "لم يُنشر", published=False)
    anonymous = client.post(reverse("faq:suggest"), {"q": "الإقرار", "for": "staff"}).content.decode()
    assert DECLARATION_Q in anonymous and "مسودة" not in anonymous and "نسخ الإجابة" not in anonymous
    client.force_login(staff["officer"])
    officer = client.post(reverse("faq:suggest"), {"q": "الإقرار", "for": "staff"}).content.decode()
    assert DECLARATION_Q in officer and "نسخ الإجابة" in officer and "مسودة" not in officer
    assert client.get(reverse("faq:suggest")).status_code == 405


@pytest.mark.parametrize("query", ["", "ا", "في عن", "\x00\x00", "\u202e", "x" * 100_000])
def test_the_suggestions_answer_short_common_or_hostile_text_with_nothing_or_a_bounded_list(client, manager, query):
    add(manager)
    response = client.post(reverse("faq:suggest"), {"q": query})
    assert response.status_code == 200 and response.content.decode().count("<details") <= faq.SUGGESTIONS


def test_the_contact_form_and_the_portals_contact_page_offer_the_suggestions(client, staff):
    client.force_login(staff["officer"])
    form = client.get(reverse("interactions:new")).content.decode()
    assert 'data-faq-suggest="/faq/suggest/"' in form and 'data-faq-source="id_summary"' in form
    assert 'data-faq-target="id_outcome"' in form
    client.logout()
    portal = client.get(reverse("portal:contact")).content.decode()
    assert 'data-faq-source="id_text"' in portal and 'data-faq-for="portal"' in portal and 'href="/faq/"' in portal


# --- The demo ---------------------------------------------------------------------------------------------------

def test_the_demo_adds_its_questions_once_as_the_system(association):
    added = load_demo_faq("aoun")
    assert len(added) >= 5 and all(entry.question_en and entry.published for entry in added)
    assert load_demo_faq("aoun") == []
    assert faq_events().filter(actor_kind="system").count() == len(added)
    assert faq.search_published("الاقرار")
    assert Actor.system("load_demo").label == "load_demo"
