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


def unlink_contacts_of(beneficiary, *, by):
    """A rejected self-registration (beneficiaries.actions.reject_self_registration) is deleted; the contacts
    with it stay, as a person's not in the registry (their name and mobile kept on the contact)."""
    contacts = Interaction.objects.filter(beneficiary=beneficiary)
    count = contacts.filter(contact_name="").update(beneficiary=None, contact_name=beneficiary.full_name[:120],
                                                     contact_mobile=beneficiary.mobile)
    count += contacts.update(beneficiary=None)
    return {"contacts": count} if count else {}


def register():
    from mustafid.beneficiaries.actions import rejection_removers

    if unlink_contacts_of not in rejection_removers:
        rejection_removers.append(unlink_contacts_of)
    beneficiary_timeline.register(TimelineSource("contacts", 10, _contact_rows))
    registration_sources.register(RegistrationSource("contact", 10, _unlinked_contact))
