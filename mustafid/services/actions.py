"""Delivering the service (تقديم الخدمة اللازمة) to a registered beneficiary."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mustafid.audit.models import EventType
from mustafid.cases.models import CaseEvent, Status, Step
from mustafid.cases.workflow import lock_case, move
from mustafid.feedback import actions as feedback
from mustafid.feedback.models import Trigger
from mustafid.lib.errors import refuse_unless

from .models import ServiceDelivery


def record_delivery(case, *, service, quantity, delivered_on, by, note=""):
    """Record one delivery (cash, in kind or sessions). The first one puts the request in service.

    The beneficiary is invited to the active after-delivery survey in the same transaction (feedback/actions.py).
    """
    refuse_unless(service.active, _("هذه الخدمة غير متاحة حاليًا."))
    refuse_unless(quantity is not None and quantity > 0, _("أدخل مبلغًا أو كمية أكبر من صفر."))
    refuse_unless(delivered_on <= timezone.localdate(), _("تاريخ تقديم الخدمة لا يمكن أن يكون في المستقبل."))
    with transaction.atomic():
        case = lock_case(case)
        refuse_unless(case.is_open_for(Step.DELIVER), _("تُقدم الخدمة بعد استكمال تسجيل المستفيد."))
        delivery = ServiceDelivery.objects.create(
            case=case, service=service, quantity=quantity, delivered_on=delivered_on, delivered_by=by,
            note=(note or "").strip(),
        )
        move(
            case, to=Status.IN_SERVICE, kind=CaseEvent.Kind.SERVICE_DELIVERED, by=by, note=delivery.note,
            data={"delivery": delivery.pk, "service": str(service), "quantity": str(quantity),
                  "unit": str(service.unit), "delivered_on": delivered_on.isoformat()},
            audit_type=EventType.SERVICE_DELIVERED, audit_target=delivery,
        )
        feedback.invite(Trigger.DELIVERY, case.beneficiary, delivery, by=by)
    return delivery
