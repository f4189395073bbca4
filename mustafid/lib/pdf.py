"""PDF rendering in one place: the printable request form today, letters and minutes next.

Templates are HTML rendered by WeasyPrint with the Arabic font shipped in
`static/vendor/`, so a PDF never depends on the fonts of the machine that
prints it. WeasyPrint is imported on first use: it loads Pango, which only
the PDF pages need.
"""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from mustafid.lib.errors import ActionRefused


def pdf_fonts():
    """file:// addresses of the shipped Arabic font, by weight, for the templates' @font-face rules."""
    fonts = {}
    for weight, name in (("regular", "Regular"), ("bold", "Bold")):
        found = finders.find(f"vendor/fonts/plex-arabic/IBMPlexSansArabic-{name}.ttf")
        if not found:
            raise ActionRefused(_("تعذر إنشاء ملف PDF: خط الطباعة غير موجود على الخادم؛ أبلغ مدير النظام."))
        fonts[weight] = Path(found).as_uri()
    return fonts


def render_pdf(template, context, request=None):
    """The bytes of a PDF made from `template` with `context` (and `fonts`, the shipped font).

    Refuses with a message for the screen when the PDF cannot be made; never a server error.
    """
    try:
        from weasyprint import HTML
    except (ImportError, OSError):
        raise ActionRefused(_("تعذر إنشاء ملف PDF على هذا الخادم؛ أبلغ مدير النظام.")) from None
    html = render_to_string(template, {**context, "fonts": pdf_fonts()}, request=request)
    try:
        return HTML(string=html).write_pdf()
    except (OSError, ValueError):
        raise ActionRefused(_("تعذر إنشاء ملف PDF؛ حاول مرة أخرى أو أبلغ مدير النظام.")) from None
