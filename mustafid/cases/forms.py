from django import forms
from django.utils.translation import gettext_lazy as _

from mustafid.lib.forms import DualDateField

from .models import Declaration, InformationFrom, SupportType


# What the file inputs offer: PDFs and images, so a phone offers its camera too (see DocumentUploadForm).
UPLOAD_ACCEPT = "application/pdf,image/jpeg,image/png,image/*"


class OpenCaseForm(forms.Form):
    support_type = forms.ModelChoiceField(
        label=_("نوع الدعم"), queryset=SupportType.objects.filter(active=True), empty_label=_("اختر نوع الدعم")
    )
    channel = forms.ChoiceField(label=_("قناة الاستلام"))
    need = forms.CharField(label=_("وصف الحاجة"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [("", _("اختر القناة"))] + policy.channel_choices


class UploadDocumentForm(forms.Form):
    document_type = forms.ChoiceField(label=_("المستند"))
    file = forms.FileField(label=_("الملف (PDF أو صورة)"))
    issued_on = DualDateField(label=_("تاريخ الإصدار"), required=False, max_today=True)
    expires_on = DualDateField(label=_("تاريخ الانتهاء"), required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.document_types = {str(d.pk): d for d in case.support_type.required_documents.all()}
        self.fields["document_type"].choices = [("", _("اختر المستند"))] + [
            (pk, str(d)) for pk, d in self.document_types.items()
        ]
        # image/* so a phone offers its camera beside its files (not `capture`, which would refuse a PDF); the
        # server still keeps only PDF, JPEG and PNG, sniffed from the content (lib/uploads.py).
        self.fields["file"].widget.attrs["accept"] = UPLOAD_ACCEPT
        # The expiry date is required for the documents that have one (an ID card, a medical report): said in
        # the help text for everyone, marked required as the type is chosen (static/js/case.js).
        with_expiry = [d for d in self.document_types.values() if d.requires_expiry]
        if with_expiry:
            self.fields["document_type"].widget.attrs["data-expiry-types"] = ",".join(str(d.pk) for d in with_expiry)
            self.fields["expires_on"].help_text = _("مطلوب لهذه المستندات: %(docs)s") % {
                "docs": "، ".join(str(d) for d in with_expiry)
            }
            if len(with_expiry) == len(self.document_types):
                self.fields["expires_on"].required = True
                self.fields["expires_on"].error_messages["required"] = _("أدخل تاريخ انتهاء المستند.")

    def clean_document_type(self):
        return self.document_types[self.cleaned_data["document_type"]]

    def clean(self):
        data = super().clean()
        document_type = data.get("document_type")
        if document_type is not None and document_type.requires_expiry and not data.get("expires_on"):
            if "expires_on" not in self.errors:
                self.add_error("expires_on", _("أدخل تاريخ انتهاء المستند."))
        return data


class RefuseDocumentForm(forms.Form):
    reason = forms.CharField(label=_("سبب الرفض"), max_length=300)


class ReturnForInformationForm(forms.Form):
    asked = forms.CharField(
        label=_("المعلومات المطلوبة"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
        help_text=_("بكلمات يفهمها المستفيد؛ تُرسل إليه حين تُطلب منه."),
    )
    of_whom = forms.ChoiceField(label=_("تُطلب من"), choices=InformationFrom.choices, initial=InformationFrom.APPLICANT)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_return_%s")
        super().__init__(*args, **kwargs)


class ProvideInformationForm(forms.Form):
    note = forms.CharField(
        label=_("ما قدّمه المستفيد"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
        help_text=_("المستندات المرافقة تُرفع من قسم المستندات قبل التسجيل."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_answer_%s")
        super().__init__(*args, **kwargs)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("ملاحظة"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, **kwargs):
        # Its own ids: the request page holds other forms with a `note` (the service delivery's).
        kwargs.setdefault("auto_id", "id_incomplete_%s")
        super().__init__(*args, **kwargs)


class CloseCaseForm(forms.Form):
    note = forms.CharField(label=_("ملاحظة الإغلاق"), required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_close_%s")
        super().__init__(*args, **kwargs)


class DeclarationForm(forms.Form):
    method = forms.ChoiceField(
        # The portal's electronic declaration is the applicant's own, never a staff member's choice.
        label=_("طريقة التوقيع"), widget=forms.RadioSelect,
        choices=[(value, label) for value, label in Declaration.Method.choices if value != Declaration.Method.PORTAL],
        initial=Declaration.Method.ON_SCREEN,
    )
    signer_name = forms.CharField(label=_("اسم الموقّع"), max_length=160)
    signature = forms.CharField(required=False, widget=forms.HiddenInput)
    scan = forms.FileField(label=_("صورة النموذج الموقع"), required=False)
    read_aloud = forms.BooleanField(
        label=_("قرأت نص الإقرار على مقدم الطلب ووافق عليه"),
        error_messages={"required": _("أكّد أن مقدم الطلب اطلع على نص الإقرار.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scan"].widget.attrs["accept"] = UPLOAD_ACCEPT
