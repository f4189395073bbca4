"""The request page, composed of the panels every app registers (see `mustafid/lib/composition.py`).

Used by the views of `cases`, `research`, `committee` and `services` to show the page, or to
show it again with a form's errors or a refusal — so no app imports another app's views.
"""

from django.contrib import messages
from django.shortcuts import redirect, render

from mustafid.association.models import StaffTool
from mustafid.lib.composition import TimelineRow, request_panels

from .progress import progress


def render_case(request, case, *, bound=None, status=200):
    """The request page: summary, one panel per step, timeline. `bound` re-shows a form with its errors."""
    bound = bound or {}
    shown = []
    for panel in request_panels:
        context = panel.context(case, request.user, bound.get(panel.name))
        if context is not None:
            shown.append({"template": panel.template, **context})
    events = case.events.select_related("actor").order_by("-at", "-pk")
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "beneficiary": case.beneficiary,
            "progress": progress(case, request.user),
            "panels": shown,
            "events": [TimelineRow(at=event.at, template="cases/timeline/event.html", item=event) for event in events],
            "tools": {tool.kind: tool for tool in StaffTool.objects.current()},
        },
        status=status,
    )


def show_refusal(request, case, refusal, *, panel=None, form=None):
    """A refused step: say why (nothing changed); re-show the form when there is one, else back to the page."""
    messages.error(request, refusal.message)
    if form is not None and panel is not None:
        return render_case(request, case, bound={panel: form}, status=400)
    return redirect(case)
