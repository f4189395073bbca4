"""Files people upload and files we serve: one set of checks for every screen.

The request page, the portal, letters and the staff library all take files
from people we cannot trust to send what the name says. A file is accepted
by its first bytes (never its name or the browser's word), within a size
limit, and an image only when its header declares a sane size: the pixels
are never decoded before the dimensions are known, so a 20 KB PNG claiming
13000×13000 pixels costs a header read, not a gigabyte.

Stored files are served as attachments with their sniffed type and
`nosniff`; only PNG and JPEG images may show inline (a signature, a logo).
"""

import base64
import binascii
import hashlib
import io
import os
import unicodedata
import warnings
import zipfile
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from mustafid.lib.errors import ActionRefused
from mustafid.lib.forms import BIDI_CONTROLS

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What a request document (or a paper declaration's scan) may be, by its first bytes.
ACCEPTED_DOCUMENT_TYPES = {
    b"%PDF-": PDF,
    b"\xff\xd8\xff": JPEG,
    b"\x89PNG\r\n\x1a\n": PNG,
}
IMAGE_TYPES = {JPEG, PNG}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", DOCX: ".docx", XLSX: ".xlsx"}

# A phone photo of an A4 page is about 4000×3000 (12 Mpx); a scan at 300 dpi 2480×3508.
DOCUMENT_MAX_SIDE = 6000
DOCUMENT_MAX_PIXELS = 24_000_000
# The signature pad is at most 480×180 CSS pixels, times the screen's pixel ratio (up to 4).
SIGNATURE_MAX_WIDTH, SIGNATURE_MAX_HEIGHT = 2000, 1000
SIGNATURE_MAX_BYTES = 512 * 1024

# Pillow's own guard, for any image decoded anywhere in the process (PDF rendering included):
# a warning above this many pixels, an error above twice as many. Our bounds above are tighter.
Image.MAX_IMAGE_PIXELS = DOCUMENT_MAX_PIXELS

def _max_mb():
    return settings.MAX_DOCUMENT_BYTES // (1024 * 1024)


def sniff_content_type(uploaded_file):
    """The file's real type from its first bytes (PDF, JPEG or PNG), or None."""
    position = uploaded_file.tell() if hasattr(uploaded_file, "tell") else 0
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    uploaded_file.seek(position)
    for magic, content_type in ACCEPTED_DOCUMENT_TYPES.items():
        if head.startswith(magic):
            return content_type
    return None


def sniff_office_type(uploaded_file):
    """DOCX or XLSX when the file is a ZIP holding a Word document or an Excel workbook, else None.

    Reads only the ZIP's table of contents: nothing is decompressed.
    """
    uploaded_file.seek(0)
    if uploaded_file.read(4) != b"PK\x03\x04":
        uploaded_file.seek(0)
        return None
    uploaded_file.seek(0)
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        names = set()
    uploaded_file.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


@contextmanager
def _pillow_guard():
    """Turn Pillow's decompression-bomb warning into an error we catch like the others."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


def check_image_size(image_file, *, max_width, max_height, max_pixels, too_big, unreadable):
    """Refuse an image whose header declares too many pixels, before decoding any of them.

    `Image.open` reads the header only (the size is known, the pixels are not);
    `too_big` and `unreadable` are the messages for the screen.
    """
    image_file.seek(0)
    try:
        with _pillow_guard():
            image = Image.open(image_file)
            width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ActionRefused(too_big) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ActionRefused(unreadable) from None
    finally:
        image_file.seek(0)
    if width < 1 or height < 1 or width > max_width or height > max_height or width * height > max_pixels:
        raise ActionRefused(too_big)
    return width, height


def sha256_of(uploaded_file):
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest()


def check_document(uploaded_file):
    """A document or a paper declaration's scan: PDF, JPEG or PNG, within the size and pixel limits.

    Returns `(content_type, sha256)`; raises `ActionRefused` with the reason otherwise.
    """
    if uploaded_file.size > settings.MAX_DOCUMENT_BYTES:
        raise ActionRefused(_("حجم الملف أكبر من المسموح (%(mb)s ميجابايت).") % {"mb": _max_mb()})
    content_type = sniff_content_type(uploaded_file)
    if content_type is None:
        raise ActionRefused(_("نوع الملف غير مقبول؛ المقبول: PDF أو صورة JPG أو PNG."))
    if content_type in IMAGE_TYPES:
        check_image_size(
            uploaded_file,
            max_width=DOCUMENT_MAX_SIDE,
            max_height=DOCUMENT_MAX_SIDE,
            max_pixels=DOCUMENT_MAX_PIXELS,
            too_big=_("أبعاد الصورة أكبر من المسموح (%(side)s×%(side)s نقطة)؛ صوّر المستند بدقة أقل أو أرسله PDF.")
            % {"side": DOCUMENT_MAX_SIDE},
            unreadable=_("تعذرت قراءة الصورة؛ الملف تالف أو ليس صورة JPG أو PNG."),
        )
    return content_type, sha256_of(uploaded_file)


def check_staff_tool(uploaded_file):
    """A staff-library file: PDF, Word (DOCX), Excel (XLSX) or a JPEG/PNG image. Returns its type.

    Raises `ValidationError` (the library is filled in the admin, whose forms show it under the field).
    """
    if uploaded_file.size > settings.MAX_DOCUMENT_BYTES:
        raise ValidationError(_("حجم الملف أكبر من المسموح (%(mb)s ميجابايت).") % {"mb": _max_mb()})
    content_type = sniff_content_type(uploaded_file) or sniff_office_type(uploaded_file)
    if content_type is None:
        raise ValidationError(_("نوع الملف غير مقبول؛ المقبول: PDF أو Word (docx) أو Excel (xlsx) أو صورة JPG أو PNG."))
    if content_type in IMAGE_TYPES:
        try:
            check_image_size(
                uploaded_file, max_width=DOCUMENT_MAX_SIDE, max_height=DOCUMENT_MAX_SIDE,
                max_pixels=DOCUMENT_MAX_PIXELS, too_big=_("أبعاد الصورة أكبر من المسموح."),
                unreadable=_("تعذرت قراءة الصورة؛ الملف تالف."),
            )
        except ActionRefused as refusal:
            raise ValidationError(refusal.message) from None
    return content_type


def check_logo(uploaded_file):
    """The association's logo: a PNG or JPEG image of sane dimensions. Raises `ValidationError` for the admin form."""
    if uploaded_file.size > settings.MAX_DOCUMENT_BYTES:
        raise ValidationError(_("حجم الملف أكبر من المسموح (%(mb)s ميجابايت).") % {"mb": _max_mb()})
    if sniff_content_type(uploaded_file) not in IMAGE_TYPES:
        raise ValidationError(_("الشعار صورة PNG أو JPG فقط."))
    try:
        check_image_size(
            uploaded_file, max_width=4000, max_height=4000, max_pixels=DOCUMENT_MAX_PIXELS,
            too_big=_("أبعاد الصورة أكبر من المسموح."), unreadable=_("تعذرت قراءة الصورة؛ الملف تالف."),
        )
    except ActionRefused as refusal:
        raise ValidationError(refusal.message) from None


def decode_signature(data_url):
    """PNG bytes from the signature pad's data URL; refuses anything else, an oversized image or an empty pad."""
    prefix = "data:image/png;base64,"
    if not data_url or not data_url.startswith(prefix):
        raise ActionRefused(_("وقّع المستفيد في مربع التوقيع أولًا."))
    if len(data_url) > SIGNATURE_MAX_BYTES * 4 // 3 + len(prefix) + 4:
        raise ActionRefused(_("ملف التوقيع أكبر من المسموح."))
    try:
        raw = base64.b64decode(data_url[len(prefix):], validate=True)
    except (binascii.Error, ValueError):
        raise ActionRefused(_("تعذر قراءة التوقيع؛ أعد التوقيع.")) from None
    if len(raw) > SIGNATURE_MAX_BYTES:
        raise ActionRefused(_("ملف التوقيع أكبر من المسموح."))
    if not raw.startswith(PNG_MAGIC):
        raise ActionRefused(_("تعذر قراءة التوقيع؛ أعد التوقيع."))
    stream = io.BytesIO(raw)
    check_image_size(
        stream,
        max_width=SIGNATURE_MAX_WIDTH,
        max_height=SIGNATURE_MAX_HEIGHT,
        max_pixels=SIGNATURE_MAX_WIDTH * SIGNATURE_MAX_HEIGHT,
        too_big=_("أبعاد صورة التوقيع أكبر من المسموح؛ أعد التوقيع في مربع التوقيع."),
        unreadable=_("تعذر قراءة التوقيع؛ أعد التوقيع."),
    )
    try:
        with _pillow_guard():
            image = Image.open(stream)
            image.load()
            # A blank pad is transparent (or all white): nothing was signed.
            signed = image.convert("RGBA").getchannel("A").getbbox() is not None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ActionRefused(_("تعذر قراءة التوقيع؛ أعد التوقيع.")) from None
    if not signed:
        raise ActionRefused(_("مربع التوقيع فارغ؛ اطلب من المستفيد التوقيع."))
    return raw


def clean_file_name(name, *, limit=200):
    """A file's name as people sent it, safe to store and show: no folders, no bidi or control characters.

    A name like "invoice\u202efdp.exe" shows as "invoiceexe.pdf" on screen; the override is removed.
    """
    name = os.path.basename(str(name or "").replace("\\", "/"))
    name = "".join(
        char for char in name
        if char not in BIDI_CONTROLS and unicodedata.category(char) not in ("Cc", "Cs")
    ).strip()
    if len(name) > limit:
        stem, dot, extension = name.rpartition(".")
        name = f"{stem[: limit - len(extension) - 1]}.{extension}" if dot and len(extension) < 10 else name[:limit]
    return name or "file"


@contextmanager
def removed_on_failure():
    """Delete the files written inside the block if the block fails: a file exists only if its row does.

    Use around an action's transaction::

        with removed_on_failure() as written, transaction.atomic():
            document.file.save(name, content, save=False)
            written.append(document.file)
            document.save()

    A file left by a crash between the write and the commit, or by an outer
    transaction rolled back later, is found by `manage.py orphan_files`.
    """
    written = []
    try:
        yield written
    except BaseException:
        for fieldfile in written:
            try:
                fieldfile.storage.delete(fieldfile.name)
            except OSError:
                pass
        raise


def sniff_stored(fieldfile):
    """The sniffed type of a stored file (PDF, JPEG, PNG, DOCX, XLSX), or None."""
    with fieldfile.open("rb") as stored:
        return sniff_content_type(stored) or sniff_office_type(stored)


def serve_file(fieldfile, *, filename, inline_images=False):
    """A stored file as an attachment with its sniffed type, `nosniff` and a sandbox policy.

    With `inline_images`, a file whose first bytes are PNG or JPEG is shown in
    the page instead (a signature, the logo); nothing else is ever inline, so
    an HTML or SVG file can never run as a page of ours.
    """
    try:
        content_type = sniff_stored(fieldfile)
    except FileNotFoundError:
        raise Http404 from None
    inline = inline_images and content_type in IMAGE_TYPES
    filename = clean_file_name(filename)
    if content_type and not filename.lower().endswith(EXTENSIONS[content_type]):
        if not (content_type == JPEG and filename.lower().endswith(".jpeg")):
            filename += EXTENSIONS[content_type]
    response = FileResponse(
        fieldfile.open("rb"),
        content_type=content_type or "application/octet-stream",
        as_attachment=not inline,
        filename=filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
