"""Form fields accept what staff type and return one canonical value."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django import forms
from django.test import SimpleTestCase
from django.utils import timezone

from mustafid.lib.forms import (
    DualDateField,
    LocalizedDecimalField,
    LocalizedIntegerField,
    NationalIdField,
    SaudiMobileField,
)


class PersonForm(forms.Form):
    national_id = NationalIdField()
    mobile = SaudiMobileField(required=False)
    birth_date = DualDateField(max_today=True)
    visit_date = DualDateField(required=False)
    children = LocalizedIntegerField(required=False, min_value=0)
    income = LocalizedDecimalField(required=False, max_digits=10, decimal_places=2)


def form(**data):
    defaults = {"national_id": "1012345672", "birth_date": "1990-01-01"}
    return PersonForm(data={**defaults, **data})


class NationalIdFieldTests(SimpleTestCase):
    def test_valid_id_with_arabic_digits_is_cleaned_to_ascii(self):
        f = form(national_id="١٠١٢٣٤٥٦٧٢")
        self.assertTrue(f.is_valid(), f.errors)
        self.assertEqual(f.cleaned_data["national_id"], "1012345672")

    def test_wrong_checksum_is_reported_with_its_code(self):
        f = form(national_id="1012345673")
        self.assertFalse(f.is_valid())
        self.assertTrue(f.has_error("national_id", code="checksum"))

    def test_missing_id_is_required(self):
        f = form(national_id="")
        self.assertTrue(f.has_error("national_id", code="required"))


class SaudiMobileFieldTests(SimpleTestCase):
    def test_mobile_is_cleaned_to_e164(self):
        f = form(mobile="٠٥٠ ١٢٣ ٤٥٦٧")
        self.assertTrue(f.is_valid(), f.errors)
        self.assertEqual(f.cleaned_data["mobile"], "+966501234567")

    def test_landline_is_refused(self):
        f = form(mobile="0114567890")
        self.assertTrue(f.has_error("mobile", code="invalid"))

    def test_optional_empty_mobile_is_an_empty_string(self):
        f = form(mobile="")
        self.assertTrue(f.is_valid(), f.errors)
        self.assertEqual(f.cleaned_data["mobile"], "")

    def test_widget_is_a_left_to_right_phone_input(self):
        attrs = SaudiMobileField().widget.attrs
        self.assertEqual(attrs["inputmode"], "tel")
        self.assertEqual(attrs["dir"], "ltr")
        self.assertEqual(attrs["autocomplete"], "tel")


class DualDateFieldTests(SimpleTestCase):
    def test_hijri_input_is_cleaned_to_a_gregorian_date(self):
        f = form(visit_date="1446/08/28 هـ")
        self.assertTrue(f.is_valid(), f.errors)
        self.assertEqual(f.cleaned_data["visit_date"], date(2025, 2, 27))

    def test_gregorian_input_is_cleaned_to_a_date(self):
        f = form(visit_date="27/02/2025")
        self.assertTrue(f.is_valid(), f.errors)
        self.assertEqual(f.cleaned_data["visit_date"], date(2025, 2, 27))

    def test_unreadable_date_is_refused_with_the_parser_message(self):
        f = form(visit_date="30/02/2025")
        self.assertTrue(f.has_error("visit_date", code="invalid"))
        self.assertIn("غير موجود", f.errors["visit_date"][0])

    def test_optional_empty_date_is_none(self):
        f = form(visit_date="")
        self.assertTrue(f.is_valid(), f.errors)
        self.assertIsNone(f.cleaned_data["visit_date"])

    def test_future_date_is_refused_when_max_today(self):
        f = form(birth_date="2070-01-01")
        self.assertTrue(f.has_error("birth_date", code="future"))

    def test_today_is_accepted_when_max_today(self):
        f = form(birth_date=timezone.localdate().isoformat())
        self.assertTrue(f.is_valid(), f.errors)

    def test_future_date_is_accepted_without_max_today(self):
        tomorrow = timezone.localdate() + timedelta(days=1)
        self.assertEqual(DualDateField().clean(tomorrow.isoformat()), tomorrow)

    def test_a_date_is_shown_as_iso(self):
        field = DualDateField()
        self.assertEqual(field.prepare_value(date(2025, 2, 27)), "2025-02-27")
        self.assertEqual(field.prepare_value(datetime(2025, 2, 27, 9, 30)), "2025-02-27")
        self.assertEqual(field.prepare_value("1446/08/28"), "1446/08/28")

    def test_initial_date_renders_as_iso_in_the_input(self):
        html = str(PersonForm(initial={"visit_date": date(2025, 2, 27)})["visit_date"])
        self.assertIn('value="2025-02-27"', html)

    def test_widget_is_a_left_to_right_text_input_with_a_dual_placeholder(self):
        field = DualDateField()
        self.assertIsInstance(field.widget, forms.TextInput)
        self.assertEqual(field.widget.attrs["dir"], "ltr")
        self.assertEqual(field.widget.attrs["inputmode"], "text")
        self.assertEqual(str(field.widget.attrs["placeholder"]), "1446/08/28 أو 2025-02-27")
        self.assertIn("بالهجري", str(field.help_text))

    def test_explicit_widget_attrs_win_over_defaults(self):
        field = DualDateField(widget=forms.TextInput(attrs={"placeholder": "x"}))
        self.assertEqual(field.widget.attrs["placeholder"], "x")

    def test_unchanged_initial_date_is_not_reported_as_changed(self):
        field = DualDateField()
        self.assertFalse(field.has_changed(date(2025, 2, 27), "1446/08/28"))
        self.assertTrue(field.has_changed(date(2025, 2, 27), "2025-02-28"))


class LocalizedNumberFieldTests(SimpleTestCase):
    def test_integer_accepts_arabic_indic_digits(self):
        f = form(children="٣")
        self.assertTrue(f.is_valid(), f.errors)
        self.assertEqual(f.cleaned_data["children"], 3)

    def test_integer_still_applies_its_limits(self):
        f = form(children="-١")
        self.assertTrue(f.has_error("children", code="min_value"))

    def test_integer_refuses_words(self):
        self.assertTrue(form(children="three").has_error("children", code="invalid"))

    def test_decimal_accepts_arabic_digits_and_separators(self):
        f = form(income="٣٬٥٠٠٫٧٥")
        self.assertTrue(f.is_valid(), f.errors)
        self.assertEqual(f.cleaned_data["income"], Decimal("3500.75"))

    def test_decimal_accepts_ascii_digits(self):
        self.assertEqual(LocalizedDecimalField().clean("12.5"), Decimal("12.5"))

    def test_number_widgets_are_text_inputs_with_a_numeric_keyboard(self):
        self.assertEqual(LocalizedIntegerField().widget.attrs["inputmode"], "numeric")
        self.assertEqual(LocalizedDecimalField().widget.attrs["inputmode"], "decimal")
        self.assertEqual(LocalizedIntegerField().widget.input_type, "text")


class DateForm(forms.Form):
    when = DualDateField()


class DateRangeTests(SimpleTestCase):
    """Any date field refuses dates before 1900 or after 2100 with a message, never a server error."""

    def test_a_year_after_2100_is_refused(self):
        form = DateForm({"when": "2101-01-01"})
        self.assertFalse(form.is_valid())
        self.assertIn("2100-12-31", form.errors["when"][0])

    def test_a_year_before_1900_is_refused(self):
        form = DateForm({"when": "1700-01-01"})
        self.assertFalse(form.is_valid())
        self.assertIn("1900-01-01", form.errors["when"][0])

    def test_a_date_beyond_the_hijri_table_is_still_a_date(self):
        # The Umm al-Qura table ends in 2077; a passport may expire later.
        form = DateForm({"when": "2080-05-01"})
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["when"], date(2080, 5, 1))

    def test_the_bounds_can_be_narrowed(self):
        field = DualDateField(min_date=date(2000, 1, 1))
        with self.assertRaises(forms.ValidationError):
            field.clean("1999-12-31")

    def test_odd_years_are_refused_cleanly(self):
        for typed in ("9999-12-31", "0001-01-01", "1501/01/01", "1342/01/01", "31/12/9999", "٩٩٩٩-١٢-٣١"):
            with self.subTest(typed=typed):
                form = DateForm({"when": typed})
                self.assertFalse(form.is_valid())


class PlainTextTests(SimpleTestCase):
    """Every text field of every form refuses characters that reorder or hide text."""

    class NameForm(forms.Form):
        name = forms.CharField()
        note = forms.CharField(widget=forms.Textarea, required=False)

    def test_a_right_to_left_override_in_a_name_is_refused_with_its_code(self):
        for char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c":
            with self.subTest(code=f"U+{ord(char):04X}"):
                form = self.NameForm({"name": f"محمد{char}الأحمدي"})
                self.assertFalse(form.is_valid())
                self.assertIn(f"U+{ord(char):04X}", form.errors["name"][0])
                self.assertIn("اتجاه الكتابة", form.errors["name"][0])

    def test_nul_and_other_control_characters_are_refused(self):
        for text in ("a\x00b", "a\x1bb", "a\x7fb"):
            with self.subTest(text=repr(text)):
                self.assertFalse(self.NameForm({"name": text}).is_valid())

    def test_ordinary_arabic_text_with_lines_and_joiners_is_accepted(self):
        form = self.NameForm({"name": "عبدالله بن سعيد", "note": "سطر أول\r\nسطر\tثانٍ\u200cمع فاصل"})
        self.assertTrue(form.is_valid(), form.errors)

    def test_our_own_fields_and_model_form_fields_are_guarded_too(self):
        from django.contrib.auth.forms import AuthenticationForm

        self.assertFalse(PersonForm({"national_id": "\u202e1000000008", "mobile": "0551234567"}).is_valid())
        form = AuthenticationForm(data={"username": "officer\u202e", "password": "x"})
        self.assertFalse(form.is_valid())
