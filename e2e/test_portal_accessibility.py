"""Every page of the beneficiary's portal, accessible to everyone (issue 10 item 6, docs/portal.md «Accessibility»).

Each portal page, signed out and signed in, in each state that shows it (a request approved, returned asking the
applicant, awaiting the declaration, rejected; the code pages; a tracked request; the apply steps...), is opened in
Chromium and checked:

* **320 px** (320×640, the smallest phones, and WCAG's reflow width: 1280 px at 400%): no horizontal scroll
  (`document.scrollingElement.scrollWidth <= clientWidth`), no element past the screen's edges or clipped, every link,
  button, menu and choice at least 44×44 CSS px, and axe-core with no violation of any impact.
* **200% zoom**: a browser zoomed to 200% lays a page out in half as many CSS pixels, so a 1280×900 window at 200% is
  a 640×450 CSS viewport at a device scale factor of 2 — what Playwright sets (Chromium's
  `--force-device-scale-factor` alone changes only the pixel density, not the layout). And text-only zoom to 200%
  (the browser's font-size setting, WCAG 1.4.4): the root font size doubled (everything is in rem) on the 1280 px
  window. In both: no horizontal scroll, nothing past an edge or clipped.
* **Lighthouse** (tools/lighthouse, `make install`): its accessibility category scores 1 (100) on each page, in a
  Lighthouse run per page with the page's session cookie (`extraHeaders`, the CLI's `--extra-headers`), all in one
  Node process and one headless Chromium (tools/lighthouse/run.mjs); the failing audits are printed.

The pages are found from the URL configuration: every `portal:` URL answering GET is either in `visits()` with the
state that shows it, or is tried signed out and signed in (and with each of the owner's requests when it takes one);
a page none of these opens fails the test, so a new portal page cannot escape it.
"""

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mustafid.accounts.models import User
from mustafid.conftest import case_at, make_beneficiary

from .axe import all_violations, describe
from .test_portal import send_the_outbox

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
RUNNER = ROOT / "tools" / "lighthouse" / "run.mjs"  # one Node and one Chromium for every page
CHROMIUM = "/usr/bin/chromium"
# Not pages: answers to a form's POST only, and the letter (a PDF).
NOT_PAGES = {"portal:sign_out", "portal:upload", "portal:draft", "portal:letter"}
SMALLEST = {"width": 320, "height": 640}
ZOOMED = {"width": 640, "height": 450}  # a 1280×900 window at 200%
DESKTOP = {"width": 1280, "height": 900}
TARGET = 44


@dataclass
class Visit:
    name: str
    url: str
    persona: str  # "anonymous", "owner", or "guardian" (the owner's guardian acting for them)
    state: dict = field(default_factory=dict)  # portal keys put in the session first (a code asked for, ...)
    known: bool = True  # listed here with its state, not only tried

    @property
    def label(self):
        return f"{self.url} ({ {'owner': 'signed in', 'guardian': 'a guardian'}.get(self.persona, 'signed out')})"


@pytest.fixture
def world(demo_association, settings):
    """A beneficiary with requests in every state a portal page shows, their messages sent, a contact of theirs, and
    a guardian who acts for them."""
    from mustafid.beneficiaries.actions import add_guardian
    from mustafid.lib.saudi import generate_national_id
    from mustafid.portal import public

    settings.PORTAL_IDLE_MINUTES = 24 * 60
    settings.PORTAL_MIN_RESPONSE_SECONDS = 0
    officer, chair = User.objects.get(username="officer"), User.objects.get(username="chair")
    owner = make_beneficiary(by=officer)
    cases = {status: case_at(status, beneficiary=owner, officer=officer, committee_member=chair)
             for status in ("received", "documents_complete", "returned", "rejected", "in_service")}
    public.send_contact(kind="inquiry", text="متى يصل الدعم؟", beneficiary=owner)
    send_the_outbox()
    owner.guardian = add_guardian(owner, by=officer, name="سعد عبدالله المطيري", relation="father",
                                  national_id=generate_national_id("1", 87_654_321), mobile="+966551230099")
    return owner, cases


def _session(visit, owner):
    """A fresh server-side session for one visitor (pages that show a state once take it from the session)."""
    from mustafid.portal import session

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    if visit.persona in ("owner", "guardian"):
        store[session.BENEFICIARY] = owner.pk
        store[session.SEEN] = int(time.time())
        store[session.SINCE] = time.time()
    if visit.persona == "guardian":
        store[session.GUARDIAN] = owner.guardian.pk
    for key, value in visit.state.items():
        store[key] = value() if callable(value) else value
    store.save()
    return store.session_key


def _portal_patterns():
    """(name, number of arguments) of every portal URL."""
    def walk(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern, inner)
            elif isinstance(pattern, URLPattern) and pattern.name and namespace == "portal:":
                yield f"portal:{pattern.name}", len(getattr(pattern.pattern, "converters", {}))
    return sorted(set(walk(get_resolver())))


def visits(owner, cases):
    """Every portal page in the state that shows it; then every other portal URL, tried."""
    from mustafid.portal import account_views, apply, complaints, public_views, session
    from mustafid.portal.apply import active_types

    approved = cases["in_service"]
    support_type = active_types().first()
    # Their complaint in the association's register, followed with «تتبع شكواي».
    complaint = complaints.send_feedback(kind="complaint", text="تأخر الرد على اتصالي", beneficiary=owner).feedback

    def page(name, persona="owner", args=(), state=None):
        return Visit(name, reverse(name, args=args), persona, state or {})

    known = [
        page("portal:start", "anonymous"),
        page("portal:code", "anonymous", state={session.CHALLENGE: 0}),
        page("portal:contact", "anonymous"),
        page("portal:contact_sent", "anonymous", state={public_views.CONTACT_SENT: {"number": 42, "by_sms": True}}),
        page("portal:track", "anonymous"),
        page("portal:track_code", "anonymous", state={public_views.TRACK_CHALLENGE: 0, public_views.TRACK_CASE: 0}),
        page("portal:track_status", "anonymous", state={
            public_views.TRACKED: {"item": cases["returned"].pk, "until": time.time() + 24 * 3600}}),
        page("portal:feedback_track", "anonymous"),
        page("portal:feedback_track_code", "anonymous",
             state={public_views.FEEDBACK_CHALLENGE: 0, public_views.FEEDBACK_ITEM: 0}),
        page("portal:feedback_track_status", "anonymous", state={
            public_views.FEEDBACK_TRACKED: {"item": complaint.pk, "until": time.time() + 24 * 3600}}),
        page("portal:glossary", "anonymous"),
        page("portal:requests"),
        *(page("portal:request", args=[case.pk]) for case in cases.values()),
        page("portal:messages"),
        page("portal:apply"),
        page("portal:apply_details", state={apply.CHOSEN: support_type.pk}),
        page("portal:sent", args=[cases["received"].pk]),
        page("portal:declare", args=[cases["documents_complete"].pk]),
        page("portal:declare_code", args=[cases["documents_complete"].pk], state={
            account_views.DECLARE: {"case": cases["documents_complete"].pk, "challenge": 0, "name": owner.full_name}}),
        page("portal:answer", args=[cases["returned"].pk]),
        page("portal:details"),
        page("portal:details_mobile", state={account_views.NEW_MOBILE: {"mobile": "+966551239876", "challenge": 0}}),
        page("portal:contacts"),
        page("portal:services"),
        page("portal:contact"),
        page("portal:glossary"),
        # A guardian acting for them: every page says «تتصرف نيابة عن».
        page("portal:requests", "guardian"),
        page("portal:request", "guardian", args=[cases["returned"].pk]),
    ]
    # Pages of the portal's other parts, in the state that shows them (their session keys as the views name them).
    others = {
        "portal:choose": {"portal_choosing": lambda: {"choices": [[owner.pk, None]], "at": time.time()}},
        "portal:register_code": {"portal_register": {"challenge": 0, "data": {"mobile": "+966551239876"}}},
        "portal:register_received": {"portal_register_received": True},
    }
    names = {name for name, _arguments in _portal_patterns()}
    known += [page(name, "anonymous", state=state) for name, state in others.items() if name in names]
    listed = {visit.name for visit in known} | NOT_PAGES
    tried = []
    for name, arguments in _portal_patterns():
        if name in listed:
            continue
        if arguments == 0:
            tried += [Visit(name, reverse(name), persona, known=False) for persona in ("anonymous", "owner")]
        elif arguments == 1:
            tried += [Visit(name, reverse(name, args=[case.pk]), "owner", known=False)
                      for case in (approved, *cases.values())]
    return known, tried


# ---------------------------------------------------------------- what is checked in the browser

_OVERFLOW = "() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"

# Visible elements past the screen's edges, or whose text is clipped by an overflow they hide.
_CUT_OFF = """() => {
  const width = document.documentElement.clientWidth, found = [];
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.visually-hidden, .visually-hidden-focusable, [hidden], [aria-hidden="true"]')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const box = el.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;
    if (box.right > width + 1 || box.left < -1) found.push(`${name(el)} spans ${Math.round(box.left)}..${Math.round(box.right)} of ${width}`);
    else if (['hidden', 'clip'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1 && el.textContent.trim())
      found.push(`${name(el)} clipped (${el.scrollWidth} > ${el.clientWidth})`);
    if (found.length >= 8) break;
  }
  return found;
}"""

# Links, buttons, menus, text fields and the labels of radios and checkboxes smaller than 44×44 CSS px.
_SMALL_TARGETS = """(least) => {
  const found = [];
  const controls = document.querySelectorAll('a[href], button, select, summary, textarea, input:not([type=hidden]), label');
  for (const el of controls) {
    if (el.closest('.visually-hidden, .visually-hidden-focusable, [hidden], [aria-hidden="true"]')) continue;
    if (el.matches('input[type=radio], input[type=checkbox]')) continue;  // their label is the target
    if (el.tagName === 'LABEL' && !(el.control && ['radio', 'checkbox'].includes(el.control.type))) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const box = el.getBoundingClientRect();
    if (box.width < 2 && box.height < 2) continue;
    if (box.width + 0.5 < least || box.height + 0.5 < least)
      found.push(`${el.tagName.toLowerCase()} «${(el.innerText || el.value || el.name || '').trim().slice(0, 40)}» ${Math.round(box.width)}×${Math.round(box.height)}`);
  }
  return found;
}"""


def _fits(page):
    scroll, client = page.evaluate(_OVERFLOW)
    problems = [] if scroll <= client else [f"scrolls sideways: {scroll} > {client}"]
    return problems + page.evaluate(_CUT_OFF)


def _contexts(browser):
    common = {"locale": "ar-SA", "timezone_id": "Asia/Riyadh"}
    return {
        "320 px": browser.new_context(viewport=SMALLEST, **common),
        "200% zoom": browser.new_context(viewport=ZOOMED, device_scale_factor=2, **common),
        "200% text": browser.new_context(viewport=DESKTOP, **common),
    }


def _open(context, visit, owner, origin):
    context.clear_cookies()
    context.add_cookies([
        {"name": settings.SESSION_COOKIE_NAME, "value": _session(visit, owner), "url": origin},
        {"name": settings.LANGUAGE_COOKIE_NAME, "value": "ar", "url": origin},
    ])
    page = context.pages[0] if context.pages else context.new_page()
    response = page.goto(origin + visit.url)
    opened = (response is not None and response.status == 200 and page.url == origin + visit.url
              and "text/html" in response.headers.get("content-type", ""))
    return page, opened


def test_every_portal_page_reflows_at_320_px_and_200_percent_with_large_targets_and_no_axe_violation(
        browser, live_server, world):
    owner, cases = world
    origin = live_server.url
    known, tried = visits(owner, cases)
    contexts = _contexts(browser)
    found, checked, not_shown = {}, set(), []
    try:
        for visit in known + tried:
            for mode, context in contexts.items():
                page, opened = _open(context, visit, owner, origin)
                if not opened:
                    if visit.known:
                        not_shown.append(f"{visit.label}: went to {page.url}")
                    break
                checked.add(visit.name)
                if visit.persona == "guardian":
                    assert "تتصرف نيابة عن" in page.content(), f"{visit.label}: not as the guardian"
                if mode == "200% text":
                    page.evaluate("document.documentElement.style.fontSize = '200%'")
                problems = _fits(page)
                if mode == "320 px":
                    problems += [f"tap target under {TARGET}px: {small}" for small in page.evaluate(_SMALL_TARGETS, TARGET)]
                    violations = all_violations(page)
                    if violations:
                        problems.append("axe-core:\n" + describe(violations))
                if problems:
                    found[f"{visit.label} at {mode}"] = problems
    finally:
        for context in contexts.values():
            context.close()
    unreached = sorted({v.name for v in known + tried} - checked)
    print(f"\nportal accessibility: {len(checked)} pages ({len(known)} states listed, {len(tried)} tried) at "
          f"{', '.join(contexts)}")
    assert not found, "\n".join(f"{where}:\n  " + "\n  ".join(problems) for where, problems in found.items())
    assert not not_shown, "pages listed with their state did not open:\n" + "\n".join(not_shown)
    assert not unreached, f"portal pages no visit opened (add them to visits() with their state): {unreached}"


# ---------------------------------------------------------------- Lighthouse


def _lighthouse():
    """The project's Lighthouse (tools/lighthouse, `make install`); skipped without it outside CI, failed in CI."""
    if LIGHTHOUSE.exists() and shutil.which("node") and Path(CHROMIUM).exists():
        return shutil.which("node")
    if os.environ.get("CI"):
        pytest.fail(f"Lighthouse is missing at {LIGHTHOUSE} (or node, or {CHROMIUM}): `make install` installs it")
    pytest.skip("Lighthouse not installed (make install)")


def test_lighthouse_scores_100_for_accessibility_on_every_portal_page(browser, live_server, world):
    """Lighthouse's accessibility category on each page, each with its own session cookie (its `extraHeaders`, as
    the CLI's `--extra-headers`). tools/lighthouse/run.mjs runs them in one Node process with one Chromium: the
    same audits as `lighthouse <url> --only-categories=accessibility`, without starting both again for each page."""
    node = _lighthouse()
    owner, cases = world
    origin = live_server.url
    known, _tried = visits(owner, cases)
    pages = [{"url": origin + visit.url, "label": visit.label, "headers": {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={_session(visit, owner)}; {settings.LANGUAGE_COOKIE_NAME}=ar",
        "Accept-Language": "ar"}} for visit in known]
    done = subprocess.run([node, str(RUNNER)], input=json.dumps(pages), capture_output=True, text=True,
                          timeout=30 * len(pages), env={**os.environ, "CHROME_PATH": CHROMIUM})
    assert done.returncode == 0, f"lighthouse: exit {done.returncode}\n{done.stderr[-3000:]}"
    reports = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(reports) == len(pages), f"lighthouse answered for {len(reports)} of {len(pages)} pages\n{done.stderr[-3000:]}"
    failed = []
    for page, report in zip(pages, reports):
        if report["finalUrl"] != page["url"] or report["runtimeError"]:
            failed.append(f"{page['label']}: ended at {report['finalUrl']} {report['runtimeError'] or ''}")
        elif report["score"] != 1:
            failed.append(f"{page['label']}: {report['score']}\n  " + "\n  ".join(report["failing"]))
    print(f"\nlighthouse accessibility: {len(reports)} portal pages, "
          f"{sum(1 for report in reports if report['score'] == 1)} at 100")
    assert not failed, "\n".join(failed)


# ---------------------------------------------------------------- the drafts and the glossary, as a person uses them


def test_a_slow_typist_finds_the_draft_after_signing_in_again_and_the_words_open_in_place(browser, live_server, world):
    """At 320 px: the need typed is kept («حُفظت المسودة.» said politely), is there after the session is gone and
    a new one begins, and «حذف المسودة» empties it; «ما معنى …؟» opens its meaning in place by touch or keyboard."""
    from playwright.sync_api import expect

    from mustafid.portal import apply
    from mustafid.portal.apply import active_types
    from mustafid.portal.models import PortalDraft

    owner, cases = world
    origin = live_server.url
    support_type = active_types().first()
    context = browser.new_context(viewport=SMALLEST, locale="ar-SA", timezone_id="Asia/Riyadh")
    try:
        state = {apply.CHOSEN: support_type.pk}
        page, opened = _open(context, Visit("portal:apply_details", reverse("portal:apply_details"), "owner", state),
                             owner, origin)
        assert opened
        need = page.get_by_label("ما الذي تحتاجه؟")
        need.press_sequentially("أحتاج مساعدة لسداد فاتورة الكهرباء", delay=20)
        status = page.locator(".draft-status")
        expect(status).to_have_text("حُفظت المسودة.")
        assert status.get_attribute("role") == "status"
        assert PortalDraft.objects.get(beneficiary=owner).data == {"need": "أحتاج مساعدة لسداد فاتورة الكهرباء"}
        # The session is gone (a new one, as after the idle sign-out and a new sign-in): the text comes back.
        page, opened = _open(context, Visit("portal:apply_details", reverse("portal:apply_details"), "owner", state),
                             owner, origin)
        expect(page.get_by_label("ما الذي تحتاجه؟")).to_have_value("أحتاج مساعدة لسداد فاتورة الكهرباء")
        page.get_by_role("button", name="حذف المسودة").click()
        expect(page.locator(".draft-status")).to_have_text("حُذفت المسودة.")
        expect(page.get_by_label("ما الذي تحتاجه؟")).to_have_value("")
        assert not PortalDraft.objects.filter(beneficiary=owner).exists()

        # The glossary: a real button, closed, that opens the plain meaning beside the word.
        page, opened = _open(context, Visit("portal:request", reverse("portal:request", args=[cases["returned"].pk]),
                                            "owner"), owner, origin)
        button = page.get_by_role("button", name="ما معنى «استكمال المعلومات»؟")
        expect(button).to_have_attribute("aria-expanded", "false")
        meaning = page.locator("#" + button.get_attribute("aria-controls"))
        expect(meaning).to_be_hidden()
        button.click()
        expect(button).to_have_attribute("aria-expanded", "true")
        expect(meaning).to_be_visible()
        expect(meaning).to_contain_text("تتوقف مدة الرد حتى ترسله")
        button.focus()
        page.keyboard.press("Enter")
        expect(meaning).to_be_hidden()
    finally:
        context.close()
