"""The signed-in beneficiary's own acts (account.py): sign the declaration, answer the committee, update contact
details. Every page is the portal's (`beneficiary_required`: no-store, the session's beneficiary only); a
request's number in the address is looked up among their own (`access_own_case`: another's is a 404).
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from mustafid.beneficiaries.models import Beneficiary
from mustafid.cases.actions import DECLARATION_TEXT, DECLARATION_TEXT_EN
from mustafid.cases.forms import UploadDocumentForm
from mustafid.lib.errors import ActionRefused
from mustafid.lib.forms import SaudiMobileField

from . import account, drafts, session
from .access import access_own_case
from .follow import follow
from .forms import CodeForm
from .models import CodePurpose
from .views import wait_words

DECLARE = "portal_declare"
NEW_MOBILE = "portal_new_mobile"
GET_POST = ["GET", "HEAD", "POST"]


class DeclareForm(forms.Form):
    agreed = forms.BooleanField(
        label=gettext_lazy("أقر بصحة البيانات"),
        error_messages={"required": gettext_lazy("أكّد أنك تقر بصحة البيانات.")},
    )
    signer_name = forms.CharField(
        label=gettext_lazy("اسمك الرباعي"), max_length=160,
        help_text=gettext_lazy("كما هو مسجل لدى الجمعية وفي الهوية."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


class AnswerForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("ردك على ما طلبته اللجنة"), max_length=2000,
        help_text=gettext_lazy("اكتب باختصار ما أرسلته أو ما تريد أن تعرفه اللجنة."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ContactForm(forms.ModelForm):
    mobile = SaudiMobileField(
        label=gettext_lazy("رقم الجوال"),
        help_text=gettext_lazy("إذا غيّرته نرسل رمزًا إلى الرقم الجديد، ولا يُعتمد حتى تُدخله."),
    )

    class Meta:
        model = Beneficiary
        fields = ["mobile", "email", "preferred_channel", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"dir": "ltr", "autocomplete": "email"})
        for name in ("preferred_channel", "language"):
            self.fields[name].widget.choices = [choice for choice in self.fields[name].choices if choice[0]]


def _locked(request, wait):
    return render(request, "portal/account/locked.html", {"wait": wait_words(wait)}, status=429)


# ---------------------------------------------------------------- the declaration


def _declaration_context(case, **extra):
    return {"case": case, "text": DECLARATION_TEXT, "text_en": DECLARATION_TEXT_EN, "portal_section": "requests",
            "validity": wait_words(account.code_minutes() * 60), **extra}


@require_http_methods(GET_POST)
@session.beneficiary_required
def declare(request, pk):
    """«توقيع الإقرار»: the policy's words, the tick, the name as registered; then a fresh code."""
    case = access_own_case(request.beneficiary, pk, actor=request.portal_actor)
    if not account.may_declare(case):
        messages.info(request, _("لا يُنتظر منك توقيع إقرار في هذا الطلب الآن."))
        return redirect("portal:request", case.pk)
    form = DeclareForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            account.check_declaration(request.beneficiary, case, signer_name=form.cleaned_data["signer_name"],
                                      agreed=form.cleaned_data["agreed"], guardian=request.portal_guardian)
        except ActionRefused as refusal:
            form.add_error("signer_name", refusal.message)
        else:
            sent = account.send_code(request.beneficiary, CodePurpose.DECLARE, account.declaration_subject(case),
                                     guardian=request.portal_guardian)
            if sent.wait:
                return _locked(request, sent.wait)
            if sent.unreachable:
                form.add_error(None, _("تعذر إرسال الرمز إلى جوالك المسجل. تواصل مع الجمعية لتحديث رقمك."))
            else:
                request.session[DECLARE] = {"case": case.pk, "challenge": sent.challenge.pk,
                                            "name": form.cleaned_data["signer_name"]}
                return redirect("portal:declare_code", case.pk)
    return render(request, "portal/account/declare.html", _declaration_context(case, form=form),
                  status=400 if request.method == "POST" else 200)


@require_http_methods(GET_POST)
@session.beneficiary_required
def declare_code(request, pk):
    case = access_own_case(request.beneficiary, pk, actor=request.portal_actor)
    pending = request.session.get(DECLARE) or {}
    if not account.may_declare(case):
        request.session.pop(DECLARE, None)
        return redirect("portal:request", case.pk)
    if pending.get("case") != case.pk:
        return redirect("portal:declare", case.pk)
    form = CodeForm(request.POST if request.method == "POST" else None)
    form.fields["code"].label = _("رمز تأكيد الإقرار")
    if request.method == "POST" and form.is_valid():
        try:
            account.sign_declaration(request.beneficiary, case, signer_name=pending["name"],
                                     challenge_id=pending["challenge"], code=form.cleaned_data["code"],
                                     by=request.portal_actor, guardian=request.portal_guardian)
        except account.CodeRefused as refused:
            if refused.checked.wait:
                request.session.pop(DECLARE, None)
                return _locked(request, refused.checked.wait)
            form.add_error("code", refused.message)
        except ActionRefused as refusal:
            request.session.pop(DECLARE, None)
            messages.error(request, refusal.message)
            return redirect("portal:request", case.pk)
        else:
            request.session.pop(DECLARE, None)
            messages.success(request, _("وقّعت الإقرار. سيراجع الموظف طلبك ويرفعه إلى لجنة البحث."))
            return redirect("portal:request", case.pk)
    return render(request, "portal/account/declare_code.html",
                  _declaration_context(case, form=form, name=pending.get("name", "")),
                  status=400 if request.method == "POST" else 200)


# ---------------------------------------------------------------- the answer to the committee


@require_http_methods(GET_POST)
@session.beneficiary_required
def answer(request, pk):
    """What the committee asked of them: upload the files (one at a time), then send a short note."""
    case = access_own_case(request.beneficiary, pk, actor=request.portal_actor)
    followed = follow(case)
    if not followed.asked:
        messages.info(request, _("لا تنتظر لجنة البحث منك شيئًا في هذا الطلب الآن."))
        return redirect("portal:request", case.pk)
    sending = request.method == "POST" and "send" in request.POST
    uploading = request.method == "POST" and not sending
    upload_form = UploadDocumentForm(request.POST if uploading else None, request.FILES if uploading else None,
                                     case=case)
    # The note typed before (drafts.py): kept while they upload the files, and after a sign-out.
    draft_key = f"answer:{case.pk}"
    draft, draft_context = drafts.form_context(request.beneficiary, draft_key)
    answer_form = AnswerForm(request.POST if sending else None, initial=draft)
    if uploading and upload_form.is_valid():
        data = upload_form.cleaned_data
        try:
            account.upload_answer(case, document_type=data["document_type"],
                                  uploaded_file=data["file"], issued_on=data["issued_on"],
                                  expires_on=data["expires_on"], by=request.portal_actor)
        except ActionRefused as refusal:
            upload_form.add_error("file", refusal.message)
        else:
            messages.success(request, _("رُفع الملف. أرسل ردك إلى اللجنة حين تنتهي."))
            return redirect("portal:answer", case.pk)
    if sending and answer_form.is_valid():
        try:
            account.answer_committee(case, note=answer_form.cleaned_data["note"], by=request.portal_actor)
        except ActionRefused as refusal:
            answer_form.add_error(None, refusal.message)
        else:
            drafts.discard(request.beneficiary, draft_key)
            messages.success(request, _("أُرسل ردك إلى لجنة البحث، واستُؤنفت مدة الرد على طلبك."))
            return redirect("portal:request", case.pk)
    since = case.events.filter(kind="returned").order_by("-at", "-pk").values_list("at", flat=True).first()
    uploaded = case.documents.filter(uploaded_at__gte=since).select_related("document_type").order_by("pk") if since else []
    bound = request.method == "POST"
    return render(request, "portal/account/answer.html", {
        "case": case, "f": followed, "upload_form": upload_form, "answer_form": answer_form, "uploaded": uploaded,
        "portal_section": "requests", **draft_context,
    }, status=400 if bound else 200)


# ---------------------------------------------------------------- contact details


@require_http_methods(GET_POST)
@session.beneficiary_required
def details(request):
    """«بياناتي للتواصل»: e-mail, channel and language saved at once; a new mobile after a code sent to it."""
    beneficiary = request.beneficiary
    form = ContactForm(request.POST if request.method == "POST" else None, instance=Beneficiary(
        mobile=beneficiary.mobile, email=beneficiary.email, preferred_channel=beneficiary.preferred_channel,
        language=beneficiary.language))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account.update_contact(beneficiary, by=request.portal_actor,
                                   **{name: data[name] for name in account.CONTACT_FIELDS})
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            if data["mobile"] == beneficiary.mobile:
                messages.success(request, _("حُفظت بياناتك."))
                return redirect("portal:details")
            sent = account.send_code(beneficiary, CodePurpose.MOBILE, account.mobile_subject(beneficiary, data["mobile"]),
                                     mobile=data["mobile"], guardian=request.portal_guardian)
            if sent.wait:
                return _locked(request, sent.wait)
            if sent.unreachable:
                form.add_error("mobile", _("تعذر إرسال الرمز إلى الرقم الجديد. تأكد منه أو تواصل مع الجمعية."))
            else:
                request.session[NEW_MOBILE] = {"mobile": data["mobile"], "challenge": sent.challenge.pk}
                return redirect("portal:details_mobile")
    return render(request, "portal/account/details.html", {"form": form, "portal_section": "details"},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(GET_POST)
@session.beneficiary_required
def details_mobile(request):
    pending = request.session.get(NEW_MOBILE)
    if not pending:
        return redirect("portal:details")
    form = CodeForm(request.POST if request.method == "POST" else None)
    form.fields["code"].label = _("رمز تأكيد الرقم الجديد")
    form.fields["code"].help_text = _("ستة أرقام وصلتك في رسالة على الرقم الجديد.")
    if request.method == "POST" and form.is_valid():
        try:
            account.change_mobile(request.beneficiary, mobile=pending["mobile"], challenge_id=pending["challenge"],
                                  code=form.cleaned_data["code"], by=request.portal_actor,
                                  guardian=request.portal_guardian)
        except account.CodeRefused as refused:
            if refused.checked.wait:
                request.session.pop(NEW_MOBILE, None)
                return _locked(request, refused.checked.wait)
            form.add_error("code", refused.message)
        except ActionRefused as refusal:
            request.session.pop(NEW_MOBILE, None)
            messages.error(request, refusal.message)
            return redirect("portal:details")
        else:
            request.session.pop(NEW_MOBILE, None)
            messages.success(request, _("تغيّر رقم جوالك المسجل لدى الجمعية."))
            return redirect("portal:details")
    return render(request, "portal/account/mobile_code.html", {
        "form": form, "mobile": pending["mobile"], "validity": wait_words(account.code_minutes() * 60),
        "portal_section": "details",
    }, status=400 if request.method == "POST" else 200)
