"""The audit trail finds the rows about a person by their name or number, never through a URL holding it."""

from django.urls import reverse

from mustafid.audit.models import AuditEvent, EventType
from mustafid.conftest import make_beneficiary


def _filter(client, **fields):
    response = client.post(reverse("audit:list"), fields)
    assert response.status_code == 302
    location = response["Location"]
    return location, client.get(location)


def test_the_rows_about_a_beneficiary_are_found_by_name_id_and_request_number(client, staff, officer, make_case):
    case = make_case("received", first_name="ريان", family_name="الحربي")
    other = make_beneficiary(by=officer, first_name="بدر", family_name="الشهري")
    client.force_login(officer)
    client.get(case.beneficiary.get_absolute_url())   # a read of ريان's record
    client.get(other.get_absolute_url())              # and of someone else's
    client.get(case.get_absolute_url())                # a read of ريان's request
    client.force_login(staff["auditor"])
    for typed in ("ريان الحربي", case.beneficiary.national_id, case.reference):
        location, page = _filter(client, subject=typed)
        html = page.content.decode()
        assert case.beneficiary.national_id not in location and typed not in location
        assert "ريان" in html and case.reference in html, typed
        assert "بدر" not in html, typed


def test_the_subject_filter_keeps_the_event_type_and_pages_by_key(client, staff, make_case):
    case = make_case("declared", first_name="ريان")
    client.force_login(staff["auditor"])
    _location, page = _filter(client, subject="ريان", type=str(EventType.DECLARATION_RECORDED))
    rows = list(page.context["page"])
    assert rows and {row.event_type for row in rows} == {EventType.DECLARATION_RECORDED}
    assert {row.target_id for row in rows} == {str(case.current_declaration.pk)}


def test_nobody_found_shows_no_rows_and_bad_text_is_no_error(client, staff, make_case):
    make_case("received")
    client.force_login(staff["manager"])
    _location, page = _filter(client, subject="لا أحد بهذا الاسم إطلاقًا")
    assert list(page.context["page"]) == []
    _location, page = _filter(client, subject="\x00" * 5 + "ريان" * 200, type="²")
    assert page.status_code == 200


def test_only_managers_and_auditors_may_filter(client, staff):
    client.force_login(staff["officer"])
    assert client.post(reverse("audit:list"), {"subject": "ريان"}).status_code == 403
    assert not AuditEvent.objects.filter(event_type=EventType.REGISTRY_SEARCHED, actor=staff["officer"]).exists()


def test_a_date_range_in_either_calendar_keeps_the_rows_of_those_days(client, staff, make_case):
    import datetime

    from django.utils import timezone

    from mustafid.lib.hijri import to_hijri

    make_case("received")
    old = AuditEvent.objects.order_by("pk").first()
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=40))
    client.force_login(staff["auditor"])
    today = timezone.localdate()
    year, month, day = to_hijri(today)
    for typed in (today.isoformat(), f"{year}/{month:02d}/{day:02d}"):
        _location, page = _filter(client, at_from=typed, at_to=typed)
        rows = list(page.context["page"])
        assert rows and old.pk not in {row.pk for row in rows}, typed
        assert all(timezone.localdate(row.at) == today for row in rows)


def test_a_range_that_ends_before_it_starts_is_refused_with_a_message(client, staff):
    client.force_login(staff["auditor"])
    response = client.post(reverse("audit:list"), {"at_from": "2026-05-02", "at_to": "2026-05-01"})
    assert response.status_code == 400
    assert "تاريخ النهاية قبل تاريخ البداية." in response.content.decode()
