"""`get_<field>_display()` that looks the label up instead of rebuilding every choice on each call.

Django's own (`Model._get_FIELD_display`) makes a dict of all the field's choices on every call, hashing
each lazy label, which translates it: a status badge costs ten translations, an audit row's event type
sixty. A list of 50 rows spent more on that than on its query. Here each field's value -> label table is
built once; the label is still translated at the call, in the reader's language.
"""

from functools import partialmethod

from django.apps import apps
from django.db.models import Model
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str


def _looked_up(field):
    labels = dict(field.flatchoices)
    attname = field.attname

    def display(self):
        value = getattr(self, attname)
        try:
            label = labels.get(value, value)
        except TypeError:  # an unhashable value (a list in a JSON field): Django's way
            return Model._get_FIELD_display(self, field)
        return force_str(label, strings_only=True)

    display.looks_up_choices = True
    return display


def fast_choice_display():
    """Replace Django's `get_<field>_display` on every model of the project whose field has fixed choices.

    A method a model defines itself is kept, and so are choices computed when asked (a callable).
    Called once from `mustafid.lib.apps.LibConfig.ready()`.
    """
    for model in apps.get_models():
        if not model.__module__.startswith("mustafid."):
            continue
        for field in model._meta.concrete_fields:
            name = f"get_{field.name}_display"
            method = model.__dict__.get(name)
            if (field.choices is None or isinstance(field.choices, CallableChoiceIterator)
                    or not isinstance(method, partialmethod) or method.func is not Model._get_FIELD_display):
                continue
            setattr(model, name, _looked_up(field))
