from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
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
        # Refuse an over-long name or password before it reaches authentication, the lockout records
        # (a 255-character column) or the hasher. AuthenticationForm sets max_length without its validator.
        for name, limit, message in (("username", 150, _("اسم المستخدم أطول من المسموح.")),
                                     ("password", 1000, _("كلمة المرور أطول من المسموح."))):
            self.fields[name].max_length = limit
            self.fields[name].validators.append(MaxLengthValidator(limit, message))


class OwnPasswordForm(forms.Form):
    """The staff member chooses their own password: the current one, then the new one twice."""

    old_password = forms.CharField(label=_("كلمة المرور الحالية"), max_length=1000, strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password1 = forms.CharField(label=_("كلمة المرور الجديدة"), max_length=1000, strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                    help_text=password_validation.password_validators_help_text_html())
    new_password2 = forms.CharField(label=_("تأكيد كلمة المرور الجديدة"), max_length=1000, strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        old = self.cleaned_data["old_password"]
        if not self.user.check_password(old):
            raise forms.ValidationError(_("كلمة المرور الحالية غير صحيحة."))
        return old

    def clean(self):
        cleaned = super().clean()
        new1, new2 = cleaned.get("new_password1"), cleaned.get("new_password2")
        if new1 and new2:
            if new1 != new2:
                self.add_error("new_password2", _("كلمتا المرور غير متطابقتين."))
            elif new1 == cleaned.get("old_password"):
                self.add_error("new_password1", _("اختر كلمة مرور غير الحالية."))
            else:
                try:
                    password_validation.validate_password(new1, self.user)
                except forms.ValidationError as error:
                    self.add_error("new_password1", error)
        return cleaned
