"""Referral to a social researcher, and the researcher's answer."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.cases.models import CaseEvent, Step
from mustafid.cases.workflow import lock_case, move
from mustafid.lib.errors import refuse_unless
from mustafid.lib.uploads import IMAGE_TYPES, check_document, clean_file_name, removed_on_failure

from .models import Debt, ExpenseLine, HousingPhoto, IncomeLine, Referral, ReportMember, ResearchReport


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


# The social research report -----------------------------------------------------------------------

REPORT_FIELDS = (
    "visit_on", "visit_mode", "visitor", "visit_place", "housing_type", "tenure", "housing_condition",
    "housing_notes", "health_notes", "needs", "recommendation", "recommendation_reasons",
)
ROW_MODELS = {"members": ReportMember, "incomes": IncomeLine, "expenses": ExpenseLine, "debts": Debt}
MAX_PHOTOS = 12


def may_write_report(user, case):
    """The researcher the request was referred to (the report's author once it exists)."""
    if not user.is_researcher:
        return False
    report = ResearchReport.objects.filter(case=case).only("researcher_id").first()
    if report is not None:
        return report.researcher_id == user.pk
    return Referral.objects.filter(case=case, researcher=user).exists()


def save_report(case, *, by, fields, rows, photo=None, remove_photos=(), file=False):
    """Save the report as a draft (and, with `file=True`, file it) in one transaction.

    `rows` maps each section (members, incomes, expenses, debts) to its cleaned rows; they replace the
    saved ones. Filing needs the visit date, a recommendation and its reasons; a filed report is final.
    Saving a draft writes an audit row; filing also puts «اعتماد تقرير البحث الاجتماعي» on the request's
    timeline, with the recommendation and the totals the committee will read.
    """
    with removed_on_failure() as written, transaction.atomic():
        case = lock_case(case)
        refuse_unless(case.is_open_for(Step.REFER), _("لا يمكن تعديل تقرير البحث بعد إغلاق الطلب."))
        refuse_unless(may_write_report(by, case), _("يكتب التقرير الباحث الاجتماعي المحال إليه الطلب."))
        report = ResearchReport.objects.select_for_update().filter(case=case).first()
        created = report is None
        if created:
            report = ResearchReport(case=case, researcher=by)
        refuse_unless(not report.is_filed, _("اعتُمد التقرير من قبل؛ لا يمكن تعديله."))
        for name in REPORT_FIELDS:
            setattr(report, name, fields.get(name) or (None if name == "visit_on" else ""))
        report.updated_at = timezone.now()
        report.save()
        for section, model in ROW_MODELS.items():
            if section in rows:
                model.objects.filter(report=report).delete()
                model.objects.bulk_create([model(report=report, **row) for row in rows[section]])
        if remove_photos:
            for gone in report.photos.filter(pk__in=list(remove_photos)):
                # The file goes once the row is gone for good (after commit).
                transaction.on_commit(lambda name=gone.file.name, storage=gone.file.storage: storage.delete(name))
                gone.delete()
        if photo is not None:
            refuse_unless(report.photos.count() < MAX_PHOTOS,
                          _("بلغ التقرير الحد الأعلى للصور (%(n)s).") % {"n": MAX_PHOTOS})
            content_type, sha256 = check_document(photo)
            refuse_unless(content_type in IMAGE_TYPES, _("صورة السكن JPG أو PNG فقط."))
            stored = HousingPhoto(report=report, original_name=clean_file_name(photo.name), content_type=content_type,
                                  size=photo.size, sha256=sha256)
            stored.file.save(stored.original_name, photo, save=False)
            written.append(stored.file)
            stored.save()
        figures = report.figures()
        if not file:
            record(EventType.RESEARCH_REPORT_SAVED, actor=by, target=report, data={
                "case": case.pk, "created": created, "photo_added": photo is not None,
                "photos_removed": len(remove_photos),
            })
            return report
        missing = [label for label, present in (
            (_("تاريخ الزيارة"), report.visit_on),
            (_("نوع الزيارة"), report.visit_mode),
            (_("التوصية"), report.recommendation),
            (_("أسباب التوصية"), report.recommendation_reasons.strip()),
        ) if not present]
        refuse_unless(not missing, _("لا يعتمد التقرير قبل إكمال: %(fields)s.") % {"fields": "، ".join(str(m) for m in missing)})
        report.state = ResearchReport.State.FILED
        report.filed_at = timezone.now()
        report.save(update_fields=["state", "filed_at"])
        move(case, kind=CaseEvent.Kind.RESEARCH_FILED, by=by,
             note=f"{report.get_recommendation_display()}: {report.recommendation_reasons}",
             data={"report": report.pk, "recommendation": report.recommendation,
                   "total_income": str(figures["total_income"]), "total_expenses": str(figures["total_expenses"]),
                   "per_capita": str(figures["per_capita"]), "household_size": figures["household_size"]},
             audit_type=EventType.RESEARCH_REPORT_FILED, audit_target=report)
    return report


def research_submission_check(case):
    """For `submission_checks` (lib/composition.py): a support type that requires it needs a filed report that recommends."""
    if not case.support_type.requires_research:
        return None
    filed = ResearchReport.objects.filter(case=case, state=ResearchReport.State.FILED).exclude(recommendation="")
    if filed.exists():
        return None
    return _("نوع الدعم «%(type)s» يتطلب تقرير بحث اجتماعي معتمدًا بتوصية الباحث قبل الرفع للجنة.") % {
        "type": case.support_type}
