"""Arabic digits and name normalisation."""

from hypothesis import given
from hypothesis import strategies as st

from mustafid.lib.arabic import name_tokens, normalize, search_key, to_ascii_digits


def test_arabic_indic_digits_become_ascii():
    assert to_ascii_digits("٠١٢٣٤٥٦٧٨٩") == "0123456789"


def test_persian_digits_become_ascii():
    assert to_ascii_digits("۰۱۲۳۴۵۶۷۸۹") == "0123456789"


def test_arabic_decimal_separator_becomes_a_dot():
    assert to_ascii_digits("١٢٫٥") == "12.5"


def test_arabic_thousands_separator_is_removed():
    assert to_ascii_digits("١٬٢٥٠") == "1250"


def test_text_other_than_digits_is_kept():
    assert to_ascii_digits("رقم 5 abc") == "رقم 5 abc"


def test_normalize_converts_digits():
    assert normalize("ملف ١٢٣") == "ملف 123"


def test_tashkeel_is_removed():
    assert normalize("مُحَمَّدٌ") == "محمد"


def test_superscript_alef_and_quranic_marks_are_removed():
    assert normalize("رحمٰن") == "رحمن"
    assert normalize("الله\u0610\u06d6") == "الله"


def test_tatweel_is_removed():
    assert normalize("محـــمد") == "محمد"


def test_hamza_forms_of_alef_compare_equal():
    assert normalize("أحمد") == normalize("احمد") == normalize("إحمد") == normalize("آحمد")
    assert normalize("ٱحمد") == "احمد"


def test_taa_marbuta_compares_equal_to_haa():
    assert normalize("فاطمة") == normalize("فاطمه") == "فاطمه"


def test_alef_maqsura_compares_equal_to_yaa():
    assert normalize("مصطفى") == normalize("مصطفي") == "مصطفي"


def test_waw_with_hamza_compares_equal_to_waw():
    assert normalize("مؤمن") == "مومن"


def test_yaa_with_hamza_compares_equal_to_yaa():
    assert normalize("هائل") == "هايل"


def test_latin_letters_are_lowercased():
    assert normalize("Mohammed AL-Otaibi") == "mohammed al-otaibi"


def test_whitespace_is_collapsed_and_stripped():
    assert normalize("  سارة \t\n  علي  ") == "ساره علي"


def test_abd_allah_with_and_without_space_compare_equal():
    assert normalize("عبد الله") == normalize("عبدالله") == "عبدالله"


def test_abd_compounds_join_after_hamza_normalisation():
    assert normalize("عبد الإله") == normalize("عبدالاله") == "عبدالاله"
    assert normalize("عبدُ الرحمن") == "عبدالرحمن"


def test_abd_joins_only_as_a_whole_word():
    assert normalize("سعبد الله") == "سعبد الله"
    assert normalize("عبد محمد") == "عبد محمد"


def test_abd_joins_in_the_middle_of_a_full_name():
    assert normalize("خالد عبد العزيز السبيعي") == "خالد عبدالعزيز السبيعي"


@given(st.text())
def test_normalize_is_idempotent(text):
    assert normalize(normalize(text)) == normalize(text)


@given(st.text(alphabet="عبد ال أإآٱةىؤئ\u064b\u0640 ١2abC\t"))
def test_normalize_is_idempotent_on_arabic_heavy_text(text):
    assert normalize(normalize(text)) == normalize(text)


def test_search_key_joins_non_empty_parts():
    assert search_key("فاطمة", "", "محمد", None, "الزهراني") == "فاطمه محمد الزهراني"


def test_search_key_of_split_abd_allah_matches_the_joined_spelling():
    assert search_key("عبد", "الله") == search_key("عبدالله")


def test_search_key_of_nothing_is_empty():
    assert search_key() == ""
    assert search_key("", "  ") == ""


def test_name_tokens_keep_abd_allah_as_one_token():
    assert name_tokens(" عبد الله  أحمد ") == ["عبدالله", "احمد"]


def test_name_tokens_of_blank_query_are_empty():
    assert name_tokens("   ") == []
