"""The association for the header and footer of every page.

One association per deployment, read on every page for its name, logo and contact details: each process keeps
the row it read for 30 seconds (`lib.kept`) rather than asking the database on every request. A change saved in
this process is shown at once; another process shows it within the 30 seconds. Only the page's header and footer
read it from here: actions, letters, minutes and the policy page read the row itself
(`Association.objects.current()`), never this copy.
"""

from mustafid.lib.kept import Kept

from .models import Association, Region

HEADER = Kept(Association.objects.current, Association, Region)


def association(request):
    """The association for the header of every page: the view's own when it read one (the policy page), else the
    copy this process keeps."""
    if not hasattr(request, "_association"):
        request._association = HEADER.get()
    return {"association": request._association}
