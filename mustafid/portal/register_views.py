"""«التسجيل لأول مرة» (register.py): the applicant's data, then the code sent to the mobile they typed.

Every page is `no_store`; the typed data wait in the server-side session between the two steps (never in the
address or a hidden field), and every answer takes at least `PORTAL_MIN_RESPONSE_SECONDS` (`views._pad`).
"""

import time

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import register, session
from .forms import CodeForm
from .views import _locked, _pad, wait_words

# The typed data and the code's row between the two steps; the flag that the last step is done.
PENDING = "portal_register"
RECEIVED = "portal_register_received"
GET_POST = ["GET", "HEAD", "POST"]


@require_http_methods(GET_POST)
@session.no_store
def start(request):
    """The applicant's data; a code to the mobile typed, whatever the ID (the registry is not read here)."""
    if session.current(request) is not None:
        return redirect("portal:requests")
    form = register.RegisterForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        began = time.monotonic()
        data = register.typed_data(form.cleaned_data)
        asked = register.request_code(data)
        _pad(began)
        if asked.wait:
            return _locked(request, asked.wait)
        if asked.unreachable:
            form.add_error("mobile", _("تعذر إرسال الرمز الآن. حاول لاحقًا أو تواصل مع الجمعية."))
        else:
            request.session[PENDING] = {"challenge": asked.challenge.pk, "data": data}
            return redirect("portal:register_code")
    return render(request, "portal/register/start.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(GET_POST)
@session.no_store
def code(request):
    pending = request.session.get(PENDING)
    if not pending:
        return redirect("portal:register")
    form = CodeForm(request.POST if request.method == "POST" else None)
    form.fields["code"].label = _("رمز تأكيد الجوال")
    form.fields["code"].help_text = _("ستة أرقام وصلتك في رسالة على الجوال الذي كتبته.")
    if request.method == "POST" and form.is_valid():
        began = time.monotonic()
        confirmed = register.confirm(pending["challenge"], pending["data"], form.cleaned_data["code"])
        _pad(began)
        if confirmed.ok:
            request.session.pop(PENDING, None)
            if confirmed.beneficiary is None:
                request.session[RECEIVED] = True
                return redirect("portal:register_received")
            session.start(request, confirmed.beneficiary)
            if confirmed.created:
                messages.success(request, _("استلمنا تسجيلك. بياناتك بانتظار تحقق الموظف، ويمكنك الآن تقديم طلبك."))
            else:
                messages.info(request, _("رقم هويتك مسجل لدينا من قبل بهذا الجوال، فأدخلناك إلى خدماتك."))
            return redirect("portal:requests")
        if confirmed.wait:
            request.session.pop(PENDING, None)
            return _locked(request, confirmed.wait)
        if confirmed.reason in ("gone", "changed"):
            request.session.pop(PENDING, None)
            messages.error(request, confirmed.message)
            return redirect("portal:register")
        form.add_error("code", confirmed.message)
    mobile = pending["data"]["mobile"]
    return render(request, "portal/register/code.html", {
        "form": form, "mobile": mobile, "validity": wait_words(register.code_minutes() * 60),
    }, status=400 if request.method == "POST" else 200)


@require_GET
@session.no_store
def received(request):
    """After the right code for an ID already in the registry (typed with another mobile): no one is signed in,
    nothing was created; the words say how to sign in, never whose the ID is."""
    if not request.session.pop(RECEIVED, None):
        return redirect("portal:register")
    return render(request, "portal/register/received.html")
