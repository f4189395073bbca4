"""PDF rendering in one place: the shipped font, and a clear refusal instead of a server error."""

import pytest

from mustafid.lib import pdf
from mustafid.lib.errors import ActionRefused


def test_the_fonts_are_the_shipped_arabic_font():
    fonts = pdf.pdf_fonts()
    assert set(fonts) == {"regular", "bold"}
    assert all(url.startswith("file://") and "IBMPlexSansArabic" in url for url in fonts.values())


def test_a_missing_font_is_a_clear_refusal(monkeypatch):
    monkeypatch.setattr(pdf.finders, "find", lambda path: None)
    with pytest.raises(ActionRefused, match="خط الطباعة"):
        pdf.pdf_fonts()


def test_a_failing_renderer_is_a_clear_refusal(monkeypatch):
    import weasyprint

    class Broken:
        def __init__(self, **kwargs):
            pass

        def write_pdf(self):
            raise OSError("pango is gone")

    monkeypatch.setattr(weasyprint, "HTML", Broken)
    with pytest.raises(ActionRefused, match="تعذر إنشاء ملف PDF"):
        pdf.render_pdf("cases/declaration_form_pdf.html", {})
