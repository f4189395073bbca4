import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mustafid.association.models import Channel, current_policy
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.beneficiaries.access import access_beneficiary
from mustafid.beneficiaries.disclosure import disclose, disclose_all
from mustafid.beneficiaries.models import NUMBER_SEARCH_REFUSED, Beneficiary, number_search_refused
from mustafid.lib.arabic import clean_query
from mustafid.lib.errors import ActionRefused
from mustafid.lib.forms import within_days
from mustafid.lib.paging import page_of
from mustafid.notifications import catalogue
from mustafid.notifications.models import Channel as MessageChannel
from mustafid.notifications.wording import sms_length

from . import actions
from . import messages as staff_messages
from .access import access_interaction, may_answer
from .forms import ContactAnswerForm, ContactFilterForm, InteractionForm, SendMessageForm
from .models import Interaction


@login_required
@require_GET
def interaction_list(request):
    if not (request.user.may_log_contacts or request.user.reads_everything):
        raise PermissionDenied
    interactions = Interaction.objects.visible_to(request.user).list_rows()
    form = ContactFilterForm(request.GET, channels=Channel.choices)
    filters = form.valid_filters()
    if filters.get("channel"):
        interactions = interactions.filter(channel=filters["channel"])
    if filters.get("kind"):
        interactions = interactions.filter(kind=filters["kind"])
    if filters.get("reply") == "waiting":
        interactions = interactions.awaiting_answer()
    interactions = within_days(interactions, "occurred_at", filters.get("occurred_from"), filters.get("occurred_to"))
    sort = filters.get("sort") or "new"
    # Keyset pages in the order of `contact_occurred_idx`, either way (no count, no OFFSET): see lib/paging.py.
    page = page_of(request, interactions, ContactFilterForm.SORTS[sort], size=30)
    params = {name: value.isoformat() if isinstance(value, datetime.date) else value
              for name, value in filters.items() if not (name == "sort" and value == "new")}
    # Names, mobiles and what was said: each page shown is a read of personal data.
    record(EventType.CONTACTS_LISTED, actor=request.user, data={
        "channel": "", "kind": "", **params, "page": page.number, "results": len(page),
    })
    return render(request, "interactions/list.html", {
        "page": page, "form": form, "list_query": urlencode(params), "filtered": bool(params.keys() - {"sort"}),
        "sensitive": request.user.sees_sensitive_data,
    })


@login_required
@require_http_methods(["GET", "POST"])
def interaction_detail(request, pk):
    """One contact: what was said, who recorded it, and the association's answer to a written one — with the
    «الرد» form for those who answer (`access.may_answer`) while it waits (POST: `actions.answer_interaction`)."""
    user = request.user
    if not (user.may_log_contacts or user.reads_everything):
        raise PermissionDenied
    contact = access_interaction(user, pk)
    answering = contact.awaits_answer and may_answer(user)
    if request.method == "POST" and not answering:
        if contact.is_written and contact.answered_at and may_answer(user):
            messages.error(request, _("رُدّ على هذه الرسالة من قبل؛ الرد يُرسل مرة واحدة."))
            return redirect("interactions:detail", contact.pk)
        raise PermissionDenied
    form = ContactAnswerForm(request.POST or None) if answering else None
    if request.method == "POST" and form.is_valid():
        try:
            _contact, message = actions.answer_interaction(contact, form.cleaned_data["answer"], by=user)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            if message is None:
                messages.warning(request, _("حُفظ الرد، ولم تُرسل رسالة: لا وسيلة متاحة للوصول إلى المرسل."))
            else:
                messages.success(request, _("حُفظ الرد ووُضع في صندوق الإرسال إلى المرسل."))
            return redirect("interactions:detail", contact.pk)
    # Names, mobiles and what was said: a read of personal data, as each page of the list is.
    record(EventType.CONTACTS_LISTED, actor=user, target=contact, data={"contact": contact.pk})
    return render(request, "interactions/detail.html", {
        "contact": contact, "form": form, "sensitive": user.sees_sensitive_data,
    }, status=400 if request.method == "POST" else 200)


# How many people the caller lookup offers: enough to pick from, few enough to read on a phone.
LOOKUP_SIZE = 8


@login_required
@require_POST
def caller_lookup(request):
    """The people a caller may be, as the contact is logged (htmx, search as you type).

    Through `Beneficiary.objects.search`, so its rule holds: a reader who sees masked numbers (a volunteer)
    finds by name only, and sees the numbers masked (`disclose`). Audited as a registry search.
    """
    user = request.user
    if not user.may_log_contacts:
        raise PermissionDenied
    query = clean_query(request.POST.get("lookup", ""))
    refused = number_search_refused(user, query)
    found = []
    if len(query) >= 2 and not refused:
        found = disclose_all(Beneficiary.objects.visible_to(user).search(query, user=user, limit=LOOKUP_SIZE), user)
    if query:
        record(EventType.REGISTRY_SEARCHED, actor=user, data={
            "query": query, "results": len(found), "contact_lookup": True, **({"refused": True} if refused else {}),
        })
    return render(request, "interactions/_lookup.html", {
        "found": found, "query": query, "refused": NUMBER_SEARCH_REFUSED if refused else "", "oob": True,
    })


def _registered_caller(user, mobile):
    """The beneficiaries registered with this mobile that `user` may see — only for a reader of full numbers
    (a volunteer linking by mobile would learn whose number it is)."""
    if not mobile or not user.sees_sensitive_data:
        return []
    return list(Beneficiary.objects.visible_to(user).filter(mobile=mobile).order_by("-pk")[:LOOKUP_SIZE])


@login_required
def interaction_new(request):
    """Log a contact, with a known beneficiary (?beneficiary=ID, or one picked by the caller lookup) or someone
    not yet registered. A contact from the mobile of exactly one registered beneficiary the logger may see
    is linked to them (so it reaches their timeline); several are offered to choose from."""
    if not request.user.may_log_contacts:
        raise PermissionDenied
    beneficiary = None
    beneficiary_pk = request.GET.get("beneficiary") or request.POST.get("beneficiary")
    # «غير مسجل»: the logger chose not to link the contact (after matches were offered).
    unlinked = beneficiary_pk == "none"
    if beneficiary_pk and not unlinked:
        if not str(beneficiary_pk).isascii() or not str(beneficiary_pk).isdigit() or len(str(beneficiary_pk)) > 18:
            return redirect("interactions:new")
        beneficiary = access_beneficiary(request.user, int(beneficiary_pk))
    policy = current_policy()
    if policy is None:
        messages.error(request, _("لا توجد سياسة معتمدة نافذة؛ يضيفها المدير من الإعدادات."))
        return redirect("reports:home")
    form = InteractionForm(request.POST or None, policy=policy, beneficiary=beneficiary)
    offered = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        matches = [] if beneficiary or unlinked else _registered_caller(request.user, data.get("contact_mobile"))
        if len(matches) == 1:
            beneficiary = matches[0]
            data = {name: value for name, value in data.items() if name not in ("contact_name", "contact_mobile")}
        elif matches:
            offered = disclose_all(matches, request.user)
            form.add_error(None, _("هذا الجوال مسجل لأكثر من مستفيد: اختر المتواصل منهم، أو «غير مسجل»."))
        if not offered:
            try:
                interaction = actions.log_interaction(by=request.user, beneficiary=beneficiary, **data)
            except ActionRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                if matches:
                    messages.success(request, _("تم تسجيل التواصل وربطه بالمستفيد %(name)s المسجل بهذا الجوال.")
                                     % {"name": beneficiary.full_name})
                else:
                    messages.success(request, _("تم تسجيل التواصل."))
                if beneficiary is not None:
                    return redirect(beneficiary)
                if "register" in request.POST and request.user.may_intake:
                    return redirect(f"{reverse('beneficiaries:new')}?contact={interaction.pk}")
                return redirect("interactions:list")
    return render(request, "interactions/form.html", {
        "form": form, "beneficiary": disclose(beneficiary, request.user) if beneficiary else None,
        "offered": offered, "sensitive": request.user.sees_sensitive_data,
    }, status=400 if request.method == "POST" else 200)


def _channel_choices(beneficiary, recipient, reader):
    """Each channel the beneficiary can be reached on, with the address it goes to."""
    labels = dict(MessageChannel.choices)
    choices = []
    for channel in staff_messages.reachable_channels(recipient):
        address = recipient.address(channel)
        shown = address if channel == MessageChannel.EMAIL else disclose(beneficiary, reader).mobile
        choices.append((channel, f"{labels[channel]} — {shown}"))
    return choices


@login_required
@require_http_methods(["GET", "POST"])
def send_message(request, pk):
    """«إرسال رسالة»: a message from a template to one beneficiary (GET ?message=<key> picks it).

    For those who log contacts and see the beneficiary's numbers (not a volunteer alone). POST «معاينة»
    shows the text as it will be sent and its length; «إرسال» is one action (`actions.send_message`).
    """
    user = request.user
    beneficiary = access_beneficiary(user, pk, audit_read=False)
    if not user.may_message_beneficiaries:
        raise PermissionDenied
    key = request.POST.get("message") if request.method == "POST" else request.GET.get("message")
    if key not in staff_messages.STAFF_MESSAGES:
        key = next(iter(staff_messages.STAFF_MESSAGES))
    message = staff_messages.STAFF_MESSAGES[key]
    recipient = beneficiary.as_recipient()
    channels = _channel_choices(beneficiary, recipient, user)
    initial = {"channel": recipient.channel()} if recipient.channel() else {}
    form = SendMessageForm(request.POST or None, message=message, channels=channels, initial=initial)
    language = recipient.language if recipient.language in catalogue.LANGUAGES else "ar"
    preview = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            values = {name: data[name] for name in message.fields}
            if request.POST.get("send"):
                try:
                    queued, _contact = actions.send_message(beneficiary=beneficiary, key=key, values=values,
                                                            channel=data["channel"], by=user)
                except ActionRefused as refusal:
                    form.add_error(None, refusal.message)
                    status = 400
                else:
                    if queued.next_attempt_at > timezone.now() + datetime.timedelta(minutes=1):
                        messages.success(request, _("وُضعت الرسالة في صندوق الإرسال، وتُرسل بعد انتهاء ساعات الهدوء "
                                                    "(%(at)s بتوقيت الرياض)، وسُجلت تواصلًا صادرًا.")
                                         % {"at": timezone.localtime(queued.next_attempt_at).strftime("%H:%M")})
                    else:
                        messages.success(request, _("وُضعت الرسالة في صندوق الإرسال، وسُجلت تواصلًا صادرًا."))
                    return redirect(beneficiary)
            else:
                context = staff_messages.context_for(message, values, language)
                _subject, text = catalogue.render(message.kind, language, context)
                preview = {"text": text, "length": sms_length(text), "channel": data["channel"]}
        else:
            status = 400
    if request.htmx and request.method == "POST" and not request.POST.get("send"):
        # As the variables are typed: the text filled in and its length, or a hint while a field is missing.
        return render(request, "interactions/_send_preview.html", {
            "preview": preview, "language": language, "guide": catalogue.SMS_GUIDE_CHARACTERS,
            "email": MessageChannel.EMAIL,
        })
    # The page shows where the message goes (the full mobile or e-mail): a read of the record.
    record(EventType.BENEFICIARY_VIEWED, actor=user, target=beneficiary)
    return render(request, "interactions/send_message.html", {
        "beneficiary": disclose(beneficiary, user), "form": form, "message": message, "key": key,
        "choices": [(other.kind.key, other.kind.label) for other in staff_messages.STAFF_MESSAGES.values()],
        "language": language, "preview": preview, "guide": catalogue.SMS_GUIDE_CHARACTERS,
        "email": MessageChannel.EMAIL,
    }, status=status)
