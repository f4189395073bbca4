"""Saudi national ID / iqama numbers, mobiles and regions."""

import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from stdnum import luhn

from mustafid.lib.saudi import (
    REGIONS,
    clean_mobile,
    clean_national_id,
    format_mobile_local,
    generate_national_id,
    mask_mobile,
    mask_national_id,
    national_id_kind,
)


def with_check_digit(stem):
    return stem + luhn.calc_check_digit(stem)


def error_code(value, cleaner=clean_national_id):
    with pytest.raises(ValidationError) as error:
        cleaner(value)
    return error.value.code


@pytest.mark.parametrize("stem", ["101234567", "109876543", "212345678", "255555555"])
def test_ids_with_a_correct_check_digit_are_accepted(stem):
    nid = with_check_digit(stem)
    assert clean_national_id(nid) == nid


def test_a_known_valid_citizen_id_is_accepted():
    # 1012345672: stem 101234567 + Luhn check digit 2, checked by hand with stdnum.
    assert clean_national_id("1012345672") == "1012345672"


def test_id_with_spaces_dashes_and_arabic_digits_is_cleaned():
    assert clean_national_id(" ١٠١ ٢٣٤-٥٦٧٢ ") == "1012345672"


def test_short_id_is_refused_for_length():
    assert error_code("101234567") == "length"


def test_long_id_is_refused_for_length():
    assert error_code("10123456720") == "length"


def test_id_with_letters_is_refused_for_length():
    assert error_code("10123456a2") == "length"


def test_empty_id_is_refused_for_length():
    assert error_code("") == "length"
    assert error_code(None) == "length"


def test_id_not_starting_with_1_or_2_is_refused_for_first_digit():
    assert error_code(with_check_digit("301234567")) == "first_digit"


def test_id_with_a_wrong_check_digit_is_refused_for_checksum():
    assert error_code("1012345673") == "checksum"


def test_error_messages_are_arabic():
    with pytest.raises(ValidationError) as error:
        clean_national_id("123")
    assert str(error.value.messages[0]) == "رقم الهوية يجب أن يتكون من 10 أرقام"


def test_id_kind_tells_citizens_from_residents():
    assert national_id_kind("1012345672") == "citizen"
    assert national_id_kind("2123456788") == "resident"


def test_masked_id_shows_only_the_last_four_digits():
    assert mask_national_id("1012345672") == "******5672"
    assert mask_national_id("") == ""


@pytest.mark.parametrize("seed", [0, 1, 42, 999_999, 10**7 + 3])
@pytest.mark.parametrize("first_digit", ["1", "2"])
def test_generated_ids_are_valid(first_digit, seed):
    nid = generate_national_id(first_digit, seed)
    assert clean_national_id(nid) == nid
    assert nid[0] == first_digit


def test_generated_ids_are_deterministic_and_distinct():
    assert generate_national_id(seed=7) == generate_national_id("1", 7)
    ids = {generate_national_id("2", seed) for seed in range(1000)}
    assert len(ids) == 1000


def test_generating_with_another_first_digit_is_refused():
    with pytest.raises(ValueError):
        generate_national_id("3", 1)


@pytest.mark.parametrize(
    "text",
    [
        "0501234567",
        "501234567",
        "+966501234567",
        "00966501234567",
        "966501234567",
        "050 123 4567",
        "050-123-4567",
        "(050) 123 4567",
        "+966 50 123 4567",
        "٠٥٠١٢٣٤٥٦٧",
        "+٩٦٦٥٠١٢٣٤٥٦٧",
    ],
)
def test_every_accepted_mobile_format_gives_e164(text):
    assert clean_mobile(text) == "+966501234567"


def test_other_mobile_operators_prefixes_are_accepted():
    assert clean_mobile("0551234567") == "+966551234567"
    assert clean_mobile("0591234567") == "+966591234567"


def test_landline_is_refused_as_not_a_mobile():
    assert error_code("011 4567890", clean_mobile) == "invalid"
    with pytest.raises(ValidationError, match="ليس رقم جوال"):
        clean_mobile("011 4567890")


@pytest.mark.parametrize(
    "text", ["", "05012345", "050123456789", "12345", "abc", "+201001234567", "05o1234567"]
)
def test_short_long_foreign_or_garbled_mobiles_are_refused(text):
    assert error_code(text, clean_mobile) == "invalid"


def test_mobile_is_formatted_the_local_way():
    assert format_mobile_local("+966501234567") == "050 123 4567"


def test_formatting_leaves_unknown_values_unchanged():
    assert format_mobile_local("+201001234567") == "+201001234567"
    assert format_mobile_local("") == ""


def test_masked_mobile_shows_only_the_last_four_digits():
    assert mask_mobile("+966501234567") == "••• ••• 4567"
    assert mask_mobile("") == ""


def test_regions_are_the_thirteen_in_official_order():
    codes = [region[0] for region in REGIONS]
    assert codes == [
        "riyadh",
        "makkah",
        "madinah",
        "qassim",
        "eastern",
        "asir",
        "tabuk",
        "hail",
        "northern_borders",
        "jazan",
        "najran",
        "al_baha",
        "al_jawf",
    ]
    assert all(len(region) == 4 for region in REGIONS)
    assert REGIONS[0][1] == "الرياض"
    assert REGIONS[4][1] == "المنطقة الشرقية"


def _by_phonenumbers(text):
    """What phonenumbers itself says of a typed Saudi number: its E.164 if a Saudi mobile, else None."""
    try:
        number = phonenumbers.parse(text, "SA")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 966 or not phonenumbers.is_valid_number(number) \
            or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def test_the_quick_reading_of_a_usual_mobile_agrees_with_phonenumbers_on_every_range():
    # clean_mobile answers 05…, 5… and +9665… from phonenumbers' pattern without parsing: for every range of
    # four digits (5000… to 5999…), in each form, with a length one short and one long, it must say the same.
    checked = 0
    for prefix in range(5000, 6000):
        for rest in ("00000", "12345", "99999"):
            national = f"{prefix}{rest}"
            for text in (f"0{national}", national, f"+966{national}", f"00966{national}", f"0{national}1",
                         f"0{national[:-1]}"):
                expected = _by_phonenumbers(text)
                try:
                    got = clean_mobile(text)
                except ValidationError:
                    got = None
                assert got == expected, text
                checked += 1
    assert checked == 18_000
