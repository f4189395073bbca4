"""The message each step of a request sends its applicant, without being asked.

Written inside the step's transaction (`workflow.on_case_event_written`), one per timeline row
and recipient (the idempotency key is the `CaseEvent`), and sent by the outbox after commit in
the applicant's language, over their preferred channel. The wording of each message is in its
folder under `cases/messages/` and may be changed by a manager (notifications, «نصوص الرسائل»).

Steps that say nothing to the applicant (a document uploaded or verified, the declaration, the
close) have no message here.
"""

from datetime import date, timedelta
from pathlib import Path

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from mustafid.association.models import Association, current_policy, period_in_words
from mustafid.lib.hijri import format_gregorian, format_hijri_or_gregorian
from mustafid.notifications import catalogue, outbox
from mustafid.notifications.catalogue import MessageKind

from .clock import DecisionClock, rule_of
from .models import CaseEvent

FOLDER = Path(__file__).resolve().parent / "messages"
COMMON = {"association": _("اسم الجمعية"), "reference": _("رقم الطلب")}


def _kind(key, label, **variables):
    return MessageKind(key, label, folder=FOLDER / key, variables={**COMMON, **variables})


KINDS = [
    _kind("request_received", _("استلام الطلب"), period=_("مدة الرد"), due_hijri=_("التاريخ المتوقع (هجري)"),
          due_gregorian=_("التاريخ المتوقع (ميلادي)")),
    _kind("document_refused", _("مستند غير مقبول"), document=_("المستند"), reason=_("السبب")),
    _kind("request_incomplete", _("طلب غير مكتمل"), note=_("ما ينقص الطلب")),
    _kind("referred", _("الإحالة إلى الباحث الاجتماعي")),
    _kind("submitted", _("الرفع للجنة البحث"), due_hijri=_("موعد القرار (هجري)"),
          due_gregorian=_("موعد القرار (ميلادي)")),
    _kind("returned_for_information", _("إعادة الطلب لاستكمال المعلومات"), asked=_("المعلومات المطلوبة")),
    _kind("information_received", _("عودة الطلب إلى لجنة البحث"), due_hijri=_("موعد القرار (هجري)"),
          due_gregorian=_("موعد القرار (ميلادي)")),
    _kind("decision_approved", _("قبول الطلب"), decision=_("رقم القرار"), letter_link=_("رابط خطاب القرار")),
    _kind("decision_rejected", _("رفض الطلب"), decision=_("رقم القرار"), reasons=_("أسباب القرار"),
          letter_link=_("رابط خطاب القرار")),
    _kind("appeal_rejected", _("رفض التظلم"), decision=_("رقم القرار"), reasons=_("أسباب القرار"),
          letter_link=_("رابط خطاب القرار")),
    _kind("appealed", _("تسجيل التظلم"), decision=_("رقم القرار المتظلم منه"), due_hijri=_("موعد القرار (هجري)"),
          due_gregorian=_("موعد القرار (ميلادي)")),
    _kind("registered", _("استكمال التسجيل"), registration_number=_("رقم التسجيل")),
    _kind("service_delivered", _("تقديم الخدمة"), service=_("الخدمة"), quantity=_("الكمية"), unit=_("الوحدة"),
          date_hijri=_("التاريخ (هجري)"), date_gregorian=_("التاريخ (ميلادي)")),
]


# Variables that apps above this one add to a step's message (the committee's decision letter link, which
# `cases` cannot build: the committee imports cases, not the reverse). Each is `provider(event, language) -> dict`,
# called inside the step's transaction; registered from the providing app's `AppConfig.ready()`.
extra_context = []


def register():
    for kind in KINDS:
        catalogue.register(kind)


def _dates(prefix, day, language):
    return {f"{prefix}_hijri": format_hijri_or_gregorian(day, language), f"{prefix}_gregorian": format_gregorian(day, language)}


def _what(event, language):
    """(message key, its variables) for this timeline row, or None when the step says nothing to the applicant."""
    case, data, kind = event.case, event.data or {}, event.kind
    if kind == CaseEvent.Kind.OPENED:
        # The date the period would give if it started today, counted as the policy counts it (the clock starts
        # at submission; the portal's confirmation shows the same date: portal/apply.py `expectation`).
        policy = current_policy()
        today = timezone.localdate()
        if policy is None:
            days, due = 14, today + timedelta(days=14)
        else:
            days, due = policy.response_days, DecisionClock.from_rule(today, rule_of(policy)).due_on
        return "request_received", {"period": period_in_words(days), **_dates("due", due, language)}
    if kind == CaseEvent.Kind.DOCUMENT_REFUSED:
        return "document_refused", {"document": data.get("document_type", ""), "reason": event.note}
    if kind == CaseEvent.Kind.MARKED_INCOMPLETE:
        return "request_incomplete", {"note": event.note}
    if kind == CaseEvent.Kind.REFERRED:
        # The researcher's question is internal; the applicant hears that a researcher will call.
        return "referred", {}
    if kind == CaseEvent.Kind.SUBMITTED:
        return "submitted", _dates("due", case.decision_due_on, language)
    if kind == CaseEvent.Kind.RETURNED:
        # Told only when the applicant owes the information; what the committee asks its own staff stays inside.
        if data.get("of_whom") != "applicant":
            return None
        return "returned_for_information", {"asked": event.note}
    if kind == CaseEvent.Kind.INFORMATION_PROVIDED:
        return "information_received", _dates("due", case.decision_due_on, language)
    if kind == CaseEvent.Kind.DECIDED:
        if data.get("outcome") == "approved":
            return "decision_approved", {"decision": data.get("decision", "")}
        if case.events.filter(kind=CaseEvent.Kind.APPEALED).exists():
            # The rejection of an appeal is final: no «how to appeal» (committee/appeals.py).
            return "appeal_rejected", {"decision": data.get("decision", ""), "reasons": event.note}
        return "decision_rejected", {"decision": data.get("decision", ""), "reasons": event.note}
    if kind == CaseEvent.Kind.APPEALED:
        return "appealed", {"decision": data.get("appealed_decision", ""),
                            **_dates("due", case.decision_due_on, language)}
    if kind == CaseEvent.Kind.REGISTERED:
        return "registered", {"registration_number": data.get("registration_number", "")}
    if kind == CaseEvent.Kind.SERVICE_DELIVERED:
        delivered_on = date.fromisoformat(data["delivered_on"]) if data.get("delivered_on") else timezone.localdate()
        return "service_delivered", {"service": data.get("service", ""), "quantity": data.get("quantity", ""),
                                     "unit": data.get("unit", ""), **_dates("date", delivered_on, language)}
    return None


def write_message(event):
    """The step's message to the applicant, in the step's transaction (a `workflow.on_case_event_written` writer)."""
    beneficiary = event.case.beneficiary
    recipient = beneficiary.as_recipient()
    language = recipient.language
    with translation.override(language):
        what = _what(event, language)
        if what is None:
            return None
        key, context = what
        association = Association.objects.current()
        context = {"association": association.short_name if association else "", "reference": event.case.reference,
                   **context}
        for provider in list(extra_context):
            context.update(provider(event, language))
        context = {name: str(value) for name, value in context.items()}
    return outbox.queue(key, to=recipient, context=context, event_key=f"case-event:{event.pk}", about=event.case)
