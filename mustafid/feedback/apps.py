from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """The beneficiary's voice: satisfaction surveys after a service (and, if the association wants, after a
    contact or a decision), and the follow-up of a low rating."""

    name = "mustafid.feedback"
    verbose_name = _("رأي المستفيد")

    def ready(self):
        # The invitation and its one reminder (actions.py), and the job that reminds and marks expired invitations.
        from mustafid.notifications import catalogue, sending

        from . import actions, register

        catalogue.register(actions.INVITATION_MESSAGE)
        catalogue.register(actions.REMINDER_MESSAGE)
        sending.register_periodic("survey_reminders", actions.remind_and_expire)
        # The complaints register: the answer and the rating link to the sender, the managers' notice of an overdue
        # or appealed item, and the job that escalates overdue items (register.py).
        for kind in (register.ANSWER_MESSAGE, register.RATING_MESSAGE, register.ESCALATION_MESSAGE):
            catalogue.register(kind)
        sending.register_periodic("feedback_escalation", register.escalate_overdue)
        # A survey after a contact, written in the contact's transaction (contacts.py).
        from . import contacts

        contacts.register()
        # A survey answered by replying to its SMS or WhatsApp with a digit (replies.py).
        from . import replies

        replies.register()
