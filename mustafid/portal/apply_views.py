"""Applying from home (docs/portal.md): choose the support type, describe the need and upload the documents; the
confirmation with the request's number; more documents later from the request's page.

The chosen type is kept in the session between the two pages (never in the address). Every form carries a
once-token (`{% once_token %}`, audit/once.py): a double tap or a resent form never opens two requests. A form
with errors answers 400, which releases its token for the corrected form.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mustafid.lib.errors import ActionRefused

from . import apply, drafts, session
from .access import access_own_case, latest_decision
from .follow import follow


def _closed(request):
    return render(request, "portal/apply/closed.html", {"portal_section": "apply"}, status=503)


@require_http_methods(["GET", "HEAD", "POST"])
@session.beneficiary_required
def choose(request):
    """The first page: which support type (only the active ones), each with what it asks for."""
    if not apply.accepting_requests():
        return _closed(request)
    form = apply.ChooseForm(request.POST if request.method == "POST" else None,
                            initial={"support_type": request.session.get(apply.CHOSEN)
                                     or drafts.latest_apply_type(request.beneficiary)})
    if request.method == "POST" and form.is_valid():
        request.session[apply.CHOSEN] = form.cleaned_data["support_type"].pk
        return redirect("portal:apply_details")
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/apply/choose.html",
                  {"form": form, "types": list(form.fields["support_type"].queryset), "portal_section": "apply"},
                  status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@session.beneficiary_required
def details(request):
    """The second page: the need and the documents of the chosen type; sending it opens the request."""
    if not apply.accepting_requests():
        return _closed(request)
    support_type = apply.active_types().filter(pk=request.session.get(apply.CHOSEN) or 0).first()
    if support_type is None:
        if request.method == "POST":
            messages.error(request, _("نوع الدعم الذي اخترته لم يعد متاحًا؛ اختر نوعًا آخر."))
        return redirect("portal:apply")
    # The text typed before (drafts.py): the form has no time limit.
    draft_key = f"apply:{support_type.pk}"
    draft, draft_context = drafts.form_context(request.beneficiary, draft_key)
    form = apply.ApplyForm(request.POST if request.method == "POST" else None,
                           request.FILES if request.method == "POST" else None, support_type=support_type,
                           initial=draft)
    if request.method == "POST" and form.is_valid():
        try:
            case = apply.send_request(request.beneficiary, support_type=support_type,
                                      need=form.cleaned_data["need"], documents=form.documents,
                                      by=request.portal_actor)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            request.session.pop(apply.CHOSEN, None)
            drafts.discard(request.beneficiary, draft_key)
            return redirect("portal:sent", case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/apply/details.html",
                  {"form": form, "support_type": support_type, "portal_section": "apply", **draft_context},
                  status=status)


@require_GET
@session.beneficiary_required
def sent(request, pk):
    """The request was received: its number, what happens next, when the decision may be expected."""
    case = access_own_case(request.beneficiary, pk, actor=request.portal_actor)
    return render(request, "portal/apply/sent.html", {
        "case": case, "expect": apply.expectation(case), "checklist": apply.checklist(case),
        "portal_section": "requests",
    })


@require_POST
@session.beneficiary_required
def upload(request, pk):
    """One more document for one's own request, while its state takes documents."""
    case = access_own_case(request.beneficiary, pk, actor=request.portal_actor)
    form = apply.UploadForm(request.POST, request.FILES, case=case)
    refusal = None
    if not case.accepts_documents:
        refusal = _("لا تُقبل مستندات جديدة في هذه المرحلة من الطلب.")
    elif form.is_valid():
        data = form.cleaned_data
        try:
            apply.add_document(case, document_type=data["document_type"], uploaded_file=data["file"],
                               expires_on=data["expires_on"], by=request.portal_actor)
        except ActionRefused as exception:
            refusal = exception.message
        else:
            messages.success(request, _("وصل المستند، وسيراجعه الموظف."))
            return redirect("portal:request", case.pk)
    if refusal:
        messages.error(request, refusal)
    case.refresh_from_db()
    return render(request, "portal/request.html", {
        "f": follow(case, latest_decision(case), detail=True), "portal_section": "requests",
        **apply.documents_context(case, form),
    }, status=400)
