from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mustafid.audit.log import record
from mustafid.audit.models import EventType

from . import actions
from .forms import OwnPasswordForm, SignInForm


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        record(EventType.SIGNED_IN, actor=self.request.user, target=None)
        return response


@require_POST
def sign_out(request):
    if request.user.is_authenticated:
        record(EventType.SIGNED_OUT, actor=request.user, target=None)
    logout(request)
    return redirect("accounts:login")


@login_required
@require_http_methods(["GET", "POST"])
def change_password(request):
    """Choose one's own password; required after someone else (a manager) set it."""
    user = request.user
    form = OwnPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.change_own_password(user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)  # stay signed in on this device
        messages.success(request, _("تم تغيير كلمة المرور."))
        return redirect("reports:home")
    status = 400 if form.is_bound else 200
    return render(request, "accounts/password.html", {"form": form, "required": user.must_change_password},
                  status=status)
