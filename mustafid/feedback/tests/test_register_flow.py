"""The register's life: assign, answer (sent back), close (rating asked), the sender's link, appeal, escalation,
figures, categories — through the real actions, the real outbox and the pages."""

import datetime
import re

import pytest
from django.utils import timezone

from mustafid.audit.models import AuditEvent, EventType
from mustafid.feedback import register
from mustafid.feedback.models import Feedback, FeedbackCategory, FeedbackEvent
from mustafid.lib.errors import ActionRefused
from mustafid.notifications.models import Message

LINK = re.compile(r"/feedback/r/([^/\s]+)/")


def receive(by, **overrides):
    fields = {"kind": Feedback.Kind.COMPLAINT, "text": "تأخر صرف السلة الغذائية", "channel": "phone", "by": by,
              "sender_name": "سارة", "sender_mobile": "+966551234567"}
    fields.update(overrides)
    return register.receive(**fields)


def kinds(feedback):
    return list(feedback.events.values_list("kind", flat=True))


def test_the_whole_loop(staff):
    manager, officer = staff["manager"], staff["officer"]
    item = receive(officer)
    register.assign(item, officer, by=manager)
    item, message = register.answer(item, "صُرفت السلة اليوم، نعتذر عن التأخير.", by=officer)
    assert item.status == Feedback.Status.ANSWERED and message is not None
    assert message.recipient == "+966551234567" and item.reference in message.body and "صُرفت" in message.body
    item, rating_message = register.close(item, by=officer)
    assert item.status == Feedback.Status.CLOSED and rating_message is not None
    token = LINK.search(rating_message.body).group(1)
    assert register.feedback_for_token(token).pk == item.pk
    item = register.rate(item, rating=2, appeal_reason="ما زالت السلة ناقصة")
    assert item.sender_rating == 2 and item.status == Feedback.Status.APPEALED and item.answered_at is None
    assert item.due_on >= timezone.localdate()
    # The second look is the managers': the officer may no longer answer it.
    with pytest.raises(ActionRefused):
        register.answer(item, "تم", by=officer)
    item, _message = register.answer(item, "أكملنا السلة.", by=manager)
    item, second_rating = register.close(item, by=manager)
    assert second_rating is None  # the sender has rated already: no second request
    assert kinds(item) == ["received", "assigned", "answered", "closed", "note", "appealed", "answered", "closed"]
    types = set(AuditEvent.objects.filter(target_type="feedback.feedback").values_list("event_type", flat=True))
    assert {EventType.FEEDBACK_RECEIVED, EventType.FEEDBACK_ASSIGNED, EventType.FEEDBACK_ANSWERED,
            EventType.FEEDBACK_CLOSED, EventType.FEEDBACK_APPEALED} <= types
    with pytest.raises(ActionRefused):
        register.appeal(item, "مرة أخرى", by=manager)  # one second look


def test_an_anonymous_sender_gets_nothing_and_the_staff_still_records_the_answer(staff):
    item = receive(staff["officer"], anonymous=True)
    assert item.sender_mobile == "" and item.sender_name == ""
    item, message = register.answer(item, "تمت المعالجة.", by=staff["officer"])
    assert message is None and item.response == "تمت المعالجة."
    item, rating = register.close(item, by=staff["officer"], sender_rating=4)
    assert rating is None and item.sender_rating == 4
    assert not Message.objects.filter(about_type="feedback.feedback").exists()


def test_refusals_of_the_steps(staff):
    manager, officer = staff["manager"], staff["officer"]
    item = receive(officer, about_staff=staff["researcher"])
    with pytest.raises(ActionRefused):
        register.assign(item, staff["researcher"], by=manager)  # the staff member concerned
    with pytest.raises(ActionRefused):
        register.assign(item, officer, by=manager)  # a confidential item goes to a manager
    with pytest.raises(ActionRefused):
        register.assign(item, manager, by=officer)  # assigning is the managers'
    with pytest.raises(ActionRefused):
        register.close(item, by=manager)  # not answered yet
    with pytest.raises(ActionRefused):
        register.answer(item, "\x00", by=manager)
    with pytest.raises(ActionRefused):
        register.close(receive(officer), by=staff["auditor"])
    item, _ = register.answer(item, "تم التحقيق", by=manager)
    with pytest.raises(ActionRefused):
        register.answer(item, "مرة ثانية", by=manager)
    with pytest.raises(ActionRefused):
        register.close(item, by=manager, sender_rating=9)


def test_the_rating_link_once_only_tampered_and_expired(client, staff):
    item = receive(staff["officer"])
    register.answer(item, "تم", by=staff["officer"])
    _item, message = register.close(item, by=staff["officer"])
    token = LINK.search(message.body).group(1)
    url = f"/feedback/r/{token}/"
    assert client.get(url).status_code == 200
    assert client.get(f"/feedback/r/{token[:-2]}xx/").status_code == 404
    assert client.post(url, {"rating": "9"}).status_code == 400
    assert client.post(url, {"rating": "5"}).status_code == 302
    assert client.post(url, {"rating": "1", "appeal_reason": "غير راضٍ"}).status_code == 200  # thanks, once only
    item.refresh_from_db()
    assert item.sender_rating == 5 and item.status == Feedback.Status.CLOSED
    later = timezone.now() + register.RATING_MAX_AGE + datetime.timedelta(days=1)
    # The expiry is signing's max_age: a link older than RATING_MAX_AGE opens nothing.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.core.signing.time.time", lambda: later.timestamp())
        assert register.feedback_for_token(token) is None


def test_escalation_once_to_the_managers_but_the_one_concerned(staff):
    item = receive(staff["officer"])
    late = item.due_on + datetime.timedelta(days=1)
    assert register.escalate_overdue(item.due_on) == {"escalated": 0}
    assert register.escalate_overdue(late) == {"escalated": 1}
    assert register.escalate_overdue(late) == {"escalated": 0}
    item.refresh_from_db()
    assert item.escalated_at is not None and kinds(item)[-1] == FeedbackEvent.Kind.ESCALATED
    assert AuditEvent.objects.filter(event_type=EventType.FEEDBACK_ESCALATED).count() == 1
    notices = Message.objects.filter(template="feedback_escalated")
    assert [m.recipient for m in notices] == [staff["manager"].email]
    # Answered in time or not, an answered item is no longer escalated; the periodic sweep passes a datetime.
    answered = receive(staff["officer"])
    register.answer(answered, "تم", by=staff["officer"])
    assert register.escalate_overdue(timezone.now() + datetime.timedelta(days=30)) == {"escalated": 0}


def test_figures_from_the_timeline(staff):
    officer = staff["officer"]
    one = receive(officer)
    receive(officer, kind=Feedback.Kind.SUGGESTION)
    receive(officer, kind=Feedback.Kind.COMPLIMENT)
    register.answer(one, "تم", by=officer)
    register.close(one, by=officer, sender_rating=5)
    today = timezone.localdate()
    figures = register.figures(today, today)
    assert figures["received"] == {"complaint": 1, "suggestion": 1, "compliment": 1}
    assert figures["received_total"] == 3 and figures["resolved"] == 1 and figures["overdue"] == 0
    assert figures["median_days"] == 0.0
    yesterday = today - datetime.timedelta(days=1)
    assert register.figures(yesterday, yesterday)["received_total"] == 0
    assert register.figures(today, today, branch=staff["branch_rep"].branch)["received_total"] == 0


def test_the_pages_of_an_item(client, staff):
    item = receive(staff["officer"])
    client.force_login(staff["manager"])
    page = client.get(f"/feedback/register/{item.pk}/").content.decode()
    assert item.reference in page and "تأخر صرف" in page
    assert client.post(f"/feedback/register/{item.pk}/assign", {"assignee": staff["officer"].pk}).status_code == 302
    assert client.post(f"/feedback/register/{item.pk}/assign", {"assignee": "x"}).status_code == 400
    assert client.post(f"/feedback/register/{item.pk}/answer", {"response": ""}).status_code == 400
    assert client.post(f"/feedback/register/{item.pk}/answer", {"response": "a\u202eb"}).status_code == 400
    assert client.post(f"/feedback/register/{item.pk}/answer", {"response": "x" * 100_000}).status_code == 400
    assert client.post(f"/feedback/register/{item.pk}/nothing", {}).status_code == 404
    assert client.post(f"/feedback/register/{item.pk}/answer", {"response": "تم"}).status_code == 302
    assert client.post(f"/feedback/register/{item.pk}/close", {"sender_rating": ""}).status_code == 302
    item.refresh_from_db()
    assert item.status == Feedback.Status.CLOSED
    listed = client.get("/feedback/register/", {"kind": "complaint", "status": "closed"}).content.decode()
    assert item.reference in listed
    assert item.reference not in client.get("/feedback/register/", {"overdue": "on"}).content.decode()
    assert client.get("/feedback/register/", {"kind": "\x00", "cursor": "garbage"}).status_code == 200


def test_an_internal_note_is_on_the_timeline_and_audited_without_its_text(client, staff):
    item = receive(staff["officer"])
    client.force_login(staff["manager"])
    note = "تواصلت مع المشرف، وسيُعاد ترتيب المواعيد"
    assert client.post(f"/feedback/register/{item.pk}/note", {"note": note}).status_code == 302
    assert client.post(f"/feedback/register/{item.pk}/note", {"note": "\x00"}).status_code == 400
    assert list(item.events.filter(kind=FeedbackEvent.Kind.NOTE).values_list("note", flat=True)) == [note]
    audit = AuditEvent.objects.get(event_type=EventType.FEEDBACK_NOTED)
    assert audit.actor == staff["manager"] and audit.data == {"reference": item.reference, "length": len(note)}
    assert note not in str(audit.data)
    # A note is never sent to the sender.
    assert not Message.objects.filter(body__contains="المشرف").exists()


def test_the_staff_form_logs_a_call(client, staff, beneficiary):
    client.force_login(staff["officer"])
    assert client.get("/feedback/register/new/").status_code == 200
    response = client.post("/feedback/register/new/", {
        "kind": "suggestion", "channel": "phone", "text": "أقترح تمديد ساعات الاستقبال",
        "national_id": beneficiary.national_id})
    assert response.status_code == 302
    item = Feedback.objects.get()
    assert item.beneficiary_id == beneficiary.pk and item.received_by == staff["officer"]
    for hostile in ({"text": "\x00"}, {"text": "x" * 100_000}, {"channel": "pigeon"}, {"kind": "x"},
                    {"national_id": "١٢٣"}):
        data = {"kind": "complaint", "channel": "phone", "text": "نص", **hostile}
        assert client.post("/feedback/register/new/", data).status_code == 400, hostile
    assert Feedback.objects.count() == 1
    client.force_login(staff["volunteer"])
    assert client.get("/feedback/register/new/").status_code == 403


def test_the_double_submit_writes_once(client, staff):
    client.force_login(staff["officer"])
    data = {"kind": "complaint", "channel": "phone", "text": "نص الشكوى", "_once": "6f1c3c5e-6b1f-4a57-9d0e-0c1a2b3c4d5e"}
    client.post("/feedback/register/new/", data)
    client.post("/feedback/register/new/", data)
    assert Feedback.objects.count() == 1


def test_categories_in_the_settings(client, staff):
    client.force_login(staff["manager"])
    assert client.post("/feedback/register/categories/new/", {"name_ar": "الخدمات", "response_days": "3",
                                                              "active": "on"}).status_code == 302
    assert client.post("/feedback/register/categories/new/", {"name_ar": "المواعيد", "response_days": "10",
                                                              "active": "on"}).status_code == 302
    assert client.post("/feedback/register/categories/new/", {"name_ar": "x", "response_days": "0"}).status_code == 400
    first, second = FeedbackCategory.objects.order_by("position")
    client.post(f"/feedback/register/categories/{second.pk}/move", {"direction": "up"})
    assert list(FeedbackCategory.objects.values_list("name_ar", flat=True)) == ["المواعيد", "الخدمات"]
    assert client.post(f"/feedback/register/categories/{first.pk}/", {"name_ar": "الخدمات العامة",
                                                                       "response_days": "3"}).status_code == 302
    first.refresh_from_db()
    assert first.name_ar == "الخدمات العامة" and not first.active
    assert AuditEvent.objects.filter(event_type=EventType.SETTINGS_CHANGED).count() == 4
    client.force_login(staff["auditor"])
    assert client.get("/feedback/register/categories/").status_code == 200
    assert client.post("/feedback/register/categories/new/", {"name_ar": "y", "response_days": "3"}).status_code == 403
    client.force_login(staff["officer"])
    assert client.get("/feedback/register/categories/").status_code == 403


def test_the_periodic_sweep_runs_the_escalation(staff):
    from mustafid.notifications import sending

    assert sending.periodic_jobs["feedback_escalation"] is register.escalate_overdue
    item = receive(staff["officer"])
    late = timezone.make_aware(datetime.datetime.combine(item.due_on + datetime.timedelta(days=2), datetime.time(9)))
    assert sending.sweep(late)["feedback_escalation"] == {"escalated": 1}


def test_the_managers_home_shows_the_overdue_items(client, staff):
    item = receive(staff["officer"])
    Feedback.objects.filter(pk=item.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(staff["manager"])
    page = client.get("/").content.decode()
    assert "شكاوى ومقترحات متأخرة عن موعد الرد" in page and "/feedback/register/?overdue=on" in page
