"""A guardian (ولي أمر) acts for a beneficiary in the portal, recorded as such: signs in with their own ID and a code
to their own mobile; chooses whom to act for when they may act for several; loses the session once staff end the
guardianship; and everything they do is on the timeline and in the audit trail as the guardian's, with their name."""

import re
import time

import pytest

from mustafid.audit.models import AuditEvent, EventType
from mustafid.beneficiaries import actions as registry
from mustafid.cases.models import Case, CaseEvent, Declaration, Status
from mustafid.conftest import make_beneficiary, refreshed
from mustafid.interactions.models import Interaction
from mustafid.lib.saudi import generate_national_id
from mustafid.notifications.models import Message
from mustafid.portal.models import SignInCode

from .conftest import ask, code_of, send_code, sign_in
from .test_apply import choose, details_data
from .test_sign_in import SENSITIVE, UNKNOWN_ID

pytestmark = pytest.mark.django_db

GUARDIAN_ID = generate_national_id("1", 43_000_001)
GUARDIAN_MOBILE = "+966551112233"
GUARDIAN_NAME = "سعد محمد الأحمدي"
WORDS = "ولي أمر المستفيد عبر البوابة (سعد محمد الأحمدي)"


def add_guardian(beneficiary, officer, *, national_id=GUARDIAN_ID, mobile=GUARDIAN_MOBILE, name=GUARDIAN_NAME):
    return registry.add_guardian(beneficiary, by=officer, name=name, national_id=national_id, mobile=mobile,
                                 relation="father")


def guardian_code(guardian, template="portal_code"):
    # A guardian of several gets the code once, as their newest guardianship (the same ID and mobile).
    message = Message.objects.filter(person_type="beneficiaries.guardian", recipient=guardian.mobile,
                                     template=template).order_by("-pk").first()
    return message, re.search(r"\d{6}", message.body).group()


def sign_in_as_guardian(client, guardian):
    assert ask(client, guardian.national_id).status_code == 302
    _message, code = guardian_code(guardian)
    return send_code(client, code)


@pytest.fixture
def guardian(beneficiary, officer):
    return add_guardian(beneficiary, officer)


def test_a_guardian_signs_in_with_a_code_to_their_own_mobile(client, beneficiary, guardian):
    response = ask(client, GUARDIAN_ID.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")))
    assert response["Location"] == "/portal/code/"
    message, code = guardian_code(guardian)
    assert (message.recipient, message.channel) == (GUARDIAN_MOBILE, "sms")
    assert not Message.objects.filter(person_type="beneficiaries.beneficiary", template="portal_code").exists()
    assert not any(word in message.body for word in SENSITIVE)
    row = SignInCode.objects.get()
    assert (row.beneficiary, row.guardian) == (beneficiary, guardian)
    response = send_code(client, code)
    assert response["Location"] == "/portal/requests/"
    page = client.get("/portal/requests/").content.decode()
    assert f"تتصرف نيابة عن: {beneficiary.first_name}" in page
    signed_in = AuditEvent.objects.get(event_type=EventType.PORTAL_SIGNED_IN)
    assert (signed_in.actor_kind, signed_in.actor_label, signed_in.target_id) == (
        "guardian", GUARDIAN_NAME, str(beneficiary.pk))
    # The beneficiary's own sign-in says nothing of acting for anyone.
    other = type(client)()
    sign_in(other, beneficiary)
    assert "تتصرف نيابة عن" not in other.get("/portal/requests/").content.decode()


def test_a_guardian_id_gets_the_same_answer_as_an_unknown_one(client, guardian):
    known = ask(client, GUARDIAN_ID)
    known_page = client.get("/portal/code/")
    other = type(client)()
    unknown = ask(other, UNKNOWN_ID)
    unknown_page = other.get("/portal/code/")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])

    def text(page):
        return re.sub(r'value="[^"]*"', "", page.content.decode())

    assert text(known_page) == text(unknown_page)
    # The same limits: three codes for the ID in 15 minutes, then the same lockout page for both.
    for person in (client, other):
        national_id = GUARDIAN_ID if person is client else UNKNOWN_ID
        for _ask in range(2):
            assert ask(person, national_id).status_code == 302
        assert ask(person, national_id).status_code == 429


def test_a_guardian_id_takes_the_time_an_unknown_id_takes(client, guardian, settings):
    settings.PORTAL_MIN_RESPONSE_SECONDS = 0.25

    def timed(national_id):
        began = time.monotonic()
        ask(type(client)(), national_id)
        return time.monotonic() - began

    known = sorted(timed(GUARDIAN_ID) for _ in range(3))[1]
    unknown = sorted(timed(generate_national_id("1", 56_000_000 + n)) for n in range(3))[1]
    assert known >= 0.25 and unknown >= 0.25 and abs(known - unknown) < 0.15


def test_an_ended_guardian_gets_no_code(client, guardian, officer):
    registry.end_guardian(guardian, by=officer)
    assert ask(client, GUARDIAN_ID)["Location"] == "/portal/code/"
    assert not Message.objects.filter(template="portal_code").exists()
    assert SignInCode.objects.get().beneficiary is None


def test_a_guardian_of_two_chooses_whom_to_act_for(client, beneficiary, guardian, officer):
    second = make_beneficiary(by=officer, first_name="نورة", gender="female")
    add_guardian(second, officer)
    response = sign_in_as_guardian(client, guardian)
    assert response["Location"] == "/portal/choose/"
    # Nobody is signed in yet.
    assert client.get("/portal/requests/")["Location"] == "/portal/"
    page = client.get("/portal/choose/")
    text = page.content.decode()
    assert "لمن تريد الدخول؟" in text and "no-store" in page["Cache-Control"]
    assert beneficiary.full_name in text and second.full_name in text
    assert beneficiary.category.name_ar not in text and beneficiary.national_id not in text
    assert not AuditEvent.objects.filter(event_type=EventType.PORTAL_SIGNED_IN).exists()
    assert client.post("/portal/choose/", {"choice": "9"}).status_code == 400
    response = client.post("/portal/choose/", {"choice": "1"})
    assert response["Location"] == "/portal/requests/"
    assert "تتصرف نيابة عن: نورة" in client.get("/portal/requests/").content.decode()
    signed_in = AuditEvent.objects.get(event_type=EventType.PORTAL_SIGNED_IN)
    assert (signed_in.actor_kind, signed_in.target_id) == ("guardian", str(second.pk))
    # The choice is spent.
    assert client.get("/portal/choose/")["Location"] == "/portal/"


def test_a_beneficiary_who_is_also_a_guardian_chooses_between_themselves_and_the_other(client, beneficiary, officer):
    child = make_beneficiary(by=officer, first_name="ريم", gender="female")
    add_guardian(child, officer, national_id=beneficiary.national_id, mobile=beneficiary.mobile,
                 name=beneficiary.full_name)
    ask(client, beneficiary.national_id)
    response = send_code(client, code_of(beneficiary))
    assert response["Location"] == "/portal/choose/"
    text = client.get("/portal/choose/").content.decode()
    assert "نفسي" in text and "نيابة عن" in text
    client.post("/portal/choose/", {"choice": "0"})
    assert "تتصرف نيابة عن" not in client.get("/portal/requests/").content.decode()
    assert AuditEvent.objects.get(event_type=EventType.PORTAL_SIGNED_IN).actor_kind == "beneficiary"


def test_a_guardianship_with_another_mobile_is_not_offered_by_this_code(client, beneficiary, guardian, officer):
    other = make_beneficiary(by=officer)
    add_guardian(other, officer, mobile="+966559998877")
    # The newest guardianship's mobile gets the code, and that code proves only that mobile's guardianships.
    assert ask(client, GUARDIAN_ID).status_code == 302
    message = Message.objects.filter(template="portal_code").get()
    assert message.recipient == "+966559998877"
    response = send_code(client, re.search(r"\d{6}", message.body).group())
    assert response["Location"] == "/portal/requests/"
    assert AuditEvent.objects.get(event_type=EventType.PORTAL_SIGNED_IN).target_id == str(other.pk)


def test_the_session_ends_once_the_guardianship_is_ended(client, beneficiary, guardian, officer):
    sign_in_as_guardian(client, guardian)
    assert client.get("/portal/requests/").status_code == 200
    registry.end_guardian(guardian, by=officer)
    response = client.get("/portal/requests/")
    assert response["Location"] == "/portal/"
    assert "لم تعد قائمة" in client.get("/portal/").content.decode()
    signed_out = AuditEvent.objects.get(event_type=EventType.PORTAL_SIGNED_OUT)
    assert (signed_out.actor_kind, signed_out.data["reason"]) == ("guardian", "guardian_ended")
    assert client.get("/portal/requests/")["Location"] == "/portal/"


def test_an_ended_guardianship_is_no_longer_offered_by_the_chooser(client, beneficiary, guardian, officer):
    second = make_beneficiary(by=officer, first_name="هند", gender="female")
    add_guardian(second, officer)
    sign_in_as_guardian(client, guardian)
    registry.end_guardian(guardian, by=officer)
    text = client.get("/portal/choose/").content.decode()
    assert second.full_name in text and beneficiary.full_name not in text
    assert client.post("/portal/choose/", {"choice": "0"})["Location"] == "/portal/requests/"
    assert AuditEvent.objects.get(event_type=EventType.PORTAL_SIGNED_IN).target_id == str(second.pk)


# ---------------------------------------------------------------- everything done is the guardian's


def test_a_guardian_sees_only_the_beneficiary_they_act_for(client, guardian, make_case):
    mine = make_case("received")
    registry.add_guardian(mine.beneficiary, by=mine.received_by, name=GUARDIAN_NAME, national_id=generate_national_id(
        "1", 43_000_009), mobile="+966551112299", relation="son")
    theirs = make_case("received")
    mine_guardian = mine.beneficiary.guardians.get()
    sign_in_as_guardian(client, mine_guardian)
    assert client.get(f"/portal/requests/{mine.pk}/").status_code == 200
    assert client.get(f"/portal/requests/{theirs.pk}/").status_code == 404
    read = AuditEvent.objects.get(event_type=EventType.CASE_VIEWED, target_id=str(mine.pk))
    assert (read.actor_kind, read.actor_label) == ("guardian", GUARDIAN_NAME)


def test_a_guardian_applies_and_the_timeline_and_audit_name_them(client, beneficiary, guardian, association):
    from mustafid.cases.models import SupportType

    support_type = SupportType.objects.filter(active=True, required_documents__isnull=False).distinct().first()
    sign_in_as_guardian(client, guardian)
    choose(client, support_type)
    response = client.post("/portal/apply/request/", details_data(support_type))
    assert response.status_code == 302
    case = Case.objects.get(beneficiary=beneficiary)
    opened = case.events.get(kind=CaseEvent.Kind.OPENED)
    assert (opened.actor_kind, opened.actor_label) == ("guardian", GUARDIAN_NAME)
    assert str(opened.acted_by) == WORDS
    audits = AuditEvent.objects.filter(event_type__in=[EventType.CASE_OPENED, EventType.DOCUMENT_UPLOADED])
    assert audits.exists() and set(audits.values_list("actor_kind", "actor_label")) == {("guardian", GUARDIAN_NAME)}


def test_a_guardian_signs_the_declaration_with_their_own_name_and_code(client, make_case, officer):
    case = make_case("documents_complete")
    guardian = add_guardian(case.beneficiary, officer)
    sign_in_as_guardian(client, guardian)
    # The applicant's name is not the guardian's: refused.
    refused = client.post(f"/portal/requests/{case.pk}/declare/",
                          {"signer_name": case.beneficiary.full_name, "agreed": "on"})
    assert refused.status_code == 400 and "بصفتك ولي أمر" in refused.content.decode()
    response = client.post(f"/portal/requests/{case.pk}/declare/",
                           {"signer_name": GUARDIAN_NAME.replace("الأحمدي", "الاحمدي"), "agreed": "on"})
    assert response["Location"] == f"/portal/requests/{case.pk}/declare/code/"
    message, code = guardian_code(guardian, "portal_declare_code")
    assert message.recipient == GUARDIAN_MOBILE
    assert not Message.objects.filter(person_type="beneficiaries.beneficiary", template="portal_declare_code").exists()
    response = client.post(f"/portal/requests/{case.pk}/declare/code/", {"code": code})
    assert response["Location"] == f"/portal/requests/{case.pk}/"
    case = refreshed(case)
    declaration = case.current_declaration
    assert case.status == Status.DECLARED and declaration.method == Declaration.Method.PORTAL
    # The declaration itself says a guardian signed it for the applicant, and who.
    assert (declaration.taken_by_kind, declaration.taken_by_label) == ("guardian", GUARDIAN_NAME)
    assert declaration.signer_name == GUARDIAN_NAME.replace("الأحمدي", "الاحمدي")
    assert str(declaration.taker) == WORDS
    event = case.events.get(kind=CaseEvent.Kind.DECLARED)
    assert str(event.acted_by) == WORDS
    audit = AuditEvent.objects.get(event_type=EventType.DECLARATION_RECORDED)
    assert (audit.actor_kind, audit.actor_label) == ("guardian", GUARDIAN_NAME)


def test_a_guardians_mobile_change_is_confirmed_by_a_code_to_the_guardian(client, beneficiary, guardian):
    sign_in_as_guardian(client, guardian)
    response = client.post("/portal/details/", {"mobile": "0557776655", "email": "", "preferred_channel": "sms",
                                                "language": "ar"})
    assert response["Location"] == "/portal/details/mobile/"
    message, code = guardian_code(guardian, "portal_mobile_code")
    assert message.recipient == GUARDIAN_MOBILE
    assert not Message.objects.filter(recipient="+966557776655").exists()
    assert client.post("/portal/details/mobile/", {"code": code})["Location"] == "/portal/details/"
    assert refreshed(beneficiary).mobile == "+966557776655"
    updated = AuditEvent.objects.get(event_type=EventType.BENEFICIARY_UPDATED)
    assert (updated.actor_kind, updated.actor_label) == ("guardian", GUARDIAN_NAME)


def test_a_guardians_contact_and_sign_out_are_recorded_as_theirs(client, beneficiary, guardian):
    sign_in_as_guardian(client, guardian)
    response = client.post("/portal/contact/", {"kind": "inquiry", "text": "متى يصل الدعم؟", "website": ""})
    assert response["Location"] == "/portal/contact/sent/"
    contact = Interaction.objects.get(beneficiary=beneficiary)
    audit = AuditEvent.objects.get(event_type=EventType.INTERACTION_LOGGED)
    assert (audit.actor_kind, audit.actor_label) == ("guardian", GUARDIAN_NAME)
    assert contact.beneficiary == beneficiary
    client.post("/portal/sign-out/", {"everywhere": "1"})
    signed_out = AuditEvent.objects.get(event_type=EventType.PORTAL_SIGNED_OUT)
    assert (signed_out.actor_kind, signed_out.data["reason"]) == ("guardian", "everywhere")
