"""The form renderer: our field and widget templates (templates/django/forms/), written out in Python.

Every field of every form goes through `django/forms/field.html` and one or more widget templates. Through
the template engine each costs a template lookup, a context stack and a few hundred variable resolutions: on
a list page with a filter form that was a third of the page's time (the requests list: 11 of 28 ms). This
renderer produces the same bytes as those templates for the templates below, and leaves any other template
(and any widget that names its own) to the template engine.

The templates stay the specification: `lib/tests/test_form_renderer.py` renders every form of the project,
bound and unbound, with errors, through both renderers and requires identical output. Change a template and
that test tells you to change the function here too.
"""

from django.forms.renderers import TemplatesSetting
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

W = "django/forms/widgets/"
# Django's one-line templates that only include input.html (each adds its own final line break).
INPUT_TEMPLATES = {f"{W}{name}.html" for name in (
    "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "search", "tel", "color",
    "file", "checkbox",
)}


def _out(value):
    """`{{ value }}` with autoescaping, as the template engine writes it."""
    if isinstance(value, SafeData):
        return str(value)
    return conditional_escape(str(localize(value)))


def _fmt(value):
    """`{{ value|stringformat:'s' }}` (a safe value stays unescaped: the filter is `is_safe`)."""
    text = "%s" % (value,)
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _attrs(attrs):
    """attrs.html, included: every attribute but the class (the widget templates write it), and the file's
    final line break."""
    parts = []
    for name, value in attrs.items():
        if name != "class" and value is not False:
            parts.append(f" {_out(name)}" if value is True else f' {_out(name)}="{_fmt(value)}"')
    return "".join(parts) + "\n"


def _invalid(attrs):
    return " is-invalid" if any(name == "aria-invalid" and value == "true" for name, value in attrs.items()) else ""


def _input(widget):
    """input.html (ends with a line break)."""
    attrs = widget["attrs"]
    kind = widget["type"]
    value = widget.get("value")
    klass = "form-check-input" if kind in ("checkbox", "radio") else ("form-control" if kind != "hidden" else "")
    if attrs.get("class"):
        klass += f" {_out(attrs['class'])}"
    value_part = f' value="{_fmt(value)}"' if value is not None else ""
    return (f'<input type="{_out(kind)}" name="{_out(widget["name"])}"{value_part} class="{klass}{_invalid(attrs)}"'
            f"{_attrs(attrs)}>\n")


def _input_option(widget):
    """radio_option.html / checkbox_option.html including input_option.html (ours: the input alone), each file
    with its final line break."""
    return _input(widget) + "\n" + "\n"


def _select(widget):
    """select.html (ours, with the option written out)."""
    attrs = widget["attrs"]
    klass = "form-select"
    if attrs.get("class"):
        klass += f" {_out(attrs['class'])}"
    parts = [f'<select name="{_out(widget["name"])}" class="{klass}{_invalid(attrs)}"{_attrs(attrs)}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_out(group_name)}">')
        for option in group_choices:
            if option["template_name"] != f"{W}select_option.html":
                return None  # an option of its own: the template engine's
            parts.append(f'\n  <option value="{_fmt(option["value"])}"{_attrs(option["attrs"])}'
                         f'>{_out(option["label"])}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _textarea(widget):
    attrs = widget["attrs"]
    klass = "form-control"
    if attrs.get("class"):
        klass += f" {_out(attrs['class'])}"
    value = widget.get("value")
    return (f'<textarea name="{_out(widget["name"])}" class="{klass}{_invalid(attrs)}"{_attrs(attrs)}>\n'
            f'{_out(value) if value else ""}</textarea>\n')


def _multiple_input(widget):
    """radio.html / checkbox_select.html: multiple_input.html (ours), each option through its option template."""
    attrs = widget["attrs"]
    id_ = attrs.get("id")
    parts = [f'<div id="{_out(id_)}">' if id_ else "<div>"]
    inline = " form-check-inline" if widget.get("type") == "radio" else ""
    for _group, options, _index in widget["optgroups"]:
        for option in options:
            if option["template_name"] not in (f"{W}radio_option.html", f"{W}checkbox_option.html"):
                return None
            parts.append(f'\n  <div class="form-check{inline}">{_input_option(option)}'
                         f'<label class="form-check-label" for="{_out(option["attrs"].get("id", ""))}">'
                         f'{_out(option["label"])}</label></div>')
    parts.append("\n</div>")
    return "".join(parts) + "\n"


def _multiple(widget):
    html = _multiple_input(widget)
    return None if html is None else html + "\n"


def _field(field):
    """field.html: label, widget, help text and errors (the ids Django's aria-describedby names)."""
    if field.is_hidden:
        return str(field) + "\n"
    parts = ['<div class="mb-3">\n']
    required = ' <span class="text-danger" aria-hidden="true">*</span>' if field.field.required else ""
    auto_id = field.auto_id
    if field.use_fieldset:
        described = field.aria_describedby
        parts.append(f'<fieldset{f" aria-describedby={chr(34)}{_out(described)}{chr(34)}" if described else ""}>\n'
                     f'  <legend class="form-label fs-6 mb-1">{_out(field.label)}{required}</legend>\n'
                     f"  {_out(field)}\n")
    elif field.widget_type == "checkbox":
        parts.append(f'<div class="form-check">{_out(field)} <label class="form-check-label" '
                     f'for="{_out(field.id_for_label)}">{_out(field.label)}</label></div>\n')
    else:
        parts.append(f'<label class="form-label" for="{_out(field.id_for_label)}">{_out(field.label)}{required}</label>\n'
                     f"  {_out(field)}")
        if getattr(field.field, "dual_date", False) and auto_id:
            parts.append(f'\n  <div class="form-text date-reading" id="{_out(auto_id)}_reading" '
                         f'aria-live="polite"></div>')
        parts.append("\n")
    if field.help_text:
        parts.append(f'  <div class="form-text" id="{_out(auto_id)}_helptext">{_out(field.help_text)}</div>\n')
    errors = field.errors
    if errors:
        parts.append(f'  <div class="invalid-feedback d-block" id="{_out(auto_id)}_error">'
                     + " ".join(_out(error) for error in errors) + "</div>\n")
    if field.use_fieldset:
        parts.append("</fieldset>")
    parts.append("\n</div>\n")
    return "".join(parts)


def _widget(function):
    return lambda context: function(context["widget"])


FAST = {
    **{name: _widget(lambda widget: _input(widget) + "\n") for name in INPUT_TEMPLATES},
    f"{W}select.html": _widget(_select),
    f"{W}textarea.html": _widget(_textarea),
    f"{W}radio.html": _widget(_multiple),
    f"{W}checkbox_select.html": _widget(_multiple),
    "django/forms/field.html": lambda context: _field(context["field"]),
}


class FormRenderer(TemplatesSetting):
    """`TemplatesSetting` (our templates first), with the templates above rendered in Python."""

    def render(self, template_name, context, request=None):
        fast = FAST.get(template_name)
        if fast is not None:
            html = fast(context)
            if html is not None:
                # Stripped, as Django's renderers strip a template's output.
                return mark_safe(html.strip())  # noqa: S308 - every value above is escaped by _out or _fmt
        return super().render(template_name, context, request=request)
