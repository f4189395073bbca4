"""Once-only forms: a double-click or a resent form never writes twice.

Every form that changes data carries a fresh token (`{% once_token %}`: a hidden `_once` input
with a UUID). Before the view runs, `OnceMiddleware` inserts the token into `FormSubmission` in
its own short transaction; the unique constraint decides. A repeat is not given to the view: the
user is sent back to where they were with a warning (htmx gets 409). When the view answers with
an error (form errors shown again, a refusal), the token is released so the corrected form is not
blocked (it renders a fresh token anyway). A POST without `_once` (API clients, tests) is
processed as before.

It runs in `process_view`, after the CSRF check, so a forged request never stores a token.
"""

import uuid

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .models import FormSubmission

FIELD = "_once"


def repeat_message():
    return _("تم استلام هذا النموذج من قبل، ولم يُسجل مرة أخرى.")


def _token(request):
    if request.method != "POST":
        return None
    try:
        return uuid.UUID(str(request.POST.get(FIELD, "")))
    except ValueError:
        # No token (API clients, tests) or not one we made: processed as a form without it.
        return None


def _back(request):
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return referer
    return request.path


class OnceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        token = getattr(request, "_once_token", None)
        if token is not None and response.status_code >= 400:
            FormSubmission.objects.filter(token=token).delete()
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        token = _token(request)
        if token is None:
            return None
        user = getattr(request, "user", None)
        try:
            with transaction.atomic():
                FormSubmission.objects.create(
                    token=token, path=request.path[:200],
                    user=user if user is not None and user.is_authenticated else None,
                )
        except IntegrityError:
            if getattr(request, "htmx", False):
                return HttpResponse(repeat_message(), status=409, content_type="text/plain; charset=utf-8")
            messages.warning(request, repeat_message())
            return redirect(_back(request))
        request._once_token = token
        return None
