"""Form fields for Saudi data typed on Arabic keyboards.

Each field accepts what staff naturally type (Arabic-Indic digits, spaces,
either calendar) and returns one canonical value, so views and models never
deal with input variants.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mustafid.lib.arabic import to_ascii_digits
from mustafid.lib.hijri import parse_date
from mustafid.lib.saudi import clean_mobile, clean_national_id


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


class DualDateField(forms.CharField):
    """A date typed in Hijri or Gregorian, returned as a Gregorian `datetime.date`.

    A text input rather than <input type="date">: the browser's picker is
    Gregorian only and Saudi documents show Hijri dates.
    `max_today=True` refuses future dates (birth dates, document issue dates).
    """

    default_error_messages = {
        "future": _("لا يمكن أن يكون التاريخ في المستقبل"),
    }

    def __init__(self, *, max_today=False, **kwargs):
        self.max_today = max_today
        kwargs.setdefault("empty_value", None)
        kwargs.setdefault(
            "help_text", _("اكتب التاريخ بالهجري أو بالميلادي، مثل 1446/08/28 أو 2025-02-27")
        )
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
        if self.max_today and value and value > timezone.localdate():
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
