"""Services' panel on the request page: the deliveries (registered in `ServicesConfig.ready()`)."""

from mustafid.cases.models import Step
from mustafid.lib.composition import Panel, request_panels

from .forms import DeliveryForm


def _delivery_panel(case, user, bound):
    deliveries = case.deliveries.select_related("service", "delivered_by")
    may_deliver = case.offers(Step.DELIVER, user)
    if not deliveries and not may_deliver:
        return None
    return {"deliveries": deliveries, "form": (bound or DeliveryForm()) if may_deliver else None}


def register():
    request_panels.register(Panel("delivery", 80, "services/panels/delivery.html", _delivery_panel))
