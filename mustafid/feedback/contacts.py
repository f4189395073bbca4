"""A satisfaction survey after a contact, when the association wants one (the survey settings' «استبيان بعد
التواصل», off by default) and a survey is active for contacts: the invitation and its message are written in the
contact's transaction, once per contact (`actions.invite`, unique on what it is about).

`interactions` is below `feedback` and never imports it: `log_interaction` runs the writers of
`lib.composition.contact_writers`, and this one is registered in `FeedbackConfig.ready()`.

Which contacts: one that came in (not an outgoing call or message), from a known beneficiary (not an anonymous
caller), logged by a staff member (a message the beneficiary wrote in the portal, or the public form, waits for its
answer: there is nothing to rate yet), and not a complaint or a suggestion (the register follows those, and asks
the sender's word at closure).
"""

from mustafid.audit.actors import Actor
from mustafid.interactions.models import SENDER_KINDS, Interaction
from mustafid.lib import composition

from .actions import JOB, invite
from .models import SurveySettings, Trigger

NOT_SURVEYED = (Interaction.Kind.COMPLAINT, Interaction.Kind.SUGGESTION)


def is_surveyed(contact):
    """Whether a contact is one a survey may follow (the association's setting aside)."""
    return (contact.beneficiary_id is not None and contact.direction == Interaction.Direction.INCOMING
            and contact.kind not in NOT_SURVEYED and contact.staff_kind not in SENDER_KINDS)


def survey_after_contact(contact):
    if not is_surveyed(contact):
        return None
    # Read, not `SurveySettings.current()`: logging a contact never creates the settings row.
    wanted = SurveySettings.objects.order_by("pk").values_list("after_contact", flat=True).first()
    if not wanted:
        return None
    return invite(Trigger.CONTACT, contact.beneficiary, contact, by=Actor.system(JOB))


def register():
    composition.contact_writers.register(composition.ContactWriter("survey_after_contact", 10, survey_after_contact))
