"""The decision letter's two doors: staff who may see the request, and the applicant's signed link (letters.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from mustafid.lib.errors import ActionRefused

from . import letters


def _pdf_response(decision, pdf):
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{letters.filename(decision)}"'
    return response


@login_required
@require_GET
def download(request, pk):
    """The letter of a decision, for staff who may see its request (never a volunteer); audited."""
    decision = letters.access_letter(request.user, pk)
    try:
        pdf = letters.render_letter(decision, request=request)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return redirect(decision.case)
    return _pdf_response(decision, pdf)


@require_GET
def signed(request, token):
    """The applicant's letter through the link in their message: no sign-in, only a valid, unexpired signature.

    Anything else (tampered, expired, unknown) is the same plain 404 page, so a guess learns nothing.
    The read is audited as the beneficiary's; nothing is cached on the way (`Cache-Control: no-store`).
    """
    decision = letters.decision_from_token(token)
    if decision is None:
        response = render(request, "committee/letter_unavailable.html", status=404)
    else:
        try:
            pdf = letters.render_letter(decision)
        except ActionRefused:
            response = render(request, "committee/letter_unavailable.html", {"failed": True}, status=503)
        else:
            with transaction.atomic():
                letters.record_beneficiary_read(decision)
            response = _pdf_response(decision, pdf)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
