from django.shortcuts import get_object_or_404

from .models import Interaction


def access_interaction(user, pk):
    """Contacts are read-only once logged; 404 for those who may not see them."""
    return get_object_or_404(Interaction.objects.visible_to(user).select_related("beneficiary", "staff"), pk=pk)
