"""No input gives a server error: random and hostile text posted to every form, and sent to every list.

Hypothesis draws, for every field of every form of the project, either the value the access matrix
posts (so a form gets past its other fields) or hostile text: NUL, right-to-left overrides,
100,000 characters, Arabic-Indic digits, dates far away, image data URLs claiming huge sizes.
The forms are the POST lines of the access matrix (which covers every URL of the resolver), each
posted by a persona allowed to post there; their field names are read from the page that shows the
form. Every list page is also opened with hostile query strings. A 500 is a failure; a refusal
(400, 403, 404) or a redirect is an answer. Each example runs in a savepoint rolled back after it.
"""

import base64
import struct
import uuid
import zlib
from html.parser import HTMLParser

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client
from django.urls import get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mustafid.tests.test_access_matrix import (
    PAYLOADS, ROWS, TARGETS, _project_url_names, build_world, rolled_back_world,
)


def _png_claiming(width, height):
    """A tiny PNG whose header claims `width` x `height` pixels (a decompression bomb's header)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


HOSTILE_SAMPLES = [
    "\x00", "أحمد\x00", "\x00" * 20, "\u202eدمحم", "\u202e", "\u2066ltr\u2069", "\u200f\u200e", "x" * 100_000,
    " ".join(["كلمة"] * 500), "٠٥٥١٢٣٤٥٦٧", "١٠٠٠٠٠٠٠٠٨", "١٤٤٥/٠٥/١٢", "٢٠٩٩-٠١-٠١", "2078-01-01", "9999-12-31",
    "1700-01-01", "0000-00-00", "1445/13/40", "31/02/2020", "-1", "0", "99999999999999999999", "1e309", "NaN",
    "²", "٣", " ", "", "'; DROP TABLE x; --", "<script>alert(1)</script>", "%00", "../../etc/passwd",
    "data:image/png;base64,AAAA", "data:image/png;base64," + base64.b64encode(_png_claiming(20000, 20000)).decode(),
    "data:image/png;base64," + base64.b64encode(_png_claiming(13000, 13000)).decode(),
]
ALPHABET = list("\x00\u202e\u202b\u200f\u2066\u2069 ابتثجحخدذرسشصضطظعغفقكلمنهويىةءأإآ٠١٢٣٤٥٦٧٨٩0123456789/-:.,'\"<>&%")
HOSTILE = st.one_of(
    st.sampled_from(HOSTILE_SAMPLES),
    st.text(alphabet=st.sampled_from(ALPHABET), max_size=40),
    st.text(max_size=20),
)

# Query string names any list or page of the project reads.
QUERY_NAMES = ["q", "s", "status", "page", "type", "actor", "target", "channel", "kind", "state", "beneficiary",
               "contact", "next", "lang", "reply", "survey", "period", "done", "year"]

# Personas tried in this order: the first one the matrix allows to post there posts.
PERSONAS = ["officer", "researcher", "chair", "manager", "branch_rep", "volunteer", "committee", "auditor",
            "outsider", "anonymous"]
# login: signing out sends to the sign-in page; portal: the portal's forms send a visitor without a portal session to
# its sign-in (its code form, with a code asked for, is fuzzed in portal/tests/test_hostile_input.py).
ALLOWED = {"200", "302", "400", "login", "portal"}


class _FormFields(HTMLParser):
    """The names of the inputs, text areas and selects of each <form>, keyed by the form's action."""

    def __init__(self):
        super().__init__()
        self.forms, self._action = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._action = attrs.get("action") or ""
            self.forms.setdefault(self._action, set())
        elif tag in ("input", "textarea", "select") and self._action is not None and attrs.get("name"):
            self.forms[self._action].add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._action = None


def _persona(row):
    if row.expected["anonymous"] in ("200", "400"):
        return "anonymous"  # the sign-in form: what a stranger types there matters most
    return next((role for role in PERSONAS if row.expected[role] in ALLOWED), None)


def _post_lines():
    seen = set()
    for row in ROWS:
        if row.method == "POST" and (row.view, row.target) not in seen and _persona(row):
            seen.add((row.view, row.target))
            yield pytest.param(row, id=f"{row.view} on {row.target} as {_persona(row)}")


def _list_lines():
    for row in ROWS:
        if row.method == "GET" and (row.target == "-" or row.target.startswith("?")) and _persona(row):
            yield pytest.param(row, id=f"{row.view} as {_persona(row)}")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from rolled_back_world(build_world, django_db_blocker, tmp_path_factory.mktemp("no-server-errors-media"))


@pytest.fixture(autouse=True)
def _media_in_tmp(world):
    """Overrides the shared fixture: files stay in the world's own folder for the whole module."""


def _client(world, role):
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.cookies[django_settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def _read(response):
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def _form_fields(world, row, role, url, obj):
    """The field names of the form that posts to `url`, read from the page that shows it."""
    pages = [url] if any(r.view == row.view and r.method == "GET" for r in ROWS) else []
    if obj is not None and hasattr(obj, "get_absolute_url"):
        pages.append(obj.get_absolute_url())
    names = set()
    for page in pages:
        response = _read(_client(world, role).get(page))
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            parser = _FormFields()
            parser.feed(response.content.decode())
            for action, fields in parser.forms.items():
                if action in (url, "") if page == url else action == url:
                    names |= fields
    return names - {"csrfmiddlewaretoken", "_once"}


def _post_url(world, row):
    target = TARGETS[row.target](world)
    return reverse(row.view, args=target["args"]) + target["query"], target["obj"]


# Views that read nothing unsigned: a form cannot reach them. notifications/tests/test_webhooks.py posts them
# signed hostile bodies.
SIGNED = {"notifications:whatsapp_hook"}


def test_every_view_that_takes_a_post_is_fuzzed():
    fuzzed = {param.values[0].view for param in _post_lines()}
    posting = {row.view for row in ROWS if row.method == "POST"}
    assert posting - SIGNED <= fuzzed
    assert {row.view for row in ROWS} - {"admin:index"} <= set(_project_url_names(get_resolver()))


def _assert_no_server_error(response, what):
    assert response.status_code < 500, f"{what}: {response.status_code}\n{response.content[:2000].decode(errors='replace')}"


@pytest.mark.django_db
@pytest.mark.parametrize("row", list(_post_lines()))
def test_no_form_answers_hostile_input_with_a_server_error(world, row):
    role = _persona(row)
    url, obj = _post_url(world, row)
    user = world.users.get(role)
    # A form without fields (a button) still gets something unexpected.
    fields = sorted(_form_fields(world, row, role, url, obj) | set(PAYLOADS[row.view](world, obj, user))) or ["x"]

    # One or two fields hostile, the others as the matrix posts them: each field's own checks are reached.
    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.dictionaries(st.sampled_from(fields), HOSTILE, min_size=1, max_size=2))
    def posting(changes):
        data = {**PAYLOADS[row.view](world, obj, user), **changes}
        data["_once"] = str(uuid.uuid4())
        with transaction.atomic():
            response = _read(_client(world, role).post(url, data))
            transaction.set_rollback(True)
        shown = {name: (value[:80] + f"... ({len(value)} chars)" if len(value) > 80 else value)
                 for name, value in changes.items() if isinstance(value, str)}
        _assert_no_server_error(response, f"POST {url} as {role} with {shown!r}")

    posting()


@pytest.mark.django_db
@pytest.mark.parametrize("row", list(_list_lines()))
def test_no_list_answers_a_hostile_query_string_with_a_server_error(world, row):
    role = _persona(row)
    url, _obj = _post_url(world, row)
    path, _, query = url.partition("?")
    base = dict(part.split("=", 1) for part in query.split("&") if part)

    @settings(max_examples=10, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.fixed_dictionaries({}, optional={name: HOSTILE for name in QUERY_NAMES}))
    def listing(params):
        with transaction.atomic():
            response = _read(_client(world, role).get(path, {**base, **params}))
            transaction.set_rollback(True)
        _assert_no_server_error(response, f"GET {path} as {role} with {params!r}")

    listing()
