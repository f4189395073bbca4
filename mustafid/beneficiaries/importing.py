"""Bulk import of beneficiaries from an association's spreadsheet (.xlsx or .csv).

Associations arrive with years of beneficiaries in Excel. This module reads the file
(`read_table`), recognises its columns from Arabic or English headers (`detect_mapping`),
checks every row with the registration form's own field rules (`RowChecker`) and writes
the good rows in batches (`import_beneficiaries`, the action). The management command
`import_beneficiaries` and the managers' page (`import_views.py`) are thin layers over it.

Guarantees:

* Each batch (1,000 rows by default) is one transaction: the beneficiaries and their audit
  rows are written together or not at all. A killed import leaves whole batches only.
* A national ID already in the registry is skipped and reported as «مسجل من قبل», so running
  the same file again imports nothing twice and resumes an interrupted import.
* Every rejected row keeps its original columns and gets its reasons, in Arabic, for the
  rejected-rows file (`write_rejected_csv`).

The audit trail: one `BENEFICIARY_CREATED` row per created beneficiary (targeted at it, so its
history starts with its import), whose data names the file, the line and the batch instead of
copying the values (they are on the record; later changes are audited with old and new values).
"""

import collections
import csv
import datetime
import io
import multiprocessing
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mustafid.accounts.models import Role, User
from mustafid.association.models import Branch, Region
from mustafid.audit.actors import as_actor
from mustafid.audit.context import client_ip
from mustafid.audit.models import AuditEvent, EventType
from mustafid.lib import arabic, bulk
from mustafid.lib.errors import ActionRefused
from mustafid.lib.uploads import ACCEPTED_DOCUMENT_TYPES

from .forms import SAUDI, BeneficiaryForm
from .models import Beneficiary, Category, Gender
from .search import index_names

# The columns we read, in the order of the documented contract; `nationality` is optional and extra.
FIELDS = [
    "first_name", "father_name", "grandfather_name", "family_name", "national_id", "phone", "birth_date",
    "gender", "region", "city", "category", "branch", "nationality",
]
REQUIRED_FIELDS = [
    "first_name", "father_name", "grandfather_name", "family_name", "national_id", "phone", "birth_date",
    "gender", "region", "city", "category",
]
FIELD_LABELS = {
    "first_name": gettext_lazy("الاسم الأول"),
    "father_name": gettext_lazy("اسم الأب"),
    "grandfather_name": gettext_lazy("اسم الجد"),
    "family_name": gettext_lazy("اسم العائلة"),
    "national_id": gettext_lazy("رقم الهوية / الإقامة"),
    "phone": gettext_lazy("رقم الجوال"),
    "birth_date": gettext_lazy("تاريخ الميلاد"),
    "gender": gettext_lazy("الجنس"),
    "region": gettext_lazy("المنطقة"),
    "city": gettext_lazy("المدينة"),
    "category": gettext_lazy("الفئة"),
    "branch": gettext_lazy("المكتب"),
    "nationality": gettext_lazy("الجنسية"),
}

# Headers people give these columns, in Arabic and English; compared after `header_key`.
HEADER_ALIASES = {
    "first_name": ["first_name", "first name", "first", "given name", "الاسم الأول", "الاسم الاول", "الإسم الأول",
                   "الاسم الأول للمستفيد"],
    "father_name": ["father_name", "father name", "father's name", "fathers name", "second name", "اسم الأب",
                    "اسم الاب", "الأب"],
    "grandfather_name": ["grandfather_name", "grandfather name", "grandfather's name", "third name", "اسم الجد",
                         "الجد"],
    "family_name": ["family_name", "family name", "last name", "surname", "اسم العائلة", "العائلة", "اللقب",
                    "الاسم الأخير"],
    "national_id": ["national_id", "national id", "id", "id number", "national id number", "iqama", "iqama number",
                    "national id / iqama", "nid", "رقم الهوية", "رقم الهوية/الإقامة", "رقم الهوية / الإقامة",
                    "رقم الهوية الوطنية", "رقم الهوية الوطنية / الإقامة", "رقم الإقامة", "الهوية", "الهوية/الإقامة",
                    "السجل المدني", "رقم السجل المدني"],
    "phone": ["phone", "mobile", "mobile number", "phone number", "cell", "cell phone", "الجوال", "رقم الجوال",
              "جوال", "الهاتف", "رقم الهاتف", "الموبايل", "رقم الموبايل", "الهاتف الجوال"],
    "birth_date": ["birth_date", "birth date", "date of birth", "dob", "birthdate", "birthday", "تاريخ الميلاد",
                   "الميلاد", "تاريخ الولادة"],
    "gender": ["gender", "sex", "الجنس", "النوع"],
    "region": ["region", "province", "المنطقة", "منطقة", "المنطقة الإدارية"],
    "city": ["city", "town", "المدينة", "مدينة", "المدينة / المحافظة", "المحافظة"],
    "category": ["category", "group", "beneficiary category", "الفئة", "فئة المستفيد", "الفئة المستفيدة", "الفئه"],
    "branch": ["branch", "office", "branch office", "المكتب", "الفرع", "المكتب الفرعي", "المكتب/الفرع"],
    "nationality": ["nationality", "الجنسية"],
}

# Region spellings beyond the table's own names and codes (code -> more names).
REGION_ALIASES = {
    "makkah": ["mecca", "makkah al mukarramah", "مكة", "منطقة مكة المكرمة"],
    "madinah": ["medina", "al madinah", "al madinah al munawwarah", "المدينة"],
    "eastern": ["eastern", "eastern region", "ash sharqiyah", "الشرقية", "المنطقة الشرقية"],
    "asir": ["aseer", "assir"],
    "jazan": ["jizan", "gizan", "جيزان"],
    "hail": ["ha'il", "hael"],
    "qassim": ["al qassim", "qaseem", "al qaseem"],
    "tabuk": ["tabouk"],
    "al_jawf": ["jawf", "al jouf", "jouf"],
    "al_baha": ["baha", "al bahah"],
    "northern_borders": ["northern border", "northern borders region", "الحدود"],
}

GENDERS = {
    Gender.MALE: ["ذكر", "ذ", "m", "male", "man", "رجل"],
    Gender.FEMALE: ["أنثى", "انثى", "انثي", "أ", "f", "female", "woman", "امرأة"],
}

ALREADY_REGISTERED = gettext_lazy("مسجل من قبل")
DEFAULT_BATCH_SIZE = 1000
PREVIEW_ROWS = 10
# What the page keeps in memory at most: a ZIP claiming more than this once unpacked is refused unread.
XLSX_MAX_UNPACKED_BYTES = 400 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old .xls format
# How much of a file its kind is judged on.
HEAD_BYTES = 4096
NOT_A_TABLE = gettext_lazy("الملف ليس جدول Excel (xlsx) ولا ملف CSV نصيًا.")


def header_key(text):
    """A header in the form we compare: Arabic-normalised, case-folded, punctuation as spaces."""
    text = arabic.normalize(str(text or "").replace("\ufeff", ""))
    text = re.sub(r"[_\-/\\.:*()#'’]+", " ", text)
    return " ".join(text.casefold().split())


_HEADERS = {header_key(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases}


def detect_mapping(headers):
    """Our field for each column of the file (None: ignored), from its header; a field is given to one column only."""
    mapping, taken = [], set()
    for header in headers:
        name = _HEADERS.get(header_key(header))
        if name in taken:
            name = None
        if name:
            taken.add(name)
        mapping.append(name)
    return mapping


def check_mapping(mapping):
    """The problems of a column mapping, in words: a field chosen twice, a required field missing."""
    problems = []
    chosen = [name for name in mapping if name]
    for name in FIELDS:
        if chosen.count(name) > 1:
            problems.append(_("الحقل «%(field)s» مختار لأكثر من عمود.") % {"field": FIELD_LABELS[name]})
    missing = [str(FIELD_LABELS[name]) for name in REQUIRED_FIELDS if name not in chosen]
    if missing:
        problems.append(_("لا يوجد عمود لهذه الحقول: %(fields)s.") % {"fields": "، ".join(missing)})
    return problems


# ---------------------------------------------------------------------------------------------
# Reading the file
# ---------------------------------------------------------------------------------------------

@dataclass
class Table:
    """A file's header row and its data rows (each a list of cell values, as read), with their line numbers."""

    headers: list
    rows: list  # [(line, [values])]
    name: str = ""

    def mapped(self, mapping):
        """The rows as `ImportRow`s: our fields picked out of the columns by `mapping`."""
        for line, values in self.rows:
            picked = {}
            for index, name in enumerate(mapping):
                if name and index < len(values):
                    picked[name] = values[index]
            yield ImportRow(line=line, values=picked, original=values)


@dataclass
class ImportRow:
    line: int
    values: dict  # field name -> the cell as read
    original: list  # every cell of the row, for the rejected-rows file


def sniff_kind(head):
    """"xlsx", "csv", or a refusal, from the file's first bytes (never its name)."""
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        raise ActionRefused(_("صيغة Excel القديمة (xls) غير مدعومة؛ احفظ الملف بصيغة xlsx أو CSV."))
    if b"\x00" in head or any(head.startswith(magic) for magic in ACCEPTED_DOCUMENT_TYPES):
        raise ActionRefused(NOT_A_TABLE)
    return "csv"


def read_table(path, *, limit=None, max_rows=None):
    """Read a .xlsx (first sheet) or a .csv file; `limit` data rows at most (the preview); a file of more
    than `max_rows` data rows is refused.

    The kind is judged by content: an xlsx file is a ZIP holding a workbook, a CSV file is
    UTF-8 text (with or without BOM) whose delimiter («,» «;» or tab) is sniffed from the header.
    Empty rows are skipped but counted, so line numbers match what Excel shows.
    Raises `ActionRefused` with the reason when the file cannot be read.
    """
    path = Path(path)
    with open(path, "rb") as stream:
        head = stream.read(HEAD_BYTES)
    kind = sniff_kind(head)
    if max_rows is not None:
        # Read one row past the limit, no more: enough to know the file is too long.
        limit = max_rows + 1 if limit is None else min(limit, max_rows + 1)
    table = _read_xlsx(path, limit) if kind == "xlsx" else _read_csv(path, limit)
    table.name = path.name
    if max_rows is not None and len(table.rows) > max_rows:
        raise ActionRefused(
            _("الملف فيه أكثر من %(limit)s صف، وهو حد هذه الصفحة؛ قسّمه إلى ملفات أصغر أو استورده بأمر "
              "الخادم import_beneficiaries.") % {"limit": max_rows})
    return table


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _table_from(rows, limit):
    headers, data = None, []
    for line, values in rows:
        values = list(values)
        if all(_blank(value) for value in values):
            continue
        if headers is None:
            headers = ["" if value is None else str(value).strip() for value in values]
            continue
        data.append((line, values))
        if limit is not None and len(data) >= limit:
            break
    if headers is None:
        raise ActionRefused(_("الملف فارغ: لا يوجد فيه صف عناوين."))
    return Table(headers=headers, rows=data)


def _read_xlsx(path, limit):
    import openpyxl  # only the import needs it

    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ActionRefused(_("تعذرت قراءة ملف Excel؛ الملف تالف.")) from None
    if "xl/workbook.xml" not in names:
        raise ActionRefused(_("الملف ليس جدول Excel (xlsx)."))
    if unpacked > XLSX_MAX_UNPACKED_BYTES:
        raise ActionRefused(_("ملف Excel أكبر من المسموح بعد فك ضغطه؛ قسّمه إلى ملفات أصغر."))
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken workbook
        raise ActionRefused(_("تعذرت قراءة ملف Excel؛ الملف تالف.")) from None
    try:
        sheet = workbook.worksheets[0]
        rows = ((line, row) for line, row in enumerate(sheet.iter_rows(values_only=True), start=1))
        return _table_from(rows, limit)
    except ActionRefused:
        raise
    except Exception:
        raise ActionRefused(_("تعذرت قراءة ملف Excel؛ الملف تالف.")) from None
    finally:
        workbook.close()


def _read_csv(path, limit):
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise ActionRefused(NOT_A_TABLE)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ActionRefused(
            _("ترميز الملف ليس UTF-8؛ احفظه من Excel بصيغة «CSV UTF-8 (مفصول بفواصل)».")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _table_from(((reader.line_num, row) for row in reader), limit)
    except csv.Error:
        raise ActionRefused(_("تعذرت قراءة ملف CSV؛ تحقق من علامات التنصيص فيه.")) from None


def cell_text(value):
    """A cell as text, the way a person reads it: 1012345678 not 1012345678.0, a date as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if not (value.hour or value.minute or value.second) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


# ---------------------------------------------------------------------------------------------
# Checking a row: the registration form's own field rules
# ---------------------------------------------------------------------------------------------

class Lookups:
    """Regions, categories and branches by every name a spreadsheet may give them, read once."""

    def __init__(self, *, default_branch=None):
        self.regions = {}
        for region in Region.objects.all():
            names = [region.code, region.code.replace("_", " "), region.name_ar, region.name_en,
                     *REGION_ALIASES.get(region.code, [])]
            names += [re.sub(r"^(ال)?منطقة\s+", "", region.name_ar),
                      re.sub(r"\s+(province|region)$", "", region.name_en, flags=re.I)]
            for name in names:
                self.regions.setdefault(header_key(name), region)
                self.regions.setdefault(header_key(name).replace(" ", ""), region)
        self.categories, self.inactive_categories = {}, {}
        for category in Category.objects.all():
            target = self.categories if category.active else self.inactive_categories
            for name in (category.name_ar, category.name_en):
                if name:
                    target.setdefault(header_key(name), category)
        self.branches = {}
        for branch in Branch.objects.all():
            for name in (str(branch.pk), branch.name_ar, branch.name_en):
                if name:
                    self.branches.setdefault(header_key(name), branch)
        self.default_branch = default_branch or Branch.objects.filter(is_head_office=True).order_by("pk").first()

    def region(self, text):
        key = header_key(text)
        key = re.sub(r"^(ال)?منطقه\s+", "", key)
        return self.regions.get(key) or self.regions.get(key.replace(" ", ""))

    def branch(self, text):
        return self.branches.get(header_key(text))


def find_branch(text):
    """The branch named by a command's --branch: its Arabic or English name, or its number."""
    return Lookups().branch(text)


_GENDERS = {header_key(word): value for value, words in GENDERS.items() for word in words}


class RowChecker:
    """Turns a row's cells into the beneficiary's fields, or the reasons it cannot be.

    The fields are the registration form's own (`BeneficiaryForm`): the same national ID check
    digit, Saudi mobile rule, dual-calendar date within its bounds, name lengths, and the refusal of
    bidi and control characters every text field carries. Only the lookups differ: a spreadsheet
    names a region, a category or a branch instead of choosing it from a list.
    """

    TEXT_FIELDS = ["first_name", "father_name", "grandfather_name", "family_name", "city", "nationality"]

    def __init__(self, lookups):
        self.lookups = lookups
        form_fields = BeneficiaryForm.base_fields
        self.fields = {name: form_fields[name] for name in self.TEXT_FIELDS}
        self.fields["national_id"] = form_fields["national_id"]
        self.fields["phone"] = form_fields["mobile"]
        self.fields["birth_date"] = form_fields["birth_date"]

    def _clean(self, name, value, reasons):
        try:
            return self.fields[name].clean(value)
        except ValidationError as error:  # each message, prefixed with the column's name
            if any(item.code == "required" for item in error.error_list):
                reasons.append(_("%(field)s مفقود") % {"field": FIELD_LABELS[name]})
            else:
                reasons.extend(f"{FIELD_LABELS[name]}: {message}" for message in error.messages)
            return None

    def check(self, values):
        """`(fields, reasons)`: the model's fields when `reasons` is empty."""
        reasons = []
        text = {name: cell_text(values.get(name)) for name in FIELDS}
        fields = {}
        for name in ("first_name", "father_name", "grandfather_name", "family_name"):
            fields[name] = self._clean(name, text[name], reasons)
        fields["national_id"] = self._clean("national_id", text["national_id"], reasons)
        fields["mobile"] = self._clean("phone", text["phone"], reasons)
        birth = values.get("birth_date")
        fields["birth_date"] = self._clean(
            "birth_date", birth if isinstance(birth, datetime.date) else text["birth_date"], reasons)

        gender = text["gender"]
        fields["gender"] = _GENDERS.get(header_key(gender))
        if not gender:
            reasons.append(_("%(field)s مفقود") % {"field": FIELD_LABELS["gender"]})
        elif fields["gender"] is None:
            reasons.append(_("الجنس «%(value)s» غير معروف؛ اكتب ذكر أو أنثى") % {"value": gender[:40]})

        region = text["region"]
        fields["region"] = self.lookups.region(region) if region else None
        if not region:
            reasons.append(_("%(field)s مفقود") % {"field": FIELD_LABELS["region"]})
        elif fields["region"] is None:
            reasons.append(_("المنطقة «%(value)s» غير معروفة") % {"value": region[:60]})

        fields["city"] = self._clean("city", text["city"], reasons)

        category = text["category"]
        key = header_key(category)
        fields["category"] = self.lookups.categories.get(key)
        if not category:
            reasons.append(_("%(field)s مفقود") % {"field": FIELD_LABELS["category"]})
        elif key in self.lookups.inactive_categories:
            reasons.append(_("الفئة «%(value)s» غير مفعلة") % {"value": category[:100]})
        elif fields["category"] is None:
            reasons.append(_("الفئة «%(value)s» غير معروفة") % {"value": category[:100]})

        branch = text["branch"]
        fields["branch"] = self.lookups.branch(branch) if branch else self.lookups.default_branch
        if branch and fields["branch"] is None:
            reasons.append(_("المكتب «%(value)s» غير معروف") % {"value": branch[:100]})
        elif fields["branch"] is None:
            reasons.append(_("لا يوجد مكتب رئيسي؛ حدد المكتب"))

        national_id = fields["national_id"]
        nationality = self._clean("nationality", text["nationality"], reasons) if text["nationality"] else ""
        if national_id and nationality:
            # The registration form's own rule (BeneficiaryForm.clean).
            is_saudi = arabic.normalize(nationality) in SAUDI
            if national_id.startswith("1") and not is_saudi:
                reasons.append(_("رقم الهوية الوطنية (يبدأ بـ 1) لمواطن سعودي؛ صحح الجنسية أو الرقم."))
            if national_id.startswith("2") and is_saudi:
                reasons.append(_("رقم الإقامة (يبدأ بـ 2) لغير السعودي؛ صحح الجنسية أو الرقم."))
        elif national_id:
            nationality = "سعودي" if national_id.startswith("1") else "غير سعودي"
        fields["nationality"] = nationality
        return fields, reasons


# ---------------------------------------------------------------------------------------------
# The action
# ---------------------------------------------------------------------------------------------

@dataclass
class Rejected:
    line: int
    original: list
    reasons: list

    @property
    def reason(self):
        return "؛ ".join(str(reason) for reason in self.reasons)


@dataclass
class ImportResult:
    total: int = 0
    created: int = 0  # in a dry run: how many would be created
    already_registered: int = 0
    rejected: list = field(default_factory=list)  # Rejected, the already registered included
    batches: int = 0
    dry_run: bool = False
    writers: int = 1  # processes that wrote the batches

    @property
    def rejected_count(self):
        return len(self.rejected)


def default_creator():
    """Who a record imported by the system is `created_by`: the first active manager (by account age)."""
    manager = User.objects.with_role(Role.MANAGER).filter(is_active=True).order_by("pk").first()
    if manager is None:
        raise ActionRefused(_("لا يوجد مدير نشط يُسجل باسمه الاستيراد؛ استخدم --by لاسم موظف."))
    return manager


def _creator(by, created_by):
    if created_by is not None:
        return created_by
    actor = as_actor(by)
    return actor.user if actor.user is not None else default_creator()


def import_beneficiaries(rows, *, by, default_branch=None, dry_run=False, batch_size=DEFAULT_BATCH_SIZE,
                         source="", created_by=None, progress=None, total=None, workers=1):
    """Check every row and add the good ones to the registry, `batch_size` rows per transaction.

    `rows`: `ImportRow`s (see `Table.mapped`). `by`: a staff user or an `Actor` (the command acts as
    `Actor.system("import_beneficiaries")`); `created_by` is the staff user the records name as
    their creator (default: `by`, or the first active manager when `by` is the system).
    `default_branch`: for rows that name none (default: the head office). `progress(done, total)`
    is called after each batch. `dry_run` writes nothing and counts what would be created.
    `workers` > 1 (the command's --workers, PostgreSQL only): this process checks the rows and `workers`
    forked processes write the batches, each batch still one transaction (see `_Writers`).

    A row is rejected with its reasons when a field fails the registration form's rules, when its
    national ID appears earlier in the file, or when the ID is already registered («مسجل من قبل»,
    which makes a second run of the same file, or of an interrupted one, import only what is new).
    """
    if batch_size < 1:
        raise ActionRefused(_("حجم الدفعة يجب أن يكون 1 أو أكثر."))
    actor = as_actor(by)
    creator = None if dry_run else _creator(by, created_by)
    checker = RowChecker(Lookups(default_branch=default_branch))
    result = ImportResult(dry_run=dry_run)
    seen = {}  # national ID -> the line it first appeared on
    batch = []
    writers = _Writers(workers, result, actor, creator, source, progress, total) if _parallel(workers, dry_run) \
        else None
    result.writers = workers if writers else 1
    try:
        for row in rows:
            result.total += 1
            fields, reasons = checker.check(row.values)
            national_id = fields.get("national_id")
            if national_id:
                if national_id in seen:
                    reasons.append(_("رقم الهوية مكرر في الملف (السطر %(line)s)") % {"line": seen[national_id]})
                else:
                    seen[national_id] = row.line
            if reasons:
                result.rejected.append(Rejected(row.line, row.original, reasons))
            else:
                batch.append((row, fields))
            if result.total % batch_size == 0:
                if writers:
                    writers.send(batch, result.total)
                else:
                    _flush(batch, result, actor, creator, source, dry_run)
                    if progress:
                        progress(result.total, total)
                batch = []
        if batch or result.total % batch_size:
            if writers:
                writers.send(batch, result.total)
            else:
                _flush(batch, result, actor, creator, source, dry_run)
                if progress:
                    progress(result.total, total)
        if writers:
            writers.finish()
    finally:
        if writers:
            writers.close()
    result.rejected.sort(key=lambda rejected: rejected.line)
    return result


def _parallel(workers, dry_run):
    """Whether batches go to forked writer processes: asked for, PostgreSQL (SQLite has one writer at a time),
    a real write, and not inside a transaction of the caller (a child cannot join it)."""
    return workers > 1 and not dry_run and connection.vendor == "postgresql" and not connection.in_atomic_block


class _Writers:
    """`workers` forked processes writing the batches this process has checked.

    Each child has its own database connection (this process closes its own before forking, so no child ever
    uses the parent's socket) and writes a batch as `_flush` does: one transaction, IDs registered meanwhile
    skipped. Two batches written at the same moment may deadlock on the name index's shared vocabulary rows;
    PostgreSQL rolls one back whole and the child writes it again. At most two batches per process wait in
    the queue, so memory stays bounded whatever the file's size; results come back in the order sent.
    """

    def __init__(self, workers, result, actor, creator, source, progress, total):
        self.result, self.progress, self.total = result, progress, total
        self.pending = collections.deque()
        connections.close_all()
        self.pool = multiprocessing.get_context("fork").Pool(
            workers, initializer=_writer_started, initargs=(actor, creator.pk, source))
        self.limit = workers * 2

    def send(self, batch, done):
        self.result.batches += 1
        payload = [(row.line, row.original, _by_key(fields)) for row, fields in batch]
        self.pending.append((self.pool.apply_async(_write_in_child, (payload, self.result.batches)), done))
        while len(self.pending) > self.limit:
            self._collect()

    def _collect(self):
        waiting, done = self.pending.popleft()
        created, registered = waiting.get()
        self.result.created += created
        for line, original in registered:
            self.result.already_registered += 1
            self.result.rejected.append(Rejected(line, original, [str(ALREADY_REGISTERED)]))
        if self.progress:
            self.progress(done, self.total)

    def finish(self):
        while self.pending:
            self._collect()

    def close(self):
        self.pool.terminate()
        self.pool.join()


def _by_key(fields):
    """A checked row's fields with the region, branch and category as keys (what crosses to a child)."""
    return {f"{name}_id" if isinstance(value, models.Model) else name: value.pk if isinstance(value, models.Model)
            else value for name, value in fields.items()}


_child = {}


def _writer_started(actor, creator_pk, source):
    connections.close_all()  # inherited closed; this child opens its own on first use
    _child.update(actor=actor, creator=User.objects.get(pk=creator_pk), source=source)


def _write_in_child(payload, number):
    result = ImportResult(batches=number)
    batch = [(ImportRow(line, {}, original), fields) for line, original, fields in payload]
    for attempt in range(10):
        try:
            _flush(batch, result, _child["actor"], _child["creator"], _child["source"], False, count=False)
            break
        except OperationalError as error:
            # A deadlock with the other writer rolled the whole batch back: write it again.
            if "deadlock" not in str(error).lower() or attempt == 9:
                raise
            result = ImportResult(batches=number)
    return result.created, [(rejected.line, rejected.original) for rejected in result.rejected]


def _flush(batch, result, actor, creator, source, dry_run, *, count=True):
    """Write one batch in one transaction; a clash with a registration made meanwhile is retried once."""
    if count:
        result.batches += 1
    if not batch:
        return
    for attempt in range(3):
        try:
            with transaction.atomic():
                fresh = _drop_registered(batch, result if attempt == 0 else None)
                if dry_run:
                    result.created += len(fresh)
                    return
                _write_batch(fresh, result, actor, creator, source)
            return
        except IntegrityError:
            # Someone registered one of these IDs between our check and our insert: check again.
            if attempt == 2:
                raise
            registered = _registered_ids([fields["national_id"] for _row, fields in batch])
            for row, fields in batch:
                if fields["national_id"] in registered:
                    result.already_registered += 1
                    result.rejected.append(Rejected(row.line, row.original, [str(ALREADY_REGISTERED)]))
            batch = [(row, fields) for row, fields in batch if fields["national_id"] not in registered]


def _registered_ids(national_ids):
    found = set()
    for start in range(0, len(national_ids), 900):  # under SQLite's variable limit
        chunk = national_ids[start:start + 900]
        found.update(Beneficiary.objects.filter(national_id__in=chunk).values_list("national_id", flat=True))
    return found


def _drop_registered(batch, result):
    registered = _registered_ids([fields["national_id"] for _row, fields in batch])
    fresh = []
    for row, fields in batch:
        if fields["national_id"] in registered:
            if result is not None:
                result.already_registered += 1
                result.rejected.append(Rejected(row.line, row.original, [str(ALREADY_REGISTERED)]))
        else:
            fresh.append((row, fields))
    return fresh


def _write_batch(fresh, result, actor, creator, source):
    now = timezone.now()
    records = []
    for _row, fields in fresh:
        record = Beneficiary(created_by=creator, created_at=now, **fields)
        # What Beneficiary.save() does; a bulk write does not call save().
        record.name_key = arabic.search_key(record.first_name, record.father_name, record.grandfather_name,
                                            record.family_name)
        records.append(record)
    bulk.insert(records)
    # A bulk write does not call save(), which keeps the name search index: write it here, in the batch.
    index_names(records, fresh=True)
    _audit_batch(records, [row for row, _fields in fresh], result, actor, source)
    result.created += len(records)


def _audit_batch(records, rows, result, actor, source):
    """One BENEFICIARY_CREATED row per record, written like `audit.log.record` writes one, in bulk."""
    who = actor.columns("actor")
    address = client_ip()
    bulk.insert([
        AuditEvent(
            event_type=EventType.BENEFICIARY_CREATED, **who,
            target_type=record._meta.label_lower, target_id=str(record.pk), target_label=str(record)[:200],
            ip_address=address,
            data={"import": {"file": source[:200], "line": row.line, "batch": result.batches}},
        )
        for record, row in zip(records, rows)
    ])


# ---------------------------------------------------------------------------------------------
# The rejected-rows file
# ---------------------------------------------------------------------------------------------

def write_rejected_csv(result, headers, stream):
    """The rejected rows as CSV (UTF-8 with BOM, so Excel shows the Arabic): the file's columns,
    the line they were on, and the reason. `stream` is a text stream opened with newline=""."""
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow([*headers, _("رقم السطر"), _("سبب الرفض")])
    width = len(headers)
    for rejected in result.rejected:
        cells = [cell_text(value) for value in rejected.original][:max(width, len(rejected.original))]
        cells += [""] * (width - len(cells))
        writer.writerow([*(_csv_safe(cell) for cell in cells), rejected.line, rejected.reason])


def _csv_safe(text):
    """A cell Excel will not run as a formula (CSV injection): «=», «+», «-», «@» at the start get a quote.

    A mobile like +966501234567 is kept as typed: only text that is not a plain number is guarded.
    """
    if text and text[0] in "=+-@\t\r" and not re.fullmatch(r"[+-]?[0-9 ]+", text):
        return "'" + text
    return text

