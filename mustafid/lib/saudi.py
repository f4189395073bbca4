"""Saudi identifiers: national ID / iqama numbers, mobile numbers, regions.

A beneficiary is identified by the 10-digit number on their national ID
(citizens, starting with 1) or iqama (residents, starting with 2). A typo in
that number would split one family into two files, so it is checked with the
Luhn check digit it carries. Mobile numbers are stored in E.164 so the same
phone typed in five ways is one value.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import luhn

from mustafid.lib.arabic import to_ascii_digits

# Spaces and dash-like characters people put inside numbers.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u0640]")
# Mobile numbers additionally may have parentheses and dots: "(050) 123.4567".
_PHONE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u0640().]")

# The 13 administrative regions in the official order: (code, name_ar, name_en, capital_ar).
REGIONS = [
    ("riyadh", "الرياض", "Riyadh", "الرياض"),
    ("makkah", "مكة المكرمة", "Makkah", "مكة المكرمة"),
    ("madinah", "المدينة المنورة", "Madinah", "المدينة المنورة"),
    ("qassim", "القصيم", "Qassim", "بريدة"),
    ("eastern", "المنطقة الشرقية", "Eastern Province", "الدمام"),
    ("asir", "عسير", "Asir", "أبها"),
    ("tabuk", "تبوك", "Tabuk", "تبوك"),
    ("hail", "حائل", "Hail", "حائل"),
    ("northern_borders", "الحدود الشمالية", "Northern Borders", "عرعر"),
    ("jazan", "جازان", "Jazan", "جازان"),
    ("najran", "نجران", "Najran", "نجران"),
    ("al_baha", "الباحة", "Al-Baha", "الباحة"),
    ("al_jawf", "الجوف", "Al-Jawf", "سكاكا"),
]


def clean_national_id(value) -> str:
    """Return the 10-digit national ID / iqama number, or raise ValidationError.

    Spaces and dashes are dropped and Arabic-Indic digits converted. Each
    failure has its own code and message so staff know what to fix:
    "length", "first_digit", "checksum".
    """
    text = _SEPARATORS.sub("", to_ascii_digits("" if value is None else str(value)))
    if not re.fullmatch(r"[0-9]{10}", text):
        raise ValidationError(_("رقم الهوية يجب أن يتكون من 10 أرقام"), code="length")
    if text[0] not in "12":
        raise ValidationError(
            _("رقم الهوية يجب أن يبدأ بالرقم 1 للمواطن أو 2 للمقيم"), code="first_digit"
        )
    if not luhn.is_valid(text):
        raise ValidationError(
            _("رقم الهوية غير صحيح، تأكد من الأرقام كما هي في البطاقة"), code="checksum"
        )
    return text


def national_id_kind(nid: str) -> str:
    """Return "citizen" (ID starts with 1) or "resident" (iqama, starts with 2)."""
    return "citizen" if str(nid).startswith("1") else "resident"


def mask_national_id(nid: str) -> str:
    """Return "******1234": enough to recognise a file, not enough to misuse the ID."""
    if not nid:
        return ""
    return "******" + str(nid)[-4:]


def generate_national_id(first_digit: str = "1", seed: int = 0) -> str:
    """Return a valid, deterministic ID number built from `seed` (demo data, tests).

    The 8 digits after `first_digit` are `seed` scrambled by a multiplication
    that is a bijection modulo 10**8, so distinct seeds below 10**8 give
    distinct numbers; the 10th digit is the Luhn check digit.
    """
    first_digit = str(first_digit)
    if first_digit not in ("1", "2"):
        raise ValueError("first_digit must be '1' (citizen) or '2' (resident)")
    body = (int(seed) * 2654435761 + 12345678) % 10**8
    stem = f"{first_digit}{body:08d}"
    return stem + luhn.calc_check_digit(stem)


# A Saudi mobile as people usually type it (after the separators and 00/966 above): 05…, 5… or +9665…
_USUAL_MOBILE = re.compile(r"(?:\+966|0)?(5[0-9]{8})")
# phonenumbers' own pattern of Saudi mobiles (those ranges in use), read from its metadata.
_SAUDI_MOBILE = re.compile(phonenumbers.PhoneMetadata.metadata_for_region("SA").mobile.national_number_pattern)


def clean_mobile(value) -> str:
    """Return a Saudi mobile number in E.164 ("+9665XXXXXXXX"), or raise ValidationError.

    Accepts 05XXXXXXXX, 5XXXXXXXX, +9665XXXXXXXX, 009665XXXXXXXX and
    9665XXXXXXXX, with spaces, dashes, parentheses and Arabic-Indic digits.
    Landlines are refused: the number is used for SMS.
    """
    text = _PHONE_SEPARATORS.sub("", to_ascii_digits("" if value is None else str(value)))
    if text.startswith("00"):
        text = "+" + text[2:]
    elif text.startswith("966"):
        text = "+" + text
    usual = _USUAL_MOBILE.fullmatch(text)
    if usual and _SAUDI_MOBILE.fullmatch(usual.group(1)):
        # The usual case, answered by the same pattern phonenumbers checks (its Saudi mobile ranges), without
        # parsing: an import checks a mobile per row, and parsing was a tenth of its time.
        return "+966" + usual.group(1)
    invalid = ValidationError(
        _("رقم الجوال غير صحيح، اكتبه مثل 0501234567"), code="invalid"
    )
    if not re.fullmatch(r"\+?[0-9]{9,15}", text):
        raise invalid
    try:
        number = phonenumbers.parse(text, "SA")
    except phonenumbers.NumberParseException:
        raise invalid from None
    if number.country_code != 966 or not phonenumbers.is_valid_number(number):
        raise invalid
    if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        raise ValidationError(
            _("هذا ليس رقم جوال سعودي، اكتب رقمًا يبدأ بـ 05"), code="invalid"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_mobile_local(e164: str) -> str:
    """Return "+966501234567" as "050 123 4567", the way people read it.

    Anything that is not a Saudi mobile in E.164 is returned unchanged, so a
    display never fails on old or foreign data.
    """
    if not e164 or not re.fullmatch(r"\+9665[0-9]{8}", str(e164)):
        return e164 or ""
    local = "0" + str(e164)[4:]
    return f"{local[:3]} {local[3:6]} {local[6:]}"


def mask_mobile(e164: str) -> str:
    """Return "••• ••• 4567": the last four digits only, for lists and receipts."""
    digits = re.sub(r"[^0-9]", "", to_ascii_digits(str(e164 or "")))
    if not digits:
        return ""
    return "••• ••• " + digits[-4:]
