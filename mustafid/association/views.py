from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mustafid.lib.uploads import serve_file

from .access import access_staff_tool
from .models import Association, StaffTool

# The process of the policy (ويتم التعامل مع المستفيد ... بالشكل التالي), step by step.
# Texts live in the template so they are translated with the rest of the page.


@require_GET
@never_cache
def healthz(request):
    """200 when the app and its database answer; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
def policy(request):
    """The association's published policy, generated from its configuration."""
    association = Association.objects.current()
    if association is None:
        raise Http404
    version = association.policy_in_force()
    if version is None:
        raise Http404
    request._association = association  # the header's context processor reads it instead of a second query
    return render(
        request,
        "association/policy.html",
        {
            "policy": version,
            "is_current": True,
            "tools": StaffTool.objects.filter(association=association).current(),
            "has_branch_channel": "branch_rep" in version.channels,
            # The versions before (and any approved to come): each readable as it was approved.
            "other_versions": association.policies.exclude(pk=version.pk).order_by("-effective_from", "-pk"),
        },
    )


@require_GET
def policy_version(request, version):
    """One version of the policy as it was approved, read-only (the policy page lists them)."""
    association = Association.objects.current()
    # No version number holds a NUL (PostgreSQL refuses it in a query) or exceeds the field.
    if association is None or "\x00" in version or len(version) > 20:
        raise Http404
    shown = association.policies.filter(version=version).first()
    if shown is None:
        raise Http404
    current = association.policy_in_force()
    request._association = association
    return render(
        request,
        "association/policy.html",
        {
            "policy": shown,
            "is_current": current is not None and shown.pk == current.pk,
            "current": current,
            "has_branch_channel": "branch_rep" in shown.channels,
            "nav_section": "policy",
        },
    )


@require_GET
def logo(request):
    association = Association.objects.current()
    if association is None or not association.logo:
        raise Http404
    # Shown in pages only when its first bytes are PNG or JPEG; anything else downloads.
    return serve_file(association.logo, filename="logo", inline_images=True)


@login_required
@require_GET
def staff_tools(request):
    """The staff library: the current version of each tool, with its older versions."""
    return render(
        request,
        "association/staff_tools.html",
        {
            "current": StaffTool.objects.current(),
            "all_versions": StaffTool.objects.order_by("kind", "-published_on"),
        },
    )


@login_required
@require_GET
def staff_tool_file(request, pk):
    tool = access_staff_tool(request.user, pk)
    if not tool.file:
        raise Http404
    # Always an attachment with its sniffed type: an HTML file in the library can never run as our page.
    return serve_file(tool.file, filename=tool.file.name.rsplit("/", 1)[-1])
