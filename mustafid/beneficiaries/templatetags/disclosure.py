"""`{{ beneficiary|disclosed_to:user }}`: the beneficiary as the reader may see them (see ../disclosure.py)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from mustafid.lib.templatetags.mustafid import url_pk

from ..disclosure import Disclosure, disclose

register = template.Library()


@register.filter
def disclosed_to(beneficiary, reader):
    if isinstance(beneficiary, Disclosure):
        return beneficiary
    return disclose(beneficiary, reader)


@register.simple_tag(takes_context=True)
def beneficiary_row(context, record):
    """One <tr> of the registry (beneficiaries/_rows.html), in Python: 25 rows a page, and as-you-type on every
    keystroke, cost more through the template engine than the page's queries. What it shows of the person is
    `disclose(record, user)`'s, as `disclosed_to` gives the templates; the markup is what the template showed."""
    user = context["user"]
    b = disclose(record, user)
    badges = ""
    if b.is_registered:
        badges = format_html(' <span class="badge text-bg-success">{}</span>', _("مسجل"))
    if b.awaiting_verification:
        badges = format_html('{} <span class="badge text-bg-warning awaiting-verification">{}</span>', badges,
                             _("بانتظار تحقق الموظف"))
    if b.complete and b.mobile:
        phone = format_html('<a href="tel:{}"><bdi dir="ltr">{}</bdi></a>', record.mobile, b.mobile)
    else:
        phone = format_html('<bdi dir="ltr">{}</bdi>', b.mobile)
    category = format_html("<td>{}</td>", b.category or _("لم تحدد بعد")) if b.complete else ""
    return format_html(
        '<tr>\n'
        '      <td><a href="{}">{}</a>{}</td>\n'
        '      <td><bdi dir="ltr">{}</bdi></td>\n'
        '      <td>{}</td>\n'
        '      <td>{}</td>\n'
        '      {}\n'
        '    </tr>',
        url_pk("beneficiaries:detail", b.pk), b.full_name, badges, b.national_id, phone, b.branch, category,
    )
