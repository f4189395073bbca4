from django import forms
from django.utils.translation import gettext_lazy as _

from . import catalogue, wording


class WordingForm(forms.Form):
    """One message's wording in one language: the e-mail subject and the text (SMS, WhatsApp, e-mail body).

    The variables are checked against the message's own (`catalogue.check_text`): nothing is saved
    with a typo that would reach a beneficiary as an empty gap. NUL, control and bidi characters are
    refused by every text field (lib/forms.py `guard_text_fields`).
    """

    subject = forms.CharField(
        label=_("موضوع البريد الإلكتروني"), max_length=200,
        help_text=_("يظهر في البريد الإلكتروني فقط؛ الرسائل النصية وواتساب بلا موضوع."),
    )
    body = forms.CharField(
        label=_("نص الرسالة"), max_length=wording.MAX_BODY_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 5, "data-sms-count": "wording-count"}),
        help_text=_("يُستحسن ألا تتجاوز الرسالة النصية 140 حرفًا (رسالتان عربيتان)."),
    )

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind

    def clean(self):
        data = super().clean()
        for name in ("subject", "body"):
            if name in data:
                for problem in dict.fromkeys(catalogue.check_text(self.kind, data[name])):
                    self.add_error(name, problem)
        return data
