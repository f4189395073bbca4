from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Decision


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("القرار"), choices=Decision.Outcome.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("الأسباب"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
