"""The manager's form for one frequently asked question (`faq.py` holds the actions)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import faq


class FaqEntryForm(forms.Form):
    """A question and its answer in Arabic, and optionally in English (both or neither). NUL, control and bidi
    characters are refused by every text field (lib/forms.py `guard_text_fields`); lengths by `max_length`."""

    question_ar = forms.CharField(label=_("السؤال"), max_length=faq.QUESTION_MAX)
    answer_ar = forms.CharField(label=_("الإجابة"), max_length=faq.ANSWER_MAX,
                                widget=forms.Textarea(attrs={"rows": 5}))
    question_en = forms.CharField(label=_("السؤال بالإنجليزية"), max_length=faq.QUESTION_MAX, required=False,
                                  widget=forms.TextInput(attrs={"lang": "en", "dir": "ltr"}))
    answer_en = forms.CharField(label=_("الإجابة بالإنجليزية"), max_length=faq.ANSWER_MAX, required=False,
                                widget=forms.Textarea(attrs={"rows": 5, "lang": "en", "dir": "ltr"}),
                                help_text=_("تظهر لمن يختار الإنجليزية؛ إن تُركت فارغة ظهر لهم السؤال بالعربية."))

    def clean(self):
        data = super().clean()
        if "question_en" in data and "answer_en" in data and bool(data["question_en"].strip()) != bool(
                data["answer_en"].strip()):
            missing = "answer_en" if data["question_en"].strip() else "question_en"
            self.add_error(missing, _("اكتب السؤال والإجابة بالإنجليزية معًا، أو اتركهما فارغين."))
        return data


class NewFaqEntryForm(FaqEntryForm):
    published = forms.BooleanField(label=_("منشور في صفحة الأسئلة الشائعة"), required=False, initial=True)
