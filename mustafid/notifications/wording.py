"""The manager's wording of each message: what is in force, a preview, saving and restoring the shipped text.

A message's text is shipped in its folder (`catalogue.MessageKind.shipped`); a manager may replace it
(`MessageTemplate`, one row per message and language) and go back to the shipped text by deleting the
row. Both are actions: one transaction, one audit row (MESSAGE_TEMPLATE_CHANGED) with the old and
the new text, so the trail says who said what to beneficiaries, and when.
"""

import datetime
import math
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mustafid.audit.actors import as_actor
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.lib.errors import ActionRefused
from mustafid.lib.hijri import format_gregorian, format_hijri_or_gregorian

from . import catalogue
from .models import MessageTemplate

# The longest text a manager may save: an SMS beyond a few segments is a letter, and the cap keeps
# a pasted document (or a probe of 100,000 characters) out of the outbox.
MAX_BODY_CHARACTERS = 1000

# One SMS holds 160 characters of the GSM 7-bit alphabet or 70 of anything else (UCS-2, so all
# Arabic); a longer text is sent in parts of 153 or 67 (each part carries the joining header).
GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Written as two characters (an escape and the character).
GSM_EXTENDED = set("^{}\\[~]|€\f")


@dataclass(frozen=True)
class Length:
    """A text's length as an SMS counts it."""

    characters: int
    segments: int
    unicode: bool

    @property
    def within_guide(self):
        """Arabic within the guide's 140 characters; a text in the GSM alphabet within two SMS (306)."""
        return self.characters <= catalogue.SMS_GUIDE_CHARACTERS if self.unicode else self.segments <= 2


def sms_length(text):
    """Characters and SMS segments of `text`: UCS-2 (Arabic) 70 in one SMS, 67 a part; GSM 160, 153 a part."""
    unicode = any(char not in GSM_BASIC and char not in GSM_EXTENDED for char in text)
    if unicode:
        # Characters outside the Basic Multilingual Plane (an emoji) take two UCS-2 units.
        units = sum(2 if ord(char) > 0xFFFF else 1 for char in text)
        single, part = UCS2_SINGLE, UCS2_PART
    else:
        units = sum(2 if char in GSM_EXTENDED else 1 for char in text)
        single, part = GSM_SINGLE, GSM_PART
    segments = 0 if units == 0 else 1 if units <= single else math.ceil(units / part)
    return Length(characters=len(text), segments=segments, unicode=unicode)


def _sample_dates(language):
    day = timezone.localdate() + datetime.timedelta(days=14)
    return format_hijri_or_gregorian(day, language), format_gregorian(day, language)


def sample_values(kind, language):
    """Realistic values for the preview, in `language`; a variable without one shows its description."""
    hijri, gregorian = _sample_dates(language)
    arabic = language == "ar"
    samples = {
        "association": "جمعية عون" if arabic else "Aoun Association",
        "reference": "2026-00042",
        "registration_number": "R-00317",
        "decision": "1447/31",
        "period": "أسبوعين" if arabic else "two weeks",
        "document": "صورة الهوية الوطنية" if arabic else "National ID copy",
        "documents": "صورة الهوية الوطنية، تقرير طبي حديث" if arabic else "National ID copy, recent medical report",
        "reason": "الصورة غير واضحة" if arabic else "the picture is not clear",
        "reasons": "الدخل يتجاوز حد الاستحقاق" if arabic else "the income is above the eligibility limit",
        "note": "ينقص تقرير طبي حديث" if arabic else "a recent medical report is missing",
        "service": "سلة غذائية" if arabic else "food basket",
        "quantity": "2",
        "unit": "سلة" if arabic else "baskets",
        "time": "10:30 ص" if arabic else "10:30 AM",
        "place": "مقر الجمعية بأبها" if arabic else "the association's office in Abha",
        "phone": "0172281234",
        "remaining": "بعد يومين" if arabic else "in two days",
        "link": "https://mustafid.example/cases/42/",
        "letter_link": "https://mustafid.example/l/42:1vKq3x:Qm9ZcYh1aXb2Ue5R8sVtL0wNpD7kGfJ4/",
    }
    for name in ("due", "date", "appointment"):
        samples[f"{name}_hijri"], samples[f"{name}_gregorian"] = hijri, gregorian
    with translation.override(language):
        return {name: samples.get(name, f"[{description}]") for name, description in kind.variables.items()}


@dataclass(frozen=True)
class Wording:
    """One message in one language as it stands: in force, shipped, and whether a manager changed it."""

    language: str
    subject: str
    body: str
    shipped_subject: str
    shipped_body: str
    overridden: bool

    @property
    def changed(self):
        return self.overridden and (self.subject, self.body) != (self.shipped_subject, self.shipped_body)


def shipped(kind, language):
    """(subject, body) as shipped in the message's folder; the subject defaults to the message's label."""
    subject = kind.shipped(language, "subject")
    if not subject:
        with translation.override(language):
            subject = str(kind.label)
    return subject, kind.shipped(language)


def wordings(kinds):
    """{(key, language): Wording} for every message and language, from one query."""
    keys = [kind.key for kind in kinds]
    rows = {(row.key, row.language): row for row in MessageTemplate.objects.filter(key__in=keys)}
    found = {}
    for kind in kinds:
        for language in catalogue.LANGUAGES:
            shipped_subject, shipped_body = shipped(kind, language)
            row = rows.get((kind.key, language))
            found[kind.key, language] = Wording(
                language=language,
                subject=row.subject if row else shipped_subject,
                body=row.body if row else shipped_body,
                shipped_subject=shipped_subject,
                shipped_body=shipped_body,
                overridden=row is not None,
            )
    return found


def wording(kind, language):
    return wordings([kind])[kind.key, language]


def preview(kind, language, subject, body):
    """(subject, body) filled with the sample values, and the body's length as an SMS counts it."""
    rendered_subject, rendered_body = catalogue.fill(kind, subject, body, sample_values(kind, language))
    return rendered_subject, rendered_body, sms_length(rendered_body)


def problems(kind, subject, body):
    """Why this wording cannot be saved (empty when it can)."""
    found = []
    for problem in catalogue.check_text(kind, subject) + catalogue.check_text(kind, body):
        if problem not in found:
            found.append(problem)
    return found


def change_wording(kind, language, *, subject, body, by):
    """Put the manager's wording of `kind` in `language` in force; returns False when nothing changed.

    Refused (nothing saved) when the text uses a variable the message does not have, or a tag.
    """
    subject, body = " ".join(subject.split()), body.strip()
    if not body:
        raise ActionRefused(_("اكتب نص الرسالة."))
    if not subject:
        raise ActionRefused(_("اكتب موضوع البريد الإلكتروني."))
    if len(body) > MAX_BODY_CHARACTERS:
        raise ActionRefused(_("نص الرسالة أطول من %(max)s حرف.") % {"max": MAX_BODY_CHARACTERS})
    found = problems(kind, subject, body)
    if found:
        raise ActionRefused(" ".join(found))
    with transaction.atomic():
        row = MessageTemplate.objects.select_for_update().filter(key=kind.key, language=language).first()
        old = wording(kind, language) if row is None else None
        before = (row.subject, row.body) if row is not None else (old.subject, old.body)
        if before == (subject, body):
            return False
        if row is None:
            row = MessageTemplate(key=kind.key, language=language)
        row.subject, row.body = subject, body
        for column, value in as_actor(by).columns("updated_by").items():
            setattr(row, column, value)
        row.full_clean(validate_unique=False)
        row.save()
        record(EventType.MESSAGE_TEMPLATE_CHANGED, actor=by, data={
            "key": kind.key, "language": language, "restored": False,
            "old": {"subject": before[0], "body": before[1]}, "new": {"subject": subject, "body": body},
        })
    return True


def restore_wording(kind, language, *, by):
    """Go back to the shipped text (delete the manager's wording); returns False when it was already in force."""
    with transaction.atomic():
        row = MessageTemplate.objects.select_for_update().filter(key=kind.key, language=language).first()
        if row is None:
            return False
        subject, body = shipped(kind, language)
        record(EventType.MESSAGE_TEMPLATE_CHANGED, actor=by, data={
            "key": kind.key, "language": language, "restored": True,
            "old": {"subject": row.subject, "body": row.body}, "new": {"subject": subject, "body": body},
        })
        row.delete()
    return True
