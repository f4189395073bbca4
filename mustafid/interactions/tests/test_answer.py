"""Contacts recorded by who really sent them, and the association's answer to a written contact.

A contact from the portal is recorded by the beneficiary through the portal, one from the public form by the
system, one logged by staff by that staff member (no placeholder user any more). An officer or the manager
answers a written contact once, from its page: the answer is kept with who and when, audited, and sent to the
sender through the outbox (a notice to a beneficiary, the answer itself to a sender of the public form).
"""

import importlib
import threading

import pytest
from django.apps import apps as django_apps
from django.db import connection, connections
from django.utils import timezone

from mustafid.accounts.models import User
from mustafid.association.models import Channel
from mustafid.audit.actors import Actor
from mustafid.audit.models import AuditEvent, EventType
from mustafid.interactions import actions
from mustafid.interactions.actions import answer_interaction, log_interaction
from mustafid.interactions.models import ANSWER_MAX, Interaction
from mustafid.lib.errors import ActionRefused
from mustafid.notifications.models import Message
from mustafid.portal import public

pytestmark = pytest.mark.django_db


def from_portal(beneficiary, text="متى يصل الدعم؟", kind="inquiry"):
    return public.send_contact(kind=kind, text=text, beneficiary=beneficiary).contact


def from_public_form(text="متى يفتح التسجيل؟", mobile="+966551234567", email=""):
    return public.send_contact(kind="inquiry", text=text, name="سارة أحمد", mobile=mobile, email=email).contact


# ------------------------------------------------------------------------------------------------ who recorded it


def test_each_contact_is_recorded_by_its_real_actor(beneficiary, officer, staff):
    by_portal = from_portal(beneficiary)
    assert (by_portal.staff, by_portal.staff_kind) == (None, "beneficiary")
    assert str(by_portal.recorded_by) == "المستفيد عبر البوابة"
    by_form = from_public_form()
    assert (by_form.staff, by_form.staff_kind, by_form.staff_label) == (None, "system", public.PUBLIC_FORM)
    assert str(by_form.recorded_by) == "النظام"
    by_staff = log_interaction(channel="phone", direction="in", kind="inquiry", summary="اتصل يسأل", by=officer)
    assert (by_staff.staff, by_staff.staff_kind, by_staff.staff_label) == (officer, "staff", officer.username)
    assert str(by_staff.recorded_by) == officer.display_name
    # A volunteer still sees the contacts they logged, and only those.
    volunteer = staff["volunteer"]
    theirs = log_interaction(channel="volunteering", direction="in", kind="suggestion", summary="اقتراح",
                             by=volunteer)
    assert list(Interaction.objects.visible_to(volunteer)) == [theirs]
    assert not User.objects.filter(username="portal:website").exists()


def test_the_lists_and_pages_name_who_recorded_each_contact(client, beneficiary, officer):
    from_portal(beneficiary, text="سؤال من البوابة")
    from_public_form(text="سؤال من الموقع")
    client.force_login(officer)
    listing = client.get("/contacts/").content.decode()
    assert "المستفيد عبر البوابة" in listing and "النظام" in listing
    timeline = client.get(f"/beneficiaries/{beneficiary.pk}/").content.decode()
    assert "سؤال من البوابة" in timeline and "المستفيد عبر البوابة" in timeline


def test_the_migration_rewrites_the_placeholder_users_contacts_and_deletes_it(beneficiary, officer):
    placeholder = User.objects.create(username="portal:website", is_active=False)
    theirs = Interaction.objects.create(channel=Channel.WEBSITE, direction="in", kind="inquiry", summary="من البوابة",
                                        beneficiary=beneficiary, staff=placeholder, branch=beneficiary.branch)
    anonymous = Interaction.objects.create(channel=Channel.WEBSITE, direction="in", kind="complaint", summary="زائر",
                                           contact_mobile="+966551234567", staff=placeholder)
    old_staff_row = Interaction.objects.create(channel="phone", direction="in", kind="inquiry", summary="قديم",
                                               staff=officer)
    migration = importlib.import_module("mustafid.interactions.migrations.0004_actors_of_contacts_awaiting_answer")
    migration.forwards(django_apps, None)
    theirs.refresh_from_db(), anonymous.refresh_from_db(), old_staff_row.refresh_from_db()
    assert (theirs.staff_id, theirs.staff_kind) == (None, "beneficiary")
    assert (anonymous.staff_id, anonymous.staff_kind, anonymous.staff_label) == (None, "system", "public_form")
    assert (old_staff_row.staff, old_staff_row.staff_kind, old_staff_row.staff_label) == (officer, "staff", "officer")
    assert not User.objects.filter(username="portal:website").exists()
    assert anonymous in Interaction.objects.awaiting_answer()


# ------------------------------------------------------------------------------------------------ the answer


def test_an_answer_to_a_beneficiary_is_kept_audited_and_a_notice_queued_once(beneficiary, officer):
    contact = from_portal(beneficiary)
    assert contact.awaits_answer and contact in Interaction.objects.awaiting_answer()
    answered, message = answer_interaction(contact, "  يصل الدعم خلال أسبوع.  ", by=officer)
    answered.refresh_from_db()
    assert answered.answer == "يصل الدعم خلال أسبوع." and answered.answered_at is not None
    assert (answered.answered_by, answered.answered_by_kind) == (officer, "staff")
    assert str(answered.answerer) == officer.display_name
    assert not answered.awaits_answer and answered not in Interaction.objects.awaiting_answer()
    event = AuditEvent.objects.get(event_type=EventType.INTERACTION_ANSWERED)
    assert (event.actor, event.target_id, event.data["message"]) == (officer, str(contact.pk), message.pk)
    # A notice, not the answer: the beneficiary reads it in the portal.
    assert Message.objects.filter(template="contact_answer_notice").count() == 1
    assert message.recipient == beneficiary.mobile and message.person_id == beneficiary.pk
    assert "خدمات المستفيد" in message.body and str(contact.pk) in message.body
    assert "أسبوع" not in message.body and "استفسار" not in message.body


def test_an_answer_to_a_sender_of_the_public_form_carries_the_answer(officer):
    contact = from_public_form()
    _contact, message = answer_interaction(contact, "يفتح التسجيل أول الشهر.", by=officer)
    assert message.template == "contact_answer" and message.recipient == "+966551234567"
    assert "يفتح التسجيل أول الشهر." in message.body and str(contact.pk) in message.body
    assert (message.person_type, message.person_id) == ("interactions.interaction", contact.pk)


def test_a_sender_who_left_only_an_email_gets_the_answer_by_email(officer):
    contact = from_public_form(mobile="", email="sara@example.com")
    _contact, message = answer_interaction(contact, "شكرًا لتواصلك.", by=officer)
    assert (message.channel, message.recipient, message.template) == ("email", "sara@example.com", "contact_answer")
    assert "شكرًا لتواصلك." in message.body


def test_a_sender_who_cannot_be_reached_has_the_answer_kept_and_nothing_sent(client, beneficiary, officer,
                                                                            settings):
    contact = from_portal(beneficiary)
    # Every transport off: the beneficiary's mobile and e-mail reach nowhere.
    settings.MESSAGE_TRANSPORTS = {"sms": "off", "email": "off", "whatsapp": "off"}
    answered, message = answer_interaction(contact, "شكرًا لتواصلك.", by=officer)
    assert message is None and answered.answered_at is not None
    assert AuditEvent.objects.get(event_type=EventType.INTERACTION_ANSWERED).data["message"] is None
    other = from_portal(beneficiary, text="سؤال آخر")
    client.force_login(officer)
    response = client.post(f"/contacts/{other.pk}/", {"answer": "تم"}, follow=True)
    assert "لا وسيلة متاحة للوصول إلى المرسل" in response.content.decode()


def test_a_second_answer_is_refused_and_nothing_more_is_sent(beneficiary, officer, staff):
    contact = from_portal(beneficiary)
    answer_interaction(contact, "الرد الأول", by=officer)
    with pytest.raises(ActionRefused, match="رُدّ على هذه الرسالة من قبل"):
        answer_interaction(Interaction.objects.get(pk=contact.pk), "الرد الثاني", by=staff["manager"])
    contact.refresh_from_db()
    assert contact.answer == "الرد الأول"
    assert AuditEvent.objects.filter(event_type=EventType.INTERACTION_ANSWERED).count() == 1
    assert Message.objects.filter(template__startswith="contact_answer").count() == 1


def test_only_written_contacts_from_the_website_are_answered(beneficiary, officer):
    call = log_interaction(channel="phone", direction="in", kind="inquiry", summary="اتصال", by=officer,
                           beneficiary=beneficiary)
    logged_from_website = log_interaction(channel="website", direction="in", kind="inquiry", summary="نقله موظف",
                                          by=officer, beneficiary=beneficiary)
    for contact in (call, logged_from_website):
        with pytest.raises(ActionRefused, match="الرسائل المكتوبة"):
            answer_interaction(contact, "رد", by=officer)
    assert not AuditEvent.objects.filter(event_type=EventType.INTERACTION_ANSWERED).exists()


@pytest.mark.parametrize("text, words", [
    ("", "اكتب الرد"),
    ("   \n ", "اكتب الرد"),
    ("رد\x00خفي", "محرف تحكم"),
    ("رد \u202eمعكوس", "يغيّر اتجاه"),
    ("ر" * 100_000, "أطول من"),
    ("ر" * (ANSWER_MAX + 1), "أطول من"),
])
def test_the_answer_text_is_cleaned_or_refused_with_a_clear_message(beneficiary, officer, text, words):
    contact = from_portal(beneficiary)
    with pytest.raises(ActionRefused, match=words):
        answer_interaction(contact, text, by=officer)
    contact.refresh_from_db()
    assert contact.answered_at is None and not Message.objects.filter(template__startswith="contact_answer").exists()


@pytest.mark.parametrize("role, allowed", [
    ("officer", True), ("manager", True), ("volunteer", False), ("researcher", False), ("branch_rep", False),
    ("committee", False), ("auditor", False),
])
def test_who_may_answer(beneficiary, staff, role, allowed):
    contact = from_portal(beneficiary)
    if allowed:
        assert answer_interaction(contact, "رد", by=staff[role])[0].answered_at
    else:
        with pytest.raises(ActionRefused):
            answer_interaction(contact, "رد", by=staff[role])


# ------------------------------------------------------------------------------------------------ the pages


def test_an_officer_answers_from_the_contacts_page(client, beneficiary, officer):
    contact = from_portal(beneficiary, text="هل وصل طلبي؟")
    client.force_login(officer)
    page = client.get(f"/contacts/{contact.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "هل وصل طلبي؟" in text and 'name="answer"' in text and "المستفيد عبر البوابة" in text
    response = client.post(f"/contacts/{contact.pk}/", {"answer": "نعم، وصل وهو قيد الدراسة."})
    assert response.status_code == 302 and response["Location"] == f"/contacts/{contact.pk}/"
    shown = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert "نعم، وصل وهو قيد الدراسة." in shown and officer.display_name in shown and 'name="answer"' not in shown
    # Again (another tab): refused with a message, nothing more sent.
    again = client.post(f"/contacts/{contact.pk}/", {"answer": "رد آخر"}, follow=True)
    assert "رُدّ على هذه الرسالة من قبل" in again.content.decode()
    assert Message.objects.filter(template="contact_answer_notice").count() == 1
    assert AuditEvent.objects.filter(event_type=EventType.CONTACTS_LISTED, target_id=str(contact.pk)).exists()


@pytest.mark.parametrize("answer, words", [
    ("رد\x00", "محرف تحكم"), ("رد \u202e", "يغيّر اتجاه"), ("ر" * 100_000, "1000"), ("", "مطلوب"),
])
def test_a_hostile_answer_is_refused_beside_the_field(client, beneficiary, officer, answer, words):
    contact = from_portal(beneficiary)
    client.force_login(officer)
    response = client.post(f"/contacts/{contact.pk}/", {"answer": answer})
    assert response.status_code == 400
    text = response.content.decode()
    assert words in text and 'aria-describedby' in text and 'role="alert"' in text
    contact.refresh_from_db()
    assert contact.answered_at is None


def test_a_volunteer_may_not_answer_not_even_a_contact_they_see(client, beneficiary, staff):
    volunteer = staff["volunteer"]
    written = from_portal(beneficiary)
    own = log_interaction(channel="volunteering", direction="in", kind="inquiry", summary="سؤال", by=volunteer)
    client.force_login(volunteer)
    assert client.get(f"/contacts/{written.pk}/").status_code == 404
    assert client.post(f"/contacts/{written.pk}/", {"answer": "رد"}).status_code == 404
    assert client.get(f"/contacts/{own.pk}/").status_code == 200
    assert 'name="answer"' not in client.get(f"/contacts/{own.pk}/").content.decode()
    assert client.post(f"/contacts/{own.pk}/", {"answer": "رد"}).status_code == 403
    written.refresh_from_db()
    assert written.answered_at is None


def test_the_list_filters_the_contacts_awaiting_an_answer(client, beneficiary, officer):
    waiting = from_portal(beneficiary, text="ينتظر الرد")
    answered = from_public_form(text="أُجيب عنه")
    answer_interaction(answered, "تم", by=officer)
    log_interaction(channel="phone", direction="in", kind="inquiry", summary="مكالمة هاتفية", by=officer)
    client.force_login(officer)
    text = client.get("/contacts/?reply=waiting").content.decode()
    assert "ينتظر الرد" in text and "أُجيب عنه" not in text and "مكالمة هاتفية" not in text
    assert f"/contacts/{waiting.pk}/" in text
    everything = client.get("/contacts/").content.decode()
    assert "أُجيب عنه" in everything and "تم الرد" in everything


def test_the_officers_home_lists_the_messages_awaiting_an_answer(client, beneficiary, officer, staff):
    contact = from_portal(beneficiary, text="سؤال ينتظر على الرئيسية")
    client.force_login(officer)
    home = client.get("/").content.decode()
    assert "رسائل بانتظار الرد" in home and f"/contacts/{contact.pk}/" in home
    answer_interaction(contact, "تم", by=officer)
    assert "رسائل بانتظار الرد" not in client.get("/").content.decode()
    client.force_login(staff["volunteer"])
    from_portal(beneficiary, text="آخر")
    assert "رسائل بانتظار الرد" not in client.get("/").content.decode()


# ------------------------------------------------------------------------------------------------ two at once


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officers_answering_at_the_same_moment_make_one_answer(beneficiary, officer, staff, monkeypatch):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("concurrent writers need PostgreSQL or an SQLite file")
    contact = from_portal(beneficiary)
    barrier = threading.Barrier(2, timeout=3)
    clean = actions._clean_answer

    def both_clean_then_go(text):
        cleaned = clean(text)
        try:
            barrier.wait()  # both have read the contact unanswered; then each takes the lock in turn
        except threading.BrokenBarrierError:
            pass
        return cleaned

    monkeypatch.setattr(actions, "_clean_answer", both_clean_then_go)
    results = []

    def answer(by, text):
        try:
            results.append(answer_interaction(Interaction.objects.get(pk=contact.pk), text, by=by)[0].pk)
        except ActionRefused as refusal:
            results.append(str(refusal))
        except Exception as error:  # reported, not swallowed
            results.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer, args=(by, text))
               for by, text in ((officer, "رد الموظف"), (staff["manager"], "رد المدير"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(isinstance(result, int) for result in results) == 1, results
    assert any("رُدّ على هذه الرسالة من قبل" in str(result) for result in results), results
    assert AuditEvent.objects.filter(event_type=EventType.INTERACTION_ANSWERED).count() == 1
    assert Message.objects.filter(template="contact_answer_notice").count() == 1


def test_an_answer_by_the_system_is_possible_for_jobs(beneficiary):
    contact = from_portal(beneficiary)
    answered, _message = answer_interaction(contact, "رد تلقائي", by=Actor.system("faq"))
    assert (answered.answered_by, answered.answered_by_kind) == (None, "system")
    assert answered.answered_at <= timezone.now()
