"""Actions: the only way a support request moves.

Each action runs in one transaction, locks the request row, checks that the
step is allowed, saves, writes one `CaseEvent` and one audit row. A refused step
raises `ActionRefused` with a message for the screen and changes nothing.
"""

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mustafid.association.models import current_policy
from mustafid.audit.actors import ActorKind, as_actor
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.lib.composition import submission_refusals
from mustafid.lib.errors import ActionRefused, refuse_unless
from mustafid.lib.hijri import format_hijri, format_hijri_or_gregorian
from mustafid.lib.uploads import check_document, clean_file_name, decode_signature, removed_on_failure

from .clock import DecisionClock, rule_of
from .models import (
    Case, CaseDocument, CaseEvent, CaseOpenedCount, CaseStatusCount, Declaration, InformationFrom, Status, Step, may_take,
)
from .workflow import lock_case, move, record_event

# The declaration in the policy's words; stored with each signature as it was signed.
DECLARATION_TEXT = (
    "أقر أنا الموقع أدناه بأن جميع البيانات والمعلومات والمستندات المقدمة مني في هذا الطلب صحيحة، "
    "وأنني مسؤول مسؤولية مباشرة عن صحة المعلومات، وأتحمل ما يترتب على عدم صحتها."
)
DECLARATION_TEXT_EN = (
    "I, the undersigned, declare that all the data, information and documents I have provided in this "
    "request are correct, that I am directly responsible for the correctness of the information, and that "
    "I bear the consequences if it is not correct."
)

# Who acts for themselves through the portal (`Actor.beneficiary()`): the applicant, or their guardian.
APPLICANT_KINDS = (ActorKind.BENEFICIARY, ActorKind.GUARDIAN)


def _policy(on=None):
    policy = current_policy(on)
    refuse_unless(policy is not None, _("لا توجد سياسة معتمدة نافذة؛ يضيفها المدير من الإعدادات."))
    return policy


def open_case(*, beneficiary, support_type, channel, need, by):
    """Receive a support request (استقبال الطلب) over one of the association's channels."""
    policy = _policy()
    refuse_unless(channel in policy.channels, _("قناة التواصل هذه غير مفعلة في سياسة الجمعية."))
    refuse_unless(support_type.active, _("نوع الدعم هذا غير متاح حاليًا."))
    refuse_unless(need.strip(), _("اكتب وصف الحاجة."))
    with transaction.atomic():
        case = Case.objects.create(
            beneficiary=beneficiary,
            support_type=support_type,
            channel=channel,
            need=need.strip(),
            branch=beneficiary.branch,
            **as_actor(by).columns("received_by"),
        )
        record_event(case, kind=CaseEvent.Kind.OPENED, by=by, from_status="", to_status=case.status,
                     data={"channel": channel, "support_type": support_type.pk})
        record(EventType.CASE_OPENED, actor=by, target=case, data={"channel": channel, "support_type": str(support_type)})
    return case


def _settle_documents(case):
    """The status the documents call for: complete only when every required one is verified and valid."""
    complete = not case.missing_documents()
    if complete:
        if case.status in (Status.RECEIVED, Status.INCOMPLETE):
            return Status.DOCUMENTS_COMPLETE
        if case.status == Status.DECLARED and not case.current_declaration.matches_current_data():
            # What was declared is no longer what would be submitted: sign again.
            return Status.DOCUMENTS_COMPLETE
        return case.status
    if case.status in (Status.DOCUMENTS_COMPLETE, Status.DECLARED):
        return Status.INCOMPLETE
    return case.status


def upload_document(case, *, document_type, uploaded_file, issued_on, expires_on, by):
    """Attach a required document; it waits for verification. An expired one is refused outright.

    The file is written inside the transaction and deleted if it fails: a file exists only if its row does.
    """
    today = timezone.localdate()
    content_type, sha256 = check_document(uploaded_file)
    refuse_unless(issued_on is None or issued_on <= today, _("تاريخ الإصدار لا يمكن أن يكون في المستقبل."))
    if document_type.requires_expiry:
        refuse_unless(expires_on is not None, _("أدخل تاريخ انتهاء المستند."))
    if issued_on and expires_on:
        refuse_unless(expires_on > issued_on, _("تاريخ الانتهاء يجب أن يكون بعد تاريخ الإصدار."))
    if expires_on is not None and expires_on < today:
        # The message is built only when needed: a date beyond the Hijri table (after 2077) is valid, not an error.
        raise ActionRefused(
            _("المستند منتهي الصلاحية منذ %(date)s؛ اطلب من المستفيد نسخة سارية.")
            % {"date": format_hijri_or_gregorian(expires_on)}
            + f" ({expires_on.isoformat()})"
        )
    with removed_on_failure() as written, transaction.atomic():
        case = lock_case(case)
        refuse_unless(case.accepts_documents, _("لا تُقبل مستندات جديدة في هذه المرحلة من الطلب."))
        refuse_unless(
            case.support_type.required_documents.filter(pk=document_type.pk).exists(),
            _("هذا المستند ليس من المستندات المطلوبة لنوع الدعم."),
        )
        document = CaseDocument(
            case=case,
            document_type=document_type,
            original_name=clean_file_name(uploaded_file.name),
            content_type=content_type,
            size=uploaded_file.size,
            sha256=sha256,
            issued_on=issued_on,
            expires_on=expires_on,
            **as_actor(by).columns("uploaded_by"),
        )
        document.file.save("upload", uploaded_file, save=False)
        written.append(document.file)
        document.save()
        move(
            case,
            to=_settle_documents(case),
            kind=CaseEvent.Kind.DOCUMENT_UPLOADED,
            by=by,
            data={"document": document.pk, "document_type": str(document_type)},
            audit_type=EventType.DOCUMENT_UPLOADED,
            audit_target=document,
        )
    return document


def _after_refusal(case):
    """A refused document makes the request incomplete; one returned for information (or with the committee on an
    appeal) stays where it is."""
    return None if case.status in (Status.INCOMPLETE, Status.RETURNED, Status.WITH_COMMITTEE) else Status.INCOMPLETE


def _locked_document(document):
    document = CaseDocument.objects.select_related("document_type").get(pk=document.pk)
    case = lock_case(document.case_id)
    document.refresh_from_db()
    return document, case


def verify_document(document, *, by):
    """Match the document against the data (مطابقة البيانات). A document found expired is refused, with the reason.

    Returns the document; check `document.status` to see which way it went.
    """
    today = timezone.localdate()
    with transaction.atomic():
        document, case = _locked_document(document)
        refuse_unless(case.accepts_documents, _("لا يمكن تعديل المستندات في هذه المرحلة من الطلب."))
        refuse_unless(document.status == CaseDocument.Review.PENDING, _("تمت مراجعة هذا المستند من قبل."))
        document.reviewed_by = by
        document.reviewed_at = timezone.now()
        if document.is_expired(today):
            document.status = CaseDocument.Review.REFUSED
            document.refusal_reason = _("منتهي الصلاحية منذ %(date)s") % {"date": format_hijri(document.expires_on)}
            document.save(update_fields=["status", "reviewed_by", "reviewed_at", "refusal_reason"])
            move(
                case,
                to=_after_refusal(case),
                kind=CaseEvent.Kind.DOCUMENT_REFUSED,
                by=by,
                note=document.refusal_reason,
                data={"document": document.pk, "document_type": str(document.document_type)},
                audit_type=EventType.DOCUMENT_REFUSED,
                audit_target=document,
            )
            return document
        document.status = CaseDocument.Review.VERIFIED
        document.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        move(
            case,
            to=_settle_documents(case),
            kind=CaseEvent.Kind.DOCUMENT_VERIFIED,
            by=by,
            data={"document": document.pk, "document_type": str(document.document_type)},
            audit_type=EventType.DOCUMENT_VERIFIED,
            audit_target=document,
        )
    return document


def refuse_document(document, *, reason, by):
    """Refuse a document with the reason; the request is incomplete until a valid one is verified."""
    reason = (reason or "").strip()
    refuse_unless(reason, _("اكتب سبب رفض المستند."))
    with transaction.atomic():
        document, case = _locked_document(document)
        refuse_unless(case.accepts_documents, _("لا يمكن تعديل المستندات في هذه المرحلة من الطلب."))
        refuse_unless(document.status != CaseDocument.Review.REFUSED, _("هذا المستند مرفوض من قبل."))
        document.status = CaseDocument.Review.REFUSED
        document.refusal_reason = reason[:300]
        document.reviewed_by = by
        document.reviewed_at = timezone.now()
        document.save(update_fields=["status", "reviewed_by", "reviewed_at", "refusal_reason"])
        move(
            case,
            to=_after_refusal(case),
            kind=CaseEvent.Kind.DOCUMENT_REFUSED,
            by=by,
            note=reason,
            data={"document": document.pk, "document_type": str(document.document_type)},
            audit_type=EventType.DOCUMENT_REFUSED,
            audit_target=document,
        )
    return document


def mark_incomplete(case, *, note, by):
    """Record what is missing; the beneficiary is told and the request waits for it."""
    note = (note or "").strip()
    refuse_unless(note, _("اكتب ما ينقص الطلب."))
    with transaction.atomic():
        case = lock_case(case)
        refuse_unless(case.is_open_for(Step.MARK_INCOMPLETE), _("لا يمكن وصف الطلب بأنه غير مكتمل في هذه المرحلة."))
        return move(
            case, to=Status.INCOMPLETE, kind=CaseEvent.Kind.MARKED_INCOMPLETE, by=by, note=note,
            audit_type=EventType.CASE_MARKED_INCOMPLETE,
        )


def record_declaration(case, *, method, signer_name, by, signature_data_url="", scan=None):
    """The applicant signs that the data are correct and that they are directly responsible for them.

    The declaration stores the data it covers and their SHA-256, so any later change shows.
    """
    signer_name = (signer_name or "").strip()
    refuse_unless(signer_name, _("اكتب اسم الموقّع."))
    signature_png = None
    scan_type = ""
    if method == Declaration.Method.ON_SCREEN:
        signature_png = decode_signature(signature_data_url)
    elif method == Declaration.Method.PAPER:
        refuse_unless(scan is not None, _("أرفق صورة النموذج الموقع."))
        scan_type, _digest = check_document(scan)
    elif method == Declaration.Method.PORTAL:
        # Signed by the applicant themselves in the portal (the tick, the name as registered and a fresh
        # one-time code are checked there: portal/account.py); never a staff member's choice.
        refuse_unless(as_actor(by).kind in APPLICANT_KINDS, _("اختر طريقة التوقيع."))
    else:
        raise ActionRefused(_("اختر طريقة التوقيع."))
    with removed_on_failure() as written, transaction.atomic():
        case = lock_case(case)
        refuse_unless(case.is_open_for(Step.DECLARE), _("الإقرار يُوقّع بعد التحقق من جميع المستندات المطلوبة."))
        # A self-registration (portal) is checked against the ID first: the officer may correct what it vouches for.
        refuse_unless(not case.beneficiary.awaiting_verification,
                      _("بيانات المستفيد بانتظار تحقق الموظف؛ يُوقّع الإقرار بعد التحقق منها."))
        declaration = Declaration(
            case=case,
            method=method,
            signer_name=signer_name,
            text=DECLARATION_TEXT,
            fingerprint=case.fingerprint(),
            covered_data=case.fingerprint_data(),
            **as_actor(by).columns("taken_by"),
            scan_content_type=scan_type,
        )
        if signature_png is not None:
            declaration.signature.save(f"signature-{case.pk}.png", ContentFile(signature_png), save=False)
            written.append(declaration.signature)
        elif scan is not None and method == Declaration.Method.PAPER:
            declaration.scan.save(f"declaration-{case.pk}", scan, save=False)
            written.append(declaration.scan)
        declaration.save()
        move(
            case, to=Status.DECLARED, kind=CaseEvent.Kind.DECLARED, by=by,
            data={"declaration": declaration.pk, "method": method, "fingerprint": declaration.fingerprint},
            audit_type=EventType.DECLARATION_RECORDED, audit_target=declaration,
        )
    return declaration


def awaiting_verification_refusal():
    """Why a request of a self-registered beneficiary (portal) waits: the officer checks the record first."""
    return _("بيانات المستفيد سجّلها بنفسه عبر خدمات المستفيد وهي بانتظار تحقق الموظف؛ "
             "تحقق منها في صفحة المستفيد قبل رفع الطلب للجنة.")


def submit_to_committee(case, *, by):
    """Raise the complete, declared request to the research committee: the decision clock starts.

    Due date = the submission day + the response period of the policy in force
    (two weeks or a month in the seed policies). Documents are checked again for
    validity on the day of submission.
    """
    with transaction.atomic():
        case = lock_case(case)
        # First: whatever the request's step, a self-registration (portal) waits for the officer's check.
        refuse_unless(not case.beneficiary.awaiting_verification, awaiting_verification_refusal())
        refuse_unless(case.is_open_for(Step.SUBMIT), _("يُرفع الطلب للجنة بعد اكتمال المستندات وتوقيع الإقرار."))
        missing = case.missing_documents()
        refuse_unless(
            not missing,
            _("لا يمكن الرفع: مستندات غير سارية أو غير متحقق منها: %(docs)s")
            % {"docs": "، ".join(str(d) for d in missing)},
        )
        refuse_unless(
            case.current_declaration.matches_current_data(),
            _("تغيرت البيانات بعد توقيع الإقرار؛ يلزم إقرار جديد قبل الرفع للجنة."),
        )
        # What the apps above require (the social research report, see lib/composition.py).
        refusals = submission_refusals(case)
        refuse_unless(not refusals, refusals[0] if refusals else "")
        policy = _policy()
        now = timezone.now()
        # The policy's period and way of counting, kept in the timeline row: a later policy change moves nothing.
        rule = rule_of(policy)
        case.submitted_at = now
        case.policy_version = policy
        case.response_days = policy.response_days
        case.decision_due_on = DecisionClock.from_rule(timezone.localdate(now), rule).due_on
        return move(
            case, to=Status.WITH_COMMITTEE, kind=CaseEvent.Kind.SUBMITTED, by=by,
            data={"decision_due_on": case.decision_due_on.isoformat(), **rule},
            audit_type=EventType.CASE_SUBMITTED,
            fields=["submitted_at", "policy_version", "response_days", "decision_due_on"],
        )


def return_for_information(case, *, asked, of_whom, by):
    """The committee returns the request for information it lacks: the decision clock stands still.

    `asked` is what is missing, in words the applicant can act on; `of_whom` an `InformationFrom`. When it
    is asked of the applicant, they are told (the `returned` row's message, `cases/messages.py`).
    """
    asked = (asked or "").strip()
    refuse_unless(may_take(by, Step.RETURN), _("يعيد الطلب لاستكمال المعلومات رئيس لجنة البحث أو أعضاؤها."))
    refuse_unless(asked, _("اكتب المعلومات المطلوبة."))
    refuse_unless(of_whom in InformationFrom.values, _("اختر ممن تُطلب المعلومات."))
    with transaction.atomic():
        case = lock_case(case)
        refuse_unless(case.is_open_for(Step.RETURN), _("هذا الطلب ليس لدى لجنة البحث."))
        today = timezone.localdate()
        case.clock_paused_on = today
        return move(
            case, to=Status.RETURNED, kind=CaseEvent.Kind.RETURNED, by=by, note=asked[:2000],
            data={"of_whom": of_whom, "paused_on": today.isoformat(),
                  "due_when_paused": case.decision_due_on.isoformat() if case.decision_due_on else None},
            audit_type=EventType.CASE_RETURNED, fields=["clock_paused_on"],
        )


def provide_information(case, *, note, by):
    """The officer records the answer to what the committee asked: the request goes back to it and the clock runs.

    Documents the answer brings are uploaded first (`upload_document` accepts them while returned). The due
    date moves by the days the clock stood still (`DecisionClock`).
    """
    note = (note or "").strip()
    # The applicant answers from the portal (the owner, checked there) only what was asked of them.
    by_applicant = as_actor(by).kind in APPLICANT_KINDS
    refuse_unless(by_applicant or may_take(by, Step.PROVIDE_INFORMATION), _("يسجل استكمال المعلومات موظف الاستقبال."))
    refuse_unless(note, _("اكتب ما قدّمه المستفيد من معلومات."))
    with transaction.atomic():
        case = lock_case(case)
        refuse_unless(case.is_open_for(Step.PROVIDE_INFORMATION), _("هذا الطلب ليس معادًا لاستكمال المعلومات."))
        if by_applicant:
            returned = case.events.filter(kind=CaseEvent.Kind.RETURNED).order_by("-at", "-pk").first()
            refuse_unless(
                returned is not None and (returned.data or {}).get("of_whom") == InformationFrom.APPLICANT,
                _("هذا الطلب ليس معادًا لاستكمال المعلومات."),
            )
        today = timezone.localdate()
        clock = DecisionClock.for_case(case)
        paused_on = case.clock_paused_on or today
        if clock is not None:
            clock.resume(today)
            case.decision_due_on = clock.due_on
            paused_days = clock.counted(paused_on, today)
        else:  # submitted before the clock was kept in the timeline
            paused_days = (today - paused_on).days
            if case.decision_due_on is not None:
                case.decision_due_on = case.decision_due_on + datetime.timedelta(days=paused_days)
        case.clock_paused_on = None
        return move(
            case, to=Status.WITH_COMMITTEE, kind=CaseEvent.Kind.INFORMATION_PROVIDED, by=by, note=note[:2000],
            data={"paused_on": paused_on.isoformat(), "resumed_on": today.isoformat(), "paused_days": paused_days,
                  "decision_due_on": case.decision_due_on.isoformat() if case.decision_due_on else None},
            audit_type=EventType.INFORMATION_PROVIDED, fields=["clock_paused_on", "decision_due_on"],
        )


def register_beneficiary(case, *, by):
    """Complete the registration (استكمال إجراءات التسجيل) of a beneficiary whose request was approved."""
    with transaction.atomic():
        case = lock_case(case)
        refuse_unless(case.is_open_for(Step.REGISTER), _("يُستكمل التسجيل بعد قبول لجنة البحث للطلب."))
        beneficiary = case.beneficiary
        if not beneficiary.is_registered:
            beneficiary.registered_at = timezone.now()
            beneficiary.registration_number = f"{beneficiary.registered_at:%Y}-{beneficiary.pk:05d}"
            beneficiary.save(update_fields=["registered_at", "registration_number", "updated_at"])
        return move(
            case, to=Status.REGISTERED, kind=CaseEvent.Kind.REGISTERED, by=by,
            data={"registration_number": beneficiary.registration_number},
            audit_type=EventType.BENEFICIARY_REGISTERED,
        )


def close_case(case, *, note, by):
    """Close a request once the service is delivered, or after a rejection."""
    with transaction.atomic():
        case = lock_case(case)
        refuse_unless(case.is_open_for(Step.CLOSE), _("يُغلق الطلب بعد تقديم الخدمة أو بعد رفضه."))
        case.closed_at = timezone.now()
        return move(
            case, to=Status.CLOSED, kind=CaseEvent.Kind.CLOSED, by=by, note=(note or "").strip(),
            audit_type=EventType.CASE_CLOSED, fields=["closed_at"],
        )


def discard_drafts_of(beneficiary, *, by):
    """Delete the requests of a rejected self-registration (`beneficiaries.actions.reject_self_registration`):
    never submitted, they are drafts of a person who was not who they said. Their timeline, declarations and
    documents go with them, and their files once the transaction commits (no file outlives its row; a rolled back
    rejection keeps them). The staff home's counts follow. Returns what was removed, for the audit row."""
    cases = list(Case.objects.select_for_update().filter(beneficiary=beneficiary).order_by("pk"))
    references = [case.reference for case in cases]
    files = []
    documents = 0
    for case in cases:
        for document in case.documents.all():
            files.append(document.file)
            documents += 1
        for declaration in case.declarations.all():
            files += [f for f in (declaration.signature, declaration.scan) if f]
        CaseStatusCount.shift(beneficiary.branch_id, from_status=case.status, to_status="")
        CaseOpenedCount.step(case, from_status=case.status, to_status="")
        case.delete()

    def remove_files():
        for stored in files:
            if stored:
                stored.storage.delete(stored.name)

    transaction.on_commit(remove_files)
    return {"requests": references, "documents": documents}


def submitted_request_refusal(beneficiary):
    """A self-registration whose request went to the committee is not deleted: its decision is on record."""
    if Case.objects.filter(beneficiary=beneficiary, submitted_at__isnull=False).exists():
        return _("لأحد طلبات هذا المستفيد مسار لدى لجنة البحث؛ لا يُحذف تسجيله.")
    return None
