from django.contrib.auth import views as auth_views
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from mustafid.audit.log import record
from mustafid.audit.models import EventType

from .forms import SignInForm


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
