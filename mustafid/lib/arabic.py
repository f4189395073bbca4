"""Arabic text helpers: digits and name normalisation.

Staff type names and numbers in many ways: with or without hamza on the alef,
with tashkeel copied from a document, with Arabic-Indic digits from a phone
keyboard, "عبد الله" or "عبدالله". A search must find the person however the
name was typed, so names are compared through `normalize`, never raw.
"""

import re
import unicodedata

# Arabic-Indic (U+0660..0669) and Extended/Persian (U+06F0..06F9) digits to ASCII,
# plus the Arabic decimal separator (٫ to ".") and thousands separator (٬ removed).
_DIGITS = {0x0660 + i: str(i) for i in range(10)}
_DIGITS.update({0x06F0 + i: str(i) for i in range(10)})
_DIGITS[ord("٫")] = "."
_DIGITS[ord("٬")] = None

# Marks that change pronunciation but not which name it is: tashkeel, Quranic
# annotation marks, superscript alef, and the tatweel (kashida) used for stretching.
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")

# Letters people write interchangeably in names.
_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ؤ": "و",
        "ئ": "ي",
    }
)

# The word «عبد» (whole word) followed by a space and a word starting with «ال».
_ABD_AL = re.compile(r"(?<!\S)عبد (?=ال)")


def to_ascii_digits(text: str) -> str:
    """Return `text` with Arabic-Indic and Persian digits turned into ASCII 0-9.

    Validation, parsing and storage all work on ASCII digits, so every input
    path passes through here first.
    """
    return text.translate(_DIGITS)


def normalize(text: str) -> str:
    """Return the comparison form of a name (or any short text).

    Only for comparing and searching: the value shown to people is always the
    one they typed. The result is idempotent: normalize(normalize(x)) == normalize(x).
    """
    text = to_ascii_digits(text)
    text = _MARKS.sub("", text)
    text = text.translate(_LETTERS)
    text = text.lower()
    text = " ".join(text.split())
    # After alef/hamza normalisation so «عبد إلاله»-like spellings join as well.
    return _ABD_AL.sub("عبد", text)


def search_key(*parts: str) -> str:
    """Return the stored search key of a name given in parts (first, father, ...).

    Empty or missing parts are skipped so optional name parts leave no gaps.
    """
    return normalize(" ".join(part for part in parts if part))


def name_tokens(query: str) -> list[str]:
    """Split a search query into normalised tokens («عبد الله» is one token)."""
    return normalize(query).split()


QUERY_MAX_CHARS = 100
QUERY_MAX_TOKENS = 6


def clean_query(text) -> str:
    """Return a typed search or filter text made safe to reach the database.

    NUL characters (which PostgreSQL refuses in text) and other control characters
    are dropped (bidi controls and zero-width marks vanish, the others part words), runs of spaces become one, the text is cut to QUERY_MAX_CHARS
    characters and to its first QUERY_MAX_TOKENS words: a pasted page of text is
    neither a server error nor a query that takes ages. `None` gives "".
    """
    text = str(text or "")[: QUERY_MAX_CHARS * 4]
    # Format characters (bidi overrides, zero-width joiners) vanish; NUL, tabs and line breaks part words.
    text = "".join(" " if ch.isspace() or unicodedata.category(ch) == "Cc" else ch for ch in text
                   if unicodedata.category(ch) not in ("Cf", "Cs", "Co", "Cn") or ch.isspace())
    return " ".join(text.split()[:QUERY_MAX_TOKENS])[:QUERY_MAX_CHARS].strip()
