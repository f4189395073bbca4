import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from mustafid.accounts.models import User
from mustafid.cases.models import InformationFrom, SupportType
from mustafid.lib.arabic import to_ascii_digits
from mustafid.lib.forms import DualDateField, LocalizedDecimalField, LocalizedIntegerField

from .models import AgendaItem, Decision, RejectionReason, VoteChoice, committee_members


class TimeField(forms.TimeField):
    """A time typed as 10:30 or ١٠:٣٠ (24-hour clock)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = to_ascii_digits(value).strip()
        return super().to_python(value)


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, member):
        return member.display_name

    def _check_values(self, value):
        # A key no database integer can hold is no member (SQLite would raise on it inside `pk__in`).
        for key in value:
            if not str(key).isascii() or not str(key).isdigit() or int(key) > 2**63 - 1:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                            params={"value": key})
        return super()._check_values(value)


class MeetingForm(forms.Form):
    date = DualDateField(label=_("تاريخ الاجتماع"))
    time = TimeField(label=_("الوقت"), help_text=_("بنظام 24 ساعة، مثال: 10:30"),
                     widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric", "placeholder": "10:30"}))
    place = forms.CharField(label=_("المكان"), max_length=200, required=False)
    link = forms.URLField(label=_("رابط الاجتماع عن بعد"), max_length=300, required=False, assume_scheme="https",
                          widget=forms.URLInput(attrs={"dir": "ltr"}))
    invited = MemberChoiceField(label=_("الأعضاء المدعوون"), queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invited"].queryset = committee_members().order_by("first_name", "pk")
        if not self.is_bound:
            self.initial.setdefault("invited", list(self.fields["invited"].queryset))

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("place") or data.get("link")):
            self.add_error("place", _("اكتب مكان الاجتماع أو رابطه عن بعد."))
        return data

    def starts_at(self):
        from django.utils import timezone

        naive = datetime.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        return timezone.make_aware(naive)


class AttendanceForm(forms.Form):
    present = MemberChoiceField(label=_("الحاضرون"), queryset=None, required=False,
                                widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        rows = list(meeting.attendance.select_related("member"))
        self.fields["present"].queryset = User.objects.filter(pk__in=[row.member_id for row in rows]).order_by(
            "first_name", "pk")
        if not self.is_bound:
            self.initial["present"] = [row.member_id for row in rows if row.present]


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("التصويت"), choices=VoteChoice.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("ملاحظة (اختيارية)"), max_length=500, required=False)

    def __init__(self, *args, case_pk=0, **kwargs):
        kwargs.setdefault("auto_id", f"id_vote{case_pk}_%s")
        super().__init__(*args, **kwargs)


class ConflictForm(forms.Form):
    note = forms.CharField(label=_("سبب تعارض المصالح (اختياري)"), max_length=300, required=False)

    def __init__(self, *args, case_pk=0, **kwargs):
        kwargs.setdefault("auto_id", f"id_conflict{case_pk}_%s")
        super().__init__(*args, **kwargs)


class GrantedSupportMixin(forms.Form):
    """The support an approval grants, and the reason a rejection gives."""

    reasons = forms.CharField(label=_("الأسباب"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000,
                              required=False)
    rejection_reason = forms.ModelChoiceField(label=_("سبب الرفض"), queryset=RejectionReason.objects.none(),
                                              required=False)
    support_type = forms.ModelChoiceField(label=_("نوع الدعم الممنوح"), queryset=SupportType.objects.none(),
                                          required=False)
    amount = LocalizedDecimalField(label=_("المبلغ (ريال)"), min_value=0.01, max_value=10_000_000, decimal_places=2,
                                   max_digits=10, required=False)
    quantity = LocalizedIntegerField(label=_("أو الكمية"), min_value=1, max_value=100_000, required=False)
    duration_months = LocalizedIntegerField(label=_("المدة (بالأشهر)"), min_value=1, max_value=120, required=False)
    starts_on = DualDateField(label=_("يبدأ من"), required=False)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rejection_reason"].queryset = RejectionReason.objects.filter(active=True)
        self.fields["support_type"].queryset = SupportType.objects.filter(active=True)
        if case is not None and not self.is_bound:
            self.initial.setdefault("support_type", case.support_type_id)

    def require_for(self, outcome, data):
        if outcome in ("approved", "rejected") and not (data.get("reasons") or "").strip():
            self.add_error("reasons", _("اكتب أسباب القرار."))
        if outcome == "rejected" and not data.get("rejection_reason"):
            self.add_error("rejection_reason", _("اختر سبب الرفض من القائمة."))
        if outcome == "approved":
            for name in ("support_type", "duration_months", "starts_on"):
                if data.get(name) in (None, ""):
                    self.add_error(name, _("هذا الحقل مطلوب عند القبول."))
            if data.get("amount") is None and data.get("quantity") is None:
                self.add_error("amount", _("اكتب المبلغ أو الكمية الممنوحة."))

    def granted(self):
        data = self.cleaned_data
        return {name: data.get(name) for name in ("reasons", "rejection_reason", "support_type", "amount", "quantity",
                                                  "duration_months", "starts_on")}


class OutcomeForm(GrantedSupportMixin):
    """The chair records a request's outcome at a meeting."""

    outcome = forms.ChoiceField(label=_("النتيجة"), choices=AgendaItem.Outcome.choices, widget=forms.RadioSelect)
    asked = forms.CharField(label=_("المعلومات المطلوبة (عند الإعادة)"), widget=forms.Textarea(attrs={"rows": 2}),
                            max_length=2000, required=False)
    of_whom = forms.ChoiceField(label=_("تُطلب من"), choices=InformationFrom.choices, initial=InformationFrom.APPLICANT,
                                required=False)

    field_order = ["outcome", "reasons", "support_type", "amount", "quantity", "duration_months", "starts_on",
                   "rejection_reason", "asked", "of_whom"]

    def __init__(self, *args, case=None, **kwargs):
        kwargs.setdefault("auto_id", f"id_outcome{case.pk if case else 0}_%s")
        super().__init__(*args, case=case, **kwargs)

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        self.require_for(outcome, data)
        if outcome == "returned":
            if not (data.get("asked") or "").strip():
                self.add_error("asked", _("اكتب المعلومات المطلوبة."))
            if not data.get("of_whom"):
                self.add_error("of_whom", _("اختر ممن تُطلب المعلومات."))
        return data


class CirculationDecisionForm(GrantedSupportMixin):
    """The chair records a decision by circulation."""

    outcome = forms.ChoiceField(label=_("القرار"), choices=Decision.Outcome.choices, widget=forms.RadioSelect)

    field_order = ["outcome", "reasons", "support_type", "amount", "quantity", "duration_months", "starts_on",
                   "rejection_reason"]

    def __init__(self, *args, case=None, **kwargs):
        kwargs.setdefault("auto_id", "id_circulation_%s")
        super().__init__(*args, case=case, **kwargs)

    def clean(self):
        data = super().clean()
        self.require_for(data.get("outcome"), data)
        return data
