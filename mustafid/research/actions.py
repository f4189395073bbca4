"""Referral to a social researcher, and the researcher's answer."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.cases.models import CaseEvent, Step
from mustafid.cases.workflow import lock_case, move
from mustafid.lib.errors import refuse_unless

from .models import Referral


def refer_to_researcher(*, researcher, question, by, case=None, beneficiary=None, interaction=None):
    """Refer the beneficiary's questions (or their request) to a social researcher.

    Allowed at any open state of a request; it does not move the request.
    """
    question = (question or "").strip()
    refuse_unless(question, _("اكتب سبب الإحالة أو تساؤلات المستفيد."))
    refuse_unless(researcher.is_researcher and researcher.is_active, _("اختر باحثًا اجتماعيًا."))
    refuse_unless(case or beneficiary or interaction, _("حدد المستفيد أو الطلب أو التواصل المحال."))
    with transaction.atomic():
        if case is not None:
            case = lock_case(case)
            refuse_unless(case.is_open_for(Step.REFER), _("لا تمكن الإحالة بعد إغلاق الطلب."))
            beneficiary = case.beneficiary
        if beneficiary is None and interaction is not None:
            beneficiary = interaction.beneficiary
        referral = Referral.objects.create(
            case=case, beneficiary=beneficiary, interaction=interaction, researcher=researcher,
            question=question, referred_by=by,
        )
        data = {"referral": referral.pk, "researcher": researcher.display_name}
        if case is not None:
            move(case, kind=CaseEvent.Kind.REFERRED, by=by, note=question, data=data,
                 audit_type=EventType.REFERRAL_CREATED, audit_target=referral)
        else:
            record(EventType.REFERRAL_CREATED, actor=by, target=referral, data={**data, "question": question})
    return referral


def answer_referral(referral, *, answer, by):
    """The researcher answers the beneficiary's questions and explains the procedures."""
    answer = (answer or "").strip()
    refuse_unless(answer, _("اكتب رد الباحث."))
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        refuse_unless(referral.researcher_id == by.pk, _("يرد على الإحالة الباحث المحال إليه فقط."))
        refuse_unless(not referral.is_answered, _("تم الرد على هذه الإحالة من قبل."))
        referral.answer = answer
        referral.answered_at = timezone.now()
        referral.save(update_fields=["answer", "answered_at"])
        data = {"referral": referral.pk}
        if referral.case_id:
            case = lock_case(referral.case_id)
            move(case, kind=CaseEvent.Kind.REFERRAL_ANSWERED, by=by, note=answer, data=data,
                 audit_type=EventType.REFERRAL_ANSWERED, audit_target=referral)
        else:
            record(EventType.REFERRAL_ANSWERED, actor=by, target=referral, data={**data, "answer": answer})
    return referral
