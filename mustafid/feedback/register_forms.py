"""The forms of the complaints register's staff pages (register_views.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mustafid.accounts.models import Role, User
from mustafid.association.models import Channel, current_policy
from mustafid.beneficiaries.models import Beneficiary
from mustafid.lib.forms import NationalIdField, SaudiMobileField

from .models import Feedback, FeedbackCategory
from .register import TEXT_MAX

BLANK = [("", _("الكل"))]


def staff_choices(queryset):
    return [(user.pk, user.display_name) for user in queryset.order_by("first_name", "last_name", "username")]


class RegisterFilter(forms.Form):
    """The list's filters (GET): each one an indexed condition or a small one on top of the page's index."""

    kind = forms.ChoiceField(label=_("النوع"), required=False, choices=BLANK + Feedback.Kind.choices)
    status = forms.ChoiceField(label=_("الحالة"), required=False, choices=BLANK + Feedback.Status.choices)
    category = forms.ModelChoiceField(label=_("التصنيف"), required=False, empty_label=_("الكل"),
                                      queryset=FeedbackCategory.objects.all())
    overdue = forms.BooleanField(label=_("المتأخرة فقط"), required=False)
    mine = forms.BooleanField(label=_("المسندة إليّ"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "status", "category"):
            self.fields[name].widget.attrs["class"] = "form-select"
        for name in ("overdue", "mine"):
            self.fields[name].widget.attrs["class"] = "form-check-input"


class LogFeedbackForm(forms.Form):
    """An item received by phone, letter or in person, logged by a staff member."""

    kind = forms.ChoiceField(label=_("النوع"), choices=Feedback.Kind.choices, widget=forms.RadioSelect)
    channel = forms.ChoiceField(label=_("قناة الورود"))
    category = forms.ModelChoiceField(label=_("التصنيف"), required=False, empty_label=_("دون تصنيف"),
                                      queryset=FeedbackCategory.objects.filter(active=True))
    text = forms.CharField(label=_("النص"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}))
    anonymous = forms.BooleanField(label=_("دون ذكر الاسم"), required=False,
                                   help_text=_("لا يُحفظ اسم المرسل ولا وسيلة التواصل معه، ولا يُرسل إليه الرد."))
    national_id = NationalIdField(label=_("هوية المستفيد (اختياري)"), required=False,
                                  help_text=_("إن كان المرسل مستفيدًا مسجلًا، يُرسل إليه الرد عبر قناته."))
    sender_name = forms.CharField(label=_("اسم المرسل"), max_length=120, required=False)
    sender_mobile = SaudiMobileField(label=_("جوال المرسل"), required=False)
    sender_email = forms.EmailField(label=_("بريد المرسل"), required=False)
    about_staff = forms.ModelChoiceField(
        label=_("الموظف المعني (إن كانت الشكوى عن موظف)"), required=False, empty_label=_("لا أحد"),
        queryset=User.objects.filter(is_active=True).order_by("first_name", "last_name", "username"),
        help_text=_("تصبح الشكوى سرية: يراها المدير والمراجع فقط، ولا يراها الموظف المعني أبدًا."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        policy = current_policy()
        enabled = set(policy.channels) if policy is not None else set()
        self.fields["channel"].choices = [(value, label) for value, label in Channel.choices if value in enabled]
        self.fields["about_staff"].label_from_instance = lambda staff: staff.display_name

    def clean(self):
        data = super().clean()
        number = data.get("national_id")
        data["beneficiary"] = None
        if number and not data.get("anonymous"):
            beneficiary = Beneficiary.objects.visible_to(self.user).filter(national_id=number).first()
            if beneficiary is None:
                self.add_error("national_id", _("لا يوجد مستفيد بهذه الهوية تراه؛ اتركها فارغة واكتب اسم المرسل."))
            data["beneficiary"] = beneficiary
        return data


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(label=_("إسناد إلى"), coerce=int)

    def __init__(self, *args, feedback, **kwargs):
        super().__init__(*args, **kwargs)
        roles = [Role.MANAGER] if feedback.confidential else [Role.OFFICER, Role.BRANCH_REP, Role.MANAGER]
        people = User.objects.filter(is_active=True, roles__in=roles).exclude(pk=feedback.about_staff_id).distinct()
        self.fields["assignee"].choices = [("", _("اختر موظفًا"))] + staff_choices(people)

    def clean_assignee(self):
        return User.objects.get(pk=self.cleaned_data["assignee"])


class AnswerForm(forms.Form):
    response = forms.CharField(label=_("الرد على المرسل"), max_length=TEXT_MAX,
                               widget=forms.Textarea(attrs={"rows": 4}))


class CloseForm(forms.Form):
    sender_rating = forms.TypedChoiceField(
        label=_("تقييم المرسل للمعالجة إن قاله (اختياري)"), required=False, coerce=int, empty_value=None,
        choices=[("", _("لم يُقيّم بعد — تُرسل إليه رسالة التقييم"))] + [(n, str(n)) for n in range(5, 0, -1)])


class AppealForm(forms.Form):
    reason = forms.CharField(label=_("سبب طلب المراجعة"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("ملاحظة داخلية"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("لا تُرسل إلى المرسل."))


class RateForm(forms.Form):
    """The sender's page: a rating 1–5 and, if they want, a second look with its reason."""

    rating = forms.TypedChoiceField(label=_("ما تقييمك لمعالجة رسالتك؟"), coerce=int, widget=forms.RadioSelect,
                                    choices=[(n, str(n)) for n in range(5, 0, -1)],
                                    error_messages={"required": _("اختر تقييمًا من ١ إلى ٥.")})
    appeal_reason = forms.CharField(label=_("أطلب مراجعة ثانية، للسبب الآتي (اختياري)"), max_length=2000,
                                    required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CategoryForm(forms.ModelForm):
    class Meta:
        model = FeedbackCategory
        fields = ["name_ar", "name_en", "response_days", "active"]

    def clean_response_days(self):
        days = self.cleaned_data["response_days"]
        if not 1 <= days <= 60:
            raise forms.ValidationError(_("مدة الرد من يوم عمل واحد إلى ٦٠ يومًا."))
        return days
