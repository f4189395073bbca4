"""The beneficiary's portal: sign in with a one-time code, follow one's own requests, read one's messages.

Every page is `no_store` (a shared family phone keeps nothing), says «مستفيد» and the association's name and
never the category or the support type. The signed-in pages take the beneficiary from the session only
(`session.beneficiary_required`); a request's number in the address is looked up among their own.
"""

import math
import time

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mustafid.audit.log import record
from mustafid.beneficiaries.models import Beneficiary, Guardian
from mustafid.audit.models import EventType
from mustafid.committee import letters
from mustafid.lib.errors import ActionRefused
from mustafid.notifications.models import Message, MessageStatus, Purpose

from . import actions, session
from .access import access_own_case, latest_decision, own_cases
from .apply import documents_context
from .follow import follow
from .forms import CodeForm, StartForm


def wait_words(seconds):
    """«دقيقة واحدة», «دقيقتان», «3 دقائق», «15 دقيقة» (or "1 minute", "15 minutes"): the time to wait."""
    n = max(1, math.ceil(seconds / 60))
    if get_language() == "en":
        return "1 minute" if n == 1 else f"{n} minutes"
    if n == 1:
        return "دقيقة واحدة"
    if n == 2:
        return "دقيقتان"
    return f"{n} دقائق" if n <= 10 else f"{n} دقيقة"


def _locked(request, wait):
    return render(request, "portal/locked.html", {"wait": wait_words(wait)}, status=429)


def _pad(began):
    """Answer no sooner than PORTAL_MIN_RESPONSE_SECONDS after `began`: a registered ID and an unknown one
    take the same time (the message written for one is the difference)."""
    floor = settings.PORTAL_MIN_RESPONSE_SECONDS
    left = floor - (time.monotonic() - began)
    if left > 0:
        time.sleep(left)


@require_http_methods(["GET", "HEAD", "POST"])
@session.no_store
def start(request):
    """The national ID or iqama; a code to the mobile on record if it is registered, the same answer if not."""
    if session.current(request) is not None:
        return redirect("portal:requests")
    form = StartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        began = time.monotonic()
        asked = actions.request_code(form.cleaned_data["national_id"])
        _pad(began)
        if asked.wait:
            return _locked(request, asked.wait)
        request.session[session.CHALLENGE] = asked.challenge.pk
        return redirect("portal:code")
    return render(request, "portal/start.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@session.no_store
def code(request):
    challenge = request.session.get(session.CHALLENGE)
    if challenge is None:
        return redirect("portal:start")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        attempt = actions.try_code(challenge, form.cleaned_data["code"])
        if attempt.beneficiary is not None:
            session.start(request, attempt.beneficiary, attempt.guardian)
            return redirect("portal:requests")
        if attempt.choices:
            # A guardian of several, or also a beneficiary: whom to act for (nobody is signed in yet).
            request.session.pop(session.CHALLENGE, None)
            request.session.cycle_key()
            request.session[session.CHOOSING] = {
                "choices": [[beneficiary.pk, guardian.pk if guardian else None]
                            for beneficiary, guardian in attempt.choices],
                "at": time.time(),
            }
            return redirect("portal:choose")
        if attempt.wait:
            request.session.pop(session.CHALLENGE, None)
            return _locked(request, attempt.wait)
        if attempt.reason == "gone":
            request.session.pop(session.CHALLENGE, None)
            return redirect("portal:start")
        form.add_error("code", attempt.message)
    return render(request, "portal/code.html", {"form": form, "validity": wait_words(actions.code_minutes() * 60)})


def _choosing(request):
    """The choices a right code proved, while they are fresh (the code's validity), as [(beneficiary, guardian)]:
    each read again, so a guardianship ended meanwhile is no longer offered."""
    pending = request.session.get(session.CHOOSING) or {}
    if time.time() - pending.get("at", 0) > actions.code_minutes() * 60:
        request.session.pop(session.CHOOSING, None)
        return []
    found = []
    for beneficiary_pk, guardian_pk in pending.get("choices", []):
        beneficiary = Beneficiary.objects.filter(pk=beneficiary_pk).first()
        guardian = None
        if guardian_pk is not None:
            guardian = Guardian.objects.filter(pk=guardian_pk, beneficiary_id=beneficiary_pk,
                                                       ended_at__isnull=True).first()
            if guardian is None:
                continue
        if beneficiary is not None:
            found.append((beneficiary, guardian))
    return found


@require_http_methods(["GET", "HEAD", "POST"])
@session.no_store
def choose(request):
    """«لمن تريد الدخول؟»: after a right code proved more than one choice — the names only, nothing more."""
    found = _choosing(request)
    if not found:
        return redirect("portal:start")
    error = ""
    if request.method == "POST":
        picked = request.POST.get("choice", "")
        if picked.isdigit() and int(picked) < len(found):
            beneficiary, guardian = found[int(picked)]
            with transaction.atomic():
                actions.record_sign_in(beneficiary, guardian)
            session.start(request, beneficiary, guardian)
            return redirect("portal:requests")
        error = _("اختر من تريد الدخول لخدماته.")
    rows = [{"index": index, "name": beneficiary.full_name, "self": guardian is None}
            for index, (beneficiary, guardian) in enumerate(found)]
    return render(request, "portal/choose.html", {"rows": rows, "error": error},
                  status=400 if error else 200)


@require_POST
@session.no_store
def sign_out(request):
    beneficiary = session.current(request)
    if beneficiary is not None:
        if request.POST.get("everywhere"):
            actions.sign_out_everywhere(beneficiary, actor=session.actor(request))
            session.end(request)
            messages.success(request, _("خرجت من خدمات المستفيد على جميع الأجهزة."))
        else:
            actions.record_sign_out(beneficiary, "signed_out", actor=session.actor(request))
            session.end(request)
            messages.success(request, _("خرجت من خدمات المستفيد. لا يبقى على هذا الجهاز شيء من بياناتك."))
    return redirect("portal:start")


@require_GET
@session.beneficiary_required
def requests(request):
    cases = list(own_cases(request.beneficiary).prefetch_related("decisions").order_by("-received_at", "-pk"))
    followed = [follow(case) for case in cases]
    return render(request, "portal/requests.html", {"followed": followed, "portal_section": "requests"})


@require_GET
@session.beneficiary_required
def request_detail(request, pk):
    case = access_own_case(request.beneficiary, pk, actor=request.portal_actor)
    return render(request, "portal/request.html", {"f": follow(case, latest_decision(case), detail=True),
                                                   "portal_section": "requests", **documents_context(case)})


@require_GET
@session.beneficiary_required
def letter(request, pk):
    """The decision letter of the beneficiary's own request (the committee's PDF), audited as their read."""
    case = access_own_case(request.beneficiary, pk, actor=request.portal_actor)
    decision = latest_decision(case)
    if decision is None:
        raise Http404
    try:
        pdf = letters.render_letter(decision)
    except ActionRefused as refusal:
        return render(request, "portal/unavailable.html", {"reason": refusal.message}, status=503)
    with transaction.atomic():
        record(EventType.DECISION_LETTER_VIEWED, actor=request.portal_actor, target=decision,
               data={"case": case.pk, "number": decision.number, "through": "portal"})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letters.filename(decision)}"'
    return response


@require_GET
@session.beneficiary_required
def messages_list(request):
    """The messages the association sent them (never a sign-in code, whose digits are not kept anyway)."""
    sent = (
        Message.objects.filter(person_type=request.beneficiary._meta.label_lower, person_id=request.beneficiary.pk,
                               status__in=[MessageStatus.SENT, MessageStatus.DELIVERED])
        .exclude(purpose__in=[Purpose.CODE, Purpose.STAFF])
        .order_by("-created_at", "-pk")[:100]
    )
    return render(request, "portal/messages.html", {"sent": sent, "portal_section": "messages"})
