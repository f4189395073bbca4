"""Drafts of the portal's long forms: no form has a time limit (docs/portal.md, «Accessibility»).

As a signed-in beneficiary types, the page's script (portal/static/portal/drafts.js) posts the form's text fields to
`/portal/draft/` a moment after they stop, when a field loses the focus and when the page is hidden; the next time
the form opens (after the idle sign-out and a new sign-in too) it is filled from the draft. The draft goes when the
form is sent (the view calls `discard`) or when they press «حذف المسودة»; one not touched for `KEEP_DAYS` is deleted
by the portal's periodic prune (`actions.prune`).

What is kept, decided here and nowhere else:
* only the forms of `FORMS` and, of each, only its text fields (never a file, a code, a name to sign with, a
  mobile or an e-mail: those are short, or confirmed by a code, or the portal's sign-in data);
* a form key names the beneficiary's own object: «apply:<an active support type>», «answer:<their request that the
  committee returned asking them>», «contact» — anything else is refused, so a draft can never point at another's
  request;
* each value cleaned as the forms clean text (NUL and control characters but line breaks and tabs, bidi
  embeddings, overrides and isolates dropped), and the whole at most `MAX_BYTES` of JSON: a clear refusal beyond;
* the owner only: a draft is read and written by the beneficiary of the session (`request.beneficiary`), never
  through an address or a form field naming them.

A draft is the beneficiary's working copy, not a change to their record: it writes no timeline row and no audit row
(the form, once sent, is audited by its own action). It lives in the database, never in the browser's storage (a
shared family phone keeps nothing).
"""

import json
import unicodedata
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mustafid.lib.errors import ActionRefused
from mustafid.lib.forms import BIDI_CONTROLS

from .models import PortalDraft

MAX_BYTES = 20_000
KEEP_DAYS = 30
# The text fields kept of each form, by the form key's first part.
FORMS = {
    "apply": ("need",),
    "answer": ("note",),
    "contact": ("kind", "text"),
}


def _clean(value):
    text = str(value)
    return "".join(
        char for char in text
        if char in "\n\t" or (char not in BIDI_CONTROLS and unicodedata.category(char) not in ("Cc", "Cs"))
    )


def fields_of(form_key):
    return FORMS.get(str(form_key).split(":", 1)[0], ())


def check_key(beneficiary, form_key):
    """The form key when it names a form of this beneficiary that takes a draft now, else ActionRefused."""
    from .access import own_cases
    from .apply import active_types
    from .follow import follow

    kind, _sep, rest = str(form_key or "").partition(":")
    refused = ActionRefused(_("لا تُحفظ مسودة لهذا النموذج."))
    if kind == "contact" and not rest:
        return "contact"
    if kind == "apply" and rest.isdigit() and active_types().filter(pk=int(rest)).exists():
        return f"apply:{int(rest)}"
    if kind == "answer" and rest.isdigit():
        case = own_cases(beneficiary).filter(pk=int(rest)).first()
        if case is not None and follow(case).asked:
            return f"answer:{case.pk}"
    raise refused


def cleaned(form_key, data):
    """The known fields of `data` (a mapping of the posted fields), each value cleaned; refused when too large."""
    kept = {}
    for name in fields_of(form_key):
        if name in data:
            kept[name] = _clean(data[name])
    if len(json.dumps(kept, ensure_ascii=False).encode("utf-8")) > MAX_BYTES:
        raise ActionRefused(_("المسودة أطول من المسموح به (20 ألف حرف تقريبًا)، فلم تُحفظ. اختصر النص."))
    return kept


def save(beneficiary, form_key, data):
    """Keep the draft of one form (the posted fields); an all-empty draft is deleted. Returns the key saved."""
    key = check_key(beneficiary, form_key)
    kept = cleaned(key, data)
    with transaction.atomic():
        if not any(value.strip() for name, value in kept.items() if name != "kind"):
            PortalDraft.objects.filter(beneficiary=beneficiary, form=key).delete()
            return key
        PortalDraft.objects.update_or_create(beneficiary=beneficiary, form=key, defaults={"data": kept})
    return key


def load(beneficiary, form_key):
    """The draft's fields of this beneficiary's form ({} when none), only the fields the form keeps."""
    if beneficiary is None:
        return {}
    draft = PortalDraft.objects.filter(beneficiary=beneficiary, form=form_key).first()
    if draft is None or not isinstance(draft.data, dict):
        return {}
    names = fields_of(form_key)
    return {name: value for name, value in draft.data.items() if name in names and isinstance(value, str)}


def discard(beneficiary, form_key):
    """Delete the draft (the form was sent, or «حذف المسودة»)."""
    if beneficiary is None:
        return 0
    deleted, _rows = PortalDraft.objects.filter(beneficiary=beneficiary, form=form_key).delete()
    return deleted


def own_drafts(beneficiary):
    """The beneficiary's drafts, newest first (the requests page offers to continue them)."""
    return list(PortalDraft.objects.filter(beneficiary=beneficiary).order_by("-updated_at"))


def prune(now=None):
    """Delete the drafts not touched for `KEEP_DAYS` (part of the portal's periodic prune)."""
    limit = (now or timezone.now()) - timedelta(days=KEEP_DAYS)
    deleted, _rows = PortalDraft.objects.filter(updated_at__lt=limit).delete()
    return deleted


def form_context(beneficiary, form_key):
    """(the draft's fields, the template's context for portal/_draft.html) of one form of the beneficiary."""
    if beneficiary is None:
        return {}, {}
    data = load(beneficiary, form_key)
    return data, {"draft_key": form_key, "draft_fields": " ".join(fields_of(form_key)), "draft_restored": bool(data)}


def latest_apply_type(beneficiary):
    """The support type of the beneficiary's latest draft of a request (the first page chooses it again), or None."""
    keys = PortalDraft.objects.filter(beneficiary=beneficiary, form__startswith="apply:").order_by("-updated_at")
    key = keys.values_list("form", flat=True).first()
    rest = key.partition(":")[2] if key else ""
    return int(rest) if rest.isdigit() else None
