"""The complaints register's staff pages (/feedback/register/…) and the sender's rating page (/feedback/r/<token>/).

Short recipes: `register_access` says who sees and may change what, `register` does it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mustafid.association.models import Association, Channel
from mustafid.lib.errors import ActionRefused
from mustafid.lib.paging import page_of

from . import register
from .models import Feedback, FeedbackCategory
from .register_access import access_feedback, require_logger, require_register, \
    require_register_manager
from .register_forms import AnswerForm, AppealForm, AssignForm, CategoryForm, CloseForm, LogFeedbackForm, \
    NoteForm, RateForm, RegisterFilter

NAV = "register"


@login_required
@require_GET
def register_list(request):
    """The register, newest first (or, for the overdue ones, the earliest due first): keyset pages, no count."""
    require_register(request.user)
    form = RegisterFilter(request.GET or None)
    items = Feedback.objects.visible_to(request.user).select_related("category", "assignee")
    order = ("-received_at", "-pk")
    query = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        for name in ("kind", "status"):
            if data[name]:
                items = items.filter(**{name: data[name]})
                query[name] = data[name]
        if data["category"]:
            items = items.filter(category=data["category"])
            query["category"] = data["category"].pk
        if data["mine"]:
            items = items.filter(assignee=request.user)
            query["mine"] = "on"
        if data["overdue"]:
            items = items.overdue()
            order = ("due_on", "pk")
            query["overdue"] = "on"
    page = page_of(request, items, order)
    return render(request, "feedback/register/list.html", {
        "form": form, "page": page, "list_query": urlencode(query), "today": timezone.localdate(),
        "may_log": register.may_log(request.user), "may_manage": register.may_manage_register(request.user),
        "nav_section": NAV,
    })


@login_required
@require_http_methods(["GET", "POST"])
def register_new(request):
    """An item received by phone, letter or in person, logged by an officer, a branch representative or a manager."""
    require_logger(request.user)
    form = LogFeedbackForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            feedback = register.receive(
                kind=data["kind"], text=data["text"], channel=data["channel"], by=request.user,
                beneficiary=data["beneficiary"], sender_name=data["sender_name"],
                sender_mobile=data["sender_mobile"] or "", sender_email=data["sender_email"],
                anonymous=data["anonymous"], category=data["category"], about_staff=data["about_staff"])
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("سُجّل البند برقم مرجعي %(reference)s؛ أعطه للمرسل.")
                             % {"reference": feedback.reference})
            if feedback.confidential and not register.may_manage_register(request.user):
                # A confidential item is the managers' from now on: the one who logged it no longer sees it.
                return redirect("feedback:register")
            return redirect("feedback:register_item", pk=feedback.pk)
    return render(request, "feedback/register/new.html", {"form": form, "nav_section": NAV},
                  status=400 if request.method == "POST" else 200)


def _item_page(request, feedback, *, failed=None, status=200):
    user = request.user
    may_handle = register.may_handle(user, feedback)
    may_manage = register.may_manage_register(user)
    forms = {
        "assign": AssignForm(feedback=feedback) if may_manage and feedback.is_open else None,
        "answer": AnswerForm() if may_handle and feedback.status in (
            Feedback.Status.OPEN, Feedback.Status.IN_PROGRESS, Feedback.Status.APPEALED) else None,
        "close": CloseForm() if may_handle and feedback.status == Feedback.Status.ANSWERED else None,
        "appeal": AppealForm() if (may_handle or may_manage) and feedback.appealed_at is None and feedback.status in (
            Feedback.Status.ANSWERED, Feedback.Status.CLOSED) else None,
        "note": NoteForm() if may_handle else None,
    }
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render(request, "feedback/register/item.html", {
        "feedback": feedback, "events": feedback.events.all(), "forms": forms,
        "channel_label": dict(Channel.choices).get(feedback.channel, feedback.channel),
        "overdue": feedback.is_overdue(), "reachable": register.sender_recipient(feedback) is not None,
        "nav_section": NAV,
    }, status=status)


@login_required
@require_GET
def register_item(request, pk):
    feedback = access_feedback(request.user, pk)
    return _item_page(request, feedback)


STEPS = {
    "assign": (AssignForm, lambda feedback, data, by: register.assign(feedback, data["assignee"], by=by),
               gettext_lazy("أُسند البند.")),
    "answer": (AnswerForm, lambda feedback, data, by: register.answer(feedback, data["response"], by=by),
               gettext_lazy("حُفظ الرد.")),
    "close": (CloseForm, lambda feedback, data, by: register.close(feedback, by=by,
                                                                 sender_rating=data["sender_rating"]),
              gettext_lazy("أُغلق البند.")),
    "appeal": (AppealForm, lambda feedback, data, by: register.appeal(feedback, data["reason"], by=by),
               gettext_lazy("سُجّل طلب المراجعة الثانية، وأُحيل البند إلى المدير.")),
    "note": (NoteForm, lambda feedback, data, by: register.add_note(feedback, data["note"], by=by),
             gettext_lazy("أُضيفت الملاحظة.")),
}


@login_required
@require_POST
def register_step(request, pk, step):
    """One step on an item (assign, answer, close, appeal, note): 404 outsiders, 403 read-only, 400 a bad form."""
    if step not in STEPS:
        return render(request, "404.html", status=404)
    feedback = access_feedback(request.user, pk, write=True)
    form_class, act, done = STEPS[step]
    form = form_class(request.POST, feedback=feedback) if form_class is AssignForm else form_class(request.POST)
    if form.is_valid():
        try:
            act(feedback, form.cleaned_data, request.user)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, str(done))
            if not Feedback.objects.visible_to(request.user).filter(pk=feedback.pk).exists():
                return redirect("feedback:register")
            return redirect("feedback:register_item", pk=feedback.pk)
    return _item_page(request, feedback, failed=(step, form), status=400)


# ---------------------------------------------------------------------------------------------------- categories

@login_required
@require_GET
def categories(request):
    if not request.user.reads_everything:
        require_register_manager(request.user)
    rows = list(FeedbackCategory.objects.order_by("position", "pk"))
    return render(request, "feedback/register/categories.html", {
        "rows": rows, "last": len(rows) - 1, "may_edit": register.may_manage_register(request.user),
        "nav_section": NAV,
    })


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request, pk=None):
    require_register_manager(request.user)
    category = get_object_or_404(FeedbackCategory, pk=pk) if pk is not None else None
    form = CategoryForm(request.POST or None, instance=FeedbackCategory() if category is None else
                        FeedbackCategory(name_ar=category.name_ar, name_en=category.name_en,
                                         response_days=category.response_days, active=category.active))
    if request.method == "POST" and form.is_valid():
        try:
            register.save_category(category, fields=form.cleaned_data, by=request.user)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("حُفظ التصنيف."))
            return redirect("feedback:categories")
    return render(request, "feedback/register/category_edit.html",
                  {"form": form, "category": category, "nav_section": NAV},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def category_move(request, pk):
    require_register_manager(request.user)
    category = get_object_or_404(FeedbackCategory, pk=pk)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        register.move_category(category, up=direction == "up", by=request.user)
    return redirect(f"{reverse('feedback:categories')}#category-{category.pk}")


# ---------------------------------------------------------------------------------------------------- the sender

def _public(request, template, context=None, status=200):
    """The sender's page: discreet, never cached, the token never sent on as a referrer (as the survey's)."""
    association = Association.objects.current()
    response = render(request, template, {"association": association, **(context or {})}, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_http_methods(["GET", "POST"])
def rate(request, token):
    """The link in the closure message: the sender rates the handling 1–5 and may ask for a second look, once.

    Unknown, tampered and expired links get the same page (404); an answered one says thank you.
    """
    feedback = register.feedback_for_token(token)
    if feedback is None or feedback.status not in (Feedback.Status.CLOSED, Feedback.Status.APPEALED):
        return _public(request, "feedback/register/unavailable.html", status=404)
    if feedback.sender_rating is not None:
        return _public(request, "feedback/register/rated.html", {"feedback": feedback})
    form = RateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                register.rate(feedback, rating=form.cleaned_data["rating"],
                              appeal_reason=form.cleaned_data["appeal_reason"])
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            return redirect(request.path)
    return _public(request, "feedback/register/rate.html", {"form": form, "feedback": feedback},
                   status=400 if form.is_bound else 200)
