"""The managers' import page: upload, preview and column mapping, a dry run, the import, the rejected rows.

A recipe over `importing.py`, like the command. The uploaded file waits in MEDIA_ROOT/imports/ (a
folder only the service's user may read, files 0600) under a random name kept in the manager's session,
and is deleted once imported; files left there by an abandoned upload are removed after a day by the
next upload (and by `manage.py orphan_files --delete`). The import runs in the request (synchronously):
the page takes files up to IMPORT_PAGE_MAX_ROWS rows; larger ones go through the command.
"""

import os
import time
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mustafid.association.models import Branch
from mustafid.lib.errors import ActionRefused
from mustafid.lib.uploads import clean_file_name

from . import importing

SESSION_KEY = "beneficiary_import"
IMPORT_MAX_BYTES = getattr(settings, "MAX_IMPORT_BYTES", 20 * 1024 * 1024)
# The import runs in the request: 20,000 rows take about 10 s to check and as long to write (2 cores),
# well inside gunicorn's default 30 s timeout. Larger files: the command.
IMPORT_PAGE_MAX_ROWS = getattr(settings, "IMPORT_PAGE_MAX_ROWS", 20_000)
# Uploads and rejected-rows files older than this are removed at the next upload.
STALE_SECONDS = 24 * 3600
REJECTED_SHOWN = 50


def imports_folder():
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _private_file(name):
    """A new file in the imports folder that only the service's user may read."""
    return open(os.open(imports_folder() / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def _remove(name):
    if name:
        (imports_folder() / Path(name).name).unlink(missing_ok=True)


def _sweep_stale():
    cutoff = time.time() - STALE_SECONDS
    for path in imports_folder().iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _managers_only(user):
    if not user.is_manager:
        raise PermissionDenied


def _forget(request):
    """Drop the session's import and its files."""
    state = request.session.pop(SESSION_KEY, None) or {}
    _remove(state.get("file"))
    _remove(state.get("rejected_file"))


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("ملف المستفيدين (Excel ‏xlsx أو CSV)"),
        help_text=gettext_lazy("الصف الأول عناوين الأعمدة، بالعربية أو بالإنجليزية."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("حجم الملف أكبر من المسموح (%(mb)s ميجابايت).") % {"mb": IMPORT_MAX_BYTES // (1024 * 1024)})
        uploaded.seek(0)
        head = uploaded.read(importing.HEAD_BYTES)
        uploaded.seek(0)
        try:
            self.kind = importing.sniff_kind(head)
        except ActionRefused as refusal:
            raise forms.ValidationError(refusal.message) from None
        return uploaded


class MappingForm(forms.Form):
    """One choice per column of the file (one of our fields, or ignore), and the branch of rows naming none."""

    def __init__(self, *args, table, mapping, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("تجاهل هذا العمود"))] + [(name, label) for name, label in importing.FIELD_LABELS.items()]
        first = table.rows[0][1] if table.rows else []
        for index, header in enumerate(table.headers):
            sample = importing.cell_text(first[index]) if index < len(first) else ""
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("العمود %(n)s") % {"n": index + 1}, choices=choices, required=False,
                initial=mapping[index] or "",
                help_text=_("مثال: %(value)s") % {"value": sample[:60]} if sample else "",
            )
        self.fields["branch"] = forms.ModelChoiceField(
            label=_("المكتب للصفوف التي لا تذكر مكتبًا"), queryset=Branch.objects.all(), required=True,
            initial=Branch.objects.filter(is_head_office=True).values_list("pk", flat=True).first(),
            empty_label=None,
        )
        self.column_count = len(table.headers)

    def mapping(self):
        return [self.cleaned_data.get(f"col_{index}") or None for index in range(self.column_count)]

    def clean(self):
        data = super().clean()
        for problem in importing.check_mapping(self.mapping()):
            self.add_error(None, problem)
        return data

    def column_fields(self):
        return [self[f"col_{index}"] for index in range(self.column_count)]


def _state(request):
    """The session's import, or None when there is none (or its file is gone)."""
    state = request.session.get(SESSION_KEY)
    if not state or not state.get("file"):
        return None
    if not (imports_folder() / state["file"]).is_file():
        request.session.pop(SESSION_KEY, None)
        return None
    return state


def _read(request, state, *, limit=None):
    try:
        table = importing.read_table(imports_folder() / state["file"], limit=limit, max_rows=IMPORT_PAGE_MAX_ROWS)
    except ActionRefused as refusal:
        _forget(request)
        messages.error(request, refusal.message)
        return None
    table.name = state["name"]
    return table


def _no_file(request):
    messages.info(request, _("ارفع ملف المستفيدين أولًا."))
    return redirect("beneficiaries:import")


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """Step 1: the file. Checked by content (xlsx is a ZIP holding a workbook; CSV is UTF-8 text) and size."""
    _managers_only(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        _sweep_stale()
        _forget(request)
        uploaded = form.cleaned_data["file"]
        name = f"{uuid.uuid4().hex}.{form.kind}"
        with _private_file(name) as stored:
            for chunk in uploaded.chunks():
                stored.write(chunk)
        state = {"file": name, "name": clean_file_name(uploaded.name)}
        try:
            table = importing.read_table(imports_folder() / name, max_rows=IMPORT_PAGE_MAX_ROWS)
        except ActionRefused as refusal:
            _remove(name)
            form.add_error("file", refusal.message)
        else:
            if not table.rows:
                _remove(name)
                form.add_error("file", _("الملف فيه صف العناوين فقط، ولا صفوف بعده."))
            else:
                request.session[SESSION_KEY] = state
                return redirect("beneficiaries:import_preview")
    return render(request, "beneficiaries/import.html", {"form": form, "max_mb": IMPORT_MAX_BYTES // (1024 * 1024),
                                                         "max_rows": IMPORT_PAGE_MAX_ROWS},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request):
    """Step 2: the first rows, the detected mapping to confirm or change; posted, a dry run of the whole file."""
    _managers_only(request.user)
    state = _state(request)
    if state is None:
        return _no_file(request)
    preview = _read(request, state, limit=importing.PREVIEW_ROWS)
    if preview is None:
        return redirect("beneficiaries:import")
    mapping = state.get("mapping") or importing.detect_mapping(preview.headers)
    form = MappingForm(request.POST or None, table=preview, mapping=mapping,
                       initial={"branch": state["branch"]} if state.get("branch") else None)
    context = {"form": form, "preview": preview, "name": state["name"],
               "width": len(preview.headers), "rows": [
                   [importing.cell_text(value) for value in values] for _line, values in preview.rows]}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "beneficiaries/import_preview.html", context, status=400)
        table = _read(request, state)
        if table is None:
            return redirect("beneficiaries:import")
        try:
            result = importing.import_beneficiaries(
                table.mapped(form.mapping()), by=request.user, default_branch=form.cleaned_data["branch"],
                dry_run=True, source=state["name"])
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
            return render(request, "beneficiaries/import_preview.html", context, status=400)
        state.update(mapping=form.mapping(), branch=form.cleaned_data["branch"].pk, checked=True)
        request.session[SESSION_KEY] = state
        context.update(result=result, shown=result.rejected[:REJECTED_SHOWN], shown_count=REJECTED_SHOWN)
    return render(request, "beneficiaries/import_preview.html", context)


@login_required
@require_POST
def import_run(request):
    """Step 3: the import, with the mapping the dry run checked; the uploaded file is deleted afterwards."""
    _managers_only(request.user)
    state = _state(request)
    if state is None:
        return _no_file(request)
    if not state.get("checked"):
        messages.info(request, _("تحقق من الملف قبل الاستيراد."))
        return redirect("beneficiaries:import_preview")
    table = _read(request, state)
    if table is None:
        return redirect("beneficiaries:import")
    branch = Branch.objects.filter(pk=state.get("branch")).first()
    try:
        result = importing.import_beneficiaries(table.mapped(state["mapping"]), by=request.user,
                                                default_branch=branch, source=state["name"])
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("beneficiaries:import_preview")
    rejected_file = None
    if result.rejected:
        rejected_file = f"{uuid.uuid4().hex}-rejected.csv"
        with _private_file(rejected_file) as raw, open(raw.fileno(), "w", encoding="utf-8", newline="",
                                                       closefd=False) as stream:
            importing.write_rejected_csv(result, table.headers, stream)
    _remove(state["file"])
    request.session[SESSION_KEY] = {
        "name": state["name"], "rejected_file": rejected_file,
        "result": {"total": result.total, "created": result.created, "already": result.already_registered,
                   "rejected": result.rejected_count - result.already_registered},
    }
    messages.success(request, _("تم استيراد %(count)s مستفيد.") % {"count": result.created})
    return redirect("beneficiaries:import_done")


def _done_state(request):
    state = request.session.get(SESSION_KEY) or {}
    return state if state.get("result") else None


@login_required
@require_GET
def import_done(request):
    """Step 4: what was imported, and the rejected rows to download."""
    _managers_only(request.user)
    state = _done_state(request)
    if state is None:
        return _no_file(request)
    rejected_file = state.get("rejected_file")
    has_rejected = bool(rejected_file) and (imports_folder() / rejected_file).is_file()
    return render(request, "beneficiaries/import_done.html",
                  {"result": state["result"], "name": state["name"], "has_rejected": has_rejected})


@login_required
@require_GET
def import_rejected(request):
    """The rejected rows (CSV, UTF-8 with BOM), as an attachment."""
    _managers_only(request.user)
    state = _done_state(request)
    rejected_file = state and state.get("rejected_file")
    path = imports_folder() / rejected_file if rejected_file else None
    if path is None or not path.is_file():
        return _no_file(request)
    stem = Path(state["name"]).stem or "file"
    response = FileResponse(open(path, "rb"), as_attachment=True, filename=f"{stem}-rejected.csv",
                            content_type="text/csv; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
