"""«نصوص الرسائل»: the manager's wording of every message the system sends, in the settings area.

Managers change a message's text (with the variables it may use, a live count against the SMS guide
and a preview filled with realistic values) and may restore the shipped text; auditors read the
same pages. Every change is an action (`wording.change_wording`, `wording.restore_wording`), audited
with the old and new text.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mustafid.lib.errors import ActionRefused

from . import catalogue, wording
from .forms import WordingForm

LANGUAGE_NAMES = {"ar": "العربية", "en": "English"}


def _readers_only(user):
    """Managers and auditors read the wording (it is what the association says to its beneficiaries)."""
    if not user.reads_everything:
        raise PermissionDenied


def _managers_only(user):
    """Only a manager changes it (the auditor oversees the managers, read-only)."""
    if not user.is_manager:
        raise PermissionDenied


def _message(key, language):
    """The registered message and a language it is written in; 404 for anything else."""
    if language not in catalogue.LANGUAGES:
        raise Http404
    try:
        return catalogue.get(key)
    except KeyError:
        raise Http404 from None


def _audience(kind):
    return _("الموظفون") if kind.audience == "staff" else _("المستفيد")


@login_required
@require_GET
def wording_list(request):
    _readers_only(request.user)
    kinds = catalogue.all_kinds()
    found = wording.wordings(kinds)
    rows = []
    for kind in kinds:
        texts = []
        for language in catalogue.LANGUAGES:
            text = found[kind.key, language]
            _subject, _body, length = wording.preview(kind, language, text.subject, text.body)
            texts.append({"language": language, "language_name": LANGUAGE_NAMES[language], "wording": text,
                          "length": length})
        rows.append({"kind": kind, "audience": _audience(kind), "texts": texts})
    return render(request, "notifications/wording_list.html", {
        "rows": rows, "guide": catalogue.SMS_GUIDE_CHARACTERS, "may_edit": request.user.is_manager,
    })


def _edit_page(request, kind, language, form, *, status=200, draft=None):
    current = wording.wording(kind, language)
    subject, body = draft if draft is not None else (current.subject, current.body)
    preview_subject, preview_body, length = wording.preview(kind, language, subject, body)
    samples = wording.sample_values(kind, language)
    return render(request, "notifications/wording_edit.html", {
        "kind": kind, "language": language, "language_name": LANGUAGE_NAMES[language],
        "audience": _audience(kind), "form": form, "current": current,
        "variables": [{"name": name, "description": description,
                       "sample": samples[name]}
                      for name, description in kind.variables.items()],
        "preview": {"subject": preview_subject, "body": preview_body, "length": length},
        "guide": catalogue.SMS_GUIDE_CHARACTERS, "max_body": wording.MAX_BODY_CHARACTERS,
        "may_edit": request.user.is_manager,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def wording_edit(request, key, language):
    """The text of one message in one language. POST: «معاينة» shows the draft filled in, «حفظ» puts it in force."""
    _readers_only(request.user)
    kind = _message(key, language)
    if request.method == "GET":
        current = wording.wording(kind, language)
        form = WordingForm(kind=kind, initial={"subject": current.subject, "body": current.body})
        return _edit_page(request, kind, language, form)
    _managers_only(request.user)
    form = WordingForm(request.POST, kind=kind)
    if not form.is_valid():
        return _edit_page(request, kind, language, form, status=400)
    draft = (form.cleaned_data["subject"], form.cleaned_data["body"])
    if not request.POST.get("save"):
        return _edit_page(request, kind, language, form, draft=draft)
    try:
        changed = wording.change_wording(kind, language, subject=draft[0], body=draft[1], by=request.user)
    except ActionRefused as refusal:
        form.add_error(None, refusal.message)
        return _edit_page(request, kind, language, form, status=400, draft=draft)
    if changed:
        messages.success(request, _("حُفظ نص الرسالة «%(label)s» (%(language)s)، ويُستعمل من الآن.")
                         % {"label": kind.label, "language": LANGUAGE_NAMES[language]})
    else:
        messages.info(request, _("لم يتغير النص."))
    return redirect("wording:list")


@login_required
@require_POST
def wording_preview(request, key, language):
    """The draft filled with sample values and its length, as it is typed (htmx); nothing is saved."""
    _managers_only(request.user)
    kind = _message(key, language)
    form = WordingForm(request.POST, kind=kind)
    subject, body = request.POST.get("subject", ""), request.POST.get("body", "")
    problems = []
    if not form.is_valid():
        problems = [error for errors in form.errors.values() for error in errors]
    rendered_subject, rendered_body, length = ("", "", None) if problems else wording.preview(
        kind, language, subject, body)
    return render(request, "notifications/_wording_preview.html", {
        "problems": problems, "language": language, "guide": catalogue.SMS_GUIDE_CHARACTERS,
        "preview": {"subject": rendered_subject, "body": rendered_body, "length": length},
    })


@login_required
@require_POST
def wording_restore(request, key, language):
    """«استعادة النص الأصلي»: the manager's wording removed, the shipped text in force again."""
    _managers_only(request.user)
    kind = _message(key, language)
    if wording.restore_wording(kind, language, by=request.user):
        messages.success(request, _("عاد نص الرسالة «%(label)s» (%(language)s) إلى النص الأصلي.")
                         % {"label": kind.label, "language": LANGUAGE_NAMES[language]})
    else:
        messages.info(request, _("النص الأصلي مستعمل من قبل."))
    return redirect("wording:edit", key=kind.key, language=language)
