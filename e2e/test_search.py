"""In a real browser: search-as-you-type posts (CSRF included) and keeps digits out of the address bar;
a volunteer's ID search is refused.

(Chromium itself sends a double-clicked form once; the double submissions that reach the server — a resent
form, two tabs, a flaky network — are tested in audit/tests/test_once_only_forms.py.)"""

import re

import pytest
from playwright.sync_api import Page, expect

from mustafid.accounts.models import User
from mustafid.conftest import make_beneficiary

from .test_whole_path import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def nawal(demo_association):
    return make_beneficiary(by=User.objects.get(username="officer"), first_name="نوال")


def test_search_as_you_type_posts_and_keeps_the_id_out_of_the_address_bar(page: Page, live_server, nawal):
    sign_in(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/beneficiaries/")
    posted = []
    page.on("request", lambda req: req.method == "POST" and posted.append(req.url))
    page.get_by_label("ابحث برقم الهوية أو رقم الجوال أو الاسم").press_sequentially(nawal.national_id[:6], delay=30)
    expect(page.locator("#rows")).to_contain_text(nawal.full_name)
    expect(page).to_have_url(re.compile(r"/beneficiaries/\?s=[\w-]+$"))
    assert nawal.national_id[:6] not in page.url
    assert posted and not any(nawal.national_id[:4] in url for url in posted)
    assert page.problems == []


def test_a_volunteer_typing_an_id_is_told_to_search_by_name(page: Page, live_server, nawal):
    sign_in(page, live_server.url, "volunteer")
    page.goto(f"{live_server.url}/beneficiaries/")
    page.get_by_label("ابحث بالاسم").press_sequentially(nawal.national_id[:5], delay=30)
    expect(page.get_by_role("status")).to_contain_text("البحث برقم الهوية أو الجوال غير متاح لدورك")
    expect(page.locator("#rows")).not_to_contain_text(nawal.full_name)

