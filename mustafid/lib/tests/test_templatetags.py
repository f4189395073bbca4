"""Template filters, available in every template without {% load %}."""

from datetime import date, datetime, timezone as dt_timezone

from django.template import engines
from django.test import SimpleTestCase
from django.utils.translation import override

FEB_27 = date(2025, 2, 27)


def render(source, **context):
    return engines["django"].from_string(source).render(context)


class DateFilterTests(SimpleTestCase):
    def test_hijri_in_arabic(self):
        with override("ar"):
            self.assertEqual(render("{{ d|hijri }}", d=FEB_27), "28 شعبان 1446 هـ")

    def test_hijri_in_english(self):
        with override("en"):
            self.assertEqual(render("{{ d|hijri }}", d=FEB_27), "28 Sha&#x27;ban 1446 AH")

    def test_greg_in_arabic(self):
        with override("ar"):
            self.assertEqual(render("{{ d|greg }}", d=FEB_27), "27 فبراير 2025 م")

    def test_greg_in_english(self):
        with override("en"):
            self.assertEqual(render("{{ d|greg }}", d=FEB_27), "27 February 2025")

    def test_aware_datetime_is_shown_as_the_riyadh_date(self):
        # 22:00 UTC on the 26th is 01:00 on the 27th in Riyadh (UTC+3).
        moment = datetime(2025, 2, 26, 22, 0, tzinfo=dt_timezone.utc)
        with override("ar"):
            self.assertEqual(render("{{ d|greg }}", d=moment), "27 فبراير 2025 م")
            self.assertEqual(render("{{ d|hijri }}", d=moment), "28 شعبان 1446 هـ")

    def test_naive_datetime_uses_its_own_date(self):
        with override("en"):
            self.assertEqual(render("{{ d|greg }}", d=datetime(2025, 2, 27, 23, 0)), "27 February 2025")

    def test_dual_date_in_arabic(self):
        with override("ar"):
            self.assertEqual(
                render("{{ d|dual_date }}", d=FEB_27),
                '<time datetime="2025-02-27" class="dual-date"><span class="greg">27 فبراير 2025 م</span>'
                ' <span class="hijri">(28 شعبان 1446 هـ)</span></time>',
            )

    def test_dual_date_in_english(self):
        with override("en"):
            self.assertEqual(
                render("{{ d|dual_date }}", d=FEB_27),
                '<time datetime="2025-02-27" class="dual-date"><span class="greg">27 February 2025</span>'
                ' <span class="hijri">(28 Sha&#x27;ban 1446 AH)</span></time>',
            )

    def test_dual_date_outside_the_hijri_table_shows_only_gregorian(self):
        with override("en"):
            self.assertEqual(
                render("{{ d|dual_date }}", d=date(1900, 1, 1)),
                '<time datetime="1900-01-01" class="dual-date"><span class="greg">1 January 1900</span></time>',
            )

    def test_missing_dates_render_as_nothing(self):
        self.assertEqual(render("{{ d|dual_date }}|{{ d|hijri }}|{{ d|greg }}", d=None), "||")
        self.assertEqual(render("{{ d|dual_date }}", d=""), "")


class PhoneAndIdFilterTests(SimpleTestCase):
    def test_mobile_is_shown_locally_and_isolated_left_to_right(self):
        self.assertEqual(
            render("{{ p|mobile }}", p="+966501234567"), '<bdi dir="ltr">050 123 4567</bdi>'
        )

    def test_unknown_mobile_value_is_escaped(self):
        self.assertEqual(
            render("{{ p|mobile }}", p="<b>1</b>"), '<bdi dir="ltr">&lt;b&gt;1&lt;/b&gt;</bdi>'
        )

    def test_missing_mobile_renders_as_nothing(self):
        self.assertEqual(render("{{ p|mobile }}{{ p|mask_mobile }}{{ p|mask_id }}", p=None), "")

    def test_masked_id_shows_the_last_four_digits(self):
        self.assertIn("******5672", render("{{ n|mask_id }}", n="1012345672"))
        self.assertNotIn("101234", render("{{ n|mask_id }}", n="1012345672"))

    def test_masked_mobile_shows_the_last_four_digits(self):
        self.assertEqual(
            render("{{ p|mask_mobile }}", p="+966501234567"), '<bdi dir="ltr">••• ••• 4567</bdi>'
        )


class ClockFilterTests(SimpleTestCase):
    def test_the_time_is_shown_in_riyadh_as_django_shows_it(self):
        # 22:05:09 UTC is 01:05:09 the next day in Riyadh.
        moment = datetime(2025, 2, 26, 22, 5, 9, tzinfo=dt_timezone.utc)
        self.assertEqual(render("{{ t|clock }}", t=moment), render('{{ t|time:"H:i" }}', t=moment))
        self.assertEqual(render("{{ t|clock }}", t=moment), "01:05")
        self.assertEqual(render('{{ t|clock:"seconds" }}', t=moment), render('{{ t|time:"H:i:s" }}', t=moment))
        self.assertEqual(render('{{ t|clock:"seconds" }}', t=moment), "01:05:09")

    def test_no_time_renders_as_nothing(self):
        self.assertEqual(render("{{ t|clock }}{{ t|clock:'seconds' }}", t=None), "")


class RowLinkTests(SimpleTestCase):
    def test_a_row_link_is_the_link_the_url_tag_gives(self):
        for name, pk in [("cases:detail", 7), ("beneficiaries:detail", 12345), ("research:refer_interaction", 1)]:
            self.assertEqual(render("{% url_pk name pk %}", name=name, pk=pk),
                             render("{% url name pk %}", name=name, pk=pk))

    def test_a_link_without_arguments_is_the_one_reverse_gives_and_keeps_the_script_prefix(self):
        from django.urls import get_script_prefix, reverse, set_script_prefix

        from mustafid.lib.templatetags.mustafid import url_of

        self.assertEqual(url_of("beneficiaries:new"), reverse("beneficiaries:new"))
        before = get_script_prefix()
        set_script_prefix("/mustafid/")
        try:
            self.assertEqual(url_of("beneficiaries:new"), reverse("beneficiaries:new"))
            self.assertTrue(url_of("beneficiaries:new").startswith("/mustafid/"))
        finally:
            set_script_prefix(before)

    def test_shorten_gives_what_truncatechars_gives(self):
        from django.template.defaultfilters import truncatechars

        from mustafid.lib.templatetags.mustafid import shorten

        long_text = "طلب مساعدة في سداد إيجار المنزل " * 5
        marked = "مُسَاعَدَةٌ " * 12  # diacritics: combining marks, not counted as characters
        decomposed = "e\u0301" * 20  # NFC makes each pair one character
        for text in ["", "سؤال قصير", long_text, long_text[:90], long_text[:91], marked, decomposed, "<b>&</b>" * 20]:
            self.assertEqual(shorten(text, 90), truncatechars(text, 90), text)

    def test_the_script_prefix_is_kept(self):
        from django.urls import get_script_prefix, set_script_prefix

        before = get_script_prefix()
        set_script_prefix("/mustafid/")
        try:
            self.assertEqual(render("{% url_pk 'cases:detail' 3 %}"), "/mustafid/cases/3/")
        finally:
            set_script_prefix(before)
