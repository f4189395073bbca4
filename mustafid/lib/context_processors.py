"""Template context every page needs."""

# URL namespace → the main menu's section (base.html marks its link with aria-current).
SECTIONS = {
    "reports": "home",
    "beneficiaries": "beneficiaries",
    "interactions": "contacts",
    "cases": "cases",
    "services": "cases",
    "committee": "committee",
    "research": "referrals",
    "audit": "audit",
    "outbox": "messages",
    "admin": "settings",
    "wording": "settings",
}


def nav_section(request):
    """`nav_section`: which menu entry the page belongs to, from the URL that served it (None: none)."""
    match = getattr(request, "resolver_match", None)
    if match is None or not match.namespaces:
        return {"nav_section": None}
    namespace = match.namespaces[0]
    if namespace == "association":
        section = "policy" if match.url_name == "policy" else "tools"
    else:
        section = SECTIONS.get(namespace)
    return {"nav_section": section}
