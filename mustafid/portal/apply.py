"""Applying from home: a signed-in beneficiary opens a support request and uploads its documents.

Nothing here is a new way of changing a request: the request is opened by `cases.actions.open_case` (channel
«الموقع الإلكتروني للجمعية», `Channel.WEBSITE`) and each file goes through `cases.actions.upload_document` and its
checks (the content, not the name; the size; no SVG or other type; no file left behind on a refusal). The actor
of both is the session's (`by`, session.py `actor`): the beneficiary through the portal, or the guardian acting
for them, on the timeline and in the audit trail.

The forms check each file with the same `check_document` before anything is written, so a refused file is said
beside its field and the request is not opened half; should an action still refuse (a type deactivated a moment
ago), the request and every file already written are undone together (`send_request`).
"""

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mustafid.association.models import Channel, current_policy, period_in_words
from mustafid.cases import actions as case_actions
from mustafid.cases.clock import DecisionClock, rule_of
from mustafid.cases.forms import UPLOAD_ACCEPT
from mustafid.cases.models import CaseDocument, Status, SupportType
from mustafid.lib.errors import ActionRefused
from mustafid.lib.forms import DualDateField
from mustafid.lib.uploads import check_document

# The session key of the support type chosen on the first page (never in the address: a type can say too much).
CHOSEN = "portal_apply_type"
NEED_MAX = 2000


def accepting_requests():
    """Requests may be opened from the portal: a policy is in force and its channels include the website."""
    policy = current_policy()
    return policy is not None and Channel.WEBSITE in (policy.channels or [])


def active_types():
    return SupportType.objects.filter(active=True).prefetch_related("required_documents").order_by("pk")


def _file_field(label):
    # image/* lets a phone offer its camera beside its files (not `capture`, which would hide the files and refuse
    # a PDF); the server keeps only PDF, JPEG and PNG, read from the content (lib/uploads.py).
    return forms.FileField(
        label=label, required=False,
        widget=forms.FileInput(attrs={"accept": UPLOAD_ACCEPT}),
    )


def _expiry_field(label):
    return DualDateField(
        label=label, required=False,
        help_text=_("كما هو مكتوب على المستند، بالهجري أو بالميلادي."),
    )


def check_piece(document_type, uploaded_file, expires_on):
    """What is wrong with one document before it is written: [(field, message)], empty when nothing is."""
    errors = []
    try:
        check_document(uploaded_file)
    except ActionRefused as refusal:
        errors.append(("file", refusal.message))
    if document_type.requires_expiry and expires_on is None:
        errors.append(("expires", _("اكتب تاريخ انتهاء هذا المستند.")))
    elif expires_on is not None and expires_on < timezone.localdate():
        errors.append(("expires", _("انتهت صلاحية هذا المستند؛ ارفع نسخة سارية.")))
    return errors


class ChooseForm(forms.Form):
    support_type = forms.ModelChoiceField(
        label=_("نوع الدعم الذي تطلبه"), queryset=SupportType.objects.none(), empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("اختر نوع الدعم."),
                        "invalid_choice": _("هذا النوع غير متاح حاليًا؛ اختر نوعًا آخر.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["support_type"].queryset = active_types()


class ApplyForm(forms.Form):
    """The need in the applicant's words, and a file for each required document (each may come later)."""

    need = forms.CharField(
        label=_("ما الذي تحتاجه؟"), max_length=NEED_MAX,
        help_text=_("اكتب بكلماتك ما تحتاجه ولماذا، في سطرين أو ثلاثة. مثال: أحتاج مساعدة في دفع إيجار البيت."),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("اكتب ما تحتاجه.")},
    )

    def __init__(self, *args, support_type, **kwargs):
        super().__init__(*args, **kwargs)
        self.support_type = support_type
        self.document_types = list(support_type.required_documents.all())
        for document_type in self.document_types:
            self.fields[f"file_{document_type.pk}"] = _file_field(str(document_type))
            if document_type.requires_expiry:
                self.fields[f"expires_{document_type.pk}"] = _expiry_field(
                    _("تاريخ انتهاء: %(document)s") % {"document": document_type})

    def rows(self):
        """(document type, its file field, its expiry field or None), for the template."""
        return [(d, self[f"file_{d.pk}"], self[f"expires_{d.pk}"] if d.requires_expiry else None)
                for d in self.document_types]

    def clean_need(self):
        need = self.cleaned_data["need"].strip()
        if not need:
            raise forms.ValidationError(_("اكتب ما تحتاجه."))
        return need

    def clean(self):
        data = super().clean()
        self.documents = []
        for document_type in self.document_types:
            uploaded = data.get(f"file_{document_type.pk}")
            expires_on = data.get(f"expires_{document_type.pk}")
            if not uploaded:
                continue
            if f"expires_{document_type.pk}" in self.errors:
                continue
            errors = check_piece(document_type, uploaded, expires_on)
            for field, message in errors:
                self.add_error(f"{field}_{document_type.pk}", message)
            if not errors:
                self.documents.append((document_type, uploaded, expires_on))
        return data


def lacking(case):
    """The required documents the applicant still owes: never uploaded, refused, or expired."""
    today = timezone.localdate()
    return [
        doc_type for doc_type, document in case.document_checklist()
        if document is None or document.status == CaseDocument.Review.REFUSED or document.is_expired(today)
    ]


class UploadForm(forms.Form):
    """One more document for one's own request (its page), among those the request still lacks."""

    document_type = forms.ChoiceField(label=_("المستند"), error_messages={
        "required": _("اختر المستند."), "invalid_choice": _("اختر مستندًا من القائمة.")})
    file = forms.FileField(label=_("الملف"), help_text=_("PDF أو صورة JPG أو PNG. على الجوال: صوّر المستند أو اختره من ملفاتك."),
                           widget=forms.FileInput, error_messages={"required": _("اختر الملف.")})
    expires_on = DualDateField(label=_("تاريخ انتهاء المستند"), required=False,
                               help_text=_("إن كان للمستند تاريخ انتهاء (الهوية، التقرير الطبي)، بالهجري أو بالميلادي."))

    def __init__(self, *args, case, **kwargs):
        kwargs.setdefault("auto_id", "id_upload_%s")
        super().__init__(*args, **kwargs)
        self.document_types = {str(d.pk): d for d in lacking(case)}
        self.fields["document_type"].choices = [("", _("اختر المستند"))] + [
            (pk, str(d)) for pk, d in self.document_types.items()]
        self.fields["file"].widget.attrs["accept"] = UPLOAD_ACCEPT

    def clean_document_type(self):
        return self.document_types[self.cleaned_data["document_type"]]

    def clean(self):
        data = super().clean()
        document_type, uploaded = data.get("document_type"), data.get("file")
        if document_type is not None and uploaded and "expires_on" not in self.errors:
            for field, message in check_piece(document_type, uploaded, data.get("expires_on")):
                self.add_error("file" if field == "file" else "expires_on", message)
        return data


def send_request(beneficiary, *, support_type, need, documents, by):
    """Open the request through `open_case` and upload each (document type, file, expiry) through `upload_document`,
    all or nothing: a refusal undoes the request and deletes every file already written."""
    written = []
    try:
        with transaction.atomic():
            case = case_actions.open_case(beneficiary=beneficiary, support_type=support_type, channel=Channel.WEBSITE,
                                          need=need, by=by)
            for document_type, uploaded, expires_on in documents:
                written.append(case_actions.upload_document(
                    case, document_type=document_type, uploaded_file=uploaded, issued_on=None,
                    expires_on=expires_on, by=by))
    except BaseException:
        for document in written:
            try:
                document.file.storage.delete(document.file.name)
            except OSError:
                pass
        raise
    return case


def add_document(case, *, document_type, uploaded_file, expires_on, by):
    return case_actions.upload_document(case, document_type=document_type, uploaded_file=uploaded_file,
                                        issued_on=None, expires_on=expires_on, by=by)


# Before the committee has it, the clock has not started: the page says when it will.
NOT_STARTED = {Status.RECEIVED, Status.INCOMPLETE, Status.DOCUMENTS_COMPLETE, Status.DECLARED}


def expectation(case):
    """What the applicant may expect of the decision's date: {"due_on"} once the clock runs (with the committee),
    else {"period", "if_today"}: the response period in words and the date it would give if it started today."""
    if case.decision_due_on and case.status not in NOT_STARTED:
        return {"due_on": case.decision_due_on}
    policy = current_policy()
    if policy is None:
        return {}
    today = timezone.localdate()
    return {"period": period_in_words(policy.response_days),
            "if_today": DecisionClock.from_rule(today, rule_of(policy)).due_on}


def checklist(case):
    """Each required document in the applicant's words: (document type, state, the staff's reason when refused).

    States: `missing` (never uploaded), `pending` (waiting for the staff), `accepted`, `refused`, `expired`.
    """
    today = timezone.localdate()
    rows = []
    for doc_type, document in case.document_checklist():
        if document is None:
            state, reason = "missing", ""
        elif document.status == CaseDocument.Review.REFUSED:
            state, reason = "refused", document.refusal_reason
        elif document.is_expired(today):
            state, reason = "expired", ""
        elif document.status == CaseDocument.Review.VERIFIED:
            state, reason = "accepted", ""
        else:
            state, reason = "pending", ""
        rows.append({"type": doc_type, "state": state, "reason": reason})
    return rows


def documents_context(case, form=None):
    """The request page's documents section: the checklist, and the upload form while the request takes documents
    and lacks some."""
    accepts = case.accepts_documents
    if form is None and accepts:
        form = UploadForm(case=case)
    return {"checklist": checklist(case) if accepts else [], "accepts_documents": accepts,
            "upload_form": form if accepts and form.fields["document_type"].choices[1:] else None}
