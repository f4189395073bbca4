"""The app's Arabic 404 and 403 pages, with DEBUG on (`make run`) as with DEBUG off."""

import pytest
from django.test import override_settings
from django.urls import reverse

from mustafid.conftest import make_beneficiary

DJANGO_DEBUG_404 = "Django tried these URL patterns"


@pytest.fixture
def other_branch_beneficiary(staff):
    """A beneficiary of a branch the researcher does not work in and was never referred."""
    return make_beneficiary(by=staff["officer"])


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_address_gets_the_arabic_404_page(client, officer, debug):
    client.force_login(officer)
    with override_settings(DEBUG=debug):
        response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "الصفحة غير موجودة" in html
    assert DJANGO_DEBUG_404 not in html
    assert 'lang="ar"' in html


@pytest.mark.parametrize("debug", [True, False])
def test_a_record_one_may_not_see_gets_the_arabic_404_page(client, staff, other_branch_beneficiary, debug):
    client.force_login(staff["researcher"])
    with override_settings(DEBUG=debug):
        response = client.get(reverse("beneficiaries:detail", args=[other_branch_beneficiary.pk]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "لم نجد ما تبحث عنه، أو ليس لديك صلاحية الاطلاع عليه." in html
    assert DJANGO_DEBUG_404 not in html
    assert "Page not found" not in html


@pytest.mark.parametrize("debug", [True, False])
def test_a_step_ones_role_does_not_allow_gets_the_arabic_403_page(client, staff, debug):
    client.force_login(staff["researcher"])
    with override_settings(DEBUG=debug):
        response = client.get(reverse("audit:list"))
    assert response.status_code == 403
    assert "دورك لا يسمح بهذا الإجراء" in response.content.decode()


def test_a_missing_trailing_slash_still_redirects_in_debug(client, officer):
    client.force_login(officer)
    with override_settings(DEBUG=True):
        response = client.get("/beneficiaries")
    assert response.status_code == 301
    assert response.url == "/beneficiaries/"
