"""`{{ beneficiary|disclosed_to:user }}`: the beneficiary as the reader may see them (see ../disclosure.py)."""

from django import template

from ..disclosure import Disclosure, disclose

register = template.Library()


@register.filter
def disclosed_to(beneficiary, reader):
    if isinstance(beneficiary, Disclosure):
        return beneficiary
    return disclose(beneficiary, reader)
