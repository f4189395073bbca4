"""Delivering the service (تقديم الخدمة اللازمة) to a registered beneficiary."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mustafid.audit.models import EventType
from mustafid.cases.actions import move, refuse_unless
from mustafid.cases.models import Case, CaseEvent, Status

from .models import ServiceDelivery


def record_delivery(case, *, service, quantity, delivered_on, by, note=""):
    """Record one delivery (cash, in kind or sessions). The first one puts the request in service."""
    refuse_unless(service.active, _("هذه الخدمة غير متاحة حاليًا."))
    refuse_unless(quantity is not None and quantity > 0, _("أدخل مبلغًا أو كمية أكبر من صفر."))
    refuse_unless(delivered_on <= timezone.localdate(), _("تاريخ تقديم الخدمة لا يمكن أن يكون في المستقبل."))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        refuse_unless(
            case.status in (Status.REGISTERED, Status.IN_SERVICE),
            _("تُقدم الخدمة بعد استكمال تسجيل المستفيد."),
        )
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
    return delivery
