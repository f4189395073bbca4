from django import forms
from django.utils.translation import gettext_lazy as _

from mustafid.association.models import Branch, Region
from mustafid.lib import arabic
from mustafid.lib.forms import DualDateField, NationalIdField, SaudiMobileField

from .models import Beneficiary, Category, Gender, Guardian, HouseholdMember

SAUDI = {arabic.normalize(word) for word in ("سعودي", "سعودية", "السعودية", "saudi", "saudi arabian")}


class BeneficiaryForm(forms.ModelForm):
    national_id = NationalIdField(label=_("رقم الهوية الوطنية / الإقامة"))
    mobile = SaudiMobileField(label=_("رقم الجوال"))
    birth_date = DualDateField(label=_("تاريخ الميلاد"), max_today=True)
    gender = forms.ChoiceField(label=_("الجنس"), choices=Gender.choices, widget=forms.RadioSelect)

    class Meta:
        model = Beneficiary
        fields = [
            "first_name", "father_name", "grandfather_name", "family_name", "national_id", "mobile", "birth_date",
            "gender", "nationality", "region", "city", "branch", "category",
            "email", "preferred_channel", "language", "awareness_consent",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicate = None
        self.user = user
        self.fields["region"].queryset = Region.objects.all()
        self.fields["category"].queryset = Category.objects.filter(active=True)
        # The model allows none only while a self-registration awaits the officer; staff always choose one.
        self.fields["category"].required = True
        self.fields["branch"].queryset = Branch.objects.all()
        self.fields["region"].empty_label = _("اختر المنطقة")
        self.fields["category"].empty_label = _("اختر الفئة")
        self.fields["branch"].empty_label = _("اختر المكتب")
        if user.limited_to_branch:
            # A branch representative registers beneficiaries of their own branch only.
            self.fields["branch"].queryset = Branch.objects.filter(pk=user.branch_id)
            self.fields["branch"].initial = user.branch_id
            self.fields["branch"].disabled = True
        elif not self.instance.pk:
            self.fields["branch"].initial = Branch.objects.filter(is_head_office=True).values_list("pk", flat=True).first()
        for name in ("first_name", "father_name", "grandfather_name", "family_name"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        self.fields["nationality"].widget.attrs["list"] = "nationalities"
        # How messages reach them: defaults (SMS, Arabic) when left out, as an import or an older form sends.
        for name in ("preferred_channel", "language"):
            self.fields[name].required = False
            self.fields[name].widget.choices = [choice for choice in self.fields[name].choices if choice[0]]

    def clean_preferred_channel(self):
        return self.cleaned_data.get("preferred_channel") or Beneficiary._meta.get_field("preferred_channel").default

    def clean_language(self):
        return self.cleaned_data.get("language") or Beneficiary._meta.get_field("language").default

    def clean_national_id(self):
        national_id = self.cleaned_data["national_id"]
        existing = Beneficiary.objects.filter(national_id=national_id).exclude(pk=self.instance.pk).first()
        if existing is not None:
            # The link is shown only to those who may see the existing record.
            self.duplicate = existing if Beneficiary.objects.visible_to(self.user).filter(pk=existing.pk).exists() else False
            raise forms.ValidationError(_("رقم الهوية مسجل من قبل لمستفيد آخر."), code="duplicate")
        return national_id

    def clean(self):
        data = super().clean()
        national_id, nationality = data.get("national_id"), data.get("nationality")
        if national_id and nationality:
            is_saudi = arabic.normalize(nationality) in SAUDI
            if national_id.startswith("1") and not is_saudi:
                self.add_error("nationality", _("رقم الهوية الوطنية (يبدأ بـ 1) لمواطن سعودي؛ صحح الجنسية أو الرقم."))
            if national_id.startswith("2") and is_saudi:
                self.add_error("nationality", _("رقم الإقامة (يبدأ بـ 2) لغير السعودي؛ صحح الجنسية أو الرقم."))
        return data


class HouseholdMemberForm(forms.ModelForm):
    birth_date = DualDateField(label=_("تاريخ الميلاد"), required=False, max_today=True)
    national_id = NationalIdField(label=_("رقم الهوية / الإقامة"), required=False)

    class Meta:
        model = HouseholdMember
        fields = ["name", "relation", "birth_date", "national_id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relation"].choices = [("", _("اختر صلة القرابة"))] + list(HouseholdMember.Relation.choices)


class GuardianForm(forms.ModelForm):
    """«إضافة ولي أمر»: someone who may act for the beneficiary in the portal (actions.add_guardian)."""

    national_id = NationalIdField(label=_("رقم هوية ولي الأمر / إقامته"))
    mobile = SaudiMobileField(label=_("جوال ولي الأمر"), help_text=_("إليه تُرسل رموز دخوله إلى خدمات المستفيد."))

    class Meta:
        model = Guardian
        fields = ["name", "national_id", "mobile", "relation"]

    def __init__(self, *args, beneficiary=None, **kwargs):
        # Its own prefix: the household form on the same page has a `name` field too (ids must be unique).
        kwargs.setdefault("prefix", "guardian")
        super().__init__(*args, **kwargs)
        self.beneficiary = beneficiary
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        self.fields["relation"].choices = [("", _("اختر صلته بالمستفيد"))] + list(Guardian.Relation.choices)

    def clean_national_id(self):
        national_id = self.cleaned_data["national_id"]
        if self.beneficiary is not None and national_id == self.beneficiary.national_id:
            raise forms.ValidationError(_("هذا رقم هوية المستفيد نفسه؛ ولي الأمر شخص آخر."))
        if self.beneficiary is not None and self.beneficiary.guardians.filter(
                national_id=national_id, ended_at__isnull=True).exists():
            raise forms.ValidationError(_("صاحب هذه الهوية ولي أمر لهذا المستفيد من قبل."))
        return national_id

    def validate_unique(self):
        # The action refuses a duplicate active guardian itself (the form has no beneficiary field to check with).
        pass


class VerifyRegistrationForm(forms.Form):
    """The officer's check of a self-registration from the portal: the category (only staff set it) and the
    branch that serves them. Other corrections go through «تعديل البيانات» first."""

    category = forms.ModelChoiceField(label=_("الفئة"), queryset=Category.objects.none(),
                                      empty_label=_("اختر الفئة"))
    branch = forms.ModelChoiceField(label=_("المكتب الفرعي"), queryset=Branch.objects.none(), empty_label=None)

    def __init__(self, *args, user, beneficiary, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(active=True)
        self.fields["branch"].queryset = Branch.objects.all()
        self.fields["branch"].initial = beneficiary.branch_id
        if user.limited_to_branch:
            self.fields["branch"].queryset = Branch.objects.filter(pk=user.branch_id)
            self.fields["branch"].disabled = True


class RejectRegistrationForm(forms.Form):
    reason = forms.CharField(
        label=_("سبب الرفض"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("مثل: البيانات لا تطابق الهوية. يُحفظ في سجل التدقيق."),
    )
