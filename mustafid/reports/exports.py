"""Excel and CSV files of the lists and the indicators (docs/reports.md «التصدير»).

One writer for both: `columns` are (header, kind) — kind "text", "number" or "date" — and `rows` an iterable
of lists in that order, read lazily (`.iterator()` for a query), at most `MAX_ROWS` of them.

* Excel: a write-only workbook (rows go to disk as they come), its sheets right to left, Arabic headers in
  bold, numbers as numbers, each date a real date cell followed by its Hijri reading as text.
* CSV: UTF-8 with a byte-order mark, so Excel opens the Arabic as Arabic; dates as YYYY-MM-DD plus the Hijri.
* Text cells are guarded against formula injection (`_csv_safe` of the beneficiary import) in both.
* Past `MAX_ROWS` the file says so in its last line: narrow the filters.
"""

import csv
import datetime
import io
import tempfile
from decimal import Decimal

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mustafid.beneficiaries.importing import _csv_safe
from mustafid.lib.hijri import format_hijri_or_gregorian

MAX_ROWS = 100_000
FORMATS = ("xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def wanted_format(request):
    """"xlsx" or "csv" when the request asks for an export (`?export=`), else ""."""
    value = request.GET.get("export", "")
    return value if value in FORMATS else ""


def _text(value):
    if value is None:
        return ""
    return _csv_safe(str(value).replace("\x00", ""))


def _day(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _hijri(value):
    return format_hijri_or_gregorian(value, get_language() or "ar") if value else ""


def _headers(columns):
    headers = []
    for header, kind in columns:
        headers.append(str(header))
        if kind == "date":
            headers.append(f"{header} ({_('هجري')})")
    return headers


def _cells(columns, row, *, for_csv):
    cells = []
    for (header, kind), value in zip(columns, row):
        if kind == "date":
            day = _day(value)
            cells.append((day.isoformat() if day else "") if for_csv else day)
            cells.append(_hijri(day))
        elif kind == "number":
            if value is None:
                cells.append("")
            elif for_csv:
                cells.append(str(value))
            else:
                cells.append(float(value) if isinstance(value, Decimal) else value)
        else:
            cells.append(_text(value))
    return cells


class Sheet:
    """One table of a file: a title, optional lines above its header (filters, a definition), columns, rows."""

    def __init__(self, title, columns, rows, notes=()):
        self.title, self.columns, self.rows, self.notes = str(title), columns, rows, [str(n) for n in notes]


def _capped(rows, counter):
    for n, row in enumerate(rows):
        if n >= MAX_ROWS:
            counter["capped"] = True
            return
        counter["rows"] += 1
        yield row


def _cap_note():
    return _("توقف الملف عند %(n)s صف؛ ضيّق عوامل التصفية لتصدير الباقي.") % {"n": f"{MAX_ROWS:,}"}


def write_xlsx(sheets, counter):
    import openpyxl  # only exports need it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    used = set()
    for sheet in sheets:
        title = "".join(ch for ch in sheet.title if ch not in "[]:*?/\\")[:31] or "Sheet"
        while title in used:
            title = f"{title[:28]}-{len(used)}"
        used.add(title)
        worksheet = workbook.create_sheet(title=title)
        worksheet.sheet_view.rightToLeft = True
        for note in sheet.notes:
            worksheet.append([_text(note)])
        header = []
        for text in _headers(sheet.columns):
            cell = WriteOnlyCell(worksheet, value=text)
            cell.font = bold
            header.append(cell)
        worksheet.append(header)
        for row in _capped(sheet.rows, counter):
            cells = []
            for value in _cells(sheet.columns, row, for_csv=False):
                cell = WriteOnlyCell(worksheet, value=value)
                if isinstance(value, datetime.date):
                    cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            worksheet.append(cells)
        if counter.get("capped"):
            worksheet.append([_cap_note()])
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    workbook.save(spool)
    spool.seek(0)
    return spool


def write_csv(sheets, counter):
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for position, sheet in enumerate(sheets):
        if position:
            writer.writerow([])
        if len(sheets) > 1:
            writer.writerow([_text(sheet.title)])
        for note in sheet.notes:
            writer.writerow([_text(note)])
        writer.writerow(_headers(sheet.columns))
        for row in _capped(sheet.rows, counter):
            writer.writerow(_cells(sheet.columns, row, for_csv=True))
        if counter.get("capped"):
            writer.writerow([_cap_note()])
    return out.getvalue().encode("utf-8")


def export_response(fmt, name, sheets):
    """The file of `sheets` as a download, and what was written: {"rows": n, "capped": bool}."""
    counter = {"rows": 0, "capped": False}
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{name}-{stamp}.{fmt}"
    if fmt == "xlsx":
        response = FileResponse(write_xlsx(sheets, counter), as_attachment=True, filename=filename,
                                content_type=XLSX_TYPE)
    else:
        response = HttpResponse(write_csv(sheets, counter), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response, counter
