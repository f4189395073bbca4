"""The Python form renderer writes exactly what our field and widget templates write (lib/form_renderer.py).

Every form class of the project that can be built without arguments is rendered unbound, bound to nothing
(every required field in error) and bound to hostile values, field by field, through the template engine
(`TemplatesSetting`) and through `FormRenderer`; the bytes must be the same. A form with every widget kind
covers what the project's forms may not use yet.
"""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe

import mustafid
from mustafid.lib.form_renderer import FAST, FormRenderer
from mustafid.lib.forms import DualDateField

HOSTILE = 'x" onmouseover="alert(1)\u202e<b>&amp;</b>'


def project_forms():
    found = {}
    for module_info in pkgutil.walk_packages(mustafid.__path__, "mustafid."):
        name = module_info.name
        if ".tests" in name or ".migrations" in name or name.endswith(("conftest", "settings", "wsgi")):
            continue
        if not (name.endswith(("forms", "views")) or "form" in name or name.split(".")[-1] in (
                "apply", "public", "account", "register", "minutes", "appeals", "faq", "importing")):
            continue
        try:
            module = importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a module that needs more than the app registry is not a forms module
            continue
        for _attr, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, forms.BaseForm) and value.__module__.startswith("mustafid."):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return found


def arguments(staff):
    """What the forms that need an object are built with (the others take none)."""
    from mustafid.association.models import Channel, current_policy
    from mustafid.cases.models import SupportType

    policy = current_policy()
    return {
        "BeneficiaryForm": {"user": staff["officer"]},
        "OwnPasswordForm": {"user": staff["officer"]},
        "OpenCaseForm": {"policy": policy},
        "InteractionForm": {"policy": policy},
        "ContactFilterForm": {"channels": Channel.choices},
        "AgendaAddForm": {"user": staff["chair"]},
        "ApplyForm": {"support_type": SupportType.objects.filter(active=True).first()},
    }


def built(form_class, renderer, data=None, kwargs=None):
    kwargs = (kwargs or {}).get(form_class.__name__, {})
    try:
        if data is None:
            return form_class(renderer=renderer, **kwargs)
        return form_class(data=data, renderer=renderer, **kwargs)
    except TypeError:
        return None


def rendered(form):
    return [(field.name, field.as_field_group(), str(field)) for field in form]


def assert_same(form_class, data=None, kwargs=None):
    slow = built(form_class, TemplatesSetting(), data, kwargs)
    fast = built(form_class, FormRenderer(), data, kwargs)
    if slow is None:
        return False
    if data is not None:
        slow.is_valid(), fast.is_valid()
    for (name, slow_group, slow_widget), (_name, fast_group, fast_widget) in zip(rendered(slow), rendered(fast),
                                                                             strict=True):
        assert fast_widget == slow_widget, f"{form_class.__name__}.{name}: the widget differs"
        assert fast_group == slow_group, f"{form_class.__name__}.{name}: the field differs"
    return True


@pytest.mark.django_db
def test_every_form_of_the_project_renders_the_same_through_python_and_through_the_templates(association, staff):
    classes = project_forms()
    kwargs = arguments(staff)
    covered = 0
    for _name, form_class in sorted(classes.items()):
        if assert_same(form_class, kwargs=kwargs):
            covered += 1
            assert_same(form_class, data={}, kwargs=kwargs)
            assert_same(form_class, data={field: HOSTILE for field in form_class.base_fields}, kwargs=kwargs)
    # The forms that need a meeting, a request or a file's columns are covered by their pages' tests.
    assert covered >= 45, f"only {covered} of {len(classes)} forms could be built"


class EveryWidget(forms.Form):
    text = forms.CharField(label="نص <b>", help_text="مساعدة & <i>", max_length=20)
    safe_help = forms.CharField(required=False, help_text=mark_safe("<a href='/x'>رابط</a>"))
    number = forms.IntegerField(min_value=0, required=False)
    decimal = forms.DecimalField(required=False, initial=1234567.5)
    email = forms.EmailField(required=False, widget=forms.EmailInput(attrs={"class": "extra", "dir": "ltr"}))
    secret = forms.CharField(widget=forms.PasswordInput, required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, initial="h\"1")
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    dual = DualDateField(label="تاريخ", required=False)
    agree = forms.BooleanField(label="أوافق", required=True)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), initial="سطر\nسطر <script>", required=False)
    empty_notes = forms.CharField(widget=forms.Textarea, required=False)
    kind = forms.ChoiceField(choices=[("", "—"), ("a", "أ & ب"), ("b", "<ب>")], initial="b")
    grouped = forms.ChoiceField(required=False, choices=[("مجموعة", [("1", "واحد"), ("2", "اثنان")]), ("3", "ثلاثة")])
    many = forms.MultipleChoiceField(choices=[(1, "١"), (2, "٢")], widget=forms.SelectMultiple, required=False,
                                     initial=[2])
    radio = forms.ChoiceField(choices=[("y", "نعم"), ("n", "لا")], widget=forms.RadioSelect)
    checks = forms.MultipleChoiceField(choices=[("x", "س"), ("y", "ص")], widget=forms.CheckboxSelectMultiple,
                                       required=False)
    upload = forms.FileField(required=False, widget=forms.FileInput(attrs={"accept": ".pdf,image/*"}))
    disabled = forms.CharField(disabled=True, initial="ثابت", required=False)


@pytest.mark.parametrize("data", [None, {}, {"text": HOSTILE, "number": "-1", "kind": "zzz", "radio": "n",
                                             "checks": ["x", "y"], "many": ["1"], "notes": HOSTILE, "email": "@",
                                             "dual": "1445/13/40", "agree": "on", "grouped": "2"}])
def test_every_widget_kind_renders_the_same_through_python_and_through_the_templates(data):
    assert assert_same(EveryWidget, data)


def test_an_auto_id_off_form_and_a_prefixed_form_render_the_same():
    for kwargs in ({"auto_id": False}, {"prefix": "p"}, {"auto_id": "f_%s"}):
        slow = EveryWidget(renderer=TemplatesSetting(), **kwargs)
        fast = EveryWidget(renderer=FormRenderer(), **kwargs)
        assert rendered(fast) == rendered(slow)


def test_the_renderer_is_the_projects_and_covers_the_widget_templates(settings):
    assert settings.FORM_RENDERER == "mustafid.lib.form_renderer.FormRenderer"
    assert "django/forms/field.html" in FAST and "django/forms/widgets/select.html" in FAST
