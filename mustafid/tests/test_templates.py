"""Template source rules that a rendered page would otherwise show to the user."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_one_line_comment_spans_lines():
    """Django's {# #} comment ends at the line's end: one that spans lines is printed on the page as text."""
    spanning = []
    for path in sorted(ROOT.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for opened in re.finditer(r"\{#", line):
                if "#}" not in line[opened.end():]:
                    spanning.append(f"{path.relative_to(ROOT)}:{number}")
    assert spanning == [], "use {% comment %} … {% endcomment %} for these: " + ", ".join(spanning)
