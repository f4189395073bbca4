"""The one exception an action raises when a step is not allowed."""


class ActionRefused(Exception):
    """A step the workflow or the data do not allow.

    The message is written for the person at the screen (Arabic source, translated);
    the action's transaction rolls back, so nothing has changed when it is shown.
    """

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


def refuse_unless(condition, message):
    """Refuse the step with a message for the screen unless the condition holds."""
    if not condition:
        raise ActionRefused(message)
