#!/bin/sh
# Refresh and compile the English translation of the interface.
#
# Arabic is the source language: every user-facing string in the code and the
# templates is Arabic, marked for translation. This script collects them into
# mustafid/locale/en/LC_MESSAGES/django.po and compiles django.mo next to it.
#
# It is safe to run again and again: translations already in the .po are kept,
# strings that no longer exist in the code are dropped (--no-obsolete), and new
# strings appear with an empty msgstr for a translator to fill in. When
# msgmerge guesses a translation for a new string from a similar old one, the
# guess is discarded (the entry comes out empty, not "fuzzy"): an unchecked
# guess must never reach users. Both the .po and the .mo are committed;
# mustafid/tests/test_translations.py fails on an empty or fuzzy entry and on
# a .mo that was not recompiled.
#
# Usage: sh scripts/translations.sh
#   then translate the empty msgstr "" entries in the .po and run it again
#   (which recompiles the .mo).
set -eu

ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
cd "$ROOT"

PYTHON="$ROOT/.venv/bin/python"
[ -x "$PYTHON" ] || PYTHON=python
PO="mustafid/locale/en/LC_MESSAGES/django.po"

# Settings refuse to load without a SECRET_KEY unless DEBUG is on; nothing here
# touches the database or serves a request.
DEBUG=true
export DEBUG

"$PYTHON" manage.py makemessages -l en --no-obsolete \
    --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'var/*' --ignore 'e2e/*'

# Turn msgmerge's fuzzy guesses into empty entries (the header is left alone).
if grep -q '^#, .*fuzzy' "$PO"; then
    "$PYTHON" - "$PO" <<'EOF'
import re
import sys

path = sys.argv[1]
with open(path, encoding="utf-8") as handle:
    blocks = handle.read().split("\n\n")
cleared = 0
for index, block in enumerate(blocks):
    lines = block.split("\n")
    if not any(re.match(r"#,.*\bfuzzy\b", line) for line in lines):
        continue
    if any(line.startswith('msgid ""') for line in lines) and not any(
        line.startswith('msgid "') and line != 'msgid ""' for line in lines
    ) and '"Content-Type: ' in block:
        continue  # the header entry: translator-edited, never a guess
    kept = []
    in_msgstr = False
    for line in lines:
        if line.startswith("#|"):
            continue  # msgmerge's "previous msgid" of the guess
        if re.match(r"#,", line):
            flags = [flag.strip() for flag in line[2:].split(",") if flag.strip() != "fuzzy"]
            if flags:
                kept.append("#, " + ", ".join(flags))
            continue
        match = re.match(r"(msgstr(?:\[\d+\])?) ", line)
        if match:
            kept.append(match.group(1) + ' ""')
            in_msgstr = True
            continue
        if in_msgstr and line.startswith('"'):
            continue  # continuation of the guessed msgstr
        in_msgstr = False
        kept.append(line)
    blocks[index] = "\n".join(kept)
    cleared += 1
with open(path, "w", encoding="utf-8") as handle:
    handle.write("\n\n".join(blocks))
if cleared:
    print(f"{cleared} guessed (fuzzy) translation(s) emptied for review", file=sys.stderr)
EOF
fi

"$PYTHON" manage.py compilemessages -l en --ignore '.venv/*' --ignore 'node_modules/*'

# "N translated messages, M untranslated messages." (fuzzy ones were emptied above).
msgfmt --statistics -o /dev/null "$PO"
