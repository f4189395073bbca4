"""A request's row in a list and its status badge, in Python (`{% case_row case %}`, `{% status_badge case %}`).

The staff home shows up to 40 requests and the requests list 25; through the template engine each row cost
some 500 calls (an include, a dozen lookups, the badge's conditions), more than the page's queries. Here a
row is one `format_html`. The markup is what includes/case_rows.html and includes/status_badge.html showed.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from mustafid.audit.actors import ActorKind
from mustafid.lib.templatetags.mustafid import days, dual_date, url_pk

register = template.Library()


@register.simple_tag
def status_badge(case, overdue=None):
    """The state's badge («تظلم» beside it while back with the committee on an appeal), then «متأخر» past the
    decision's due date or «قريب الموعد» close to it."""
    overdue = case.is_overdue if overdue is None else overdue
    badge = format_html('<span class="badge status status-{}">{}</span>', case.status, case.get_status_display())
    if case.under_appeal:
        badge = format_html('{} <span class="badge text-bg-info" data-appeal>{}</span>', badge, _("تظلم"))
    if overdue:
        return format_html('{} <span class="badge text-bg-danger">{}</span>', badge, _("متأخر"))
    if case.is_due_soon:
        return format_html('{} <span class="badge text-bg-warning">{}</span>', badge, _("قريب الموعد"))
    return badge


def days_left(case):
    """Beside the due date: the days left, how late, or that the clock stands still (returned for information)."""
    if case.is_paused:
        return format_html(' <span class="small d-block days-left clock-paused">{}</span>', _("مدة الرد متوقفة"))
    left = case.days_left
    if left is None:
        return ""
    if left < 0:
        text = _("متأخر %(period)s") % {"period": days(left)}
        return format_html(' <strong class="small d-block days-left text-danger">{}</strong>', text)
    if left == 0:
        return format_html(' <strong class="small d-block days-left">{}</strong>', _("اليوم آخر موعد"))
    return format_html(' <span class="small d-block days-left">{}</span>', _("باقٍ %(period)s") % {"period": days(left)})


def source_badge(case):
    """«من بوابة المستفيد» beside the number of a request the applicant opened themselves (no column: the actor who
    received it is the beneficiary or their guardian through the portal)."""
    if case.received_by_kind in (ActorKind.BENEFICIARY, ActorKind.GUARDIAN):
        return format_html(' <span class="badge text-bg-light border" data-source="portal">{}</span>',
                           _("من بوابة المستفيد"))
    return ""


@register.simple_tag
def case_row(case):
    """One <tr> of includes/case_rows.html: reference (a link, with its source when the portal), beneficiary, support
    type, state, decision due date."""
    overdue = case.is_overdue
    return format_html(
        '<tr{}>\n'
        '      <td class="text-nowrap"><a href="{}"><bdi dir="ltr">{}</bdi></a>{}</td>\n'
        '      <td>{}</td>\n'
        '      <td>{}</td>\n'
        '      <td>{}\n</td>\n'
        '      <td>{}</td>\n'
        '    </tr>',
        mark_safe(' class="overdue"') if overdue else "",
        url_pk("cases:detail", case.pk),
        case.reference,
        source_badge(case),
        case.beneficiary.full_name,
        case.support_type,
        status_badge(case, overdue),
        format_html("{}{}", dual_date(case.decision_due_on), days_left(case)) if case.decision_due_on else "—",
    )


@register.simple_tag
def deadline_row(case):
    """One <tr> of reports/_deadline_rows.html (the staff home's overdue and due-soon lists, the deadlines page):
    reference, beneficiary, support type, office, decision due date, and the days left or how late."""
    left = case.days_left
    if left is None:
        row_class, remaining = "", days(left)
    elif left < 0:
        row_class = "overdue"
        remaining = format_html('<strong class="text-danger">{}</strong>', _("متأخر %(period)s") % {"period": days(left)})
    elif left == 0:
        row_class, remaining = "due-soon", format_html("<strong>{}</strong>", _("اليوم"))
    else:
        row_class, remaining = ("due-soon" if left <= 3 else ""), days(left)
    return format_html(
        '<tr class="{}">\n'
        '      <td class="text-nowrap"><a href="{}"><bdi dir="ltr">{}</bdi></a></td>\n'
        '      <td>{}</td>\n'
        '      <td>{}</td>\n'
        '      <td>{}</td>\n'
        '      <td>{}</td>\n'
        '      <td class="text-nowrap days-left">{}</td>\n'
        '    </tr>',
        row_class, url_pk("cases:detail", case.pk), case.reference, case.beneficiary.full_name, case.support_type,
        case.branch, dual_date(case.decision_due_on), remaining,
    )
