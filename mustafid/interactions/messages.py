"""The messages staff may send one beneficiary by hand («إرسال رسالة»), each from a template.

One folder per message under `interactions/messages/` (ar.txt, en.txt), registered with the outbox's
catalogue in `InteractionsConfig.ready()`, so the manager rewords them in «نصوص الرسائل» like the
request's messages. Each message names the fields staff fill in (`fields`) and how the typed values
become the template's variables in the beneficiary's language (`context`); the association's name
is filled in by the system.
"""

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from mustafid.association.models import Association
from mustafid.association.models import Channel as ContactChannel
from mustafid.lib.arabic import to_ascii_digits
from mustafid.lib.forms import DualDateField
from mustafid.lib.hijri import format_gregorian, format_hijri_or_gregorian
from mustafid.notifications import catalogue, transports
from mustafid.notifications.catalogue import MessageKind
from mustafid.notifications.models import Channel as MessageChannel

FOLDER = Path(__file__).resolve().parent / "messages"

# The policy's channel a message goes out on, for the contact it is recorded as: an SMS is a phone
# contact (الاتصالات الهاتفية), WhatsApp a social-media one (وسائل التواصل الاجتماعي), an e-mail a
# letter (الخطابات).
CONTACT_CHANNEL = {
    MessageChannel.SMS: ContactChannel.PHONE,
    MessageChannel.WHATSAPP: ContactChannel.SOCIAL_MEDIA,
    MessageChannel.EMAIL: ContactChannel.LETTER,
}

# «10:30», «١٠:٣٠ م», «4 مساءً», «16:00», «9:15 am».
TIME_PATTERN = re.compile(r"^(\d{1,2})(?:[:.٫](\d{2}))?\s*(ص|صباحا|صباحًا|م|مساء|مساءً|am|pm|a\.m\.|p\.m\.)?$", re.I)
MORNING = {"ص", "صباحا", "صباحًا", "am", "a.m."}


class TimeOfDayField(forms.CharField):
    """A time of day as staff type it (Arabic-Indic digits, ص/م or 24 hours), returned as `datetime.time`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("مثال: 10:30 ص أو 16:00"))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "dir": "auto", "inputmode": "text", "autocomplete": "off",
                "maxlength": "20"}

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        match = len(value) <= 20 and TIME_PATTERN.match(to_ascii_digits(value).strip().lower())
        if not match:
            raise ValidationError(_("تعذرت قراءة الوقت؛ اكتبه مثل 10:30 ص أو 16:00."), code="invalid")
        hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
        if half:
            if not 1 <= hour <= 12:
                raise ValidationError(_("الساعة مع «ص» أو «م» من 1 إلى 12."), code="invalid")
            hour = hour % 12 + (0 if half in MORNING else 12)
        if hour > 23 or minute > 59:
            raise ValidationError(_("تعذرت قراءة الوقت؛ اكتبه مثل 10:30 ص أو 16:00."), code="invalid")
        return datetime.time(hour, minute)


def format_time(value, language):
    """«10:30 ص» / «4:00 م» in Arabic, «10:30 AM» in English."""
    hour = value.hour % 12 or 12
    if language == "en":
        return f"{hour}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'}"
    return f"{hour}:{value.minute:02d} {'ص' if value.hour < 12 else 'م'}"


class AppointmentDateField(DualDateField):
    """An appointment's day: today or later."""

    def validate(self, value):
        super().validate(value)
        if value and value < timezone.localdate():
            raise ValidationError(_("تاريخ الموعد مضى؛ اكتب تاريخ اليوم أو بعده."), code="past")


def _list_of(text, language):
    """Lines (or items separated by commas) as one phrase: «أ، ب، ج» / "a, b, c"."""
    items = [item.strip(" -•*\t") for item in re.split(r"[\n،,]+", text)]
    return ("، " if language == "ar" else ", ").join(item for item in items if item)


@dataclass(frozen=True)
class StaffMessage:
    kind: MessageKind
    # name -> a function returning a new form field (a new one per form).
    fields: dict
    # (cleaned form values, language) -> the template's variables, but the association's name.
    context: Callable


def _kind(key, label, **variables):
    return MessageKind(key, label, folder=FOLDER / key,
                       variables={"association": _("اسم الجمعية"), **variables})


def _association_phone():
    association = Association.objects.current()
    return association.phone if association else ""


STAFF_MESSAGES = {
    message.kind.key: message
    for message in [
        StaffMessage(
            _kind("appointment_reminder", _("تذكير بموعد"), date_hijri=_("تاريخ الموعد (هجري)"),
                  date_gregorian=_("تاريخ الموعد (ميلادي)"), time=_("الوقت"), place=_("المكان")),
            fields={
                "date": lambda: AppointmentDateField(label=_("تاريخ الموعد")),
                "time": lambda: TimeOfDayField(label=_("الوقت")),
                "place": lambda: forms.CharField(label=_("المكان"), max_length=100,
                                                 initial=_("مقر الجمعية")),
            },
            context=lambda data, language: {
                "date_hijri": format_hijri_or_gregorian(data["date"], language),
                "date_gregorian": format_gregorian(data["date"], language),
                "time": format_time(data["time"], language),
                "place": data["place"],
            },
        ),
        StaffMessage(
            _kind("documents_requested", _("طلب مستندات"), documents=_("المستندات المطلوبة")),
            fields={
                "documents": lambda: forms.CharField(
                    label=_("المستندات المطلوبة"), max_length=400, widget=forms.Textarea(attrs={"rows": 3}),
                    help_text=_("مستند في كل سطر."),
                ),
            },
            context=lambda data, language: {"documents": _list_of(data["documents"], language)},
        ),
        StaffMessage(
            _kind("please_contact_us", _("نرجو التواصل معنا"), phone=_("رقم التواصل")),
            fields={
                "phone": lambda: forms.CharField(
                    label=_("رقم التواصل"), max_length=20, initial=_association_phone,
                    widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel"}),
                ),
            },
            context=lambda data, language: {"phone": to_ascii_digits(data["phone"]).strip()},
        ),
    ]
}


# The association's answer to a contact sent in writing (`actions.answer_interaction`), sent by the system when an
# officer answers, never chosen by hand: to a beneficiary, a notice that the answer waits in the portal (its text
# stays there); to a sender of the public form, who has no portal, the answer itself.
ANSWER_NOTICE = MessageKind(
    "contact_answer_notice", _("إشعار بالرد على رسالة"), folder=FOLDER / "contact_answer_notice",
    variables={"association": _("اسم الجمعية"), "number": _("رقم المراجعة")},
)
ANSWER_TEXT = MessageKind(
    "contact_answer", _("الرد على رسالة من الموقع"), folder=FOLDER / "contact_answer",
    variables={"association": _("اسم الجمعية"), "number": _("رقم المراجعة"), "answer": _("نص الرد")},
)


def register():
    for message in STAFF_MESSAGES.values():
        catalogue.register(message.kind)
    catalogue.register(ANSWER_NOTICE)
    catalogue.register(ANSWER_TEXT)


def context_for(message, data, language):
    """Every variable of `message` as text in `language`, from the staff member's cleaned values."""
    with translation.override(language):
        association = Association.objects.current()
        values = {"association": association.short_name if association else "", **message.context(data, language)}
        return {name: str(value) for name, value in values.items()}


def reachable_channels(recipient):
    """The channels this beneficiary can be reached on now: an address on their record and a transport on."""
    return [
        channel for channel in MessageChannel.values
        if recipient.address(channel) and transports.channel_enabled(channel)
    ]
