"""The social research report: figures, who reads and writes it, filing, and the committee's gate."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from mustafid.audit.models import AuditEvent, EventType
from mustafid.cases import actions as case_actions
from mustafid.cases.models import CaseEvent, SupportType
from mustafid.conftest import refreshed
from mustafid.lib.errors import ActionRefused
from mustafid.research.actions import refer_to_researcher, save_report
from mustafid.research.models import HousingPhoto, ResearchReport


def report_url(case):
    return reverse("research:report", args=[case.pk])


def management(prefix, total):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "30"}


def posted(**overrides):
    """The report form as a researcher fills it on the phone, amounts in Arabic-Indic digits."""
    data = {
        **management("members", 2), **management("incomes", 3), **management("expenses", 2), **management("debts", 1),
        "visit_on": "١٤٤٧/٠٥/١٠", "visit_mode": "home", "visitor": "الباحثة منى", "visit_place": "أبها، حي المنسك",
        "members-0-relation": "زوجة", "members-0-age": "٣٨", "members-0-health": "سكري",
        "members-1-relation": "ابن", "members-1-age": "١٢", "members-1-education": "ابتدائي",
        "incomes-0-kind": "social_security", "incomes-0-amount": "١٬٥٠٠",
        "incomes-1-kind": "citizen_account", "incomes-1-amount": "٧٢٠٫٥٠",
        "incomes-2-kind": "", "incomes-2-amount": "",
        "expenses-0-kind": "rent", "expenses-0-amount": "١٠٠٠",
        "expenses-1-kind": "utilities", "expenses-1-amount": "300",
        "debts-0-creditor": "بنك", "debts-0-amount": "١٢٠٠٠", "debts-0-instalment": "٥٠٠",
        "housing_type": "apartment", "tenure": "rented", "housing_condition": "poor",
        "health_notes": "الزوجة مصابة بالسكري", "needs": "سداد الإيجار",
        "recommendation": "approve", "recommendation_reasons": "دخل الفرد أقل من حد الكفاية والإيجار أغلب الدخل",
        "action": "save",
    }
    data.update(overrides)
    return data


@pytest.fixture
def referred(make_case, officer, researcher):
    case = make_case("declared")
    refer_to_researcher(case=case, researcher=researcher, question="دراسة حالة الأسرة", by=officer)
    return case


def test_the_figures_from_arabic_indic_digits(client, referred, researcher):
    client.force_login(researcher)
    response = client.post(report_url(referred), posted())
    assert response.status_code == 302, response.content.decode()[:3000]
    report = ResearchReport.objects.get(case=referred)
    figures = report.figures()
    assert figures["total_income"] == Decimal("2220.50")
    assert figures["total_expenses"] == Decimal("1300")
    assert figures["household_size"] == 3  # the applicant, the wife and the son
    assert figures["per_capita"] == Decimal("740.17")
    assert figures["rent_share"] == Decimal("45.0")
    assert [m.age for m in report.members.all()] == [38, 12]
    assert report.visit_on.isoformat() == "2025-11-01"
    page = client.get(report_url(referred)).content.decode()
    assert "2220.5" in page and "740.17" in page and "45%" in page


def test_no_income_says_so_instead_of_a_percentage(referred, researcher):
    report = save_report(referred, by=researcher, fields={}, rows={"expenses": [{"kind": "rent", "amount": Decimal(900)}]})
    assert report.figures()["rent_share"] is None and report.figures()["per_capita"] == 0


@pytest.mark.parametrize("field, value, message", [
    ("incomes-0-amount", "-500", "المبلغ لا يكون سالبًا"),
    ("incomes-0-amount", "٥٠٠٠٠٠٠٠", "أكبر من المعقول"),
    ("incomes-0-amount", "خمسمئة", "اكتب المبلغ أرقامًا"),
    ("incomes-0-amount", "NaN", "اكتب المبلغ أرقامًا"),
    ("members-0-age", "-3", "العمر لا يكون سالبًا"),
    ("needs", "يحتاج\x00", "محرف تحكم"),
    ("needs", "أ" * 100_000, "4000"),
    ("recommendation_reasons", "مستحق\u202e", "يغيّر اتجاه الكتابة"),
    ("visit_on", "2999-01-01", "التاريخ"),
    ("recommendation", "<script>", "ليس أحد الخيارات المتاحة"),
])
def test_hostile_input_is_refused_with_a_clear_message(client, referred, researcher, field, value, message):
    client.force_login(researcher)
    response = client.post(report_url(referred), posted(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ResearchReport.objects.filter(case=referred).exists()


def test_a_forged_row_count_is_refused_not_a_crash(client, referred, researcher):
    client.force_login(researcher)
    response = client.post(report_url(referred), posted(**{"members-TOTAL_FORMS": "100000"}))
    assert response.status_code == 400
    missing = {key: value for key, value in posted().items() if not key.startswith("debts-")}
    assert client.post(report_url(referred), missing).status_code == 400


def test_filing_writes_the_timeline_and_the_audit(client, referred, researcher):
    client.force_login(researcher)
    response = client.post(report_url(referred), posted(action="file"))
    assert response.status_code == 302
    report = ResearchReport.objects.get(case=referred)
    assert report.is_filed and report.filed_at
    event = referred.events.get(kind=CaseEvent.Kind.RESEARCH_FILED)
    assert event.actor == researcher and event.data["recommendation"] == "approve"
    assert event.data["per_capita"] == "740.17"
    audit = AuditEvent.objects.get(event_type=EventType.RESEARCH_REPORT_FILED)
    assert audit.target_id == str(report.pk) and audit.actor == researcher
    # Final once filed: the page shows it, the form is gone, a forged post is refused.
    page = client.get(report_url(referred)).content.decode()
    assert "التوصية بالقبول" in page and 'name="action"' not in page
    again = client.post(report_url(referred), posted(needs="تعديل"))
    assert again.status_code == 400 and "اعتُمد التقرير من قبل" in again.content.decode()
    # The committee's summary on the request page.
    case_page = client.get(referred.get_absolute_url()).content.decode()
    assert "التوصية بالقبول" in case_page and "740.17" in case_page


def test_filing_needs_the_visit_and_a_reasoned_recommendation(client, referred, researcher):
    client.force_login(researcher)
    response = client.post(report_url(referred), posted(action="file", recommendation="", recommendation_reasons=""))
    assert response.status_code == 400
    assert "لا يعتمد التقرير قبل إكمال" in response.content.decode()
    assert not referred.events.filter(kind=CaseEvent.Kind.RESEARCH_FILED).exists()
    # A draft is kept without them.
    assert client.post(report_url(referred), posted(recommendation="")).status_code == 302
    assert AuditEvent.objects.filter(event_type=EventType.RESEARCH_REPORT_SAVED).count() == 1


def test_add_row_saves_and_gives_more_rows(client, referred, researcher):
    client.force_login(researcher)
    response = client.post(report_url(referred), posted(action="add_members"))
    assert response.status_code == 302 and response["Location"].endswith("?more=members#members")
    page = client.get(response["Location"]).content.decode()
    assert 'name="members-TOTAL_FORMS" value="6"' in page  # two saved, one empty, three more


def test_only_the_referred_researcher_writes(referred, staff, officer):
    with pytest.raises(ActionRefused):
        save_report(referred, by=officer, fields={}, rows={})
    other = staff["researcher"].__class__.objects.create(username="researcher_b", first_name="سارة")
    other.roles.set(["researcher"])
    with pytest.raises(ActionRefused):
        save_report(referred, by=other, fields={}, rows={})


def test_who_reads_the_report(client, referred, researcher, staff):
    save_report(referred, by=researcher, fields={"needs": "سداد الإيجار"}, rows={})
    expected = {"officer": 200, "researcher": 200, "manager": 200, "auditor": 200,
                "volunteer": 404, "committee": 404, "outsider": 404}
    for role, status in expected.items():
        client.force_login(staff[role])
        assert client.get(report_url(referred)).status_code == status, role
    assert AuditEvent.objects.filter(event_type=EventType.RESEARCH_REPORT_VIEWED, actor=staff["auditor"]).exists()
    client.force_login(staff["officer"])
    assert client.post(report_url(referred), posted()).status_code == 403


def png_photo(name="house.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 180, 150)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_a_housing_photo_is_checked_stored_and_served_to_readers_only(client, referred, researcher, staff, settings):
    client.force_login(researcher)
    assert client.post(report_url(referred), posted(photo=png_photo())).status_code == 302
    photo = HousingPhoto.objects.get()
    assert photo.file.path.startswith(str(settings.MEDIA_ROOT)) and "house" not in photo.file.name
    response = client.get(reverse("research:report_photo", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(staff["volunteer"])
    assert client.get(reverse("research:report_photo", args=[photo.pk])).status_code == 404
    # A file that is not an image, whatever its name says, is refused with the reason.
    client.force_login(researcher)
    fake = SimpleUploadedFile("house.png", b"<html><script>alert(1)</script>", content_type="image/png")
    response = client.post(report_url(referred), posted(photo=fake))
    assert response.status_code == 400 and "نوع الملف غير مقبول" in response.content.decode()
    pdf = SimpleUploadedFile("house.png", b"%PDF-1.4\n%%EOF\n", content_type="image/png")
    assert "JPG أو PNG فقط" in client.post(report_url(referred), posted(photo=pdf)).content.decode()
    assert HousingPhoto.objects.count() == 1


def test_submission_waits_for_the_recommendation_where_the_support_type_requires_it(client, referred, researcher,
                                                                                     officer):
    SupportType.objects.filter(pk=referred.support_type_id).update(requires_research=True)
    case = refreshed(referred)
    with pytest.raises(ActionRefused) as refused:
        case_actions.submit_to_committee(case, by=officer)
    assert "يتطلب تقرير بحث اجتماعي معتمدًا" in refused.value.message
    client.force_login(officer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'id="submit-blocked"' in page and "يتطلب تقرير بحث اجتماعي معتمدًا" in page
    # A draft is not enough; the filed report is.
    save_report(case, by=researcher, fields={}, rows={})
    with pytest.raises(ActionRefused):
        case_actions.submit_to_committee(refreshed(case), by=officer)
    client.force_login(researcher)
    assert client.post(report_url(case), posted(action="file")).status_code == 302
    case_actions.submit_to_committee(refreshed(case), by=officer)
    assert refreshed(case).status == "with_committee"


def test_submission_is_not_held_where_the_support_type_does_not_require_it(referred, officer):
    case_actions.submit_to_committee(referred, by=officer)
    assert refreshed(referred).status == "with_committee"


def test_a_photo_is_removed_from_a_draft_with_its_file(client, referred, researcher, django_capture_on_commit_callbacks):
    client.force_login(researcher)
    client.post(report_url(referred), posted(photo=png_photo()))
    photo = HousingPhoto.objects.get()
    storage, name = photo.file.storage, photo.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(report_url(referred), posted(remove_photo=str(photo.pk)))
    assert response.status_code == 302
    assert not HousingPhoto.objects.exists() and not storage.exists(name)
