"""The answer form (built from a survey's questions), and the managers' forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mustafid.lib.forms import LocalizedIntegerField

from .actions import TEXT_MAX
from .models import Question, Survey, SurveySettings, Trigger

FACES = [
    (5, "😄", _("راضٍ جدًا")),
    (4, "🙂", _("راضٍ")),
    (3, "😐", _("محايد")),
    (2, "🙁", _("غير راضٍ")),
    (1, "😞", _("غير راضٍ أبدًا")),
]
YES_NO = [(1, _("نعم")), (0, _("لا"))]


def field_name(question):
    return f"q{question.pk}"


class SurveyForm(forms.Form):
    """One field per question asked, in order; each value checked against its kind's range."""

    wants_contact = forms.BooleanField(label=_("أرغب أن يتواصل معي أحد من الجمعية"), required=False)

    def __init__(self, survey, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(survey.questions.asked())
        for question in self.questions:
            self.fields[field_name(question)] = self._field(question)

    def _field(self, question):
        required, label = question.required, question.text
        messages = {"required": _("اختر إجابة لهذا السؤال."), "invalid_choice": _("اختر إحدى الإجابات المعروضة.")}
        if question.kind == Question.Kind.TEXT:
            return forms.CharField(label=label, required=required, max_length=TEXT_MAX, strip=True,
                                   widget=forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_MAX}),
                                   error_messages={"required": _("اكتب إجابتك."),
                                                   "max_length": _("الحد الأقصى %(limit_value)d حرفًا.")})
        if question.kind == Question.Kind.RATING:
            choices = [(str(value), label_) for value, _face, label_ in FACES]
        elif question.kind == Question.Kind.YES_NO:
            choices = [(str(value), label_) for value, label_ in YES_NO]
        elif question.kind == Question.Kind.NPS:
            choices = [(str(value), str(value)) for value in range(11)]
        else:
            choices = [(str(index), text) for index, text in enumerate(question.option_labels())]
        return forms.TypedChoiceField(label=label, required=required, choices=choices, coerce=int, empty_value=None,
                                      widget=forms.RadioSelect, error_messages=messages)

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str):
                data[name] = " ".join(value.split())[:TEXT_MAX]
        return data

    def values(self):
        """{question pk: number or text} of what was answered."""
        return {question.pk: self.cleaned_data.get(field_name(question)) for question in self.questions}

    def rows(self):
        """(question, bound field) in order, for the template."""
        return [(question, self[field_name(question)]) for question in self.questions]


# ---------------------------------------------------------------------------------------------------- managers

PERIODS = [("30", _("آخر 30 يومًا")), ("90", _("آخر 90 يومًا")), ("365", _("آخر سنة")), ("all", _("كل المدة"))]


class ResultsFilter(forms.Form):
    survey = forms.ModelChoiceField(label=_("الاستبيان"), queryset=Survey.objects.order_by("-active", "name"),
                                    required=False, empty_label=_("كل الاستبيانات"))
    period = forms.ChoiceField(label=_("المدة"), choices=PERIODS, required=False)


class SurveyFieldsForm(forms.Form):
    """The survey's own fields. Not a ModelForm: activating a survey switches off the one active before it
    (`actions.save_survey`), where the model's one-active constraint would refuse it."""

    FIELDS = ["name", "trigger", "active", "intro_ar", "intro_en"]
    name = forms.CharField(label=_("اسم الاستبيان"), max_length=120)
    trigger = forms.ChoiceField(label=_("يُرسل"), choices=Trigger.choices)
    active = forms.BooleanField(label=_("مفعل"), required=False)
    intro_ar = forms.CharField(label=_("مقدمة الاستبيان"), max_length=300, required=False)
    intro_en = forms.CharField(label=_("المقدمة بالإنجليزية"), max_length=300, required=False)

    @classmethod
    def initial_of(cls, survey):
        return {name: getattr(survey, name) for name in cls.FIELDS}


def _choices_text(question):
    return "\n".join(f"{item.get('ar', '')} | {item.get('en', '')}".rstrip(" |") for item in question.choices or [])


class QuestionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("نوع السؤال"), choices=Question.Kind.choices)
    text_ar = forms.CharField(label=_("نص السؤال"), max_length=200)
    text_en = forms.CharField(label=_("النص بالإنجليزية"), max_length=200, required=False)
    required = forms.BooleanField(label=_("إجابته مطلوبة"), required=False)
    role = forms.ChoiceField(label=_("دوره في النتائج"), choices=Question.Role.choices, required=False)
    choices = forms.CharField(label=_("الخيارات (خيار في كل سطر، والإنجليزية بعد |)"), required=False,
                              max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_choices(self):
        items = []
        for line in self.cleaned_data["choices"].splitlines():
            arabic, _bar, english = line.partition("|")
            if arabic.strip():
                items.append({"ar": arabic.strip()[:100], "en": english.strip()[:100]})
        return items

    def clean(self):
        data = super().clean()
        kind, role = data.get("kind"), data.get("role")
        if kind == Question.Kind.CHOICE and len(data.get("choices") or []) < 2:
            self.add_error("choices", _("أضف خيارين على الأقل، كل خيار في سطر."))
        if role == Question.Role.SATISFACTION and kind != Question.Kind.RATING:
            self.add_error("role", _("سؤال الرضا يكون تقييمًا من 1 إلى 5."))
        if role == Question.Role.RECOMMENDATION and kind != Question.Kind.NPS:
            self.add_error("role", _("سؤال التوصية يكون من 0 إلى 10."))
        return data

    @classmethod
    def initial_of(cls, question):
        return {"id": question.pk, "kind": question.kind, "text_ar": question.text_ar, "text_en": question.text_en,
                "required": question.required, "role": question.role, "choices": _choices_text(question)}


QuestionFormSet = forms.formset_factory(QuestionForm, extra=1, can_delete=True, max_num=20, validate_max=True)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = SurveySettings
        fields = ["expiry_days", "reminder_days", "anonymity_threshold", "follow_up_rating", "follow_up_days",
                  "after_contact", "after_decision"]
        field_classes = {name: LocalizedIntegerField for name in
                         ["expiry_days", "reminder_days", "anonymity_threshold", "follow_up_rating", "follow_up_days"]}

    def clean(self):
        data = super().clean()
        limits = {"expiry_days": (1, 90), "reminder_days": (0, 60), "anonymity_threshold": (1, 100),
                  "follow_up_rating": (1, 5), "follow_up_days": (1, 30)}
        for name, (low, high) in limits.items():
            value = data.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(name, _("أدخل عددًا من %(low)s إلى %(high)s.") % {"low": low, "high": high})
        if data.get("reminder_days") and data.get("expiry_days") and data["reminder_days"] >= data["expiry_days"]:
            self.add_error("reminder_days", _("يكون التذكير قبل انتهاء صلاحية الرابط."))
        return data


class FollowUpDoneForm(forms.Form):
    note = forms.CharField(label=_("ما تم في المتابعة"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("اكتب ما تم في المتابعة.")})

