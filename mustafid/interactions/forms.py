from django import forms
from django.utils.translation import gettext_lazy as _

from mustafid.lib.forms import SaudiMobileField

from .models import Interaction


class InteractionForm(forms.Form):
    channel = forms.ChoiceField(label=_("قناة التواصل"))
    direction = forms.ChoiceField(
        label=_("الاتجاه"), choices=Interaction.Direction.choices, initial=Interaction.Direction.INCOMING,
        widget=forms.RadioSelect,
    )
    kind = forms.ChoiceField(label=_("نوع التواصل"), choices=Interaction.Kind.choices)
    summary = forms.CharField(label=_("الموضوع"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    outcome = forms.CharField(
        label=_("ما تم (الإجابة أو الإجراء)"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
        max_length=4000,
    )
    contact_name = forms.CharField(label=_("اسم المتواصل"), required=False, max_length=120)
    contact_mobile = SaudiMobileField(label=_("جوال المتواصل"), required=False)

    def __init__(self, *args, policy, beneficiary=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.beneficiary = beneficiary
        self.fields["channel"].choices = [("", _("اختر القناة"))] + policy.channel_choices
        if beneficiary is not None:
            del self.fields["contact_name"], self.fields["contact_mobile"]
