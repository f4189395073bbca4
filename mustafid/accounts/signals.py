"""Failed sign-ins and lockouts in the audit trail; the start of the idle clock at sign-in.

The one place the trail is written from signals: a failed sign-in happens inside Django's `authenticate()`
and a lockout inside django-axes, with no action of ours around them. The name that was tried is kept
(cut to the length of a user name), never the password.
"""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from mustafid.audit.log import record
from mustafid.audit.models import EventType

from .middleware import LAST_SEEN
from .models import User


def _attempted(username):
    username = str(username or "")[:150]
    return username, User.objects.filter(username=username).first() if username else None


@receiver(user_login_failed, dispatch_uid="mustafid.accounts.sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    username, account = _attempted(credentials.get("username"))
    record(EventType.SIGN_IN_FAILED, actor=None, target=account, data={"username": username})


@receiver(user_locked_out, dispatch_uid="mustafid.accounts.locked_out")
def locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    username, account = _attempted(username)
    record(EventType.LOCKED_OUT, actor=None, target=account, data={"username": username})


@receiver(user_logged_in, dispatch_uid="mustafid.accounts.last_seen")
def idle_clock_starts(sender, request=None, user=None, **kwargs):
    # So the first request after signing in does not write the session again (see IdleTimeoutMiddleware).
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())
