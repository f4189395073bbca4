"""The indicators page (managers and auditors) and its Excel/CSV export: see indicators.py and docs/reports.md."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.lib.hijri import format_gregorian, format_hijri_or_gregorian

from . import exports
from .indicators import compute
from .periods import IndicatorFilterForm


def may_read_indicators(user):
    return bool(user.reads_everything)


def _period_text(period):
    first, last = period.start, period.last_day
    return (f"{format_gregorian(first)} – {format_gregorian(last)} "
            f"({format_hijri_or_gregorian(first)} – {format_hijri_or_gregorian(last)})")


def _filters_data(period, branch):
    return {"period": period.code, "from": period.start.isoformat(), "to": period.last_day.isoformat(),
            "branch": branch.pk if branch else ""}


@login_required
@require_GET
def indicators(request):
    user = request.user
    if not may_read_indicators(user):
        raise PermissionDenied
    form = IndicatorFilterForm(request.GET or None, today=timezone.localdate())
    period, branch = form.chosen()
    headline, tables = compute(period, branch)
    filters = _filters_data(period, branch)
    fmt = exports.wanted_format(request)
    if fmt:
        scope = [_("الفترة: %(period)s") % {"period": _period_text(period)},
                 _("المكتب: %(branch)s") % {"branch": branch or _("كل المكاتب")}]
        sheets = [
            exports.Sheet(table.title, [(header, "text" if n == 0 else "number") for n, header in
                                        enumerate(table.headers)],
                          table.rows, notes=[*scope, _("التعريف: %(text)s") % {"text": table.definition}])
            for table in tables
        ]
        # A table's text columns (a service's measure) are text, whatever their place.
        for sheet in sheets:
            for n, (header, _kind) in enumerate(sheet.columns):
                if any(isinstance(row[n], str) for row in sheet.rows if n < len(row)):
                    sheet.columns[n] = (header, "text")
        response, written = exports.export_response(fmt, "indicators", sheets)
        record(EventType.LIST_EXPORTED, actor=user, data={
            "list": "indicators", "format": fmt, **filters, "results": written["rows"],
            **({"capped": True} if written["capped"] else {}),
        })
        return response
    record(EventType.INDICATORS_VIEWED, actor=user, data=filters)
    params = request.GET.copy()
    params.pop("export", None)
    query = params.urlencode()
    return render(request, "reports/indicators.html", {
        "form": form, "period": period, "branch": branch, "headline": headline, "tables": tables,
        "period_text": _period_text(period),
        "export_xlsx": f"?{query + '&' if query else ''}export=xlsx",
        "export_csv": f"?{query + '&' if query else ''}export=csv",
        "nav_section": "indicators",
    })
