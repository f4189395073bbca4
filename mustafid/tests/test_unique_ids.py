"""No two elements of a page share an HTML id: a label, an aria-describedby or a skip link would point at the wrong one.

Every page the access matrix opens (its GET lines) is read by every persona allowed to open it, in the matrix's
world (a request at each state, documents, a declaration, referrals, contacts).
"""

from collections import Counter
from html.parser import HTMLParser

import pytest

from mustafid.tests.test_access_matrix import ROLES, ROWS, Row, build_world, request, rolled_back_world


class Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = Counter()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids[value] += 1


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from rolled_back_world(build_world, django_db_blocker, tmp_path_factory.mktemp("unique-ids-media"))


@pytest.fixture(autouse=True)
def _media_in_tmp(world):
    """Files stay in the world's own folder for the whole module."""


# ...and the request page at every state of the world, where each state shows its own panels and forms.
EVERY_STATE = [
    Row(view="cases:detail", target=target, method="GET", expected={role: "200" for role in ROLES})
    for target in ("case_documents_complete", "case_declared", "case_approved", "case_registered", "case_in_service")
]
PAGES = [row for row in ROWS if row.method == "GET"] + EVERY_STATE


@pytest.mark.django_db
@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_no_two_elements_of_a_page_share_an_id(world, client, role):
    opened, repeated = 0, {}
    for row in PAGES:
        if row.expected[role] != "200":
            continue
        response, target, _user = request(client, world, row, role)
        if response.status_code != 200:
            continue  # a request this persona may not open (the matrix checks who may)
        if response.streaming or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = Ids()
        parser.feed(response.content.decode())
        opened += 1
        twice = sorted(value for value, count in parser.ids.items() if count > 1)
        if twice:
            repeated[f"{row.view} on {row.target}"] = twice
    assert opened, f"{role} opened no page"
    assert repeated == {}, repeated
