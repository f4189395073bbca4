"""What makes the portal usable by everyone (docs/portal.md, «Accessibility»): the drafts' endpoint (drafts.py)
and the «معاني الكلمات» page (glossary.py)."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mustafid.lib.errors import ActionRefused

from . import drafts, session
from .glossary import TERMS


def _form_page(key):
    """Where the form of a draft key is (the page «حذف المسودة» returns to without the script)."""
    kind, _sep, rest = key.partition(":")
    if kind == "answer" and rest.isdigit():
        return reverse("portal:answer", args=[int(rest)])
    if kind == "apply":
        return reverse("portal:apply_details")
    if kind == "contact":
        return reverse("portal:contact")
    return reverse("portal:requests")


@require_POST
@session.no_store
def draft(request):
    """Save (the posted text fields) or delete («discard») the signed-in beneficiary's draft of one form.

    The script asks with `X-Requested-With: fetch` and reads JSON; the «حذف المسودة» button without the script is
    a plain form, answered by a redirect back to the form. Saving is a request like any other: it keeps the
    session from going idle while they type (`session.current`)."""
    by_script = request.headers.get("X-Requested-With") == "fetch"
    beneficiary = session.current(request)
    if beneficiary is None:
        if by_script:
            return JsonResponse({"saved": False, "message": _("انتهت الجلسة، فلم تُحفظ المسودة. ادخل مرة أخرى.")},
                                status=403)
        return redirect("portal:start")
    request.beneficiary = beneficiary
    discarding = bool(request.POST.get("discard"))
    try:
        key = drafts.check_key(beneficiary, request.POST.get("draft_form", ""))
        if discarding:
            drafts.discard(beneficiary, key)
        else:
            drafts.save(beneficiary, key, request.POST)
    except ActionRefused as refusal:
        if by_script:
            return JsonResponse({"saved": False, "message": str(refusal.message)}, status=400)
        messages.error(request, refusal.message)
        return redirect("portal:requests")
    said = _("حُذفت المسودة.") if discarding else _("حُفظت المسودة.")
    if by_script:
        return JsonResponse({"saved": not discarding, "message": said})
    messages.success(request, said)
    return redirect(_form_page(key))


@require_GET
@session.no_store
def glossary(request):
    """«معاني الكلمات»: every word of the glossary with its plain meaning; open to everyone."""
    request.beneficiary = session.current(request)
    return render(request, "portal/glossary.html", {"terms": TERMS, "portal_section": "glossary"})
