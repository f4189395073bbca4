"""The association for the header and footer of every page.

One association per deployment, read on every page for its name, logo and contact details: each process keeps
the row it read for `HEADER_SECONDS` (30) rather than asking the database on every request (a query and a
model with its region cost about a millisecond, a tenth of a list page). A change saved in this process is shown
at once (the signals below forget the row); another process shows it within the 30 seconds. Only the page's
header and footer read it from here: actions, letters, minutes and the policy page read the row itself
(`Association.objects.current()`), never this copy.
"""

import threading
import time

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Association, Region

HEADER_SECONDS = 30

_lock = threading.Lock()
_kept = {"association": None, "until": 0.0}


def header_association():
    """The association as the page header shows it, read again when older than HEADER_SECONDS."""
    now = time.monotonic()
    with _lock:
        if _kept["until"] > now:
            return _kept["association"]
    association = Association.objects.current()
    with _lock:
        _kept.update(association=association, until=now + HEADER_SECONDS)
    return association


def forget_header_association(**_kwargs):
    with _lock:
        _kept.update(association=None, until=0.0)


@receiver(post_save, sender=Association, dispatch_uid="association_header_saved")
@receiver(post_delete, sender=Association, dispatch_uid="association_header_deleted")
@receiver(post_save, sender=Region, dispatch_uid="association_header_region_saved")
def _forget(sender, **kwargs):
    forget_header_association()


def association(request):
    """The association for the header of every page: the view's own when it read one (the policy page), else the
    copy this process keeps."""
    if not hasattr(request, "_association"):
        request._association = header_association()
    return {"association": request._association}
