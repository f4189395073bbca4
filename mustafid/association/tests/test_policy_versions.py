"""The public policy page lists the previous versions, each readable as it was approved."""

import datetime

import pytest
from django.utils import timezone

from mustafid.association.models import PolicyVersion


@pytest.fixture
def versions(association):
    old = PolicyVersion.objects.order_by("pk").first()
    old.effective_from = timezone.localdate() - datetime.timedelta(days=400)
    old.save()
    new = PolicyVersion.objects.create(
        association=association, version="2/1447", effective_from=timezone.localdate() - datetime.timedelta(days=3),
        approved_on=datetime.date(2025, 6, 30), board_meeting="الجلسة الخامسة", response_days=30,
        channels=["phone", "website"], general_goal_ar="هدف الإصدار الجديد", detailed_goals_ar="هدف تفصيلي",
    )
    return old, new


@pytest.mark.django_db
def test_the_policy_page_lists_the_previous_versions_with_their_approval(client, versions):
    old, new = versions
    html = client.get("/policy/").content.decode()
    assert "هدف الإصدار الجديد" in html
    table = html.split('id="policy-versions"')[1].split("</table>")[0]
    assert old.version in table and f"/policy/versions/{old.version}/" in table
    assert new.version not in table  # the one in force is the page itself
    assert 'class="hijri"' in table  # both calendars
    assert "/statistics/" in html


@pytest.mark.django_db
def test_a_previous_version_reads_as_it_was_approved(client, versions):
    old, new = versions
    html = client.get(f"/policy/versions/{old.version}/").content.decode()
    assert 'id="older-version"' in html and old.general_goal_ar in html and "هدف الإصدار الجديد" not in html
    assert 'href="/policy/"' in html
    current = client.get(f"/policy/versions/{new.version}/")
    assert current.status_code == 200 and 'id="older-version"' not in current.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["9.9", "..", "%00", "نسخة", "1" * 5000, "%E2%80%AE1.0"])
def test_an_unknown_version_is_not_found(client, versions, version):
    assert client.get(f"/policy/versions/{version}/").status_code == 404


@pytest.mark.django_db
def test_only_those_who_oversee_see_the_notice_link(client, versions, staff):
    assert "/policy/notice/" not in client.get("/policy/").content.decode()
    client.force_login(staff["officer"])
    assert "/policy/notice/" not in client.get("/policy/").content.decode()
    client.force_login(staff["manager"])
    assert "/policy/notice/" in client.get("/policy/").content.decode()
