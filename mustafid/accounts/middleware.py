"""What every signed-in request goes through: the idle timeout, a required password change, no caching."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from mustafid.audit.log import record
from mustafid.audit.models import EventType

LAST_SEEN = "mustafid_last_seen"
# The session is written at most once a minute, not on every request; the timeout is exact to that minute.
SEEN_GRANULARITY = 60


class IdleTimeoutMiddleware:
    """Sign out whoever left a session untouched for `SESSION_IDLE_MINUTES`, and say why on the sign-in page.

    A shared office computer left open must not stay signed in to a registry of vulnerable people.
    The session cookie also ends with the browser (`SESSION_EXPIRE_AT_BROWSER_CLOSE`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_MINUTES * 60:
                record(EventType.SIGNED_OUT, actor=request.user, data={"reason": "idle"})
                logout(request)
                messages.info(request, _("انتهت الجلسة بعد %(minutes)d دقيقة دون نشاط. سجّل الدخول مرة أخرى.")
                              % {"minutes": settings.SESSION_IDLE_MINUTES})
                return redirect_to_login(request.get_full_path())
            if last_seen is None or now - last_seen >= SEEN_GRANULARITY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """After someone else set the password, the owner may do nothing but choose their own (or sign out)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.must_change_password:
            if request.path not in (reverse("accounts:password"), reverse("accounts:logout")):
                return redirect("accounts:password")
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages shown to a signed-in person, and every file, are never kept by the browser or a proxy.

    Otherwise the back button or the browser cache of a shared computer shows a beneficiary's record
    to the next person at the desk.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if isinstance(response, FileResponse) or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response
