"""What contacts bring to pages of the registry below them (registered in `InteractionsConfig.ready()`):
their rows on a beneficiary's timeline, and a registration that starts from a contact."""

from mustafid.lib.composition import (
    RegistrationSource, TimelineRow, TimelineSource, beneficiary_timeline, registration_sources,
)

from .models import Interaction


def _contact_rows(beneficiary, user):
    contacts = Interaction.objects.visible_to(user).filter(beneficiary=beneficiary).select_related("staff")
    return [TimelineRow(at=c.occurred_at, template="interactions/timeline/contact.html", item=c) for c in contacts]


def _unlinked_contact(user, pk):
    """A contact the user may see that has no beneficiary yet: the new registration follows it."""
    return Interaction.objects.visible_to(user).filter(pk=pk, beneficiary__isnull=True).first()


def register():
    beneficiary_timeline.register(TimelineSource("contacts", 10, _contact_rows))
    registration_sources.register(RegistrationSource("contact", 10, _unlinked_contact))
