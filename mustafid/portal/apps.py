from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "mustafid.portal"
    label = "portal"

    def ready(self):
        # The sign-in code's message (a one-time code: sent during quiet hours, its text never kept once it has
        # left, see notifications/sending.py), and the nightly clean-up of the rate-limit rows.
        from mustafid.notifications import catalogue, sending

        from . import actions

        catalogue.register(actions.CODE_MESSAGE)
        # The codes that confirm a declaration or a new mobile, and the notice to an old mobile (account.py).
        from . import account

        account.register_messages()
        # The tracking code and the acknowledgment of a message sent from the website (public.py).
        from . import public

        catalogue.register(public.TRACK_CODE_MESSAGE)
        catalogue.register(public.CONTACT_RECEIVED_MESSAGE)
        # The reference of a complaint, suggestion or compliment sent from the website, and «تتبع شكواي»'s code.
        from . import complaints

        catalogue.register(complaints.RECEIVED_MESSAGE)
        catalogue.register(complaints.CODE_MESSAGE)
        # The code that confirms a first-time applicant's mobile, and the notice to an ID's mobile on record (register.py).
        from . import register

        register.register_messages()
        sending.register_periodic("portal_prune", actions.prune)
