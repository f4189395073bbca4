"""Every form that changes data carries a once-only token (`{% once_token %}`), so a double-click never writes twice.

Checked twice: in the templates as written, and in the pages each persona opens along a request's whole path.
Not needed (and left out on purpose): sign-in, sign-out, the language switch, and search forms (role="search":
the same token would be sent on every keystroke of search-as-you-type, and a search changes nothing).
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from mustafid.conftest import make_beneficiary

EXEMPT_ACTIONS = ("/accounts/logout/", "/i18n/setlang/")
EXEMPT_TEMPLATES = ("accounts/login.html",)


def project_templates():
    root = Path(settings.BASE_DIR) / "mustafid"
    return sorted(p for p in root.glob("**/templates/**/*.html") if "/static/" not in str(p))


def post_forms_in_template(text):
    for match in re.finditer(r"<form\b([^>]*)>(.*?)</form>", text, re.S | re.I):
        attributes, body = match.groups()
        if re.search(r'method=["\']?post', attributes, re.I):
            yield attributes, body


def test_every_post_form_in_the_templates_has_a_once_token():
    missing = []
    for path in project_templates():
        if str(path).endswith(EXEMPT_TEMPLATES):
            continue
        for attributes, body in post_forms_in_template(path.read_text(encoding="utf-8")):
            if 'role="search"' in attributes or "set_language" in attributes or "accounts:logout" in attributes:
                continue
            if "{% once_token %}" not in body:
                missing.append(f"{path.relative_to(settings.BASE_DIR)}: <form{attributes}>")
    assert missing == []


class Forms(HTMLParser):
    """The POST forms of a page: their attributes and the names of their inputs."""

    def __init__(self):
        super().__init__()
        self.forms, self._open = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._open = {"attrs": attrs, "inputs": {}}
        elif tag in ("input", "button", "select", "textarea") and self._open is not None and attrs.get("name"):
            self._open["inputs"][attrs["name"]] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form" and self._open is not None:
            if (self._open["attrs"].get("method") or "").lower() == "post":
                self.forms.append(self._open)
            self._open = None


def post_forms(html):
    parser = Forms()
    parser.feed(html)
    return parser.forms


def needs_token(form):
    attrs = form["attrs"]
    return attrs.get("role") != "search" and not (attrs.get("action") or "").endswith(EXEMPT_ACTIONS)


@pytest.fixture
def pages(staff, make_case, officer):
    """(persona, url) for the pages with forms along a request's whole path."""
    from mustafid.research.actions import refer_to_researcher

    urls = []
    for status in ("received", "documents_complete", "declared", "with_committee", "approved", "registered",
                   "in_service", "incomplete"):
        case = make_case(status)
        for persona in ("officer", "chair", "committee", "manager"):
            urls.append((persona, f"/cases/{case.pk}/"))
    beneficiary = make_beneficiary(by=officer)
    referral = refer_to_researcher(researcher=staff["researcher"], question="ما المستندات المطلوبة؟", by=officer,
                                   beneficiary=beneficiary)
    for persona in ("officer", "branch_rep", "volunteer"):
        urls += [(persona, f"/beneficiaries/{beneficiary.pk}/"), (persona, "/contacts/new/"),
                 (persona, f"/contacts/new/?beneficiary={beneficiary.pk}"),
                 (persona, f"/referrals/beneficiary/{beneficiary.pk}/"), (persona, "/beneficiaries/new/"),
                 (persona, f"/beneficiaries/{beneficiary.pk}/edit/"), (persona, f"/cases/new/{beneficiary.pk}/"),
                 (persona, "/beneficiaries/"), (persona, "/cases/")]
    urls += [("researcher", f"/referrals/{referral.pk}/"), ("researcher", "/referrals/")]
    return urls


def test_every_post_form_a_persona_opens_has_a_once_token(client, staff, pages):
    seen, missing = 0, []
    for persona, url in pages:
        client.force_login(staff[persona])
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for form in post_forms(response.content.decode()):
            if not needs_token(form):
                continue
            seen += 1
            if not re.fullmatch(r"[0-9a-f-]{36}", form["inputs"].get("_once", "")):
                missing.append(f"{persona} {url}: <form {form['attrs']}>")
    assert missing == []
    # The walk really reached the forms: uploads, verification, declaration, submission, decision, delivery...
    assert seen >= 20


def test_each_page_gives_each_form_its_own_token(client, officer, make_case):
    case = make_case("received")
    client.force_login(officer)
    tokens = [form["inputs"]["_once"] for form in post_forms(client.get(f"/cases/{case.pk}/").content.decode())
              if "_once" in form["inputs"]]
    again = [form["inputs"]["_once"] for form in post_forms(client.get(f"/cases/{case.pk}/").content.decode())
             if "_once" in form["inputs"]]
    assert len(tokens) >= 2 and len(set(tokens + again)) == len(tokens) * 2
