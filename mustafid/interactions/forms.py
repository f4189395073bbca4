from django import forms
from django.utils.translation import gettext_lazy as _

from mustafid.lib.forms import DualDateField, SaudiMobileField, refuse_reversed_range

from .models import ANSWER_MAX, Interaction


class InteractionForm(forms.Form):
    channel = forms.ChoiceField(label=_("قناة التواصل"))
    direction = forms.ChoiceField(
        label=_("الاتجاه"), choices=Interaction.Direction.choices, initial=Interaction.Direction.INCOMING,
        widget=forms.RadioSelect,
    )
    kind = forms.ChoiceField(label=_("نوع التواصل"), choices=Interaction.Kind.choices)
    summary = forms.CharField(label=_("الموضوع"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    outcome = forms.CharField(
        label=_("ما تم (الإجابة أو الإجراء)"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
        max_length=4000,
    )
    contact_name = forms.CharField(label=_("اسم المتواصل"), required=False, max_length=120)
    contact_mobile = SaudiMobileField(label=_("جوال المتواصل"), required=False)

    def __init__(self, *args, policy, beneficiary=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.beneficiary = beneficiary
        self.fields["channel"].choices = [("", _("اختر القناة"))] + policy.channel_choices
        if beneficiary is not None:
            del self.fields["contact_name"], self.fields["contact_mobile"]


class ContactFilterForm(forms.Form):
    """The contacts list's filters (GET: nothing personal). Sorts by time either way, both read from
    `contact_occurred_idx` (or the channel's, branch's or staff member's index) forwards or backwards."""

    SORTS = {"new": ("-occurred_at", "-pk"), "old": ("occurred_at", "pk")}

    channel = forms.ChoiceField(label=_("القناة"), required=False)
    kind = forms.ChoiceField(label=_("النوع"), required=False,
                             choices=[("", _("الكل")), *Interaction.Kind.choices])
    occurred_from = DualDateField(label=_("من تاريخ"), required=False)
    occurred_to = DualDateField(label=_("إلى تاريخ"), required=False)
    sort = forms.ChoiceField(label=_("الترتيب"), required=False,
                             choices=[("new", _("الأحدث أولًا")), ("old", _("الأقدم أولًا"))])
    # «بانتظار الرد»: the written contacts from the website not answered yet (`contact_awaiting_answer_idx`).
    reply = forms.ChoiceField(label=_("الرد"), required=False,
                              choices=[("", _("الكل")), ("waiting", _("بانتظار الرد"))])

    def __init__(self, *args, channels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [("", _("الكل")), *channels]

    def clean(self):
        return refuse_reversed_range(self, super().clean(), "occurred_from", "occurred_to")

    def valid_filters(self):
        """The filters understood; a mistyped one is left out, its message shown on the form."""
        self.is_valid()
        return {name: value for name, value in getattr(self, "cleaned_data", {}).items()
                if name not in self.errors and value not in (None, "")}


class SendMessageForm(forms.Form):
    """«إرسال رسالة»: one of the staff messages to one beneficiary, its variables filled in, over a channel
    they can be reached on (`messages.reachable_channels`)."""

    channel = forms.ChoiceField(label=_("القناة"), widget=forms.RadioSelect)

    def __init__(self, *args, message, channels, **kwargs):
        super().__init__(*args, **kwargs)
        self.message = message
        self.fields["channel"].choices = channels
        for name, make_field in message.fields.items():
            self.fields[name] = make_field()

    def variable_fields(self):
        return [self[name] for name in self.message.fields]


class ContactAnswerForm(forms.Form):
    """«الرد» on a written contact (`actions.answer_interaction`): sent to its sender."""

    answer = forms.CharField(
        label=_("الرد"), widget=forms.Textarea(attrs={"rows": 4}), max_length=ANSWER_MAX,
        help_text=_("يصل المستفيدَ إشعار بالرد ويقرؤه في خدمات المستفيد؛ ويصل نص الرد كاملًا برسالة نصية لمن أرسل "
                    "من الموقع دون حساب. لا تكتب فيه ما لا يصح أن يقرأه غيره."),
    )
