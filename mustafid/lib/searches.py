"""Search terms kept on the server, so national IDs and mobiles never travel in a URL.

A search form is POSTed; the terms go into the session under a short random key and links
(pagination, the address pushed by search-as-you-type) carry only `?s=<key>&page=N`. Nothing
typed into a search box reaches access logs, browser history or a Referer header.
"""

import secrets

SESSION_KEY = "searches"
# The most recent searches of a session; an older key shows the unfiltered list.
KEEP = 20


def remember(request, terms):
    """Keep `terms` (a dict of plain values) in the session; return the key for links."""
    saved = dict(request.session.get(SESSION_KEY) or {})
    for key, value in saved.items():
        if value == terms:
            saved.pop(key)
            break
    else:
        key = secrets.token_urlsafe(6)
    saved[key] = terms
    while len(saved) > KEEP:
        saved.pop(next(iter(saved)))
    request.session[SESSION_KEY] = saved
    return key


def recall(request, key):
    """The terms kept under `key`, or an empty dict for an unknown or expired key."""
    saved = request.session.get(SESSION_KEY) or {}
    terms = saved.get(key) if isinstance(key, str) else None
    return terms if isinstance(terms, dict) else {}
