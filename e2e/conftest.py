"""Browser tests: Chromium driven by Playwright against pytest-django's live server.

The live server runs in another thread, so the data it serves must be committed:
these fixtures use `transactional_db` (with a serialized rollback, so the regions
seeded by a migration are there), never `db`. Such a test empties every table when it
ends; the root conftest then restores the seeded rows and the shared world.

Chromium is Debian's, at /usr/bin/chromium. Without it the browser tests are
skipped on a workstation but fail in CI (the CI variable is set), so a CI image
that lost its browser cannot pass silently.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 900}
RESULTS_DIR = Path(__file__).resolve().parent.parent / "test-results"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _require_chromium():
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: the CI image must provide it for the browser tests")
    pytest.skip("Chromium not installed")


@pytest.fixture
def demo_association(transactional_db, django_db_serialized_rollback):
    """The `aoun` preset and the demo staff, committed so the live server sees them.

    The session loaded them already (root conftest); a transactional test before this one
    emptied the tables and the root conftest put them back, so this only fetches them.
    """
    from mustafid.demo.loader import load_demo_staff, load_preset

    association, _created = load_preset("aoun")
    load_demo_staff()
    return association


@pytest.fixture
def browser(demo_association):
    """Chromium, started after the data are loaded and closed before they are flushed."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM (fixtures, flush
    # at teardown) would otherwise refuse to run here.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()


def check_visited_pages(page):
    """axe-core on every page the test loaded, in Arabic, as the user signed in at its end.

    A page that user may not open (a 404, a redirect to the sign-in page) is skipped; the test that
    visited it in its state (a failed form, an open panel) checks it there with `assert_accessible`.
    """
    from urllib.parse import urlsplit

    from playwright.sync_api import Error as PlaywrightError

    from .axe import blocking_violations, describe

    urls = list(dict.fromkeys(url for url in page.visited if url.startswith("http")))
    if not urls:
        return
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(urls[0]))
    page.context.add_cookies([{"name": "django_language", "value": "ar", "url": origin}])
    found, checked = {}, []
    for url in urls:
        try:
            response = page.goto(url)
        except PlaywrightError:  # the answer to a form's POST: its address takes no GET (405)
            continue
        if response is None or response.status != 200 or page.url != url:
            continue
        violations = blocking_violations(page)
        checked.append(url)
        if violations:
            found[url] = violations
    print(f"\naxe-core: {len(checked)} pages checked, {len(found)} with serious or critical violations")
    assert not found, "axe-core: serious or critical violations\n" + "\n".join(
        f"{url}\n{describe(violations)}" for url, violations in found.items()
    )


def _aborted_by_navigation(request):
    """A font or image still loading when the page moved on is cancelled by the browser (net::ERR_ABORTED):
    nothing failed (the tab's icon too). With `font-display: optional` the bold face is often still in flight when a
    test clicks on.
    The same for a request made while typing (the FAQ's suggestions, search as you type): the page cancels it
    itself when the next keystroke comes or the form is sent (AbortController, htmx's sync), by design; an answer
    that failed is still caught, as its HTTP status below.
    Anything else that fails — a page, a script, a stylesheet, an address that does not answer — is a problem."""
    aborted = "ERR_ABORTED" in (request.failure or "")
    # The tab's icon is fetched by the browser itself (resource type "other"), and cancelled the same way.
    return aborted and (request.resource_type in ("font", "image", "fetch", "xhr")
                        or request.url.endswith("/favicon.svg"))


@pytest.fixture
def page(browser, request):
    """An Arabic page at 1280x900; on failure its screenshot and HTML go to test-results/."""
    context = browser.new_context(viewport=VIEWPORT, locale="ar-SA", timezone_id="Asia/Riyadh")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.problems = []  # console errors, uncaught exceptions, failed requests (CSP violations show here)
    page.on("console", lambda msg: msg.type == "error"
            and page.problems.append(f"console: {msg.text} ({msg.location.get('url', '')})"))
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda req: _aborted_by_navigation(req)
            or page.problems.append(f"request failed: {req.url} {req.failure}"))
    page.on("response", lambda resp: resp.status >= 400 and page.problems.append(f"HTTP {resp.status}: {resp.url}"))
    page.visited = []  # every page loaded, checked with axe-core once the test has passed
    page.on("load", lambda loaded: page.visited.append(loaded.url))
    try:
        yield page
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.passed:
            check_visited_pages(page)
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            RESULTS_DIR.mkdir(exist_ok=True)
            stem = RESULTS_DIR / request.node.name
            try:
                page.screenshot(path=f"{stem}.png", full_page=True)
                Path(f"{stem}.html").write_text(page.content(), encoding="utf-8")
            except Exception as error:  # the page may be gone; the test's own error matters more
                print(f"could not save the failure screenshot: {error}")
        context.close()
