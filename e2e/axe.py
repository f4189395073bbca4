"""The accessibility check of the browser tests: axe-core, served by the app itself, on a page.

axe-core (MPL-2.0) is vendored in mustafid/static/vendor/axe/ by scripts/vendor.sh; no page of
the app loads it. It is added to the page under test as <script src="/static/...">: the app's
strict CSP (script-src 'self' + nonce) lets a same-origin file in, where an inline script (what
`add_script_tag(content=...)` or `path=...` would insert) is blocked. `page.evaluate` runs outside
the page's CSP, so `axe.run()` needs nothing else.
"""

from playwright.sync_api import Page

AXE_URL = "/static/vendor/axe/axe.min.js"
# Only what blocks or seriously hinders someone: axe's "serious" and "critical" impacts.
BLOCKING = ("serious", "critical")

_RUN = """async (blocking) => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations
    .filter((v) => blocking.includes(v.impact))
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                   nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
}"""


def blocking_violations(page: Page):
    """axe's serious and critical violations on the page as it is now: [{id, impact, help, nodes}]."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL)
        page.wait_for_function("typeof window.axe !== 'undefined'")
    return page.evaluate(_RUN, list(BLOCKING))


def all_violations(page: Page):
    """Every axe violation on the page as it is now, whatever its impact (the portal's pages have none)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL)
        page.wait_for_function("typeof window.axe !== 'undefined'")
    return page.evaluate(_RUN, ["minor", "moderate", "serious", "critical"])


def describe(violations):
    return "\n".join(
        f"  {v['impact']} {v['id']}: {v['help']} — {', '.join(v['nodes'])}" for v in violations
    )


def assert_accessible(page: Page):
    """No serious or critical axe violation on the page as it is now."""
    violations = blocking_violations(page)
    assert not violations, f"axe on {page.url}:\n{describe(violations)}"
