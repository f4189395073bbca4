"""«تواصل معنا» and «تتبع طلبي» (open to everyone), «تواصلي مع الجمعية» and «الخدمات المقدمة» (signed in).

Every page is `no_store`. The contact's number is shown once after sending (kept in the session, never in the
address); the tracking view lives in the session for `public.TRACK_MINUTES` after its code.
"""

import time

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mustafid.cases.models import Case
from mustafid.lib.errors import ActionRefused

from . import actions, complaints, drafts, public, session
from .follow import follow
from .forms import CodeForm
from .views import _locked, _pad, wait_words

# Session keys: the contact just sent (its number and kind, shown once), the tracking code asked for, and the
# request the code opened (with when it stops).
CONTACT_SENT = "portal_contact_sent"
TRACK_CHALLENGE = "portal_track_challenge"
TRACK_CASE = "portal_track_case"
TRACKED = "portal_tracked"


def _contact_locked(request, wait):
    return render(request, "portal/public/contact_wait.html", {"wait": wait_words(wait)}, status=429)


@require_http_methods(["GET", "HEAD", "POST"])
@session.no_store
def contact(request):
    """«تواصل معنا»: an inquiry (a contact), or a complaint, a suggestion or a compliment (the register, with its
    reference number); signed in, it is the beneficiary's own."""
    beneficiary = session.current(request)
    request.beneficiary = beneficiary
    # Signed in, the text typed before (drafts.py); signed out, no draft.
    draft, draft_context = drafts.form_context(beneficiary, "contact")
    form = public.ContactForm(request.POST if request.method == "POST" else None, signed_in=beneficiary is not None,
                              initial=draft or None)
    if request.method == "POST" and form.is_valid():
        if form.is_robot:
            # A robot filled the hidden field: it sees a success, nothing is recorded.
            request.session[CONTACT_SENT] = {"number": None}
            return redirect("portal:contact_sent")
        data = form.cleaned_data
        sender = {"beneficiary": beneficiary, "by": session.actor(request), "name": data.get("name", ""),
                  "mobile": data.get("mobile") or "", "email": data.get("email") or ""}
        try:
            if form.goes_to_register:
                sent = complaints.send_feedback(kind=data["kind"], text=data["text"], category=data.get("category"),
                                                anonymous=bool(data.get("anonymous")), **sender)
            else:
                sent = public.send_contact(kind=data["kind"], text=data["text"], **sender)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            if sent.wait:
                return _contact_locked(request, sent.wait)
            drafts.discard(beneficiary, "contact")
            if form.goes_to_register:
                item = sent.feedback
                request.session[CONTACT_SENT] = {
                    "reference": item.reference, "kind": item.get_kind_display(), "due_on": item.due_on.isoformat(),
                    "anonymous": item.anonymous, "by_message": sent.message is not None,
                    "can_track": bool(item.sender_mobile or (beneficiary and beneficiary.mobile)),
                }
            else:
                request.session[CONTACT_SENT] = {
                    "number": sent.contact.pk,
                    "by_sms": bool(data.get("mobile") or (beneficiary and beneficiary.mobile)),
                }
            return redirect("portal:contact_sent")
    return render(request, "portal/public/contact.html", {"form": form, "portal_section": "contact", **draft_context})


@require_GET
@session.no_store
def contact_sent(request):
    request.beneficiary = session.current(request)
    sent = request.session.pop(CONTACT_SENT, None)
    if sent is None:
        return redirect("portal:contact")
    return render(request, "portal/public/contact_sent.html", {"sent": sent, "portal_section": "contact"})


@require_GET
@session.beneficiary_required
def contacts(request):
    """«تواصلي مع الجمعية»: their own contacts, as `public.own_contacts` allows, and their own items of the
    register, as `complaints.sender_view` shows them to the sender."""
    items = [complaints.sender_view(item) for item in complaints.own_feedback(request.beneficiary)]
    return render(request, "portal/public/contacts.html",
                  {"contacts": public.own_contacts(request.beneficiary), "items": items, "portal_section": "contacts"})


@require_GET
@session.beneficiary_required
def services(request):
    """«الخدمات المقدمة»: the services delivered on their requests, with dates and amounts or quantities."""
    return render(request, "portal/public/services.html",
                  {"deliveries": public.own_deliveries(request.beneficiary), "portal_section": "services"})


def _code_sent(request, ask, *, item, challenge_key, item_key, tracked_key, then):
    """A code asked for without signing in: `ask()` sends it (or not, the same answer either way) and takes the
    same time whatever happened (`_pad`); the session keeps the code's row and `item(asked)`, the record it was
    asked for (None when there is none), and forgets what an earlier code showed."""
    began = time.monotonic()
    asked = ask()
    _pad(began)
    if asked.wait:
        return _locked(request, asked.wait)
    request.session.pop(tracked_key, None)
    request.session[challenge_key] = asked.challenge.pk
    request.session[item_key] = item(asked)
    return redirect(then)


@require_http_methods(["GET", "HEAD", "POST"])
@session.no_store
def track(request):
    """«تتبع طلبي»: the request's number; a code to the mobile on the request, the same answer for any number."""
    form = public.TrackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        year, serial = form.cleaned_data["number"]
        return _code_sent(request, lambda: public.request_track_code(year, serial), item=lambda asked: asked.case_id,
                          challenge_key=TRACK_CHALLENGE, item_key=TRACK_CASE, tracked_key=TRACKED,
                          then="portal:track_code")
    return render(request, "portal/public/track.html", {"form": form, "portal_section": "track"})


def _code_page(request, *, challenge_key, item_key, tracked_key, check, start, status, minutes, kind, section):
    """The page of a code sent to someone not signed in («تتبع طلبي», «تتبع شكواي»): `check(challenge, item,
    code)` -> (the record found or None, the attempt). Found, the session keeps `{"item": pk, "until": …}` under
    `tracked_key` for `minutes`; locked out or the code gone, the session forgets the code and starts again."""
    challenge = request.session.get(challenge_key)
    if challenge is None:
        return redirect(start)
    form = CodeForm(request.POST if request.method == "POST" else None)
    form.fields["code"].label = _("رمز المتابعة")
    if request.method == "POST" and form.is_valid():
        found, attempt = check(challenge, request.session.get(item_key), form.cleaned_data["code"])
        if found is not None or attempt.wait or attempt.reason == "gone":
            for key in (challenge_key, item_key):
                request.session.pop(key, None)
        if found is not None:
            request.session[tracked_key] = {"item": found.pk, "until": time.time() + minutes * 60}
            return redirect(status)
        if attempt.wait:
            return _locked(request, attempt.wait)
        if attempt.reason == "gone":
            return redirect(start)
        form.add_error("code", attempt.message)
    return render(request, "portal/public/track_code.html", {
        "form": form, "validity": wait_words(actions.code_minutes() * 60), "kind": kind,
        "action": reverse(request.resolver_match.view_name), "start": reverse(start), "portal_section": section,
    })


@require_http_methods(["GET", "HEAD", "POST"])
@session.no_store
def track_code(request):
    def check(challenge, case_id, code):
        attempt = public.try_track_code(challenge, case_id, code)
        return attempt.case, attempt

    return _code_page(request, challenge_key=TRACK_CHALLENGE, item_key=TRACK_CASE, tracked_key=TRACKED, check=check,
                      start="portal:track", status="portal:track_status", minutes=public.TRACK_MINUTES,
                      kind="request", section="track")


@require_GET
@session.no_store
def track_status(request):
    """One request's status and due date, for `TRACK_MINUTES` after its code: no documents, no letter, no
    personal data but the first name."""
    tracked = request.session.get(TRACKED)
    if not tracked or tracked.get("until", 0) < time.time():
        request.session.pop(TRACKED, None)
        if tracked:
            messages.info(request, _("انتهت مدة عرض حالة الطلب. اطلب رمزًا جديدًا لعرضها مرة أخرى."))
        return redirect("portal:track")
    case = Case.objects.select_related("beneficiary").filter(pk=tracked.get("item")).first()
    if case is None:
        request.session.pop(TRACKED, None)
        return redirect("portal:track")
    followed = follow(case)
    return render(request, "portal/public/track_status.html", {
        "f": followed, "first_name": case.beneficiary.first_name, "reference": case.reference,
        "portal_section": "track",
    })


# ---------------------------------------------------------------------------------------------------- «تتبع شكواي»

FEEDBACK_CHALLENGE = "portal_feedback_challenge"
FEEDBACK_ITEM = "portal_feedback_item"
FEEDBACK_TRACKED = "portal_feedback_tracked"


@require_http_methods(["GET", "HEAD", "POST"])
@session.no_store
def feedback_track(request):
    """«تتبع شكواي»: the reference and the mobile it was sent from; a code to that mobile, the same answer for any
    reference and any mobile."""
    request.beneficiary = session.current(request)
    form = complaints.TrackFeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        return _code_sent(request, lambda: complaints.request_feedback_code(data["reference"], data["mobile"]),
                          item=lambda asked: asked.feedback_id, challenge_key=FEEDBACK_CHALLENGE,
                          item_key=FEEDBACK_ITEM, tracked_key=FEEDBACK_TRACKED, then="portal:feedback_track_code")
    return render(request, "portal/public/feedback_track.html", {"form": form, "portal_section": "contact"})


@require_http_methods(["GET", "HEAD", "POST"])
@session.no_store
def feedback_track_code(request):
    request.beneficiary = session.current(request)

    def check(challenge, feedback_id, code):
        attempt = complaints.try_feedback_code(challenge, feedback_id, code)
        return attempt.feedback, attempt

    return _code_page(request, challenge_key=FEEDBACK_CHALLENGE, item_key=FEEDBACK_ITEM, tracked_key=FEEDBACK_TRACKED,
                      check=check, start="portal:feedback_track", status="portal:feedback_track_status",
                      minutes=complaints.TRACK_MINUTES, kind="feedback", section="contact")


@require_GET
@session.no_store
def feedback_track_status(request):
    """What the sender may read of their item (`complaints.sender_view`) for `TRACK_MINUTES` after its code."""
    request.beneficiary = session.current(request)
    tracked = request.session.get(FEEDBACK_TRACKED)
    if not tracked or tracked.get("until", 0) < time.time():
        request.session.pop(FEEDBACK_TRACKED, None)
        if tracked:
            messages.info(request, _("انتهت مدة العرض. اطلب رمزًا جديدًا لعرض رسالتك مرة أخرى."))
        return redirect("portal:feedback_track")
    item = complaints.Feedback.objects.filter(pk=tracked["item"]).first()
    if item is None:
        request.session.pop(FEEDBACK_TRACKED, None)
        return redirect("portal:feedback_track")
    return render(request, "portal/public/feedback_track_status.html",
                  {"item": complaints.sender_view(item), "portal_section": "contact"})
