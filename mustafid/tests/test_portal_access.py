"""The portal's access matrix: every portal URL × signed out, a staff member, another beneficiary, the owner.

The owner is the applicant of the access matrix's `case_approved` (a decision and its letter), signed in to the portal;
`other` is another beneficiary signed in (`beneficiary_referred`, whose own `case_received` takes documents: their
upload to it is allowed, the owner's is the 404 of another's request); `staff` is the officer signed in as staff, which is
no portal sign-in. Cell tokens as in test_access_matrix.py (`portal`: 302 to /portal/). The staff personas' rows for
the same URLs are in that module's MATRIX.

`guardian` is a guardian of the owner (beneficiaries.Guardian) signed in to act for them: every cell is the owner's
(they see only whom they act for: another's request is the same 404), and what they read is audited as the
guardian's, with their name.
"""

import time
from importlib import import_module

import pytest
from django.conf import settings as django_settings
from django.urls import get_resolver, reverse

from mustafid.audit.models import AuditEvent, EventType
from mustafid.beneficiaries.actions import add_guardian
from mustafid.lib.saudi import generate_national_id
from mustafid.portal import session
from mustafid.portal.models import SignInCode
from mustafid.tests.test_access_matrix import (
    CLIENT_IP, PAYLOADS, TARGETS, Row, _project_url_names, assert_status, build_world, rolled_back_world,
)

PERSONAS = ("anonymous", "staff", "other", "owner")
PORTAL_MATRIX = """
# view            object          method anon   staff  other  owner
portal:start      -               GET    200    200    302    302
portal:start      -               POST   302    302    302    302
portal:code       -               GET    portal portal portal portal
portal:code       -               POST   portal portal portal portal
portal:choose     -               GET    portal portal portal portal
portal:choose     -               POST   portal portal portal portal
portal:sign_out   -               POST   portal portal portal portal
portal:requests   -               GET    portal portal 200    200
portal:request    case_approved   GET    portal portal 404    200
portal:letter     case_approved   GET    portal portal 404    200
portal:messages   -               GET    portal portal 200    200
portal:contact    -               GET    200    200    200    200
portal:contact    -               POST   302    302    302    302
portal:contact_sent -             GET    302    302    302    302
portal:track      -               GET    200    200    200    200
portal:track      -               POST   302    302    302    302
portal:track_code -               GET    302    302    302    302
portal:track_code -               POST   302    302    302    302
portal:track_status -             GET    302    302    302    302
portal:feedback_track -           GET    200    200    200    200
portal:feedback_track -           POST   302    302    302    302
portal:feedback_track_code -      GET    302    302    302    302
portal:feedback_track_code -      POST   302    302    302    302
portal:feedback_track_status -    GET    302    302    302    302
portal:contacts   -               GET    portal portal 200    200
portal:services   -               GET    portal portal 200    200
portal:apply      -               GET    portal portal 200    200
portal:apply      -               POST   portal portal 302    302
portal:apply_details -            GET    portal portal 302    302
portal:apply_details -            POST   portal portal 302    302
portal:sent       case_approved   GET    portal portal 404    200
portal:upload     case_received   POST   portal portal 302    404
portal:upload     case_approved   POST   portal portal 404    400
portal:declare    case_approved   GET    portal portal 404    302
portal:declare    case_approved   POST   portal portal 404    302
portal:declare    case_received   GET    portal portal 302    404
portal:declare_code case_approved GET    portal portal 404    302
portal:declare_code case_approved POST   portal portal 404    302
portal:answer     case_approved   GET    portal portal 404    302
portal:answer     case_approved   POST   portal portal 404    302
portal:answer     case_received   POST   portal portal 302    404
portal:details    -               GET    portal portal 200    200
portal:details    -               POST   portal portal 302    302
portal:details_mobile -           GET    portal portal 302    302
portal:details_mobile -           POST   portal portal 302    302
portal:draft      -               POST   portal portal 302    302
portal:register   -               GET    200    200    302    302
portal:register   -               POST   302    302    302    302
portal:register_code -            GET    302    302    302    302
portal:register_code -            POST   302    302    302    302
portal:register_received -        GET    302    302    302    302
portal:glossary   -               GET    200    200    200    200
"""
ROWS = []
for _line in PORTAL_MATRIX.strip().splitlines():
    if _line.startswith("#"):
        continue
    _view, _target, _method, *_cells = _line.split()
    ROWS.append(Row(view=_view, target=_target, method=_method, expected=dict(zip(PERSONAS, _cells))))
    # A guardian of the owner, acting for them, gets what the owner gets.
    ROWS[-1].expected["guardian"] = ROWS[-1].expected["owner"]
PERSONAS += ("guardian",)

# The audit row an allowed read by the owner writes, as done by the beneficiary (what it names: the request's object).
READ = {"portal:request": EventType.CASE_VIEWED, "portal:letter": EventType.DECISION_LETTER_VIEWED,
        "portal:sent": EventType.CASE_VIEWED}


def portal_session(beneficiary, guardian=None):
    store = import_module(django_settings.SESSION_ENGINE).SessionStore()
    store[session.BENEFICIARY] = beneficiary.pk
    if guardian is not None:
        store[session.GUARDIAN] = guardian.pk
    store[session.SEEN] = int(time.time())
    store.save()
    return store.session_key


def build_portal_world():
    w = build_world()
    w.owner, w.other = w.case_approved.beneficiary, w.beneficiary_referred
    w.guardian = add_guardian(w.owner, by=w.users["officer"], name="سعد المطيري", relation="father",
                              national_id=generate_national_id("1", 62_000_001), mobile="0551239001")
    w.portal_sessions = {"owner": portal_session(w.owner), "other": portal_session(w.other),
                         "guardian": portal_session(w.owner, w.guardian)}
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from rolled_back_world(build_portal_world, django_db_blocker, tmp_path_factory.mktemp("portal-access-media"))


@pytest.fixture(autouse=True)
def _media_in_tmp(world, settings):
    """Files stay in the world's folder; the portal sessions, made once, outlive the idle timeout; no padding."""
    settings.PORTAL_IDLE_MINUTES = 24 * 60
    settings.PORTAL_MIN_RESPONSE_SECONDS = 0


def _request(client, w, row, persona):
    if persona == "staff":
        client.cookies[django_settings.SESSION_COOKIE_NAME] = w.sessions["officer"]
    elif persona in w.portal_sessions:
        client.cookies[django_settings.SESSION_COOKIE_NAME] = w.portal_sessions[persona]
    target = TARGETS[row.target](w)
    url = reverse(row.view, args=target["args"])
    if row.method == "GET":
        return client.get(url, REMOTE_ADDR=CLIENT_IP), target
    return client.post(url, PAYLOADS[row.view](w, target["obj"], None), REMOTE_ADDR=CLIENT_IP), target


def _cells():
    for row in ROWS:
        for persona in PERSONAS:
            yield pytest.param(row, persona, id=f"{persona} {row.method} {row.view} gets {row.expected[persona]}")


@pytest.mark.django_db
@pytest.mark.parametrize("row, persona", list(_cells()))
def test_every_portal_persona_gets_the_designed_answer(world, client, row, persona):
    expected = row.expected[persona]
    last_audit = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response, target = _request(client, world, row, persona)
    assert_status(response, expected)
    assert "no-store" in response.get("Cache-Control", ""), "every portal answer is kept by no browser"
    new_audit = AuditEvent.objects.filter(pk__gt=last_audit)
    if expected in ("404", "portal") and not (row.view == "portal:sign_out" and persona in world.portal_sessions):
        # Nothing is recorded for what the visitor may not open.
        assert not new_audit.exists()
    if row.view in READ and expected == "200":
        read = new_audit.get(event_type=READ[row.view])
        kind, label = ("guardian", "سعد المطيري") if persona == "guardian" else ("beneficiary", "")
        assert (read.actor_kind, read.actor_label, read.actor_id, read.ip_address) == (kind, label, None, CLIENT_IP)
        assert read.data["through"] == "portal"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["other", "owner", "guardian"])
def test_a_signed_in_beneficiary_signing_out_is_audited_and_loses_the_portal(world, client, persona):
    row = next(r for r in ROWS if r.view == "portal:sign_out")
    response, _target = _request(client, world, row, persona)
    assert_status(response, "portal")
    beneficiary = world.owner if persona == "guardian" else getattr(world, persona)
    signed_out = AuditEvent.objects.filter(event_type=EventType.PORTAL_SIGNED_OUT, target_id=str(beneficiary.pk))
    assert signed_out.get().actor_kind == ("guardian" if persona == "guardian" else "beneficiary")
    assert client.get(reverse("portal:requests"))["Location"] == "/portal/"


@pytest.mark.django_db
def test_asking_for_a_code_for_an_unknown_id_writes_only_its_rate_limit_row(world, client):
    row = next(r for r in ROWS if r.view == "portal:start" and r.method == "POST")
    _request(client, world, row, "anonymous")
    assert SignInCode.objects.filter(beneficiary=None).count() == 1


def test_every_portal_url_is_in_the_portal_matrix():
    in_project = {name for name in _project_url_names(get_resolver()) if name.startswith("portal:")}
    assert in_project == {row.view for row in ROWS}
