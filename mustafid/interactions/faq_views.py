"""«الأسئلة الشائعة»: the public page, the suggestions beside an inquiry being typed, and the manager's screens.

* /faq/ — open to everyone: the published entries in the reader's language (English where the entry has it and the
  site is in English, else Arabic), searched with a GET form that works without JavaScript; static/js/faq.js
  searches as one types (the same page answers the fragment of its results).
* /faq/suggest/ — POST (what is typed may be personal: it never travels in a URL): the few published entries
  nearest to an inquiry's summary (the staff's contact form) or a beneficiary's question (the portal's «تواصل
  معنا»). Only published entries, for everyone: the officer is offered what the association publishes.
* /settings/faq/ — managers add, edit, publish or unpublish and reorder entries (`faq.py` actions, each audited);
  auditors read the same list.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mustafid.lib.arabic import clean_query
from mustafid.lib.errors import ActionRefused

from . import faq
from .faq_forms import FaqEntryForm, NewFaqEntryForm
from .models import FaqEntry


def _is_fetch(request):
    return request.headers.get("X-Requested-With") == "fetch"


@require_GET
def faq_page(request):
    """The published questions, or those holding every word searched (at least two letters)."""
    typed = clean_query(request.GET.get("q", ""))
    query = faq.query_of(typed)
    entries = faq.search_published(query) if query else list(faq.published()[:faq.PAGE_MAX])
    context = {
        "entries": faq.shown(entries), "query": query, "typed": typed, "too_short": bool(typed) and not query,
        "nav_section": "faq", "query_min": faq.QUERY_MIN,
    }
    template = "interactions/faq/_results.html" if _is_fetch(request) else "interactions/faq/page.html"
    response = render(request, template, context)
    # The same address answers the whole page or its results: a cache must tell them apart.
    patch_vary_headers(response, ["X-Requested-With"])
    return response


@require_POST
def faq_suggest(request):
    """The published entries nearest to the text typed so far (at most `faq.SUGGESTIONS`), as a fragment."""
    staff = request.POST.get("for") == "staff" and request.user.is_authenticated
    found = faq.shown(faq.suggest(request.POST.get("q", "")))
    return render(request, "interactions/faq/_suggestions.html", {"found": found, "staff": staff})


def _readers_only(user):
    """Managers and auditors read the list (the auditor oversees the managers, read-only)."""
    if not user.reads_everything:
        raise PermissionDenied


def _managers_only(user):
    if not user.is_manager:
        raise PermissionDenied


@login_required
@require_GET
def faq_manage(request):
    _readers_only(request.user)
    entries = list(FaqEntry.objects.select_related("updated_by").order_by("order", "pk")[:faq.PAGE_MAX])
    return render(request, "interactions/faq/manage.html", {
        "entries": entries, "may_edit": request.user.is_manager, "last": len(entries) - 1,
    })


@login_required
@require_http_methods(["GET", "POST"])
def faq_new(request):
    _managers_only(request.user)
    form = NewFaqEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            faq.add_faq_entry(by=request.user, published=data["published"],
                              **{name: data[name] for name in faq.EDITABLE})
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("أُضيف السؤال «%(question)s».") % {"question": data["question_ar"]})
            return redirect("faq:manage")
    return render(request, "interactions/faq/edit.html", {"form": form, "entry": None},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def faq_edit(request, pk):
    _managers_only(request.user)
    entry = get_object_or_404(FaqEntry, pk=pk)
    form = FaqEntryForm(request.POST or None, initial={name: getattr(entry, name) for name in faq.EDITABLE})
    if request.method == "POST" and form.is_valid():
        try:
            changed = faq.change_faq_entry(entry, by=request.user, **form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            if changed:
                messages.success(request, _("حُفظ السؤال «%(question)s».") % {"question": form.cleaned_data["question_ar"]})
            else:
                messages.info(request, _("لم يتغير شيء."))
            return redirect("faq:manage")
    return render(request, "interactions/faq/edit.html", {"form": form, "entry": entry},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def faq_publish(request, pk):
    """«نشر» / «إيقاف النشر» (POST published=1 or 0)."""
    _managers_only(request.user)
    entry = get_object_or_404(FaqEntry, pk=pk)
    publish = request.POST.get("published") == "1"
    if faq.publish_faq_entry(entry, published=publish, by=request.user):
        if publish:
            messages.success(request, _("نُشر السؤال «%(question)s».") % {"question": entry.question_ar})
        else:
            messages.success(request, _("أُوقف نشر السؤال «%(question)s»؛ لن يظهر في الصفحة العامة ولا في "
                                        "الاقتراحات.") % {"question": entry.question_ar})
    return redirect("faq:manage")


@login_required
@require_POST
def faq_move(request, pk):
    """One place up or down (POST direction=up or down)."""
    _managers_only(request.user)
    entry = get_object_or_404(FaqEntry, pk=pk)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        try:
            faq.move_faq_entry(entry, up=direction == "up", by=request.user)
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
    # Back to the same entry in the list, so a second move needs no scrolling.
    return redirect(f"{reverse('faq:manage')}#faq-{entry.pk}")
