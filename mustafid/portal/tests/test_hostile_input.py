"""The portal's forms never answer hostile input with a server error: the ID form and, with a code asked for,
the code form (the access matrix's fuzzing reaches the code form only without a code asked for)."""

import uuid

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mustafid.tests.test_no_server_errors import HOSTILE

from .conftest import ask

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url, field", [("/portal/", "national_id"), ("/portal/code/", "code")])
def test_hostile_input_never_gets_a_server_error(beneficiary, url, field):
    client = Client(raise_request_exception=False)
    ask(client, beneficiary.national_id)

    @settings(max_examples=40, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.function_scoped_fixture])
    @given(value=HOSTILE, extra=st.sampled_from(["", "x", "\x00"]))
    def posting(value, extra):
        with transaction.atomic():
            response = client.post(url, {field: value, "other": extra, "_once": str(uuid.uuid4())})
            transaction.set_rollback(True)
        assert response.status_code < 500, (url, value[:80])

    posting()
