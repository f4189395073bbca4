"""A contact's row in the contacts list (`{% contact_row c %}`), in Python.

Thirty rows a page; through the template engine each cost some 300 calls (a dozen lookups, filters, conditions
and links), more than the page's queries. Here a row is a few `format_html`. The markup is what
interactions/list.html showed.
"""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from mustafid.lib.templatetags.mustafid import clock, dual_date, mobile, shorten, url_of, url_pk

register = template.Library()


@register.simple_tag(takes_context=True)
def contact_row(context, c):
    """One <tr>: when, channel, kind, who (a link to the beneficiary; else the name given, and the mobile for those
    who see personal data), what about (a link, with «بانتظار الرد» or «تم الرد»), who recorded it, and the buttons
    the reader may use (register the contact as a beneficiary, refer it)."""
    user = context["user"]
    if c.beneficiary_id:
        who = format_html('<a href="{}">{}</a>', url_pk("beneficiaries:detail", c.beneficiary_id), c.beneficiary.full_name)
    else:
        who = format_html("{}", c.contact_name or _("غير مسجل"))
        if context.get("sensitive") and c.contact_mobile:
            who = format_html('{} · <a href="tel:{}">{}</a>', who, c.contact_mobile, mobile(c.contact_mobile))
    if c.awaits_answer:
        state = format_html(' <span class="badge text-bg-warning">{}</span>', _("بانتظار الرد"))
    elif c.answered_at:
        state = format_html(' <span class="badge text-bg-success">{}</span>', _("تم الرد"))
    else:
        state = ""
    buttons = []
    if not c.beneficiary_id and user.may_intake:
        buttons.append(format_html('<a class="btn btn-sm btn-outline-primary" href="{}?contact={}">{}</a>',
                                   url_of("beneficiaries:new"), c.pk, _("تسجيله كمستفيد")))
    if user.may_refer:
        buttons.append(format_html('<a class="btn btn-sm btn-outline-secondary" href="{}">{}</a>',
                                   url_pk("research:refer_interaction", c.pk), pgettext("زر", "إحالة")))
    return format_html(
        '<tr>\n'
        '      <td>{} <bdi dir="ltr" class="contact-time">{}</bdi></td><td>{}</td><td>{}</td>\n'
        '      <td>{}</td>\n'
        '      <td><a href="{}">{}</a>{}</td><td>{}</td>\n'
        '      <td class="text-nowrap">{}</td>\n'
        '    </tr>',
        dual_date(c.occurred_at), clock(timezone.localtime(c.occurred_at)), c.get_channel_display(),
        c.get_kind_display(), who, url_pk("interactions:detail", c.pk), shorten(c.summary, 90), state,
        c.recorded_by, mark_safe("\n        ".join(buttons)),
    )
