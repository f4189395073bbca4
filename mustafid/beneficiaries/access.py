"""Who may see or change a beneficiary. Every read of a record is audited."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from mustafid.audit.log import record
from mustafid.audit.models import EventType

from .models import Beneficiary


def access_beneficiary(user, pk, *, write=False, audit_read=None):
    """404 for those who may not know the record exists, 403 for read-only roles writing.

    Every read is audited; a write page that also shows the record passes audit_read=True.
    """
    beneficiary = get_object_or_404(
        Beneficiary.objects.visible_to(user).select_related("region", "branch", "category"), pk=pk
    )
    if write and not user.may_intake:
        raise PermissionDenied
    if (not write) if audit_read is None else audit_read:
        record(EventType.BENEFICIARY_VIEWED, actor=user, target=beneficiary)
    return beneficiary
