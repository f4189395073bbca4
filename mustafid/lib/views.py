"""Small helpers the pages call from the browser; no personal data passes through them."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET

from mustafid.lib.hijri import format_gregorian, format_hijri, parse_date_in_calendar, to_hijri

# Longer input is not a date: refuse it before parsing.
MAX_DATE_TEXT = 40


@login_required
@require_GET
def convert_date(request):
    """`/dates/convert?d=1446/08/28` → the date in both calendars, for the reading beside a date field.

    Parsed exactly as DualDateField parses it (lib/hijri.py `parse_date`), so what the page shows
    while typing is what will be saved. A date that cannot be read or does not exist is an answer,
    not a failure: 200 with `{"error": "<Arabic message>"}`. `reading` is the line to show: the date
    in the calendar it was not typed in, in the reader's language.
    """
    text = request.GET.get("d", "")[:MAX_DATE_TEXT + 1]
    if len(text) > MAX_DATE_TEXT:
        return JsonResponse({"error": gettext("هذا ليس تاريخًا؛ اكتبه مثل 1446/08/28 أو 2025-02-27")})
    try:
        day, calendar = parse_date_in_calendar(text)
    except ValueError as error:
        return JsonResponse({"error": str(error)})
    lang = "en" if (get_language() or "").startswith("en") else "ar"
    answer = {"calendar": calendar, "gregorian": day.isoformat(), "hijri": None}
    try:
        answer["hijri"] = "{:04d}/{:02d}/{:02d}".format(*to_hijri(day))
    except ValueError:  # outside the Umm al-Qura table (before 1924, after 2077): Gregorian only
        pass
    if calendar == "hijri":
        other = format_gregorian(day, lang)
    elif answer["hijri"]:
        other = format_hijri(day, lang)
    else:
        other = gettext("لا يقابله تاريخ هجري في تقويم أم القرى")
    answer["reading"] = gettext("يوافق: %(date)s") % {"date": other}
    return JsonResponse(answer)
