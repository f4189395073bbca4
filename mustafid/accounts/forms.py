from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("اسم المستخدم أو كلمة المرور غير صحيحة."),
        "inactive": _("هذا الحساب موقوف."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("اسم المستخدم")
        self.fields["password"].label = _("كلمة المرور")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "dir": "ltr"})
