"""«إشعار المستفيدين بالسياسة»: the manager's page and button (policy_notice.py); auditors read the evidence."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mustafid.association.models import current_policy
from mustafid.lib.hijri import format_hijri_or_gregorian

from .models import PolicyNotice
from .policy_notice import AlreadySent, may_read_policy_notices, may_send_policy_notice, start_notice


@login_required
@require_http_methods(["GET", "POST"])
def policy_notice(request):
    if not may_read_policy_notices(request.user):
        raise PermissionDenied
    policy = current_policy()
    if policy is None:
        raise Http404
    if request.method == "POST":
        if not may_send_policy_notice(request.user):
            raise PermissionDenied
        try:
            start_notice(policy, by=request.user)
            messages.success(request, _("بدأ إرسال الإشعار إلى المستفيدين؛ يُرسل على دفعات في الخلفية."))
        except AlreadySent as sent:
            day = format_hijri_or_gregorian(timezone.localdate(sent.notice.started_at),
                                            "en" if (get_language() or "").startswith("en") else "ar")
            messages.info(request, _("أُرسل إشعار هذا الإصدار من قبل في %(date)s.") % {"date": day})
        return redirect("reports:policy_notice")
    return render(request, "reports/policy_notice.html", {
        "policy": policy,
        "notice": PolicyNotice.objects.select_related("started_by").filter(policy=policy).first(),
        "notices": PolicyNotice.objects.select_related("policy", "started_by").order_by("-started_at")[:50],
        "may_send": may_send_policy_notice(request.user),
        "nav_section": "policy",
    })
