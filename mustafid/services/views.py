from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mustafid.cases.access import access_case
from mustafid.cases.models import Status
from mustafid.cases.panels import Panel, register_panel
from mustafid.cases.views import run_step

from . import actions
from .forms import DeliveryForm


def _delivery_panel(case, user, bound):
    deliveries = case.deliveries.select_related("service", "delivered_by")
    may_deliver = user.may_intake and case.status in (Status.REGISTERED, Status.IN_SERVICE)
    if not deliveries and not may_deliver:
        return None
    return {"deliveries": deliveries, "form": (bound or DeliveryForm()) if may_deliver else None}


def register_panels():
    register_panel(Panel("delivery", 80, "services/panels/delivery.html", _delivery_panel))


@login_required
@require_POST
def record_delivery(request, pk):
    case = access_case(request.user, pk, write=True)
    form = DeliveryForm(request.POST)
    return run_step(
        request, case, lambda data: actions.record_delivery(case, by=request.user, **data),
        success=_("تم تسجيل تقديم الخدمة."), panel="delivery", form=form,
    )
