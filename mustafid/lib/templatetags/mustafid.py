"""Template filters for dates, phones and masked identifiers.

Registered as a builtin library in settings (TEMPLATES OPTIONS "builtins"),
so every template can use them without {% load %}. Filters never raise:
a template showing a beneficiary must render even with odd data.
"""

import unicodedata
import uuid
from datetime import date, datetime, time
from functools import lru_cache

from django import template
from django.conf import settings
from django.template.defaultfilters import truncatechars
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language

from mustafid.lib.hijri import format_gregorian, format_hijri
from mustafid.lib.saudi import format_mobile_local
from mustafid.lib.saudi import mask_mobile as _mask_mobile
from mustafid.lib.saudi import mask_national_id

register = template.Library()


def _lang():
    """Return "en" when the active language is English, else "ar" (the default)."""
    return "en" if (get_language() or "").startswith("en") else "ar"


def _as_date(value):
    """Return a date for a date or datetime (aware datetimes in local time), else None."""
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        # Dates kept in JSON (timeline event data) come back as ISO strings.
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _hijri_or_empty(d):
    # Outside the Umm al-Qura table (about 1924-2077) there is no Hijri form to show.
    try:
        return format_hijri(d, _lang())
    except ValueError:
        return ""


@register.filter
def hijri(value):
    """{{ d|hijri }} → "28 شعبان 1446 هـ" (or "28 Shaban 1446 AH" in English)."""
    d = _as_date(value)
    return _hijri_or_empty(d) if d else ""


@register.filter
def greg(value):
    """{{ d|greg }} → "27 فبراير 2025 م" (or "27 February 2025" in English)."""
    d = _as_date(value)
    return format_gregorian(d, _lang()) if d else ""


@register.filter
def dual_date(value):
    """{{ d|dual_date }} → the Gregorian date followed by the Hijri one, in a <time>."""
    d = _as_date(value)
    return _dual_date(d, _lang()) if d else ""


@lru_cache(maxsize=8192)
def _dual_date(d, lang):
    # The same few days on every row of a list, each the same HTML every time: made once per day and language.
    try:
        hijri_text = format_hijri(d, lang)
    except ValueError:  # outside the Umm al-Qura table (about 1924-2077)
        return format_html(
            '<time datetime="{}" class="dual-date"><span class="greg">{}</span></time>',
            d.isoformat(),
            format_gregorian(d, lang),
        )
    return format_html(
        '<time datetime="{}" class="dual-date"><span class="greg">{}</span> '
        '<span class="hijri">({})</span></time>',
        d.isoformat(),
        format_gregorian(d, lang),
        hijri_text,
    )


@register.filter(expects_localtime=True)
def clock(value, seconds=""):
    """{{ dt|clock }} → "14:05", {{ dt|clock:"seconds" }} → "14:05:09", in local time.

    What |time:"H:i" and |time:"H:i:s" print, without reading the format letter by letter on every row.
    """
    if not isinstance(value, (datetime, time)):
        return ""
    if seconds:
        return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    return f"{value.hour:02d}:{value.minute:02d}"


@register.filter
def mobile(value):
    """{{ phone|mobile }} → "050 123 4567", isolated left-to-right inside RTL text."""
    if not value:
        return ""
    return format_html('<bdi dir="ltr">{}</bdi>', format_mobile_local(str(value)))


@register.filter
def mask_id(value):
    """{{ nid|mask_id }} → "******1234", isolated so the stars stay on the left in RTL."""
    if not value:
        return ""
    return format_html('<bdi dir="ltr">{}</bdi>', mask_national_id(str(value)))


@register.filter
def mask_mobile(value):
    """{{ phone|mask_mobile }} → "••• ••• 4567", isolated left-to-right."""
    masked = _mask_mobile(value) if value else ""
    if not masked:
        return ""
    return format_html('<bdi dir="ltr">{}</bdi>', masked)


@register.filter
def days(value):
    """{{ n|days }} → "يوم واحد", "يومان", "3 أيام", "14 يومًا" (or "1 day", "3 days"); negatives count as positive."""
    try:
        n = abs(int(value))
    except (TypeError, ValueError):
        return ""
    if _lang() == "en":
        return "1 day" if n == 1 else f"{n} days"
    if n == 1:
        return "يوم واحد"
    if n == 2:
        return "يومان"
    if 3 <= n <= 10:
        return f"{n} أيام"
    return f"{n} يومًا"


@register.simple_tag
def url_pk(name, pk):
    """{% url_pk "cases:detail" case.pk %}: the link {% url "cases:detail" case.pk %} gives, for the rows of a list.

    The pattern (one integer argument) is reversed once per process and the number put in its place, instead
    of resolving the pattern again on every row.
    """
    if not isinstance(pk, int):
        return reverse(name, args=[pk])
    parts = _url_around_pk(*_resolving(), name)
    return f"{parts[0]}{pk}{parts[1]}" if parts else reverse(name, args=[pk])


def url_of(name):
    """reverse(name) of a pattern without arguments, resolved once per process (the buttons on a list's rows)."""
    return _url_of(*_resolving(), name)


@lru_cache(maxsize=256)
def _url_of(_root_urlconf, urlconf, _script_prefix, name):
    return reverse(name, urlconf=urlconf)


def shorten(text, length):
    """`{{ text|truncatechars:length }}` for the rows of a list: a text already short enough (most summaries) is
    given back as the filter gives it (NFC-normalised) without walking it character by character."""
    normal = unicodedata.normalize("NFC", str(text))
    return normal if len(normal) <= length else truncatechars(text, length)


def _resolving():
    """What a reversed URL depends on besides its name, the key of the per-process caches below."""
    return settings.ROOT_URLCONF, get_urlconf(), get_script_prefix()


# A number no primary key reaches, to find where the pk goes in a reversed URL.
_PK_MARK = 987654321987654321


@lru_cache(maxsize=256)
def _url_around_pk(_root_urlconf, urlconf, _script_prefix, name):
    url = reverse(name, args=[_PK_MARK], urlconf=urlconf)
    parts = url.split(str(_PK_MARK))
    return tuple(parts) if len(parts) == 2 else None


@register.simple_tag
def once_token():
    """{% once_token %} beside {% csrf_token %} in a form that changes data: a fresh `_once` token.

    `audit.once.OnceMiddleware` accepts each token once, so a double-click or a resent form never
    writes twice. Not for search forms (the same token would be sent on every keystroke).
    """
    return format_html('<input type="hidden" name="_once" value="{}">', uuid.uuid4())
