"""The beneficiary's portal session: apart from the staff sign-in, with its own short idle timeout.

A beneficiary is never a Django `User`: the session holds their record's key under `BENEFICIARY` (the
session lives on the server; the cookie is its random key), the time of their last request under `SEEN`,
and, between asking for a code and typing it, the code's row under `CHALLENGE`. Signing in and out
changes the session key (no fixation) and leaves any staff sign-in in the same browser alone.
"""

import time
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from mustafid.beneficiaries.models import Beneficiary

from .models import PortalAccount

BENEFICIARY = "portal_beneficiary"
SEEN = "portal_seen"
# When this session signed in (a timestamp): a later «sign out everywhere» ends it.
SINCE = "portal_since"
CHALLENGE = "portal_challenge"


def idle_minutes():
    return settings.PORTAL_IDLE_MINUTES


def start(request, beneficiary):
    request.session.pop(CHALLENGE, None)
    request.session.cycle_key()
    request.session[BENEFICIARY] = beneficiary.pk
    request.session[SEEN] = int(time.time())
    request.session[SINCE] = time.time()


def end(request):
    """Sign out of the portal: every portal key of the session goes (a tracking view, a code being asked,
    a contact just sent), so a shared phone's next user finds nothing of it; a staff sign-in stays."""
    for key in [key for key in request.session.keys() if key.startswith("portal_")]:
        request.session.pop(key, None)
    request.session.cycle_key()


def current(request):
    """The signed-in beneficiary, or None (never signed in, signed out, idle too long: then signed out now)."""
    pk = request.session.get(BENEFICIARY)
    if pk is None:
        return None
    now = int(time.time())
    seen = request.session.get(SEEN) or 0
    beneficiary = Beneficiary.objects.filter(pk=pk).first()
    ended = PortalAccount.objects.filter(beneficiary_id=pk).values_list("sessions_ended_at", flat=True).first()
    if beneficiary is not None and ended is not None and request.session.get(SINCE, 0) < ended.timestamp():
        # Signed out everywhere since this session began (its sign-out was audited then).
        end(request)
        messages.info(request, _("انتهت جلستك لأنك خرجت من جميع الأجهزة. ادخل مرة أخرى."))
        return None
    if beneficiary is None or now - seen > idle_minutes() * 60:
        from .actions import record_sign_out

        if beneficiary is not None:
            record_sign_out(beneficiary, "idle")
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
    """Only for a signed-in beneficiary (`request.beneficiary`); everyone else goes to the portal's sign-in."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        beneficiary = current(request)
        if beneficiary is None:
            return redirect("portal:start")
        request.beneficiary = beneficiary
        return view(request, *args, **kwargs)

    return no_store(wrapped)
