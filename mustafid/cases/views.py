import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mustafid.association.models import Association, StaffTool, current_policy
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.beneficiaries.access import access_beneficiary
from mustafid.beneficiaries.disclosure import disclose
from mustafid.beneficiaries.models import NUMBER_SEARCH_REFUSED, Beneficiary, number_search_refused
from mustafid.lib import searches
from mustafid.lib.arabic import clean_query
from mustafid.lib.errors import ActionRefused
from mustafid.lib.paging import page_of
from mustafid.lib.pdf import render_pdf
from mustafid.lib.uploads import serve_file

from . import actions
from .access import access_case, access_declaration, access_document
from .filters import CaseFilterForm, apply_filters
from .forms import (
    CloseCaseForm, DeclarationForm, NoteForm, OpenCaseForm, ProvideInformationForm, RefuseDocumentForm,
    ReturnForInformationForm, UploadDocumentForm,
)
from .models import Case, Step
from .page import render_case, show_refusal


@login_required
@require_http_methods(["GET", "POST"])
def case_list(request):
    """Requests, filtered by status, branch, support type and received dates (either calendar) and by
    beneficiary (name; ID or mobile for roles that see them), sorted by an index-served order (`filters.py`).

    The filter form is POSTed and the search kept in the session (`lib.searches`), so what was typed
    never travels in a URL; each page shown is audited with the filters and the count.
    """
    user = request.user
    if not user.sees_sensitive_data:
        raise PermissionDenied
    if request.method == "POST":
        form = CaseFilterForm(request.POST)
        filters = form.valid_filters()
        if not form.errors:
            params = CaseFilterForm.url_params(filters)
            query = clean_query(filters.get("q", ""))
            if query:
                params["s"] = searches.remember(request, {"q": query})
            return redirect(reverse("cases:list") + (f"?{urlencode(params)}" if params else ""))
        key, query = "", clean_query(filters.get("q", ""))
    else:
        form = CaseFilterForm(request.GET)
        filters = form.valid_filters()
        key = request.GET.get("s", "")
        query = clean_query(searches.recall(request, key).get("q", ""))
    visible = Case.objects.visible_to(user)
    if _sees_only_referred(user):
        # A researcher's requests (those referred to them) are scattered over the whole time index: read
        # their ids first (the referral index), then sort those few, rather than walking every request.
        visible = Case.objects.filter(pk__in=list(visible.values_list("pk", flat=True)))
    cases, order = apply_filters(visible.rows(), filters)
    if query:
        cases = cases.filter(beneficiary__in=Beneficiary.objects.search(query, user=user))
    # Keyset pages in the order of an index (no count of all matches, no OFFSET): see lib/paging.py.
    page = page_of(request, cases, order, size=25)
    params = CaseFilterForm.url_params(filters)
    record(EventType.CASES_LISTED, actor=user, data={
        **{name: str(value) for name, value in params.items()}, "status": params.get("status", ""),
        "query": query, "page": page.number, "results": len(page),
    })
    if query:
        params["s"] = key
    return render(request, "cases/list.html", {
        "page": page, "form": form, "status": params.get("status", ""), "query": query,
        "search_key": key if query else "", "list_query": urlencode(params),
        "filtered": bool(params.keys() - {"sort", "s"}),
        "number_search_refused": NUMBER_SEARCH_REFUSED if number_search_refused(user, query) else "",
    }, status=400 if form.errors and request.method == "POST" else 200)


def _sees_only_referred(user):
    return user.is_researcher and not (
        user.reads_everything or user.is_officer or user.is_branch_rep or user.is_committee_member
    )


@login_required
def case_new(request, beneficiary_pk):
    beneficiary = access_beneficiary(request.user, beneficiary_pk, write=True)
    policy = current_policy()
    if policy is None:
        messages.error(request, _("لا توجد سياسة معتمدة نافذة؛ يضيفها المدير من الإعدادات."))
        return redirect(beneficiary)
    form = OpenCaseForm(request.POST or None, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            case = actions.open_case(beneficiary=beneficiary, by=request.user, **form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("تم استلام الطلب %(ref)s.") % {"ref": case.reference})
            return redirect(case)
    status = 400 if request.method == "POST" else 200
    tools = {tool.kind: tool for tool in StaffTool.objects.current()}
    return render(request, "cases/new.html", {"form": form, "beneficiary": beneficiary, "tools": tools}, status=status)


@login_required
@require_GET
def case_detail(request, pk):
    return render_case(request, access_case(request.user, pk))


@login_required
@require_POST
def upload_document(request, pk):
    case = access_case(request.user, pk, step=Step.DOCUMENTS)
    form = UploadDocumentForm(request.POST, request.FILES, case=case)
    if not form.is_valid():
        return render_case(request, case, bound={"documents": form}, status=400)
    try:
        data = form.cleaned_data
        actions.upload_document(
            case, document_type=data["document_type"], uploaded_file=data["file"], issued_on=data["issued_on"],
            expires_on=data["expires_on"], by=request.user,
        )
    except ActionRefused as refusal:
        return show_refusal(request, case, refusal, panel="documents", form=form)
    messages.success(request, _("تم رفع المستند وهو بانتظار التحقق."))
    return redirect(case)


@login_required
@require_POST
def verify_document(request, pk):
    document = access_document(request.user, pk, step=Step.DOCUMENTS)
    case = access_case(request.user, document.case_id, step=Step.DOCUMENTS)
    try:
        document = actions.verify_document(document, by=request.user)
    except ActionRefused as refusal:
        return show_refusal(request, case, refusal)
    if document.is_verified:
        messages.success(request, _("تم التحقق من المستند."))
    else:
        messages.error(request, _("رُفض المستند: %(reason)s") % {"reason": document.refusal_reason})
    return redirect(case)


@login_required
@require_POST
def refuse_document(request, pk):
    document = access_document(request.user, pk, step=Step.DOCUMENTS)
    case = access_case(request.user, document.case_id, step=Step.DOCUMENTS)
    form = RefuseDocumentForm(request.POST)
    if not form.is_valid():
        return render_case(request, case, bound={"documents": form}, status=400)
    try:
        actions.refuse_document(document, reason=form.cleaned_data["reason"], by=request.user)
    except ActionRefused as refusal:
        return show_refusal(request, case, refusal)
    messages.success(request, _("تم رفض المستند وأصبح الطلب غير مكتمل."))
    return redirect(case)


@login_required
@require_GET
def document_file(request, pk):
    document = access_document(request.user, pk)
    if not request.user.sees_sensitive_data:
        raise PermissionDenied
    # A photo of a document may show in the browser; anything else (PDFs included) downloads.
    return serve_file(document.file, filename=document.original_name, inline_images=True)


@login_required
@require_POST
def mark_incomplete(request, pk):
    case = access_case(request.user, pk, step=Step.MARK_INCOMPLETE)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return render_case(request, case, bound={"incomplete": form}, status=400)
    try:
        actions.mark_incomplete(case, note=form.cleaned_data["note"], by=request.user)
    except ActionRefused as refusal:
        return show_refusal(request, case, refusal, panel="incomplete", form=form)
    messages.success(request, _("سُجّل أن الطلب غير مكتمل."))
    return redirect(case)


@login_required
@require_POST
def record_declaration(request, pk):
    case = access_case(request.user, pk, step=Step.DECLARE)
    form = DeclarationForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_case(request, case, bound={"declaration": form}, status=400)
    data = form.cleaned_data
    try:
        actions.record_declaration(
            case, method=data["method"], signer_name=data["signer_name"], by=request.user,
            signature_data_url=data["signature"], scan=data["scan"],
        )
    except ActionRefused as refusal:
        return show_refusal(request, case, refusal, panel="declaration", form=form)
    messages.success(request, _("تم تسجيل الإقرار."))
    return redirect(case)


@login_required
@require_GET
def declaration_file(request, pk):
    declaration = access_declaration(request.user, pk)
    if declaration.signature:
        return serve_file(declaration.signature, filename=f"signature-{declaration.case_id}", inline_images=True)
    if declaration.scan:
        return serve_file(declaration.scan, filename=f"declaration-{declaration.case_id}", inline_images=True)
    raise Http404


def signature_data_uri(declaration):
    """The signature drawn on the screen, as a data: URI for the PDF ("" when signed on paper or not yet)."""
    if declaration is None or not declaration.signature:
        return ""
    try:
        with declaration.signature.open("rb") as stored:
            png = stored.read()
    except OSError:
        return ""
    if not png.startswith(b"\x89PNG"):
        return ""
    return "data:image/png;base64," + base64.b64encode(png).decode()


@login_required
@require_GET
def declaration_form_pdf(request, pk):
    """The support-request form filled in with this request's data, to print and sign on paper."""
    case = access_case(request.user, pk)
    if not request.user.sees_sensitive_data:
        raise PermissionDenied
    declaration = case.current_declaration
    try:
        # The form is the association's Arabic document, whatever language the staff member's screen is in.
        with translation.override("ar"):
            pdf = render_pdf(
                "cases/declaration_form_pdf.html",
                {
                    "case": case,
                    # The printed form shows what the reader may see, through the same rule as the pages.
                    "beneficiary": disclose(case.beneficiary, request.user),
                    "household": disclose(case.beneficiary, request.user).household,
                    "checklist": case.document_checklist(),
                    "text": actions.DECLARATION_TEXT,
                    "fingerprint": case.fingerprint(),
                    "association": Association.objects.current(),
                    "today": timezone.localdate(),
                    "declaration": declaration,
                    # Stored files are served only through access checks: the signature goes in as data.
                    "signature": signature_data_uri(declaration),
                },
                request=request,
            )
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return redirect(case)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="request-{case.reference}.pdf"'
    return response


@login_required
@require_POST
def submit_to_committee(request, pk):
    case = access_case(request.user, pk, step=Step.SUBMIT)
    try:
        actions.submit_to_committee(case, by=request.user)
    except ActionRefused as refusal:
        return show_refusal(request, case, refusal)
    messages.success(request, _("رُفع الطلب إلى لجنة البحث وبدأت مدة الرد."))
    return redirect(case)


@login_required
@require_POST
def return_for_information(request, pk):
    case = access_case(request.user, pk, step=Step.RETURN)
    form = ReturnForInformationForm(request.POST)
    if not form.is_valid():
        return render_case(request, case, bound={"return": form}, status=400)
    try:
        actions.return_for_information(case, asked=form.cleaned_data["asked"], of_whom=form.cleaned_data["of_whom"],
                                       by=request.user)
    except ActionRefused as refusal:
        return show_refusal(request, case, refusal, panel="return", form=form)
    messages.success(request, _("أُعيد الطلب لاستكمال المعلومات، وتوقفت مدة الرد حتى تصل."))
    return redirect(case)


@login_required
@require_POST
def provide_information(request, pk):
    case = access_case(request.user, pk, step=Step.PROVIDE_INFORMATION)
    form = ProvideInformationForm(request.POST)
    if not form.is_valid():
        return render_case(request, case, bound={"returned": form}, status=400)
    try:
        actions.provide_information(case, note=form.cleaned_data["note"], by=request.user)
    except ActionRefused as refusal:
        return show_refusal(request, case, refusal, panel="returned", form=form)
    messages.success(request, _("عاد الطلب إلى لجنة البحث واستؤنفت مدة الرد."))
    return redirect(case)


@login_required
@require_POST
def register_beneficiary(request, pk):
    case = access_case(request.user, pk, step=Step.REGISTER)
    try:
        actions.register_beneficiary(case, by=request.user)
    except ActionRefused as refusal:
        return show_refusal(request, case, refusal)
    messages.success(request, _("تم استكمال تسجيل المستفيد."))
    return redirect(case)


@login_required
@require_POST
def close_case(request, pk):
    case = access_case(request.user, pk, step=Step.CLOSE)
    form = CloseCaseForm(request.POST)
    if not form.is_valid():
        return render_case(request, case, bound={"close": form}, status=400)
    try:
        actions.close_case(case, note=form.cleaned_data["note"], by=request.user)
    except ActionRefused as refusal:
        return show_refusal(request, case, refusal, panel="close", form=form)
    messages.success(request, _("تم إغلاق الطلب."))
    return redirect(case)