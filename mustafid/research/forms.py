from django import forms
from django.utils.translation import gettext_lazy as _

from mustafid.accounts.models import Role, User


class ReferralForm(forms.Form):
    researcher = forms.ModelChoiceField(
        label=_("الباحث الاجتماعي"),
        queryset=User.objects.with_role(Role.RESEARCHER).filter(is_active=True).order_by("first_name"),
        empty_label=_("اختر الباحث"),
    )
    question = forms.CharField(
        label=_("سبب الإحالة / تساؤلات المستفيد"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("رد الباحث"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
