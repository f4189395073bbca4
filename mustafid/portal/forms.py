import re

from django import forms
from django.utils.translation import gettext_lazy as _

from mustafid.lib.arabic import to_ascii_digits
from mustafid.lib.forms import NationalIdField


class StartForm(forms.Form):
    national_id = NationalIdField(
        label=_("رقم الهوية الوطنية أو الإقامة"), max_length=20,
        help_text=_("عشرة أرقام كما في البطاقة، بالأرقام العربية أو الهندية."),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("رمز الدخول"), max_length=20,
        help_text=_("ستة أرقام وصلتك في رسالة على جوالك المسجل لدينا."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "dir": "ltr"}),
    )

    def clean_code(self):
        code = re.sub(r"\s", "", to_ascii_digits(self.cleaned_data["code"]))
        if not re.fullmatch(r"[0-9]{6}", code):
            raise forms.ValidationError(_("الرمز ستة أرقام."))
        return code
