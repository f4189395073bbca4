"""«نصوص الرسائل»: a manager rewords a message, sees it filled in, cannot save an unknown variable, restores the text."""

import pytest
from django.urls import reverse

from mustafid.audit.models import AuditEvent, EventType
from mustafid.conftest import make_beneficiary, open_case
from mustafid.notifications import catalogue, wording
from mustafid.notifications.models import Message, MessageTemplate

EDIT = reverse("wording:edit", args=["request_received", "ar"])
NEW_TEXT = "{{ association }}: وصلنا طلبك {{ reference }}، وسنرد خلال {{ period }}."


def post(client, url, **data):
    return client.post(url, {"subject": "استلام طلبك", "body": NEW_TEXT, **data})


@pytest.fixture
def manager_client(client, staff):
    client.force_login(staff["manager"])
    return client


@pytest.mark.django_db
def test_the_list_shows_every_message_with_its_text_in_both_languages(manager_client):
    html = manager_client.get(reverse("wording:list")).content.decode()
    for kind in catalogue.all_kinds():
        assert str(kind.label) in html
        assert reverse("wording:edit", args=[kind.key, "ar"]) in html
        assert reverse("wording:edit", args=[kind.key, "en"]) in html
    received = catalogue.get("request_received")
    assert received.shipped("ar").split("{{")[1].split("}}")[1].strip()[:10] in html
    assert "معدّل عن النص الأصلي" not in html


@pytest.mark.django_db
def test_the_list_reads_the_wording_in_one_query(manager_client, django_assert_max_num_queries):
    # Session, user, roles and the templates' association; the wording itself is one query whatever the count.
    MessageTemplate.objects.create(key="referred", language="ar", subject="إحالة", body="{{ association }}: أحيل طلبك.")
    with django_assert_max_num_queries(6):
        assert manager_client.get(reverse("wording:list")).status_code == 200


@pytest.mark.django_db
def test_the_edit_page_lists_the_variables_and_previews_the_text_with_sample_values(manager_client):
    html = manager_client.get(EDIT).content.decode()
    assert 'data-insert-variable="reference"' in html
    assert "رقم الطلب" in html and "مدة الرد" in html
    assert "2026-00042" in html  # the sample request number, filled into the preview
    assert "{{ reference }}" in html  # the text as in force, in the form


@pytest.mark.django_db
def test_a_preview_shows_the_draft_filled_in_and_its_count_and_saves_nothing(manager_client):
    response = post(manager_client, EDIT, preview="1")
    html = response.content.decode()
    assert response.status_code == 200
    assert "جمعية عون: وصلنا طلبك 2026-00042، وسنرد خلال أسبوعين." in html
    length = wording.sms_length("جمعية عون: وصلنا طلبك 2026-00042، وسنرد خلال أسبوعين.")
    assert f"{length.characters} حرفًا بعد ملء المتغيرات" in html
    assert not MessageTemplate.objects.exists()


@pytest.mark.django_db
def test_the_live_preview_answers_with_the_filled_in_text_or_the_reasons(manager_client):
    url = reverse("wording:preview", args=["request_received", "ar"])
    good = post(manager_client, url).content.decode()
    assert "وصلنا طلبك 2026-00042" in good
    bad = manager_client.post(url, {"subject": "موضوع", "body": "طلبك {{ refrence }}"}).content.decode()
    assert "متغير غير معروف: refrence" in bad
    assert not MessageTemplate.objects.exists()


@pytest.mark.django_db
def test_saving_puts_the_text_in_force_and_audits_the_old_and_new_text(manager_client, staff, officer):
    shipped = catalogue.get("request_received").shipped("ar")
    response = post(manager_client, EDIT, save="1")
    assert response.status_code == 302

    row = MessageTemplate.objects.get(key="request_received", language="ar")
    assert (row.body, row.updated_by) == (NEW_TEXT, staff["manager"])
    event = AuditEvent.objects.get(event_type=EventType.MESSAGE_TEMPLATE_CHANGED)
    assert event.actor == staff["manager"]
    assert event.data["key"] == "request_received" and event.data["language"] == "ar"
    assert event.data["old"]["body"] == shipped and event.data["new"]["body"] == NEW_TEXT
    # The next request received is told in the new words.
    case = open_case(make_beneficiary(by=officer), officer)
    message = Message.objects.filter(template="request_received").latest("pk")
    assert message.body.endswith(f"وصلنا طلبك {case.reference}، وسنرد خلال أسبوعين.")
    assert "معدّل عن النص الأصلي" in manager_client.get(reverse("wording:list")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("body, reason", [
    ("طلبك {{ refrence }} وصل", "متغير غير معروف: refrence"),
    ("طلبك {{ reference|upper }}", "متغير غير معروف: reference|upper"),
    ("{% if reference %}طلبك{% endif %}", "يُسمح بالمتغيرات فقط"),
    ("طلبك {{ reference", "صياغة المتغيرات غير صحيحة"),
    ("طلبك\x00 وصل", "محرف تحكم غير مقبول (U+0000)"),
    ("طلبك \u202eوصل", "محرف خفي يغيّر اتجاه الكتابة (U+202E)"),
    ("ا" * 100_000, "1000"),
    ("   ", "هذا الحقل مطلوب"),
])
def test_a_text_that_cannot_be_sent_is_refused_with_the_reason_and_nothing_is_saved(manager_client, body, reason):
    response = manager_client.post(EDIT, {"subject": "استلام طلبك", "body": body, "save": "1"})
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not MessageTemplate.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.MESSAGE_TEMPLATE_CHANGED).exists()


@pytest.mark.django_db
def test_an_unknown_variable_in_the_subject_is_refused_too(manager_client):
    response = manager_client.post(EDIT, {"subject": "طلبك {{ name }}", "body": NEW_TEXT, "save": "1"})
    assert response.status_code == 400
    assert "متغير غير معروف: name" in response.content.decode()
    assert not MessageTemplate.objects.exists()


@pytest.mark.django_db
def test_saving_the_same_text_changes_nothing(manager_client):
    current = wording.wording(catalogue.get("request_received"), "ar")
    response = manager_client.post(EDIT, {"subject": current.subject, "body": current.body, "save": "1"})
    assert response.status_code == 302
    assert not MessageTemplate.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.MESSAGE_TEMPLATE_CHANGED).exists()


@pytest.mark.django_db
def test_restoring_the_shipped_text_removes_the_managers_wording_and_audits_it(manager_client, staff):
    post(manager_client, EDIT, save="1")
    html = manager_client.get(EDIT).content.decode()
    assert "استعادة النص الأصلي" in html

    response = manager_client.post(reverse("wording:restore", args=["request_received", "ar"]))
    assert response.status_code == 302
    assert not MessageTemplate.objects.exists()
    restored = AuditEvent.objects.filter(event_type=EventType.MESSAGE_TEMPLATE_CHANGED).latest("pk")
    assert restored.data["restored"] is True and restored.data["old"]["body"] == NEW_TEXT
    kind = catalogue.get("request_received")
    assert catalogue.render(kind, "ar", {"reference": "X"})[1].startswith(": استلمنا طلبك رقم X")


@pytest.mark.django_db
def test_the_english_text_is_edited_on_its_own(manager_client):
    url = reverse("wording:edit", args=["request_received", "en"])
    response = manager_client.post(url, {"subject": "Your request", "body": "We got {{ reference }}.", "save": "1"})
    assert response.status_code == 302
    kind = catalogue.get("request_received")
    assert catalogue.render(kind, "en", {"reference": "2026-1"}) == ("Your request", "We got 2026-1.")
    assert "استلمنا طلبك" in catalogue.render(kind, "ar", {"reference": "2026-1"})[1]


@pytest.mark.django_db
def test_the_auditor_reads_the_wording_but_may_not_change_it(client, staff):
    client.force_login(staff["auditor"])
    assert client.get(reverse("wording:list")).status_code == 200
    html = client.get(EDIT).content.decode()
    assert "2026-00042" in html and "<textarea" not in html and "استعادة النص الأصلي" not in html
    assert post(client, EDIT, save="1").status_code == 403
    assert client.post(reverse("wording:restore", args=["request_received", "ar"])).status_code == 403
    assert not MessageTemplate.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["officer", "volunteer", "chair", "branch_rep"])
def test_other_staff_may_not_open_the_wording(client, staff, role):
    client.force_login(staff[role])
    assert client.get(reverse("wording:list")).status_code == 403
    assert client.get(EDIT).status_code == 403
    assert post(client, EDIT, save="1").status_code == 403


@pytest.mark.django_db
def test_an_unknown_message_or_language_is_not_found(manager_client):
    assert manager_client.get(reverse("wording:edit", args=["no_such_message", "ar"])).status_code == 404
    assert manager_client.get(reverse("wording:edit", args=["request_received", "fr"])).status_code == 404


def test_sms_length_counts_arabic_as_ucs2_and_latin_as_gsm():
    assert wording.sms_length("ا" * 70) == wording.Length(70, 1, True)
    assert wording.sms_length("ا" * 71) == wording.Length(71, 2, True)
    assert wording.sms_length("ا" * 134).segments == 2
    assert wording.sms_length("ا" * 135).segments == 3
    assert wording.sms_length("a" * 160) == wording.Length(160, 1, False)
    assert wording.sms_length("a" * 161).segments == 2
    assert wording.sms_length("").segments == 0
    assert wording.sms_length("ا" * 140).within_guide and not wording.sms_length("ا" * 141).within_guide
    assert wording.sms_length("a" * 306).within_guide and not wording.sms_length("a" * 307).within_guide


@pytest.mark.django_db
def test_the_wording_is_linked_from_the_settings_for_managers_and_from_the_home_page_for_auditors(client, staff):
    client.force_login(staff["manager"])
    assert reverse("wording:list") in client.get(reverse("admin:index")).content.decode()
    client.force_login(staff["auditor"])
    assert reverse("wording:list") in client.get(reverse("reports:home")).content.decode()
