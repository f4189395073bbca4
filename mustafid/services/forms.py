from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mustafid.lib.forms import DualDateField, LocalizedDecimalField

from .models import Service


class DeliveryForm(forms.Form):
    service = forms.ModelChoiceField(
        label=_("الخدمة"), queryset=Service.objects.filter(active=True), empty_label=_("اختر الخدمة")
    )
    quantity = LocalizedDecimalField(label=_("المبلغ أو الكمية"), min_value=0.01, max_digits=12, decimal_places=2)
    delivered_on = DualDateField(label=_("تاريخ التقديم"), max_today=True, initial=timezone.localdate)
    note = forms.CharField(label=_("ملاحظة"), required=False, max_length=300)
