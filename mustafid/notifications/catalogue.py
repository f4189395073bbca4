"""The messages the system knows how to send: one folder per message, one file per language.

Each app that sends registers its messages in its `AppConfig.ready()`:

    register(MessageKind("request_received", _("استلام الطلب"), folder=HERE / "messages" / "request_received",
                         variables={"reference": _("رقم الطلب"), ...}))

The folder holds `ar.txt` and `en.txt` (the text, with `{{ variable }}` placeholders) and may hold
`ar.subject.txt` / `en.subject.txt` (the e-mail subject; the message's label otherwise). A manager
may reword a message (`MessageTemplate`); only the registered variables are accepted, so a typo
never reaches a beneficiary as an empty gap.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import TextNode, VariableNode
from django.utils import translation
from django.utils.translation import gettext as _

from .models import MessageTemplate, Purpose

LANGUAGES = ("ar", "en")
# Two SMS segments of Arabic (UCS-2): 70 characters each, 67 when concatenated; 140 is the usual guide.
SMS_GUIDE_CHARACTERS = 140

_kinds = {}
# Text only: no tags, no filters that reach elsewhere, no HTML escaping (an SMS is not HTML).
_engine = Engine(autoescape=False, builtins=[], libraries={})


@dataclass(frozen=True)
class MessageKind:
    key: str
    label: object
    folder: Path
    variables: dict = field(default_factory=dict)
    purpose: str = Purpose.SERVICE
    # Who receives it, for the manager's screen: "beneficiary" or "staff".
    audience: str = "beneficiary"

    def shipped(self, language, part="body"):
        name = f"{language}.txt" if part == "body" else f"{language}.subject.txt"
        path = self.folder / name
        return path.read_text(encoding="utf-8").strip() if path.exists() else ""

    def wording(self, language):
        """(subject, body) as the manager left them, or as shipped."""
        row = MessageTemplate.objects.filter(key=self.key, language=language).first()
        if row is not None:
            return row.subject, row.body
        subject = self.shipped(language, "subject")
        if not subject:
            with translation.override(language):
                subject = str(self.label)
        return subject, self.shipped(language)


def register(kind):
    _kinds[kind.key] = kind
    return kind


def get(key):
    return _kinds[key]


def all_kinds():
    return sorted(_kinds.values(), key=lambda kind: (kind.audience, kind.key))


def check_text(kind, text):
    """The reasons `text` cannot be used for `kind` (empty when it can): unknown variables, tags, bad syntax."""
    try:
        template = _engine.from_string(text)
    except TemplateSyntaxError:
        return [_("صياغة المتغيرات غير صحيحة؛ اكتب المتغير هكذا: {{ reference }}")]
    problems = []
    for node in template.nodelist:
        if isinstance(node, TextNode):
            if any(mark in node.s for mark in ("{{", "}}", "{%", "%}", "{#", "#}")):
                problems.append(_("صياغة المتغيرات غير صحيحة؛ اكتب المتغير هكذا: {{ reference }}"))
            continue
        if not isinstance(node, VariableNode):
            problems.append(_("يُسمح بالمتغيرات فقط، مكتوبة هكذا: {{ reference }}، دون أوامر {% %}."))
            continue
        expression = node.filter_expression
        name = str(expression.var)
        if expression.filters or name not in kind.variables:
            problems.append(_("متغير غير معروف: %(name)s") % {"name": expression.token})
    return problems


def render(kind, language, context):
    """(subject, body) of `kind` in `language`, with `context` filled in."""
    subject, body = kind.wording(language)
    return fill(kind, subject, body, context)


def fill(kind, subject, body, context):
    """(subject, body) with `context` filled in: the wording in force, or a draft (checked by `check_text`)."""
    values = Context({name: context.get(name, "") for name in kind.variables}, autoescape=False)
    rendered_subject = _engine.from_string(subject).render(values) if subject else ""
    return " ".join(rendered_subject.split()), _engine.from_string(body).render(values).strip()
