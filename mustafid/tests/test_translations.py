"""The English interface: a complete, compiled translation of the Arabic source.

Arabic is the source language; mustafid/locale/en/LC_MESSAGES/django.po holds the
English of every marked string and django.mo is its compiled form, both committed.
`sh scripts/translations.sh` refreshes the .po from the code and recompiles.

Not tested here: that the .po is up to date with the code (a string added to a
template but never extracted). Only `makemessages` knows Django's extraction
rules; re-running it inside the test suite is slow and writes files, and
re-implementing it with regular expressions would be fragile. Run the script
after adding strings; the page test below catches the untranslated text of the
public policy page either way.
"""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "mustafid" / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"

# A fresh git checkout writes django.mo and django.po a moment apart, in either
# order; a forgotten compile is caught by the catalog comparison, not this slack.
MTIME_SLACK_SECONDS = 5

ARABIC = re.compile(r"[\u0600-\u06FF]")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(token, path, number):
    token = token.strip()
    if len(token) < 2 or not (token.startswith('"') and token.endswith('"')):
        raise AssertionError(f"{path}:{number}: expected a quoted string, got {token!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), token[1:-1])


def parse_po(path):
    """Entries of a .po file as dicts: msgctxt, msgid, msgid_plural, msgstr (list), flags, references, line.

    A small state machine over the lines: keywords start a field, bare quoted
    strings continue the last one; obsolete (#~) and previous-msgid (#|) lines are
    ignored. The header (empty msgid) is returned like any other entry.
    """
    entries = []
    entry = None
    field = None  # ("msgid" | "msgid_plural" | "msgctxt" | ("msgstr", n))

    def new_entry(number):
        return {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}, "flags": set(),
                "references": [], "line": number}

    pending_comments = {"flags": set(), "references": []}
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            field = None
            continue
        if line.startswith("#~") or line.startswith("#|"):
            continue
        if line.startswith("#"):
            if entry is not None and entry["msgstr"]:
                entry, field = None, None  # comments begin the next entry
            if line.startswith("#,"):
                pending_comments["flags"].update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            elif line.startswith("#:"):
                pending_comments["references"].extend(line[2:].split())
            continue
        keyword, _space, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid"):
            if entry is None or entry["msgstr"] or (keyword == "msgid" and entry["msgid"] is not None):
                entry = new_entry(number)
                entry["flags"], entry["references"] = pending_comments["flags"], pending_comments["references"]
                pending_comments = {"flags": set(), "references": []}
                entries.append(entry)
            entry[keyword] = _unquote(rest, path, number)
            field = keyword
        elif keyword == "msgid_plural":
            assert entry is not None, f"{path}:{number}: msgid_plural without msgid"
            entry["msgid_plural"] = _unquote(rest, path, number)
            field = "msgid_plural"
        elif keyword.startswith("msgstr"):
            assert entry is not None, f"{path}:{number}: msgstr without msgid"
            match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
            assert match, f"{path}:{number}: unknown keyword {keyword!r}"
            index = int(match.group(1) or 0)
            entry["msgstr"][index] = _unquote(rest, path, number)
            field = ("msgstr", index)
        elif line.startswith('"'):
            assert entry is not None and field is not None, f"{path}:{number}: string outside an entry"
            if isinstance(field, tuple):
                entry["msgstr"][field[1]] += _unquote(line, path, number)
            else:
                entry[field] += _unquote(line, path, number)
        else:
            raise AssertionError(f"{path}:{number}: cannot parse {raw!r}")
    for item in entries:
        item["msgstr"] = [item["msgstr"][index] for index in sorted(item["msgstr"])]
    return entries


def messages(entries):
    """The translatable entries: everything but the header."""
    return [entry for entry in entries if entry["msgid"] or entry["msgctxt"]]


@pytest.fixture(scope="module")
def po_entries():
    assert PO_PATH.exists(), f"{PO_PATH} is missing: run sh scripts/translations.sh"
    return parse_po(PO_PATH)


def test_every_string_is_translated_and_none_is_fuzzy(po_entries):
    entries = messages(po_entries)
    assert len(entries) > 100, "the English catalog is suspiciously small"
    empty = [entry["msgid"] for entry in entries if not entry["msgstr"] or not all(entry["msgstr"])]
    fuzzy = [entry["msgid"] or "(header)" for entry in po_entries if "fuzzy" in entry["flags"]]
    problems = []
    if empty:
        problems.append(f"{len(empty)} untranslated:\n  " + "\n  ".join(empty))
    if fuzzy:
        problems.append(f"{len(fuzzy)} marked fuzzy:\n  " + "\n  ".join(fuzzy))
    assert not problems, f"{PO_PATH.name}: " + "\n".join(problems) + "\nTranslate them in the .po, then run sh scripts/translations.sh"


def test_translations_keep_their_placeholders(po_entries):
    placeholder = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{\{?[^}]*\}\}?")
    wrong = []
    for entry in messages(po_entries):
        expected = sorted(placeholder.findall(entry["msgid"]))
        # A plural form may use the plural's placeholders: the Arabic singular often has no number
        # («وُجد مستفيد واحد») where the English one does, and the other way round.
        allowed = [expected]
        if entry["msgid_plural"] is not None:
            allowed.append(sorted(placeholder.findall(entry["msgid_plural"])))
        for msgstr in entry["msgstr"]:
            if msgstr and sorted(placeholder.findall(msgstr)) not in allowed:
                wrong.append(f"{entry['msgid']!r} -> {msgstr!r}")
    assert not wrong, "placeholders differ between source and translation:\n  " + "\n  ".join(wrong)


def test_translations_are_english(po_entries):
    # Arabic left in a translation is a copy-paste slip (the source strings are all Arabic).
    arabic = [f"{e['msgid']!r} -> {s!r}" for e in messages(po_entries) for s in e["msgstr"] if ARABIC.search(s)]
    assert not arabic, "Arabic text in English translations:\n  " + "\n  ".join(arabic)


def _catalog(path):
    with path.open("rb") as handle:
        return gettext.GNUTranslations(handle)._catalog


def test_compiled_catalog_matches_the_po(tmp_path):
    assert MO_PATH.exists(), f"{MO_PATH} is missing: run sh scripts/translations.sh"
    lag = PO_PATH.stat().st_mtime - MO_PATH.stat().st_mtime
    assert lag <= MTIME_SLACK_SECONDS, (
        f"{MO_PATH.name} is {lag:.0f}s older than {PO_PATH.name}: run sh scripts/translations.sh to recompile"
    )

    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (GNU gettext) is not installed; only the timestamps were checked")
    compiled = tmp_path / "django.mo"
    result = subprocess.run([msgfmt, "--check", "-o", str(compiled), str(PO_PATH)], capture_output=True, text=True)
    assert result.returncode == 0, f"msgfmt --check rejects {PO_PATH.name}:\n{result.stderr}"
    fresh, committed = _catalog(compiled), _catalog(MO_PATH)
    if fresh != committed:
        changed = sorted(str(key) for key in fresh.keys() ^ committed.keys())
        changed += sorted(str(key) for key in fresh.keys() & committed.keys() if fresh[key] != committed[key])
        pytest.fail(
            f"{MO_PATH.name} was not compiled from the current {PO_PATH.name} "
            f"(run sh scripts/translations.sh); differing entries:\n  " + "\n  ".join(changed[:20])
        )


def _policy_page_sources(po_entries):
    """Arabic fixed text of the policy page and its layout, from the .po references."""
    templates = ("association/templates/association/policy.html", "templates/base.html")
    fragments = set()
    for entry in messages(po_entries):
        if any(ref.split(":")[0].endswith(templates) for ref in entry["references"]):
            # Interpolated strings are checked piece by piece around their placeholders.
            for piece in re.split(r"%\([^)]+\)s", entry["msgid"]):
                piece = piece.strip(" .،:()«»")
                if ARABIC.search(piece) and len(piece) >= 4:
                    fragments.add(piece)
    return fragments


@pytest.fixture
def restore_language():
    """LocaleMiddleware leaves the request's language active in the thread after the
    response; without this, English would leak into the tests that run next."""
    previous = translation.get_language()
    yield
    translation.activate(previous)


def test_the_browsers_language_does_not_switch_the_interface_only_the_language_button_does(client, association):
    page = client.get("/policy/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/policy/"})
    assert response.status_code == 302
    assert '<html lang="en" dir="ltr">' in client.get("/policy/").content.decode()


def test_policy_page_renders_in_english(client, association, po_entries, restore_language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/policy/")
    assert response.status_code == 200
    html = response.content.decode()

    assert '<html lang="en" dir="ltr">' in html
    for english in (
        "Beneficiary relationship policy",
        "General goal",
        "Detailed goals",
        "Channels used to communicate with beneficiaries",
        "Interview",
        "Branch-office representatives",
        "Staff tools for communicating with beneficiaries",
        "within two weeks of the request being complete",
        "Board approval",
        "Skip to content",
    ):
        assert english in html, f"{english!r} missing from the English policy page"

    fragments = _policy_page_sources(po_entries)
    assert len(fragments) > 10, "expected the policy page's strings in the .po"
    left = sorted(fragment for fragment in fragments if fragment in html)
    assert not left, "Arabic fixed text on the English policy page:\n  " + "\n  ".join(left)

    # Whatever Arabic remains must be the association's own data or the switch back to Arabic.
    values = [getattr(association, field.attname) for field in association._meta.concrete_fields]
    remaining = html
    for value in sorted({v for v in values if isinstance(v, str) and v} | {"العربية"}, key=len, reverse=True):
        remaining = remaining.replace(value, "")  # longest first: the address contains the city
    stray = sorted({match.strip() for match in re.findall(r"[\u0600-\u06FF][\u0600-\u06FF\s،؛]*", remaining)})
    assert not stray, f"untranslated Arabic on the English policy page: {stray}"
