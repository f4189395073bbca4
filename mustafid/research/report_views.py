"""The social research report's page (تقرير البحث الاجتماعي): read by those who see the request, written by its researcher.

One form for the whole report, made for a phone at a home visit: the report's fields, four sections
of rows (household members, incomes, expenses, debts) and one photo at a time. «إضافة صف» saves the
draft and comes back with more empty rows in that section: no script needed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mustafid.association.models import StaffTool
from mustafid.cases.models import Step
from mustafid.lib.errors import ActionRefused
from mustafid.lib.uploads import serve_file

from . import actions
from .access import access_housing_photo, access_report_case
from .forms import SECTIONS, ReportForm
from .models import ResearchReport

# Empty rows shown under the saved ones, and how many more «إضافة صف» gives.
BLANK_ROWS, MORE_ROWS = 1, 3
SECTION_FIELDS = {
    "members": ("relation", "age", "education", "health", "work", "income"),
    "incomes": ("kind", "amount", "note"),
    "expenses": ("kind", "amount", "note"),
    "debts": ("creditor", "amount", "instalment"),
}


def _initial_rows(report, section):
    if report is None:
        return []
    return list(getattr(report, section).values(*SECTION_FIELDS[section]))


def _blank_forms(report, more):
    formsets = {}
    for section, (formset_class, prefix) in SECTIONS.items():
        rows = _initial_rows(report, section)
        blanks = (BLANK_ROWS if rows else 2) + (MORE_ROWS if more == section else 0)
        formsets[section] = formset_class(initial=rows + [{}] * blanks, prefix=prefix)
    initial = {name: getattr(report, name) for name in actions.REPORT_FIELDS} if report else {}
    return ReportForm(initial=initial), formsets


def _render(request, case, report, *, form=None, formsets=None, status=200):
    may_write = (case.is_open_for(Step.REFER) and actions.may_write_report(request.user, case)
                 and not (report and report.is_filed))
    return render(request, "research/report.html", {
        "case": case,
        "report": report,
        "figures": report.figures() if report else None,
        "photos": list(report.photos.all()) if report else [],
        "form": form if may_write else None,
        # A refused post on a report that can no longer be written (filed meanwhile): say why above it.
        "refused": form if form is not None and form.errors and not may_write else None,
        "formsets": formsets if may_write else None,
        "guide": next((t for t in StaffTool.objects.current() if t.kind == StaffTool.Kind.RESEARCH_GUIDE), None),
        "Recommendation": ResearchReport.Recommendation,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def report_page(request, pk):
    if request.method != "POST":
        case, report = access_report_case(request.user, pk)
        form, formsets = _blank_forms(report, request.GET.get("more"))
        return _render(request, case, report, form=form, formsets=formsets)

    case, report = access_report_case(request.user, pk, write=True)
    form = ReportForm(request.POST, request.FILES)
    formsets = {section: formset_class(request.POST, prefix=prefix)
                for section, (formset_class, prefix) in SECTIONS.items()}
    action = request.POST.get("action", "save")
    remove = request.POST.get("remove_photo", "")
    if form.is_valid() and all(formset.is_valid() for formset in formsets.values()):
        try:
            report = actions.save_report(
                case, by=request.user, fields=form.cleaned_data,
                rows={section: formset.rows() for section, formset in formsets.items()},
                photo=form.cleaned_data.get("photo"),
                remove_photos=[int(remove)] if remove.isdigit() and len(remove) < 12 else [],
                file=action == "file",
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            url = reverse("research:report", args=[case.pk])
            if action == "file":
                messages.success(request, _("اعتُمد تقرير البحث الاجتماعي وسُجل في سجل الطلب."))
                return redirect(url)
            messages.success(request, _("حُفظت مسودة التقرير."))
            if action.startswith("add_") and action[4:] in SECTIONS:
                return redirect(f"{url}?more={action[4:]}#{action[4:]}")
            return redirect(url)
    else:
        form.add_error(None, _("لم يُحفظ التقرير: صحّح الحقول المشار إليها."))
    return _render(request, case, report, form=form, formsets=formsets, status=400)


@login_required
@require_GET
def report_photo(request, pk):
    photo = access_housing_photo(request.user, pk)
    return serve_file(photo.file, filename=photo.original_name, inline_images=True)
