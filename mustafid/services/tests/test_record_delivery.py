"""Registration of the accepted beneficiary and the service delivered (تقديم الخدمة)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from mustafid.cases import actions
from mustafid.conftest import refreshed
from mustafid.lib.errors import ActionRefused
from mustafid.services.actions import record_delivery
from mustafid.services.models import Service, ServiceDelivery


def test_registration_gives_the_beneficiary_a_registration_number(make_case, officer):
    case = make_case("approved")
    assert not case.beneficiary.is_registered
    actions.register_beneficiary(case, by=officer)
    beneficiary = refreshed(case).beneficiary
    beneficiary.refresh_from_db()
    assert beneficiary.is_registered
    assert beneficiary.registration_number.endswith(f"{beneficiary.pk:05d}")


def test_a_second_approved_request_keeps_the_first_registration(make_case, officer, beneficiary, chair):
    from mustafid.conftest import case_at

    first = case_at("registered", beneficiary=beneficiary, officer=officer, committee_member=chair)
    beneficiary.refresh_from_db()
    number = beneficiary.registration_number
    case_at("registered", beneficiary=beneficiary, officer=officer, committee_member=chair)
    beneficiary.refresh_from_db()
    assert beneficiary.registration_number == number and first.status == "registered"


def test_a_delivery_records_the_service_amount_date_and_who(make_case, officer):
    case = make_case("registered")
    cash = Service.objects.get(measure="amount")
    delivery = record_delivery(case, service=cash, quantity=Decimal("750.50"), delivered_on=timezone.localdate(),
                               note="دفعة أولى", by=officer)
    assert refreshed(case).status == "in_service"
    assert (delivery.service, delivery.quantity, delivery.delivered_by) == (cash, Decimal("750.50"), officer)
    event = case.events.get(kind="service_delivered")
    assert event.data["quantity"] == "750.50" and event.data["unit"] == "ريال"


@pytest.mark.parametrize(("quantity", "days_ahead"), [(0, 0), (-5, 0), (None, 0), (10, 1)])
def test_a_delivery_with_no_quantity_or_a_future_date_is_refused(make_case, officer, quantity, days_ahead):
    case = make_case("registered")
    with pytest.raises(ActionRefused):
        record_delivery(case, service=Service.objects.first(), quantity=quantity, by=officer,
                        delivered_on=timezone.localdate() + datetime.timedelta(days=days_ahead))
    assert refreshed(case).status == "registered" and not ServiceDelivery.objects.exists()


def test_the_delivery_form_accepts_arabic_indic_digits(client, make_case, officer):
    case = make_case("registered")
    basket = Service.objects.get(measure="quantity")
    client.force_login(officer)
    response = client.post(f"/services/cases/{case.pk}/deliveries/", {
        "service": basket.pk, "quantity": "٣", "delivered_on": timezone.localdate().isoformat(), "note": "",
    })
    assert response.status_code == 302
    assert ServiceDelivery.objects.get().quantity == 3
