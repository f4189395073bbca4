"""The staff's side of the outbox: the failed messages, and «إعادة الإرسال» (outbox.py holds the rules)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.lib.errors import ActionRefused
from mustafid.lib.paging import page_of

from . import outbox


@login_required
@require_GET
def failed_messages(request):
    user = request.user
    if not outbox.shows_messages(user):
        raise PermissionDenied
    # Newest first, in the order of `message_status_idx`; keyset pages (lib/paging.py).
    page = page_of(request, outbox.needing_attention(user), ("-created_at", "-pk"), size=30)
    rows = outbox.shown_list(page.rows, user)
    # Names, addresses and what was said: each page shown is a read of personal data.
    record(EventType.MESSAGES_LISTED, actor=user, data={"page": page.number, "results": len(page)})
    return render(request, "interactions/messages_failed.html", {"page": page, "rows": rows, "list_query": ""})


@login_required
@require_POST
def resend_message(request, pk):
    message = outbox.access_message(request.user, pk, write=True)
    try:
        outbox.resend(message, by=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("أُعيدت الرسالة إلى قائمة الإرسال."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("outbox:failed")
    return redirect(back)
