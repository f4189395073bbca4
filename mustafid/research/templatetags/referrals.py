"""A referral's due date with the days left or how late (`{% referral_due referral %}`), and a referral's row in the
referrals list (`{% referral_row referral %}`), in Python.

The due date is shown on every open referral of the researchers' list, their home and the referral's page; through
the template engine (an include per row) it cost more than the rest of the row. The markup is what
research/_due.html and research/list.html showed.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from mustafid.lib.templatetags.mustafid import days, dual_date, url_pk

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


@register.simple_tag
def referral_row(r):
    """One <li> of the referrals list: who or what was referred (a link), the request's number, when, by whom to
    whom, answered or waiting, and for an open one its due date. Thirty a page: through the template engine the rows
    cost more than the page's queries."""
    case = format_html(' · <bdi dir="ltr">{}</bdi>', r.case.reference) if r.case_id else ""
    due = format_html('<div class="small">{}</div>', referral_due(r)) if not r.is_answered else ""
    return format_html(
        '<li class="list-group-item">\n'
        '    <a href="{}">{}</a>\n'
        '    {}\n'
        '    <div class="small text-muted">{} · {} ← {} · {}</div>\n'
        '    {}\n'
        '  </li>',
        url_pk("research:detail", r.pk), r.subject or _("إحالة"), case,
        dual_date(r.referred_at), r.referred_by.display_name, r.researcher.display_name,
        _("تم الرد") if r.is_answered else _("بانتظار الرد"), due,
    )
