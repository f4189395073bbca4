"""The survey's public page (/s/<token>/) and the managers' pages (/feedback/…)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mustafid.association.models import Association
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.beneficiaries.disclosure import disclose
from mustafid.lib.errors import ActionRefused
from mustafid.lib.paging import page_of

from . import actions, results
from .access import access_follow_up, access_survey, may_manage, require_manager, require_reader
from .forms import FACES, FollowUpDoneForm, QuestionForm, QuestionFormSet, ResultsFilter, SettingsForm, \
    SurveyFieldsForm, SurveyForm
from .models import FollowUp, Question, Survey, SurveySettings

# ---------------------------------------------------------------------------------------------------- public


def _public(request, template, context=None, status=200):
    """A page of the survey's link: discreet (the association's name and «مستفيد», nothing about the person),
    never cached, and the link's token never sent to another site as a referrer (`same-origin`: `no-referrer` would
    make the browser send `Origin: null` with the form, which the CSRF check refuses)."""
    association = Association.objects.current()
    response = render(request, template, {"association": association, **(context or {})}, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_http_methods(["GET", "POST"])
def answer(request, token):
    """The survey through the link in the beneficiary's message: no sign-in, one response.

    Unknown, tampered and expired links get the same page (404), so a guess learns nothing; an answered one says
    thank you (a second submit, a double click, the link opened again).
    """
    invitation = actions.invitation_for(token)
    if invitation is None or (not invitation.is_answered and invitation.is_expired()):
        return _public(request, "feedback/unavailable.html", status=404)
    if invitation.is_answered:
        return _public(request, "feedback/thanks.html")
    form = SurveyForm(invitation.survey, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.answer(invitation, values=form.values(), wants_contact=form.cleaned_data["wants_contact"])
        except actions.Expired:
            return _public(request, "feedback/unavailable.html", status=404)
        except actions.Answered:
            pass
        return redirect(request.path)
    status = 400 if form.is_bound else 200
    return _public(request, "feedback/answer.html", {"form": form, "survey": invitation.survey, "faces": FACES},
                   status=status)


# ---------------------------------------------------------------------------------------------------- staff

def _days(period):
    return None if period in ("", "all", None) else int(period)


@login_required
@require_http_methods(["GET", "HEAD"])
def results_page(request):
    """Managers and auditors: the results of a selection, anonymous below the threshold (audited as a read)."""
    require_reader(request.user)
    form = ResultsFilter(request.GET or None)
    survey, period = None, "90"
    if form.is_bound and form.is_valid():
        survey, period = form.cleaned_data["survey"], form.cleaned_data["period"] or "90"
    figures = results.compute(survey=survey, days=_days(period))
    with transaction.atomic():
        record(EventType.SURVEY_RESPONSES_VIEWED, actor=request.user, target=survey,
               data={"survey": survey.pk if survey else None, "period": period, "answered": figures.answered,
                     "anonymous": figures.anonymous})
    return render(request, "feedback/results.html", {
        "form": form, "results": figures, "period": period, "may_manage": may_manage(request.user),
        "nav_section": "feedback",
    })


def _follow_ups(request, *, failed=None, status=200):
    show_done = request.GET.get("done") == "1"
    # What `disclose()` reads of each person comes with the row: the same queries for 1 task or 25.
    queryset = FollowUp.objects.filter(done_at__isnull=not show_done).select_related(
        "invitation__beneficiary__category", "invitation__beneficiary__region", "invitation__beneficiary__branch",
        "response", "done_by")
    page = page_of(request, queryset, ("due_on", "pk") if not show_done else ("-due_on", "-pk"))
    rows = [(item, disclose(item.invitation.beneficiary, request.user)) for item in page.rows]
    with transaction.atomic():
        record(EventType.SURVEY_RESPONSES_VIEWED, actor=request.user,
               data={"list": "follow_ups", "done": show_done, "count": len(rows)})
    return render(request, "feedback/follow_ups.html", {
        "page": page, "rows": rows, "show_done": show_done, "may_manage": may_manage(request.user),
        "failed": failed, "list_query": "done=1" if show_done else "", "nav_section": "feedback",
    }, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def follow_ups(request):
    """The follow-up tasks, open first and earliest due first; the person to contact, never their comment."""
    require_reader(request.user)
    return _follow_ups(request)


@login_required
@require_POST
def follow_up_done(request, pk):
    """A manager closes a task with what was done (audit 704); a missing note shows the list again (400)."""
    follow_up = access_follow_up(request.user, pk, write=True)
    form = FollowUpDoneForm(request.POST)
    if form.is_valid():
        try:
            actions.complete_follow_up(follow_up, note=form.cleaned_data["note"], by=request.user)
        except ActionRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("feedback:follow_ups")
        messages.success(request, _("أُنجزت مهمة المتابعة."))
        return redirect("feedback:follow_ups")
    return _follow_ups(request, failed=(follow_up.pk, form), status=400)


@login_required
@require_http_methods(["GET", "HEAD"])
def surveys(request):
    require_manager(request.user)
    return render(request, "feedback/surveys.html", {
        "surveys": Survey.objects.order_by("-active", "trigger", "name"),
        "settings": SurveySettings.current(), "nav_section": "feedback",
    })


def _question_rows(formset):
    rows = []
    for question_form in formset.forms:
        data = getattr(question_form, "cleaned_data", None) or {}
        if not data or data.get("DELETE"):
            continue
        rows.append({**{name: data.get(name) for name in ("kind", "text_ar", "text_en", "required", "role")},
                     "role": data.get("role") or "", "required": bool(data.get("required")),
                     "choices": data.get("choices") or [], "id": data.get("id")})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request, pk=None):
    """A manager's survey: its name, when it is sent, whether it is active, and its questions in order (audit 701)."""
    survey = access_survey(request.user, pk) if pk is not None else None
    if survey is None:
        require_manager(request.user)
    if request.method == "POST":
        fields_form = SurveyFieldsForm(request.POST)
        formset = QuestionFormSet(request.POST, prefix="questions")
        if fields_form.is_valid() and formset.is_valid():
            rows = _question_rows(formset)
            existing = {q.pk: q for q in survey.questions.all()} if survey else {}
            for row in rows:
                row["instance"] = existing.get(row.pop("id"))
            fields = {name: fields_form.cleaned_data[name] for name in SurveyFieldsForm.FIELDS}
            try:
                saved = actions.save_survey(survey, fields=fields, questions=rows, by=request.user)
            except ActionRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, _("حُفظ الاستبيان."))
                return redirect("feedback:survey_edit", pk=saved.pk)
        status = 400
    else:
        fields_form = SurveyFieldsForm(initial=SurveyFieldsForm.initial_of(
            survey or Survey(name=_("استبيان الرضا"), intro_ar=_("رأيك يساعدنا على تحسين خدماتنا."))))
        initial = ([QuestionForm.initial_of(q) for q in survey.questions.asked()] if survey
                   else actions.default_questions())
        formset = QuestionFormSet(prefix="questions", initial=initial)
        status = 200
    return render(request, "feedback/survey_edit.html", {
        "survey": survey, "fields_form": fields_form, "formset": formset, "nav_section": "feedback",
        "kinds": Question.Kind,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    require_manager(request.user)
    row = SurveySettings.current()
    form = SettingsForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_settings(fields={name: form.cleaned_data[name] for name in SettingsForm.Meta.fields},
                                  by=request.user)
        except ActionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("حُفظت إعدادات الاستبيانات."))
            return redirect("feedback:surveys")
    # The form's instance is changed by validation; what is shown on error is the typed values.
    return render(request, "feedback/settings.html", {"form": form, "nav_section": "feedback"},
                  status=400 if form.is_bound else 200)
