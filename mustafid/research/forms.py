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


# The social research report (تقرير البحث الاجتماعي) -------------------------------------------------

from decimal import Decimal  # noqa: E402

from django.forms import BaseFormSet, formset_factory  # noqa: E402

from mustafid.lib.forms import LocalizedDecimalField, LocalizedIntegerField  # noqa: E402

from .models import MAX_MONTHLY_AMOUNT, ExpenseLine, IncomeLine, ResearchReport  # noqa: E402

TEXT_LIMIT = 4000
# Rows per section: a household of 30 is already far beyond any case; more is a forged form.
MAX_ROWS = 30


class AmountField(LocalizedDecimalField):
    """A monthly amount in riyals: Arabic-Indic digits, «٫» or «.», thousands «٬» or «,»; not negative, not absurd."""

    default_error_messages = {
        "invalid": _("اكتب المبلغ أرقامًا فقط، مثل ١٥٠٠ أو 1500."),
        "min_value": _("المبلغ لا يكون سالبًا."),
        "max_value": _("المبلغ أكبر من المعقول (%(limit_value)s ريال شهريًا)؛ تحقق من الأصفار."),
        "max_digits": _("المبلغ أكبر من المعقول؛ تحقق من الأصفار."),
        "max_decimal_places": _("المبلغ بالهللات: رقمان بعد الفاصلة على الأكثر."),
        "max_whole_digits": _("المبلغ أكبر من المعقول؛ تحقق من الأصفار."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", Decimal(MAX_MONTHLY_AMOUNT))
        kwargs.setdefault("max_digits", 10)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace(" ", "").replace("\u00a0", "")
            if len(value) > 30:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class ReportForm(forms.Form):
    visit_on = DualDateField(label=_("تاريخ الزيارة"), required=False, max_today=True)
    visit_mode = forms.ChoiceField(label=_("نوع الزيارة"), required=False,
                                   choices=[("", "—"), *ResearchReport.VisitMode.choices])
    visitor = forms.CharField(label=_("القائم بالزيارة"), required=False, max_length=150)
    visit_place = forms.CharField(label=_("مكان الزيارة"), required=False, max_length=300)
    housing_type = forms.ChoiceField(label=_("نوع السكن"), required=False,
                                     choices=[("", "—"), *ResearchReport.HousingType.choices])
    tenure = forms.ChoiceField(label=_("ملكية السكن"), required=False,
                               choices=[("", "—"), *ResearchReport.Tenure.choices])
    housing_condition = forms.ChoiceField(label=_("حالة السكن"), required=False,
                                          choices=[("", "—"), *ResearchReport.Condition.choices])
    housing_notes = forms.CharField(label=_("وصف السكن"), required=False, max_length=TEXT_LIMIT,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    photo = forms.FileField(label=_("إضافة صورة للسكن"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"}))
    health_notes = forms.CharField(label=_("الحالة الصحية والإعاقة"), required=False, max_length=TEXT_LIMIT,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    needs = forms.CharField(label=_("الاحتياجات"), required=False, max_length=TEXT_LIMIT,
                            widget=forms.Textarea(attrs={"rows": 3}))
    recommendation = forms.ChoiceField(label=_("التوصية"), required=False,
                                       choices=[("", "—"), *ResearchReport.Recommendation.choices])
    recommendation_reasons = forms.CharField(label=_("أسباب التوصية"), required=False, max_length=TEXT_LIMIT,
                                             widget=forms.Textarea(attrs={"rows": 3}))


class RowFormSet(BaseFormSet):
    """Rows of a section: a row left empty is ignored, a row ticked «حذف» is dropped; the rest are validated."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.empty_permitted = True
        form.use_required_attribute = False
        return form

    def rows(self):
        """The cleaned rows to keep (call after is_valid())."""
        return [
            {name: value for name, value in form.cleaned_data.items() if name != "DELETE"}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.has_changed()
        ]


class MemberForm(forms.Form):
    relation = forms.CharField(label=_("صلة القرابة"), max_length=60)
    age = LocalizedIntegerField(label=_("العمر"), required=False, min_value=0, max_value=120,
                                error_messages={"min_value": _("العمر لا يكون سالبًا."),
                                                "max_value": _("العمر أكبر من المعقول؛ تحقق منه."),
                                                "invalid": _("اكتب العمر بالسنوات أرقامًا.")})
    education = forms.CharField(label=_("التعليم"), required=False, max_length=100)
    health = forms.CharField(label=_("الحالة الصحية"), required=False, max_length=200)
    work = forms.CharField(label=_("العمل"), required=False, max_length=100)
    income = AmountField(label=_("دخله الشهري"), required=False)


class IncomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("مصدر الدخل"), choices=[("", "—"), *IncomeLine.Kind.choices])
    amount = AmountField(label=_("المبلغ الشهري (ريال)"))
    note = forms.CharField(label=_("ملاحظة"), required=False, max_length=200)


class ExpenseForm(forms.Form):
    kind = forms.ChoiceField(label=_("بند المصروف"), choices=[("", "—"), *ExpenseLine.Kind.choices])
    amount = AmountField(label=_("المبلغ الشهري (ريال)"))
    note = forms.CharField(label=_("ملاحظة"), required=False, max_length=200)


class DebtForm(forms.Form):
    creditor = forms.CharField(label=_("الدائن"), max_length=150)
    amount = AmountField(label=_("المبلغ المتبقي (ريال)"), max_value=Decimal(99_999_999))
    instalment = AmountField(label=_("القسط الشهري (ريال)"), required=False)


def _formset(form, prefix):
    return formset_factory(form, formset=RowFormSet, extra=0, can_delete=True, max_num=MAX_ROWS,
                           validate_max=True, absolute_max=MAX_ROWS + 10), prefix


SECTIONS = {
    "members": _formset(MemberForm, "members"),
    "incomes": _formset(IncomeForm, "incomes"),
    "expenses": _formset(ExpenseForm, "expenses"),
    "debts": _formset(DebtForm, "debts"),
}
