from django import forms
from django.utils.translation import gettext_lazy as _

from mustafid.accounts.models import Role, User
from mustafid.lib.forms import DualDateField, refuse_reversed_range


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


class ReferralFilterForm(forms.Form):
    referred_from = DualDateField(label=_("أُحيلت من تاريخ"), required=False)
    referred_to = DualDateField(label=_("إلى تاريخ"), required=False)
    sort = forms.ChoiceField(label=_("الترتيب"), required=False,
                             choices=[("new", _("الأحدث أولًا")), ("old", _("الأقدم أولًا"))])
    state = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        data.pop("state", None)
        return refuse_reversed_range(self, data, "referred_from", "referred_to")
