"""A referral's due date with the days left or how late (`{% referral_due referral %}`), in Python.

Shown on every open referral of the researchers' list, their home and the referral's page; through the template
engine (an include per row) it cost more than the rest of the row. The markup is what research/_due.html showed.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from mustafid.lib.templatetags.mustafid import days, dual_date

register = template.Library()


@register.simple_tag
def referral_due(referral):
    due, left = referral.due_on, referral.days_left
    if left < 0:
        status = format_html("<strong>{}</strong>", _("متأخر %(period)s") % {"period": days(left)})
    elif left == 0:
        status = format_html("<strong>{}</strong>", _("اليوم آخر موعد للرد"))
    else:
        status = _("المتبقي %(period)s") % {"period": days(left)}
    return format_html('<span class="referral-due{}" data-due="{}">{}: {} · {}</span>',
                       " overdue text-danger" if left < 0 else "", due.isoformat(), _("موعد الرد"), dual_date(due),
                       status)
