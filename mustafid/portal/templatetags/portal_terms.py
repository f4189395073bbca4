"""`{% term "declaration" %}`: put beside a sentence that uses a word of the portal's glossary (glossary.py).

Renders «ما معنى «الإقرار»؟», a link to the word on the «معاني الكلمات» page, and the plain explanation, hidden.
portal/static/portal/glossary.js turns the link into a <button aria-expanded aria-controls> that shows the
explanation in place; without the script the link works. Each use has its own id (a page may use a word twice).
"""

from django import template
from django.template.loader import render_to_string

from ..glossary import BY_KEY

register = template.Library()


@register.simple_tag(takes_context=True)
def term(context, key):
    # Numbered within the page (the same page renders the same, whoever asks: no global counter).
    counter = context.render_context.setdefault("portal_terms", [0])
    counter[0] += 1
    return render_to_string("portal/_term.html", {"term": BY_KEY[key], "id": f"term-{key}-{counter[0]}"},
                            request=context.get("request"))
