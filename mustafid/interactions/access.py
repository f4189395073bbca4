from django.shortcuts import get_object_or_404

from .models import Interaction


def access_interaction(user, pk):
    """Contacts are read-only once logged (but for the answer to a written one); 404 for those who may not see them."""
    return get_object_or_404(Interaction.objects.visible_to(user).select_related("beneficiary", "staff"), pk=pk)


def may_answer(user):
    """The association answers written contacts (the portal, the public form) through its reception officers and
    its manager; a volunteer, a researcher, a branch representative or the committee do not."""
    return bool(user.is_officer or user.is_manager)
