"""The association's frequently asked questions («الأسئلة الشائعة»): the manager's actions and the searches.

One `FaqEntry` per question, in Arabic and (optionally) English. Managers add, edit, publish or unpublish and
reorder entries; each change is an action here, in one transaction, with one FAQ_CHANGED audit row holding the old
and the new values. Published entries are read three ways: the public page (/faq/), the suggestions offered to an
officer as they type an inquiry on the contact form, and the same suggestions on the portal's «تواصل معنا» before
the beneficiary sends their question.

The search reads `search_key`: the question and answer in both languages after `lib.arabic.normalize` (hamza forms
of alef, ta marbuta, alef maqsura, diacritics and tatweel folded), written by these actions. An association
keeps a few dozen entries, hundreds at most: a substring filter on that column (a scan of a small table) is fine,
and needs no index; every read is bounded (`SUGGESTIONS`, at most `PAGE_MAX` rows on the public page).
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, IntegerField, Max, Q, Value, When
from django.utils import translation
from django.utils.translation import gettext as _

from mustafid.audit.actors import as_actor
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.lib.arabic import clean_query, normalize
from mustafid.lib.errors import ActionRefused

from .models import FaqEntry

QUESTION_MAX = 300
ANSWER_MAX = 4000
# Suggestions beside the contact form and on the portal: a few, to read at a glance.
SUGGESTIONS = 5
# The public page shows every published entry; a runaway table is cut here rather than sent whole.
PAGE_MAX = 500
# Shortest query that searches (letters after normalisation): one letter matches everything.
QUERY_MIN = 2
# Words too common to say what a question is about, left out of the suggestions' ranking (never of the page's
# search, where every word typed must be found).
STOP_WORDS = frozenset(normalize(word) for word in (
    "في", "من", "عن", "على", "الى", "إلى", "هل", "ما", "ماذا", "متى", "كيف", "لماذا", "او", "أو", "ثم", "مع", "لي",
    "انا", "أنا", "هو", "هي", "يا", "لا", "نعم", "ان", "أن", "إن", "كان", "قد", "تم", "الذي", "التي", "هذا", "هذه",
    "ذلك", "كل", "اي", "أي", "عند", "بعد", "قبل", "the", "a", "an", "of", "to", "in", "on", "for", "is", "are",
    "how", "what", "when", "can", "do", "does", "my", "i", "and", "or", "with", "about", "يسأل", "يستفسر", "استفسار",
    "سؤال", "اريد", "أريد", "ابغى", "أبغى", "ودي",
))
EDITABLE = ("question_ar", "answer_ar", "question_en", "answer_en")


def key_of(entry):
    """The entry's search key: both languages' question and answer, normalised."""
    return normalize(" ".join([entry.question_ar, entry.question_en, entry.answer_ar, entry.answer_en]))


def _words(text):
    """The normalised words of a typed query; «ال» is taken off longer words so «الإقرار» finds «إقرار» too."""
    words = []
    for word in normalize(clean_query(text)).split():
        word = word.strip(".,،؛;:!?؟()«»\"'-")
        if len(word) >= 5 and word.startswith("ال"):
            word = word[2:]
        if word and word not in words:
            words.append(word)
    return words


def query_of(text):
    """The query as it is searched (for the page's field and the «no result» sentence): cleaned, or ""."""
    query = clean_query(text)
    return query if len(normalize(query).replace(" ", "")) >= QUERY_MIN else ""


def published():
    return FaqEntry.objects.filter(published=True).order_by("order", "pk")


def search_published(text, *, limit=PAGE_MAX):
    """The public page's search: the published entries holding every word typed, in the association's order."""
    words = _words(text)
    entries = published()
    for word in words:
        entries = entries.filter(search_key__contains=word)
    return list(entries[:limit])


def suggest(text, *, limit=SUGGESTIONS):
    """The published entries nearest to what is being typed (an inquiry's summary, a beneficiary's question): those
    holding the most of its words (common words left out), then the association's order. One query, `limit` rows."""
    words = [word for word in _words(text) if word not in STOP_WORDS and len(word) >= 2]
    if not words or len(normalize(clean_query(text)).replace(" ", "")) < QUERY_MIN:
        return []
    # The longest words say most; twelve are plenty for one query's score.
    words = sorted(words, key=len, reverse=True)[:12]
    score = sum((Case(When(search_key__contains=word, then=Value(1)), default=Value(0), output_field=IntegerField())
                 for word in words), Value(0))
    matches = Q()
    for word in words:
        matches |= Q(search_key__contains=word)
    return list(published().filter(matches).annotate(score=score).order_by("-score", "order", "pk")[:limit])


@dataclass(frozen=True)
class Shown:
    """An entry in the reader's language: English when the site is in English and the entry has it, else Arabic
    (with its own `lang` and `dir`, so a screen reader reads it in the right voice)."""

    entry: FaqEntry
    question: str
    answer: str
    language: str

    @property
    def pk(self):
        return self.entry.pk

    @property
    def direction(self):
        return "rtl" if self.language == "ar" else "ltr"


def shown(entries, language=None):
    language = language or translation.get_language() or "ar"
    english = language.split("-")[0] == "en"
    return [Shown(entry, entry.question_en, entry.answer_en, "en") if english and entry.question_en and entry.answer_en
            else Shown(entry, entry.question_ar, entry.answer_ar, "ar") for entry in entries]


# --- Actions -------------------------------------------------------------------------------------------------------

def _clean(values):
    """The texts as saved: questions on one line, answers trimmed; refusals worded for the screen."""
    cleaned = {
        "question_ar": " ".join(str(values.get("question_ar") or "").split()),
        "answer_ar": str(values.get("answer_ar") or "").strip(),
        "question_en": " ".join(str(values.get("question_en") or "").split()),
        "answer_en": str(values.get("answer_en") or "").strip(),
    }
    if not cleaned["question_ar"] or not cleaned["answer_ar"]:
        raise ActionRefused(_("اكتب السؤال وإجابته بالعربية."))
    if bool(cleaned["question_en"]) != bool(cleaned["answer_en"]):
        raise ActionRefused(_("اكتب السؤال والإجابة بالإنجليزية معًا، أو اتركهما فارغين."))
    for name in ("question_ar", "question_en"):
        if len(cleaned[name]) > QUESTION_MAX:
            raise ActionRefused(_("السؤال أطول من %(max)s حرف.") % {"max": QUESTION_MAX})
    for name in ("answer_ar", "answer_en"):
        if len(cleaned[name]) > ANSWER_MAX:
            raise ActionRefused(_("الإجابة أطول من %(max)s حرف.") % {"max": ANSWER_MAX})
    return cleaned


def _values(entry):
    return {name: getattr(entry, name) for name in (*EDITABLE, "published", "order")}


def _stamp(entry, by):
    for column, value in as_actor(by).columns("updated_by").items():
        setattr(entry, column, value)


def add_faq_entry(*, question_ar, answer_ar, question_en="", answer_en="", published=True, by):
    """A new question and its answer, placed last."""
    cleaned = _clean({"question_ar": question_ar, "answer_ar": answer_ar, "question_en": question_en,
                      "answer_en": answer_en})
    with transaction.atomic():
        last = FaqEntry.objects.select_for_update().aggregate(last=Max("order"))["last"]
        entry = FaqEntry(**cleaned, published=bool(published), order=0 if last is None else last + 1)
        entry.search_key = key_of(entry)
        _stamp(entry, by)
        entry.full_clean()
        entry.save()
        record(EventType.FAQ_CHANGED, actor=by, target=entry, data={
            "change": "added", "entry": entry.pk, "old": {}, "new": _values(entry)})
    return entry


def change_faq_entry(entry, *, by, **values):
    """The question and answer reworded; returns False (and writes nothing) when nothing changed."""
    cleaned = _clean(values)
    with transaction.atomic():
        entry = FaqEntry.objects.select_for_update().get(pk=entry.pk)
        old = {name: getattr(entry, name) for name in EDITABLE if getattr(entry, name) != cleaned[name]}
        if not old:
            return False
        for name, value in cleaned.items():
            setattr(entry, name, value)
        entry.search_key = key_of(entry)
        _stamp(entry, by)
        entry.full_clean()
        entry.save()
        record(EventType.FAQ_CHANGED, actor=by, target=entry, data={
            "change": "edited", "entry": entry.pk, "old": old, "new": {name: cleaned[name] for name in old}})
    return True


def publish_faq_entry(entry, *, published, by):
    """Shown on the public page and offered in the suggestions, or not (kept for the manager to publish again)."""
    with transaction.atomic():
        entry = FaqEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.published == bool(published):
            return False
        entry.published = bool(published)
        _stamp(entry, by)
        entry.save(update_fields=["published", "updated_at", "updated_by", "updated_by_kind", "updated_by_label"])
        record(EventType.FAQ_CHANGED, actor=by, target=entry, data={
            "change": "published" if published else "unpublished", "entry": entry.pk,
            "old": {"published": not entry.published}, "new": {"published": entry.published}})
    return True


def move_faq_entry(entry, *, up, by):
    """One place up or down in the association's order. The entries are numbered again 0, 1, 2… (a few hundred
    rows at most), so two entries never share a place. Returns False at either end."""
    with transaction.atomic():
        entries = list(FaqEntry.objects.select_for_update().order_by("order", "pk"))
        index = next((i for i, other in enumerate(entries) if other.pk == entry.pk), None)
        if index is None:
            raise ActionRefused(_("لم يعد هذا السؤال موجودًا."))
        other = index - 1 if up else index + 1
        if not 0 <= other < len(entries):
            return False
        old = {item.pk: item.order for item in entries}
        entries[index], entries[other] = entries[other], entries[index]
        for place, item in enumerate(entries):
            if item.order != place:
                item.order = place
                if item.pk == entry.pk:
                    _stamp(item, by)
                    item.save(update_fields=["order", "updated_at", "updated_by", "updated_by_kind",
                                             "updated_by_label"])
                else:
                    FaqEntry.objects.filter(pk=item.pk).update(order=place)
        moved = entries[other]
        record(EventType.FAQ_CHANGED, actor=by, target=moved, data={
            "change": "moved_up" if up else "moved_down", "entry": moved.pk,
            "old": {"order": old[moved.pk]}, "new": {"order": moved.order}})
    return True
