"""Importing an association's spreadsheet: from the command and from the managers' page."""

import csv
import datetime
import io
import os

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from mustafid.audit.actors import ActorKind
from mustafid.audit.models import AuditEvent, EventType
from mustafid.beneficiaries import import_views, importing
from mustafid.beneficiaries.models import Beneficiary, BeneficiaryNameSet
from mustafid.conftest import make_beneficiary
from mustafid.lib.saudi import generate_national_id

HEADERS = ["first_name", "father_name", "grandfather_name", "family_name", "national_id", "phone", "birth_date",
           "gender", "region", "city", "category", "branch"]
ARABIC_HEADERS = ["الاسم الأول", "اسم الأب", "اسم الجد", "اسم العائلة", "رقم الهوية/الإقامة", "رقم الجوال",
                  "تاريخ الميلاد", "الجنس", "المنطقة", "المدينة", "الفئة", "المكتب"]
CATEGORY = "المتعافون من الإدمان"  # of the aoun preset
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def nid(seed):
    return generate_national_id("1", 70_000_000 + seed)


def row(seed, **changes):
    values = {
        "first_name": "فهد", "father_name": "سالم", "grandfather_name": "علي", "family_name": "القحطاني",
        "national_id": nid(seed), "phone": f"05{seed % 100_000_000:08d}", "birth_date": "1990-05-17",
        "gender": "ذكر", "region": "عسير", "city": "أبها", "category": CATEGORY, "branch": "",
    }
    values.update(changes)
    return values


def bad_check_digit(seed):
    good = nid(seed)
    return good[:-1] + str((int(good[-1]) + 1) % 10)


def write_csv(path, rows, headers=HEADERS, delimiter=",", bom=True):
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=delimiter)
        writer.writerow(headers)
        for values in rows:
            writer.writerow([values.get(name, "") for name in HEADERS])
    return path


def read_rejected(path):
    with open(path, encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    return rows[0], rows[1:]


def imported(*seeds):
    return set(Beneficiary.objects.filter(national_id__in=[nid(seed) for seed in seeds])
               .values_list("national_id", flat=True))


@pytest.fixture
def manager(staff):
    return staff["manager"]


GOOD = [1, 2, 3]


@pytest.fixture
def mixed_file(tmp_path, staff):
    """Three good rows and one bad row of each kind, plus one already registered."""
    make_beneficiary(by=staff["officer"], national_id=nid(50))
    rows = [row(1), row(2, phone="+966 55 123 4567", gender="F", region="Eastern Province"), row(3, gender="female"),
            row(4, national_id=bad_check_digit(4)),
            row(5, phone="0112345678"),
            row(6, birth_date="أمس"),
            row(7, region="أطلانطس"),
            row(8, family_name=""),
            row(9, category="فئة لا وجود لها"),
            row(10, national_id=nid(1)),
            row(50),
            row(11, phone="123", gender="؟")]
    return write_csv(tmp_path / "beneficiaries.csv", rows)


def run(path, *args):
    out = io.StringIO()
    call_command("import_beneficiaries", str(path), *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_csv_with_bad_rows_imports_the_good_ones_and_rejects_each_bad_one_with_its_reason(mixed_file, tmp_path,
                                                                                            manager):
    before = Beneficiary.objects.count()
    rejected_out = tmp_path / "rejected.csv"

    output = run(mixed_file, "--rejected-out", str(rejected_out))

    assert imported(*GOOD) == {nid(seed) for seed in GOOD}
    assert Beneficiary.objects.count() == before + 3
    assert "12 rows: 3 imported, 1 already registered" in output
    headers, rejected = read_rejected(rejected_out)
    assert headers == HEADERS + ["رقم السطر", "سبب الرفض"]
    reasons = {values[HEADERS.index("national_id")]: values[-1] for values in rejected}
    assert "رقم الهوية غير صحيح" in reasons[bad_check_digit(4)]
    assert "ليس رقم جوال سعودي" in reasons[nid(5)]
    assert "تعذرت قراءة التاريخ «أمس»" in reasons[nid(6)]
    assert "المنطقة «أطلانطس» غير معروفة" in reasons[nid(7)]
    assert "اسم العائلة مفقود" in reasons[nid(8)]
    assert "الفئة «فئة لا وجود لها» غير معروفة" in reasons[nid(9)]
    assert "رقم الهوية مكرر في الملف (السطر 2)" in reasons[nid(1)]
    assert reasons[nid(50)] == "مسجل من قبل"
    # Several reasons on one row are all given.
    assert "رقم الجوال غير صحيح" in reasons[nid(11)] and "الجنس «؟» غير معروف" in reasons[nid(11)]
    # The line of each rejected row is the file's (the header is line 1).
    assert {values[-2] for values in rejected} == {str(n) for n in range(5, 14)}
    assert os.stat(rejected_out).st_mode & 0o077 == 0


@pytest.mark.django_db
def test_each_imported_row_keeps_its_values_in_canonical_form(mixed_file, manager):
    run(mixed_file)

    second = Beneficiary.objects.get(national_id=nid(2))
    assert second.mobile == "+966551234567"
    assert second.gender == "female"
    assert second.region.code == "eastern"
    assert second.branch.is_head_office
    assert second.category.name_ar == CATEGORY
    assert second.nationality == "سعودي"
    assert second.created_by == manager
    assert second.name_key == "فهد سالم علي القحطاني"
    assert Beneficiary.objects.search("فهد القحطاني", user=manager).filter(pk=second.pk).exists()


@pytest.mark.django_db
def test_every_imported_beneficiary_has_its_audit_row_naming_the_system_and_the_line(mixed_file):
    run(mixed_file)

    first = Beneficiary.objects.get(national_id=nid(1))
    audit = AuditEvent.objects.get(event_type=EventType.BENEFICIARY_CREATED, target_id=str(first.pk))
    assert audit.actor_kind == ActorKind.SYSTEM and audit.actor_label == "import_beneficiaries"
    assert audit.data == {"import": {"file": "beneficiaries.csv", "line": 2, "batch": 1}}
    assert AuditEvent.objects.filter(event_type=EventType.BENEFICIARY_CREATED,
                                     data__import__file="beneficiaries.csv").count() == 3


@pytest.mark.django_db
def test_the_same_file_twice_imports_nothing_new(mixed_file):
    run(mixed_file)
    count = Beneficiary.objects.count()
    audit = AuditEvent.objects.count()

    output = run(mixed_file)

    assert Beneficiary.objects.count() == count
    assert AuditEvent.objects.count() == audit
    assert "0 imported, 4 already registered" in output


@pytest.mark.django_db
def test_a_dry_run_writes_nothing_and_says_what_would_happen(mixed_file, tmp_path):
    count, audit = Beneficiary.objects.count(), AuditEvent.objects.count()

    output = run(mixed_file, "--dry-run", "--rejected-out", str(tmp_path / "r.csv"))

    assert (Beneficiary.objects.count(), AuditEvent.objects.count()) == (count, audit)
    assert "3 would be imported, 1 already registered" in output
    assert len(read_rejected(tmp_path / "r.csv")[1]) == 9


@pytest.mark.django_db
def test_an_import_killed_in_its_second_batch_leaves_whole_batches_and_resumes(tmp_path, staff, monkeypatch):
    path = write_csv(tmp_path / "five.csv", [row(seed) for seed in range(1, 6)])
    write_batch = importing._audit_batch
    calls = []

    def dies_in_the_second_batch(records, *args):
        calls.append(len(records))
        if len(calls) == 2:
            # The batch's beneficiaries are already inserted: the kill comes between them and their audit rows.
            assert Beneficiary.objects.filter(national_id__in=[nid(3), nid(4)]).count() == 2
            raise KeyboardInterrupt("killed")
        return write_batch(records, *args)

    monkeypatch.setattr(importing, "_audit_batch", dies_in_the_second_batch)
    with pytest.raises(KeyboardInterrupt):
        run(path, "--batch-size", "2")

    assert imported(1, 2, 3, 4, 5) == {nid(1), nid(2)}
    assert AuditEvent.objects.filter(data__import__file="five.csv").count() == 2

    monkeypatch.setattr(importing, "_audit_batch", write_batch)
    output = run(path, "--batch-size", "2")

    assert imported(1, 2, 3, 4, 5) == {nid(seed) for seed in range(1, 6)}
    assert "3 imported, 2 already registered" in output
    assert AuditEvent.objects.filter(data__import__file="five.csv").count() == 5


def write_xlsx(path, headers, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    workbook.save(path)
    return path


@pytest.mark.django_db
def test_an_xlsx_with_arabic_headers_hijri_and_day_first_dates_and_arabic_indic_digits(tmp_path, staff):
    khamis = "مكتب خميس مشيط"
    rows = [
        # Hijri date, Arabic-Indic digits in the ID and the mobile, an extra column the import ignores.
        ["نورة", "عبدالله", "محمد", "الشهري", nid(21).translate(ARABIC_DIGITS), "٠٥٠١٢٣٤٥٦٧", "1410/05/12",
         "أنثى", "منطقة عسير", "أبها", CATEGORY, khamis, "ملاحظة"],
        # DD/MM/YYYY; the ID and the mobile as numbers, as Excel keeps them; a date cell.
        ["سعد", "ناصر", "فهد", "الغامدي", int(nid(22)), 555123456, "17/05/1990", "M", "Asir", "أبها", CATEGORY,
         "", "—"],
        [" خالد ", "ناصر", "فهد", "الغامدي", nid(23), "0505551234", datetime.datetime(1985, 1, 2), "male",
         "asir", "أبها", "People in recovery from addiction", "", ""],
        # Hijri with Arabic-Indic digits; a Hijri date that does not exist.
        ["ريم", "ناصر", "فهد", "الغامدي", nid(24), "0505551235", "١٤١٠/٠٥/١٢", "انثى", "عسير", "أبها", CATEGORY,
         "", ""],
        ["علي", "ناصر", "فهد", "الغامدي", nid(25), "0505551236", "1410/02/30", "ذكر", "عسير", "أبها", CATEGORY,
         "", ""],
    ]
    path = write_xlsx(tmp_path / "مستفيدون.xlsx", ARABIC_HEADERS + ["ملاحظات"], rows)

    output = run(path, "--rejected-out", str(tmp_path / "rejected.csv"))

    assert "ملاحظات -> ignored" in output
    noura = Beneficiary.objects.get(national_id=nid(21))
    assert noura.birth_date == datetime.date(1989, 12, 10)  # 12 Jumada al-Ula 1410
    assert noura.mobile == "+966501234567"
    assert noura.gender == "female"
    assert noura.branch.name_ar == khamis
    saad = Beneficiary.objects.get(national_id=nid(22))
    assert (saad.birth_date, saad.mobile, saad.gender) == (datetime.date(1990, 5, 17), "+966555123456", "male")
    khalid = Beneficiary.objects.get(national_id=nid(23))
    assert (khalid.first_name, khalid.birth_date) == ("خالد", datetime.date(1985, 1, 2))
    assert Beneficiary.objects.get(national_id=nid(24)).birth_date == datetime.date(1989, 12, 10)
    _headers, rejected = read_rejected(tmp_path / "rejected.csv")
    assert len(rejected) == 1 and "غير موجود في تقويم أم القرى" in rejected[0][-1]
    assert rejected[0][ARABIC_HEADERS.index("الاسم الأول")] == "علي"


@pytest.mark.django_db
def test_a_csv_with_semicolons_and_no_bom_is_read(tmp_path, staff):
    path = write_csv(tmp_path / "semi.csv", [row(31), row(32)], headers=ARABIC_HEADERS, delimiter=";", bom=False)

    run(path)

    assert imported(31, 32) == {nid(31), nid(32)}


@pytest.mark.django_db
def test_the_branch_given_to_the_command_is_used_for_rows_that_name_none(tmp_path, staff):
    path = write_csv(tmp_path / "b.csv", [row(41), row(42, branch="Bisha office")])

    run(path, "--branch", "مكتب خميس مشيط", "--by", "manager")

    assert Beneficiary.objects.get(national_id=nid(41)).branch.name_ar == "مكتب خميس مشيط"
    assert Beneficiary.objects.get(national_id=nid(42)).branch.name_ar == "مكتب بيشة"
    audit = AuditEvent.objects.get(event_type=EventType.BENEFICIARY_CREATED, data__import__line=2,
                                   data__import__file="b.csv")
    assert audit.actor == staff["manager"] and audit.actor_kind == ActorKind.STAFF


@pytest.mark.django_db
def test_a_file_that_is_not_a_spreadsheet_or_misses_columns_is_refused_with_the_reason(tmp_path, staff):
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    with pytest.raises(CommandError, match="xls"):
        run(tmp_path / "old.xls")
    (tmp_path / "latin.csv").write_bytes("first_name,national_id\ncaf\xe9,1\n".encode("latin-1"))
    with pytest.raises(CommandError, match="UTF-8"):
        run(tmp_path / "latin.csv")
    (tmp_path / "few.csv").write_text("first_name,national_id\nفهد,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="اسم الأب"):
        run(tmp_path / "few.csv")
    assert not Beneficiary.objects.filter(first_name="فهد").exists()


def test_headers_are_recognised_in_arabic_and_english_whatever_their_spelling():
    assert importing.detect_mapping(
        ["الإسم الأول", "اسم الاب", "First Name", "رقم الهوية / الإقامة", "الجوال", "Date of Birth", "notes"]
    ) == ["first_name", "father_name", None, "national_id", "phone", "birth_date", None]


def test_a_rejected_cell_cannot_run_as_a_formula_in_excel(tmp_path):
    result = importing.ImportResult(rejected=[importing.Rejected(2, ["=HYPERLINK(\"x\")", "+966501234567"], ["x"])])
    stream = io.StringIO()
    importing.write_rejected_csv(result, ["a", "b"], stream)
    assert stream.getvalue().startswith("\ufeff")
    assert list(csv.reader(io.StringIO(stream.getvalue()[1:])))[1] == ["'=HYPERLINK(\"x\")", "+966501234567", "2", "x"]


# ---------------------------------------------------------------------------------------------
# The managers' page
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored(media):
    folder = media / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def csv_upload(rows, headers=HEADERS, name="list.csv"):
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(headers)
    for values in rows:
        writer.writerow([values.get(name, "") for name in HEADERS] + list(values.get("extra", [])))
    return SimpleUploadedFile(name, ("\ufeff" + stream.getvalue()).encode(), content_type="text/csv")


@pytest.mark.django_db
def test_a_manager_uploads_previews_checks_and_imports_a_file_and_downloads_the_rejected_rows(client, manager,
                                                                                             media):
    client.force_login(manager)
    rows = [row(61), row(62), row(63, national_id=bad_check_digit(63)), {**row(64), "extra": ["ملاحظة"]}]
    upload = csv_upload(rows, headers=HEADERS[:4] + ["هوية المستفيد"] + HEADERS[5:] + ["ملاحظات"])

    response = client.post(reverse("beneficiaries:import"), {"file": upload})
    assert response.status_code == 302 and response["Location"] == reverse("beneficiaries:import_preview")
    stored = list((media / "imports").iterdir())
    assert len(stored) == 1 and stored[0].stat().st_mode & 0o077 == 0
    assert (media / "imports").stat().st_mode & 0o077 == 0

    page = client.get(reverse("beneficiaries:import_preview"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "فهد" in html and "القحطاني" in html  # the first rows
    form = page.context["form"]
    assert form["col_0"].initial == "first_name"
    assert form["col_4"].initial == ""  # «هوية المستفيد» is not recognised: the manager chooses
    assert form["col_12"].initial == ""  # «ملاحظات» ignored

    mapping = {f"col_{index}": name for index, name in enumerate(HEADERS + [""])}
    head_office = form.fields["branch"].initial
    checked = client.post(reverse("beneficiaries:import_preview"), {**mapping, "branch": head_office})
    html = checked.content.decode()
    assert checked.status_code == 200
    assert checked.context["result"].created == 3 and checked.context["result"].rejected_count == 1
    assert "رقم الهوية غير صحيح" in html
    assert not imported(61, 62, 64)  # a dry run

    done = client.post(reverse("beneficiaries:import_run"))
    assert done.status_code == 302 and done["Location"] == reverse("beneficiaries:import_done")
    assert imported(61, 62, 64) == {nid(61), nid(62), nid(64)}
    assert Beneficiary.objects.get(national_id=nid(61)).created_by == manager
    audit = AuditEvent.objects.get(event_type=EventType.BENEFICIARY_CREATED, data__import__line=2)
    assert audit.actor == manager and audit.data["import"]["file"] == "list.csv"

    summary = client.get(done["Location"])
    assert summary.status_code == 200
    assert summary.context["result"] == {"total": 4, "created": 3, "already": 0, "rejected": 1}
    download = client.get(reverse("beneficiaries:import_rejected"))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    text = b"".join(download.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff") and "رقم الهوية غير صحيح" in text and bad_check_digit(63) in text
    # The uploaded file is gone; only the rejected rows wait for download.
    assert [path.name.endswith("-rejected.csv") for path in (media / "imports").iterdir()] == [True]


@pytest.mark.django_db
def test_the_page_refuses_a_mapping_without_the_required_columns_and_a_field_chosen_twice(client, manager, media):
    client.force_login(manager)
    client.post(reverse("beneficiaries:import"), {"file": csv_upload([row(71)])})
    mapping = {f"col_{index}": name for index, name in enumerate(HEADERS)}
    mapping["col_1"] = "first_name"

    response = client.post(reverse("beneficiaries:import_preview"), mapping)

    html = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in html
    assert "الحقل «الاسم الأول» مختار لأكثر من عمود." in html
    assert "لا يوجد عمود لهذه الحقول: اسم الأب." in html
    assert client.post(reverse("beneficiaries:import_run")).status_code == 302
    assert not imported(71)


@pytest.mark.django_db
@pytest.mark.parametrize("name, content, message", [
    ("list.xlsx", b"PK\x03\x04" + b"\x00" * 64, "تالف"),
    ("list.pdf", b"%PDF-1.4\x00\x00binary", "ليس جدول Excel"),
    ("list.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 64, "xls"),
    ("list.csv", "first_name\nفهد\n".encode("cp1256"), "UTF-8"),
    ("list.csv", b"first_name,father_name\n", "صف العناوين فقط"),
])
def test_the_page_refuses_a_file_it_cannot_read_and_keeps_nothing(client, manager, media, name, content, message):
    client.force_login(manager)

    response = client.post(reverse("beneficiaries:import"), {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert stored(media) == []


@pytest.mark.django_db
def test_the_page_refuses_a_file_over_the_size_limit(client, manager, media, monkeypatch):
    monkeypatch.setattr(import_views, "IMPORT_MAX_BYTES", 100)
    client.force_login(manager)
    response = client.post(reverse("beneficiaries:import"), {"file": csv_upload([row(81), row(82)])})
    assert response.status_code == 400 and "حجم الملف أكبر من المسموح" in response.content.decode()


@pytest.mark.django_db
def test_the_page_sends_a_file_longer_than_its_limit_to_the_command(client, manager, media, monkeypatch):
    monkeypatch.setattr(import_views, "IMPORT_PAGE_MAX_ROWS", 2)
    client.force_login(manager)
    response = client.post(reverse("beneficiaries:import"), {"file": csv_upload([row(83), row(84), row(85)])})
    assert response.status_code == 400 and "import_beneficiaries" in response.content.decode()
    assert stored(media) == []


@pytest.mark.django_db
def test_the_import_pages_without_an_upload_send_the_manager_to_the_upload(client, manager, media):
    client.force_login(manager)
    for name in ("import_preview", "import_done", "import_rejected"):
        response = client.get(reverse(f"beneficiaries:{name}"))
        assert response.status_code == 302 and response["Location"] == reverse("beneficiaries:import")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["officer", "branch_rep", "volunteer", "auditor", "chair"])
def test_only_a_manager_may_import(client, staff, media, role):
    client.force_login(staff[role])
    assert client.get(reverse("beneficiaries:import")).status_code == 403
    response = client.post(reverse("beneficiaries:import"), {"file": csv_upload([row(91)])})
    assert response.status_code == 403
    assert client.post(reverse("beneficiaries:import_run")).status_code == 403
    assert stored(media) == []
    assert not imported(91)


@pytest.mark.django_db
def test_the_registry_offers_the_import_to_managers_only(client, staff):
    url = reverse("beneficiaries:import")
    client.force_login(staff["manager"])
    assert url in client.get(reverse("beneficiaries:list")).content.decode()
    client.force_login(staff["officer"])
    assert url not in client.get(reverse("beneficiaries:list")).content.decode()


@pytest.mark.django_db
def test_a_registration_made_between_the_check_and_the_write_is_skipped_not_a_failure(tmp_path, staff, monkeypatch):
    """Two writers at once: the batch meets the unique ID, is rolled back, checked again and written without it."""
    path = write_csv(tmp_path / "race.csv", [row(101), row(102), row(103)])
    registered_ids = importing._registered_ids
    calls = []

    # Someone else registers 102 and commits just after the import's check (which therefore misses it).
    make_beneficiary(by=staff["officer"], national_id=nid(102))

    def misses_the_first_time(national_ids):
        calls.append(1)
        return set() if len(calls) == 1 else registered_ids(national_ids)

    monkeypatch.setattr(importing, "_registered_ids", misses_the_first_time)
    output = run(path)

    assert "2 imported, 1 already registered" in output
    assert imported(101, 102, 103) == {nid(101), nid(102), nid(103)}
    assert AuditEvent.objects.filter(data__import__file="race.csv").count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_writer_processes_import_what_one_would_with_whole_batches_and_every_audit_row(tmp_path, staff):
    """`--workers 2`: this process checks, two forked processes write (PostgreSQL); on SQLite the option writes
    with one process. Either way the outcome is the single-process one, and a second run imports nothing."""
    from django.db import connection

    make_beneficiary(by=staff["officer"], national_id=nid(50))
    good = list(range(200, 223))
    rows = [row(seed) for seed in good] + [row(50), row(4, national_id=bad_check_digit(4)), row(201)]
    path = write_csv(tmp_path / "many.csv", rows)
    rejected_out = tmp_path / "rejected.csv"

    output = run(path, "--workers", "2", "--batch-size", "4", "--rejected-out", str(rejected_out))

    assert f"{len(rows)} rows: {len(good)} imported, 1 already registered" in output
    assert ("2 writing processes" in output) == (connection.vendor == "postgresql")
    assert imported(*good) == {nid(seed) for seed in good}
    headers, rejected = read_rejected(rejected_out)
    reasons = {values[-2]: values[-1] for values in rejected}
    assert reasons[str(len(good) + 2)] == "مسجل من قبل"
    assert "رقم الهوية غير صحيح" in reasons[str(len(good) + 3)]
    assert "رقم الهوية مكرر في الملف (السطر 3)" in reasons[str(len(good) + 4)]
    # One audit row per record, naming its line and its batch (4 rows a batch: lines 2-5 are batch 1, ...).
    audits = AuditEvent.objects.filter(event_type=EventType.BENEFICIARY_CREATED, data__import__file="many.csv")
    assert sorted(audit.data["import"]["line"] for audit in audits) == [seed - 198 for seed in good]
    assert {audit.data["import"]["line"]: audit.data["import"]["batch"] for audit in audits}[9] == 2
    # Found by name like any registered person: the name index is written with each batch.
    assert BeneficiaryNameSet.objects.filter(beneficiary__national_id__in=[nid(seed) for seed in good]).count() \
        == len(good)

    again = run(path, "--workers", "2", "--batch-size", "4")
    assert f"0 imported, {len(good) + 1} already registered" in again
    assert audits.count() == len(good)


@pytest.mark.django_db
def test_hostile_cells_are_rejected_with_their_reason_and_text_that_looks_like_copy_syntax_is_kept_as_written(
        tmp_path, staff):
    # PostgreSQL writes a batch by COPY (lib.bulk): what the checks let through must reach the database as typed,
    # and what they refuse (a right-to-left override, a name of 100,000 letters) must reach nothing.
    rows = [row(1, city="أبها\\N\t"),  # «\N» is COPY's own word for NULL, a tab its column separator
            row(3, family_name="القحطاني\u202e"),
            row(4, father_name="س" * 100_000),
            row(5, national_id=nid(5).translate(ARABIC_DIGITS), phone="٠٥٥١٢٣٤٥٦٧")]
    rejected_out = tmp_path / "rejected.csv"
    output = run(write_csv(tmp_path / "hostile.csv", rows), "--rejected-out", str(rejected_out))

    assert "4 rows: 2 imported" in output
    assert Beneficiary.objects.get(national_id=nid(1)).city == "أبها\\N"
    assert Beneficiary.objects.get(national_id=nid(5)).mobile == "+966551234567"
    assert imported(3, 4) == set()
    _headers, rejected = read_rejected(rejected_out)
    reasons = {values[HEADERS.index("national_id")]: values[-1] for values in rejected}
    assert set(reasons) == {nid(3), nid(4)}
    assert "يغيّر اتجاه الكتابة (U+202E)" in reasons[nid(3)]
    assert "40 حرف أو رمز على الأكثر" in reasons[nid(4)]
    people = Beneficiary.objects.filter(national_id__in=[nid(1), nid(5)]).values_list("pk", flat=True)
    assert AuditEvent.objects.filter(event_type=EventType.BENEFICIARY_CREATED,
                                     target_id__in=[str(pk) for pk in people]).count() == 2


@pytest.mark.django_db
def test_a_csv_with_a_nul_byte_is_refused_whole_and_nothing_is_imported(tmp_path, staff):
    path = write_csv(tmp_path / "nul.csv", [row(1), row(2, first_name="فه\x00د")])
    before = Beneficiary.objects.count()
    with pytest.raises(CommandError, match="ليس جدول Excel"):
        run(path)
    assert Beneficiary.objects.count() == before
