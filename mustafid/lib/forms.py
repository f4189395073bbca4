"""Form fields for Saudi data typed on Arabic keyboards.

Each field accepts what staff naturally type (Arabic-Indic digits, spaces,
either calendar) and returns one canonical value, so views and models never
deal with input variants.
"""

import datetime
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mustafid.lib.arabic import to_ascii_digits
from mustafid.lib.hijri import parse_date
from mustafid.lib.saudi import clean_mobile, clean_national_id

# Characters that reorder or hide text on a page or in a PDF: the bidi embeddings and overrides
# (U+202A–U+202E), isolates (U+2066–U+2069) and marks (U+200E, U+200F, U+061C). A name typed with
# U+202E shows reversed; a file name "x\u202efdp.exe" reads "xexe.pdf".
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Line breaks and tabs are text; every other control character (NUL included) is not.
ALLOWED_CONTROLS = frozenset("\t\n\r")

# The range any date field accepts: older or later dates are typing mistakes (or probes).
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def validate_plain_text(value):
    """Refuse text holding bidi controls or control characters, with the character's code in the message.

    Run by every form's text fields (see `guard_text_fields()`).
    """
    if not isinstance(value, str):
        return
    for char in value:
        if char in BIDI_CONTROLS:
            raise ValidationError(
                _("النص يحتوي على محرف خفي يغيّر اتجاه الكتابة (U+%(code)04X)؛ احذفه وأعد كتابة النص."),
                code="bidi_control",
                params={"code": ord(char)},
            )
        if char not in ALLOWED_CONTROLS and unicodedata.category(char) in ("Cc", "Cs"):
            raise ValidationError(
                _("النص يحتوي على محرف تحكم غير مقبول (U+%(code)04X)؛ احذفه وأعد كتابة النص."),
                code="control_character",
                params={"code": ord(char)},
            )


def guard_text_fields():
    """Give every text field of every form (ours, the admin's, Django's) the plain-text check.

    `forms.CharField` underlies model forms' CharField and TextField, our
    NationalIdField and DualDateField, Django's sign-in and password forms. Its
    `validate()` is looked up on each clean, so the check reaches fields built
    before this runs (Django's own forms are built at import). Called once from
    `mustafid.lib.apps.LibConfig.ready()`, so no form can forget it.
    """
    if getattr(forms.CharField.validate, "checks_plain_text", False):
        return
    field_validate = forms.CharField.validate

    def validate(self, value):
        field_validate(self, value)
        validate_plain_text(value)

    validate.checks_plain_text = True
    forms.CharField.validate = validate


def _defaults_not_in(widget, attrs):
    """Keep only the attrs the widget does not set itself, so callers can override them."""
    return {key: value for key, value in attrs.items() if key not in widget.attrs}


class NationalIdField(forms.CharField):
    """A national ID / iqama number, returned as its 10 ASCII digits."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return clean_national_id(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # Numbers read left to right even on an RTL page; no autofill of IDs.
        attrs.update(
            _defaults_not_in(widget, {"dir": "ltr", "inputmode": "numeric", "autocomplete": "off"})
        )
        return attrs


class SaudiMobileField(forms.CharField):
    """A Saudi mobile number, returned in E.164 ("+9665XXXXXXXX")."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return clean_mobile(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(
            _defaults_not_in(widget, {"inputmode": "tel", "dir": "ltr", "autocomplete": "tel"})
        )
        return attrs


def _date_hint():
    """The date fields' help text, each example isolated left to right so the line reads in order in Arabic."""
    return format_html(
        gettext("اكتب التاريخ بالهجري أو بالميلادي، مثال: {hijri} أو {gregorian}"),
        hijri=format_html('<bdi dir="ltr">{}</bdi>', "1446/08/28"),
        gregorian=format_html('<bdi dir="ltr">{}</bdi>', "2025-02-27"),
    )


# Lazy (translated when shown) and safe (its <bdi> are ours; the examples are not user input).
DATE_HINT = lazy(_date_hint, SafeString)()


class DualDateField(forms.CharField):
    """A date typed in Hijri or Gregorian, returned as a Gregorian `datetime.date`.

    A text input rather than <input type="date">: the browser's picker is
    Gregorian only and Saudi documents show Hijri dates.
    `max_today=True` refuses future dates (birth dates, document issue dates).
    Dates before `min_date` or after `max_date` (1900 and 2100 by default) are refused
    with a message: they are typing mistakes, and outside what the calendars can show.
    As a date is typed, the page shows its reading in the other calendar (`dual_date` tells
    templates/django/forms/field.html to add the live region; static/js/forms.js fills it from
    the browser's Umm al-Qura calendar or from `/dates/convert`).
    """

    dual_date = True

    default_error_messages = {
        "future": _("لا يمكن أن يكون التاريخ في المستقبل"),
        "too_early": _("التاريخ قبل %(date)s غير مقبول؛ تحقق من السنة."),
        "too_late": _("التاريخ بعد %(date)s غير مقبول؛ تحقق من السنة."),
    }

    def __init__(self, *, max_today=False, min_date=EARLIEST_DATE, max_date=LATEST_DATE, **kwargs):
        self.max_today = max_today
        self.min_date = min_date
        self.max_date = max_date
        kwargs.setdefault("empty_value", None)
        kwargs.setdefault("help_text", DATE_HINT)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # inputmode "text", not "numeric": the numeric keypad has no "/".
        attrs.update(
            _defaults_not_in(
                widget,
                {
                    "dir": "ltr",
                    "inputmode": "text",
                    "placeholder": _("1446/08/28 أو 2025-02-27"),
                    "autocomplete": "off",
                    # For static/js/forms.js: where to convert a Hijri date, and how to word the reading.
                    "data-dual-date": reverse_lazy("convert_date"),
                    "data-reading-format": _("يوافق: %(date)s"),
                },
            )
        )
        return attrs

    def prepare_value(self, value):
        """Show a stored date as ISO "YYYY-MM-DD"; leave typed text as typed."""
        if hasattr(value, "isoformat") and hasattr(value, "year"):
            if hasattr(value, "hour"):  # a datetime
                value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
            return value.isoformat()
        return value

    def to_python(self, value):
        if hasattr(value, "year") and hasattr(value, "month"):
            return value.date() if hasattr(value, "hour") else value
        value = super().to_python(value)
        if value in self.empty_values:
            return self.empty_value
        try:
            return parse_date(value)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None

    def validate(self, value):
        super().validate(value)
        if not value:
            return
        if value < self.min_date:
            raise ValidationError(
                self.error_messages["too_early"], code="too_early", params={"date": self.min_date.isoformat()}
            )
        if value > self.max_date:
            raise ValidationError(
                self.error_messages["too_late"], code="too_late", params={"date": self.max_date.isoformat()}
            )
        if self.max_today and value > timezone.localdate():
            raise ValidationError(self.error_messages["future"], code="future")


class LocalizedIntegerField(forms.IntegerField):
    """An integer that may be typed with Arabic-Indic digits.

    Uses a text input: browsers empty an <input type="number"> holding
    Arabic-Indic digits before the form is even submitted.
    """

    widget = forms.TextInput

    def to_python(self, value):
        if isinstance(value, str):
            value = to_ascii_digits(value)
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(_defaults_not_in(widget, {"inputmode": "numeric", "dir": "ltr"}))
        return attrs


class LocalizedDecimalField(forms.DecimalField):
    """A decimal that may be typed with Arabic-Indic digits and the Arabic separator ٫."""

    widget = forms.TextInput

    def to_python(self, value):
        if isinstance(value, str):
            value = to_ascii_digits(value)
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(_defaults_not_in(widget, {"inputmode": "decimal", "dir": "ltr"}))
        return attrs


class ListedModelChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices read in one plain query. Django's reads them with `.iterator()`, which on PostgreSQL is a
    server-side cursor: DECLARE, FETCH, FETCH, CLOSE, four round trips for a list of five branches. A field
    given `kept` (a `lib.kept.Kept` of the same rows) shows the copy its process keeps, without a query."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        kept = getattr(self.field, "kept", None)
        for obj in kept.get() if kept is not None else self.queryset.all():
            yield self.choice(obj)


class ShortModelChoiceField(forms.ModelChoiceField):
    """A `ModelChoiceField` over a short table (branches, support types, staff): its options in one query, or
    none with `kept` — for a filter's options only: the option chosen is still checked against `queryset`."""

    iterator = ListedModelChoiceIterator

    def __init__(self, queryset, *, kept=None, **kwargs):
        self.kept = kept
        super().__init__(queryset, **kwargs)


def day_start(day):
    """Midnight at the start of `day` in the association's time zone (Riyadh)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def within_days(queryset, field, start=None, end=None):
    """Rows whose datetime `field` falls on the days `start` to `end` (both included, either may be None).

    A half-open range on the field itself, so the list's index on it serves the filter.
    """
    if start:
        queryset = queryset.filter(**{f"{field}__gte": day_start(start)})
    if end:
        queryset = queryset.filter(**{f"{field}__lt": day_start(end + datetime.timedelta(days=1))})
    return queryset


def refuse_reversed_range(form, data, start, end):
    """A date range filter's check, for a form's clean(): the end may not come before the start."""
    if data.get(start) and data.get(end) and data[start] > data[end]:
        form.add_error(end, gettext("تاريخ النهاية قبل تاريخ البداية."))
    return data
