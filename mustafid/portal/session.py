"""The beneficiary's portal session: apart from the staff sign-in, with its own short idle timeout.

A beneficiary is never a Django `User`: the session holds their record's key under `BENEFICIARY` (the
session lives on the server; the cookie is its random key), the time of their last request under `SEEN`,
and, between asking for a code and typing it, the code's row under `CHALLENGE`. Signing in and out
changes the session key (no fixation) and leaves any staff sign-in in the same browser alone.

A guardian acting for a beneficiary (docs/portal.md, «أولياء الأمور») has the beneficiary under `BENEFICIARY`
and their guardianship's key under `GUARDIAN`: everything done in the session is recorded as the guardian's
(`actor(request)`), and the session ends at its next request once staff end the guardianship. Between the
code and the choice of whom to act for, `CHOOSING` holds the choices the code proved.
"""

import time
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from mustafid.audit.actors import Actor
from mustafid.beneficiaries.models import Beneficiary, Guardian

from .models import PortalAccount

BENEFICIARY = "portal_beneficiary"
SEEN = "portal_seen"
# When this session signed in (a timestamp): a later «sign out everywhere» ends it.
SINCE = "portal_since"
CHALLENGE = "portal_challenge"
# The guardianship (its key) of a guardian acting for the beneficiary; absent when the beneficiary acts.
GUARDIAN = "portal_guardian"
# After a right code that proved more than one choice: {"choices": [[beneficiary pk, guardian pk or None]], "at"}.
CHOOSING = "portal_choosing"


def idle_minutes():
    return settings.PORTAL_IDLE_MINUTES


def start(request, beneficiary, guardian=None):
    request.session.pop(CHALLENGE, None)
    request.session.pop(CHOOSING, None)
    request.session.cycle_key()
    request.session[BENEFICIARY] = beneficiary.pk
    if guardian is not None:
        request.session[GUARDIAN] = guardian.pk
    else:
        request.session.pop(GUARDIAN, None)
    request.session[SEEN] = int(time.time())
    request.session[SINCE] = time.time()


def end(request):
    """Sign out of the portal: every portal key of the session goes (a tracking view, a code being asked,
    a contact just sent), so a shared phone's next user finds nothing of it; a staff sign-in stays."""
    for key in [key for key in request.session.keys() if key.startswith("portal_")]:
        request.session.pop(key, None)
    request.session.cycle_key()


def actor_of(guardian):
    """Who acts in a portal session: the beneficiary, or the guardian for them (with the guardian's name)."""
    return Actor.beneficiary(guardian_name=guardian.name) if guardian is not None else Actor.beneficiary()


def actor(request):
    """The actor of what this request does in the portal (after `current`): every action and audit row of the
    portal takes it, so what a guardian does is recorded as the guardian's."""
    return getattr(request, "portal_actor", None) or actor_of(getattr(request, "portal_guardian", None))


def current(request):
    """The signed-in beneficiary, or None (never signed in, signed out, idle too long: then signed out now).

    Also sets `request.portal_guardian` (the guardianship when a guardian acts for them, else None) and
    `request.portal_actor` (`actor`). A guardian whose guardianship was ended since is signed out now."""
    request.portal_guardian, request.portal_actor = None, None
    pk = request.session.get(BENEFICIARY)
    if pk is None:
        return None
    now = int(time.time())
    seen = request.session.get(SEEN) or 0
    beneficiary = Beneficiary.objects.filter(pk=pk).first()
    guardian_pk = request.session.get(GUARDIAN)
    if beneficiary is not None and guardian_pk is not None:
        guardian = Guardian.objects.filter(pk=guardian_pk, beneficiary_id=pk).first()
        if guardian is None or guardian.ended_at is not None:
            from .actions import record_sign_out

            if guardian is not None:
                record_sign_out(beneficiary, "guardian_ended", actor=actor_of(guardian))
            end(request)
            messages.info(request, _("انتهت جلستك لأن صلاحيتك للتصرف عن المستفيد لم تعد قائمة."))
            return None
        request.portal_guardian = guardian
    request.portal_actor = actor_of(request.portal_guardian)
    ended = PortalAccount.objects.filter(beneficiary_id=pk).values_list("sessions_ended_at", flat=True).first()
    if beneficiary is not None and ended is not None and request.session.get(SINCE, 0) < ended.timestamp():
        # Signed out everywhere since this session began (its sign-out was audited then).
        end(request)
        messages.info(request, _("انتهت جلستك لأنك خرجت من جميع الأجهزة. ادخل مرة أخرى."))
        return None
    if beneficiary is None or now - seen > idle_minutes() * 60:
        from .actions import record_sign_out

        if beneficiary is not None:
            record_sign_out(beneficiary, "idle", actor=request.portal_actor)
        end(request)
        messages.info(request, _("انتهت الجلسة بعد %(minutes)d دقيقة دون نشاط. ادخل مرة أخرى.")
                      % {"minutes": idle_minutes()})
        return None
    request.session[SEEN] = now
    return beneficiary


def no_store(view):
    """Nothing of the portal is kept by the browser or a proxy (a shared family phone, its back button)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            # The portal's own «not found» (no staff menu), as uncached as the rest.
            response = render(request, "portal/not_found.html", status=404)
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response

    return wrapped


def beneficiary_required(view):
    """Only for a signed-in beneficiary (`request.beneficiary`; `request.portal_guardian` and
    `request.portal_actor` when a guardian acts for them); everyone else goes to the portal's sign-in."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        beneficiary = current(request)
        if beneficiary is None:
            return redirect("portal:start")
        request.beneficiary = beneficiary
        return view(request, *args, **kwargs)

    return no_store(wrapped)
