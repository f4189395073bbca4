from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Referral


def access_referral(user, pk, *, answer=False):
    """404 for outsiders; 403 when someone other than the assigned researcher tries to answer."""
    referral = get_object_or_404(
        Referral.objects.visible_to(user).select_related("case", "beneficiary", "interaction", "researcher"), pk=pk
    )
    if answer and referral.researcher_id != user.pk:
        raise PermissionDenied
    return referral
