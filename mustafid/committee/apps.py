from django.apps import AppConfig


class CommitteeConfig(AppConfig):
    name = "mustafid.committee"
    label = "committee"

    def ready(self):
        # This app's step on the request page (see mustafid/lib/composition.py).
        from . import panels

        panels.register()
        # The decision letter: its panel, its contact on the timeline and its link in the decision message,
        # written in the decision's transaction (letters.py).
        from . import letters

        letters.register()
        # Appeals: the decision on a request under appeal is linked to the appeal in its transaction (appeals.py).
        from . import appeals

        appeals.register()
        from . import appeal_views

        appeal_views.register_panel()
        # A satisfaction survey after a decision, when the association wants one (surveys.py).
        from . import surveys

        surveys.register()
