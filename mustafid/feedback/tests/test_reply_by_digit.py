"""A survey answered by replying to its SMS or WhatsApp with a digit, through the real webhooks (the SMS replies'
secret URL, Meta's signed POST): once per invitation, Arabic-Indic digits read, nothing else taken, nothing told."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mustafid.audit.models import AuditEvent, EventType
from mustafid.feedback.models import FollowUp, SurveyInvitation, SurveyResponse
from mustafid.notifications.models import Message

from .conftest import deliver

pytestmark = pytest.mark.django_db

SMS_SECRET = "sms-replies-5c1e09b7"
APP_SECRET = "meta-app-secret-for-replies"


@pytest.fixture(autouse=True)
def reply_settings(settings):
    settings.MESSAGE_REPLY_CHANNELS = "sms,whatsapp"
    settings.SMS_REPLY_WEBHOOK_SECRET = SMS_SECRET
    settings.WHATSAPP_APP_SECRET = APP_SECRET
    settings.MESSAGE_TRANSPORTS = {**settings.MESSAGE_TRANSPORTS, "whatsapp": "file"}


@pytest.fixture
def hooks():
    return Client(enforce_csrf_checks=True)


def sms_reply(hooks, mobile, text, secret=SMS_SECRET, as_json=False):
    url = reverse("notifications:sms_reply_hook", args=[secret])
    if as_json:
        return hooks.post(url, json.dumps({"from": mobile, "text": text}), content_type="application/json")
    return hooks.post(url, {"from": mobile, "text": text})


def whatsapp_reply(hooks, mobile, text, secret=APP_SECRET):
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages",
        "value": {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "1234567890"},
                  "contacts": [{"profile": {"name": "محمد"}, "wa_id": mobile.lstrip("+")}],
                  "messages": [{"from": mobile.lstrip("+"), "id": "wamid.HBgM", "timestamp": "1764590000",
                                "type": "text", "text": {"body": text}}]}}]}]}).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hooks.post(reverse("notifications:whatsapp_hook"), body, content_type="application/json",
                      HTTP_X_HUB_SIGNATURE_256=signature)


def local(mobile):
    return "0" + mobile[4:]  # +9665… → 05…, the way a forwarding may write it


def replies_recorded():
    return AuditEvent.objects.filter(event_type=EventType.SURVEY_REPLY_RECEIVED).count()


def test_the_invitation_offers_a_reply_and_a_digit_answers_it_once(make_case, officer, survey, hooks):
    beneficiary = deliver(make_case, officer).case.beneficiary
    invitation = SurveyInvitation.objects.get()
    assert "أو رد برقم من ١ إلى ٥" in Message.objects.get(template="survey_invitation").body

    response = sms_reply(hooks, local(beneficiary.mobile), " ٤ ")
    assert (response.status_code, response.content) == (200, b"ok")
    answer = SurveyResponse.objects.get()
    assert answer.invitation == invitation and answer.satisfaction == 4 and answer.recommendation is None
    assert answer.answers.count() == 1  # the other questions left unanswered
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    event = AuditEvent.objects.get(event_type=EventType.SURVEY_REPLY_RECEIVED)
    assert event.data == {"survey": survey.pk, "channel": "sms"} and event.target_id == str(invitation.pk)
    assert AuditEvent.objects.filter(event_type=EventType.SURVEY_ANSWERED).count() == 1

    # A second reply (another digit, the same one again as JSON): the same 200, and nothing changes.
    for again in (sms_reply(hooks, beneficiary.mobile, "1"), sms_reply(hooks, beneficiary.mobile, "4", as_json=True)):
        assert (again.status_code, again.content) == (200, b"ok")
    assert SurveyResponse.objects.get().satisfaction == 4 and replies_recorded() == 1
    assert not FollowUp.objects.exists()


def test_a_whatsapp_reply_signed_by_meta_answers_and_a_low_rating_opens_a_follow_up(make_case, officer, survey, hooks):
    case = make_case("registered", preferred_channel="whatsapp")
    deliver(make_case, officer, case=case)
    message = Message.objects.get(template="survey_invitation")
    assert message.channel == "whatsapp" and "رد برقم" in message.body

    response = whatsapp_reply(hooks, case.beneficiary.mobile, "\u200f١\u200f")
    assert response.status_code == 200
    assert SurveyResponse.objects.get().satisfaction == 1
    assert FollowUp.objects.get().reason == FollowUp.Reason.LOW_RATING
    assert AuditEvent.objects.get(event_type=EventType.SURVEY_REPLY_RECEIVED).data["channel"] == "whatsapp"
    whatsapp_reply(hooks, case.beneficiary.mobile, "5")  # a second reply: ignored
    assert SurveyResponse.objects.count() == 1 and SurveyResponse.objects.get().satisfaction == 1


def test_a_wrong_secret_or_signature_is_refused_and_nothing_is_recorded(make_case, officer, survey, hooks):
    beneficiary = deliver(make_case, officer).case.beneficiary
    assert sms_reply(hooks, beneficiary.mobile, "5", secret="guessed").status_code == 403
    assert whatsapp_reply(hooks, beneficiary.mobile, "5", secret="not-the-app-secret").status_code == 403
    unsigned = Client().post(reverse("notifications:whatsapp_hook"), "{}", content_type="application/json")
    assert unsigned.status_code == 403
    assert not SurveyResponse.objects.exists() and replies_recorded() == 0


def test_without_a_secret_set_the_sms_replies_webhook_refuses_everything(settings, hooks):
    settings.SMS_REPLY_WEBHOOK_SECRET = ""
    assert hooks.post("/messages/hooks/sms-reply//", {"from": "0501234567", "text": "5"}).status_code == 404
    assert sms_reply(hooks, "0501234567", "5", secret="x").status_code == 403


@pytest.mark.parametrize("text", ["٦", "0", "5 شكرا", "٤٥", "خمسة", "", "5\x00", "5" * 100_000, "\u202e5"])
def test_a_text_that_is_not_one_digit_from_1_to_5_answers_nothing(make_case, officer, survey, hooks, text):
    beneficiary = deliver(make_case, officer).case.beneficiary
    assert sms_reply(hooks, beneficiary.mobile, text).status_code == 200
    assert whatsapp_reply(hooks, beneficiary.mobile, text).status_code == 200
    assert not SurveyResponse.objects.exists() and replies_recorded() == 0


def test_a_reply_with_no_open_invitation_does_nothing_and_says_nothing(make_case, officer, survey, hooks):
    beneficiary = deliver(make_case, officer).case.beneficiary
    # Another mobile (nothing was sent to it), a foreign number, a sender that is no number at all.
    for sender in ("0559999999", "+447700900123", "عون"):
        response = sms_reply(hooks, sender, "5")
        assert (response.status_code, response.content) == (200, b"ok")
    # The invitation expired.
    SurveyInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert sms_reply(hooks, beneficiary.mobile, "5").content == b"ok"
    assert not SurveyResponse.objects.exists() and replies_recorded() == 0


def test_the_latest_open_invitation_sent_to_the_mobile_is_the_one_answered(make_case, officer, survey, hooks):
    first = deliver(make_case, officer)
    second = deliver(make_case, officer, case=first.case)
    sms_reply(hooks, first.case.beneficiary.mobile, "3")
    answered = SurveyResponse.objects.get().invitation
    assert (answered.about_id, answered.about_type) == (second.pk, "services.servicedelivery")
    sms_reply(hooks, first.case.beneficiary.mobile, "5")  # the earlier one is still open: this answers it
    assert SurveyResponse.objects.count() == 2 and replies_recorded() == 2


def test_with_replies_off_the_invitation_offers_none_and_a_digit_is_ignored(settings, make_case, officer, survey,
                                                                              hooks):
    settings.MESSAGE_REPLY_CHANNELS = ""
    beneficiary = deliver(make_case, officer).case.beneficiary
    assert "رد برقم" not in Message.objects.get(template="survey_invitation").body
    assert sms_reply(hooks, beneficiary.mobile, "5").status_code == 200
    assert not SurveyResponse.objects.exists()


def test_an_unreadable_body_is_a_400_never_a_500(hooks):
    url = reverse("notifications:sms_reply_hook", args=[SMS_SECRET])
    for body in (b"not json", b"[1, 2]", b"\xff\xfe"):
        assert hooks.post(url, body, content_type="application/json").status_code == 400
    assert hooks.get(url).status_code == 405
