"""«التسجيل لأول مرة»: a first-time applicant registers themselves, their mobile confirmed by a code sent to it.

The code's rules are the sign-in's, for their own purpose (register); the code confirms exactly the data typed;
an ID already in the registry is never told apart before the code, and after it no one is signed in to another's
record: the mobile on record is told instead.
"""

import re
import time

import pytest
from django.utils import timezone

from mustafid.association.models import Association, Branch, Region
from mustafid.audit.models import AuditEvent, EventType
from mustafid.beneficiaries.models import Beneficiary
from mustafid.conftest import make_beneficiary
from mustafid.lib.saudi import generate_national_id
from mustafid.notifications.models import Message, Purpose
from mustafid.portal import register
from mustafid.portal.models import CodePurpose, SignInCode, SignInFailure

from .conftest import CLIENT_IP, ask, code_of, send_code
from .test_sign_in import ARABIC_INDIC, SENSITIVE

pytestmark = pytest.mark.django_db

NEW_ID = generate_national_id("1", 55_501_234)
IQAMA = generate_national_id("2", 55_501_235)
TYPED_MOBILE = "0551112233"
TYPED_E164 = "+966551112233"


@pytest.fixture
def typed(association):
    def make(**changes):
        data = {
            "national_id": NEW_ID, "first_name": "سارة", "father_name": "أحمد", "grandfather_name": "علي",
            "family_name": "القحطاني", "mobile": TYPED_MOBILE, "birth_date": "1995-03-14", "gender": "female",
            "nationality": "", "region": Region.objects.get(code="asir").pk, "city": "أبها",
        }
        data.update(changes)
        return data

    return make


def post_data(client, data, ip=CLIENT_IP):
    return client.post("/portal/register/", data, REMOTE_ADDR=ip)


def post_code(client, code, ip=CLIENT_IP):
    return client.post("/portal/register/code/", {"code": code}, REMOTE_ADDR=ip)


def register_message(mobile=TYPED_E164):
    return Message.objects.filter(template="portal_register_code", recipient=mobile).order_by("-pk").first()


def register_code(mobile=TYPED_E164):
    return re.search(r"\d{6}", register_message(mobile).body).group()


def wrong(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_the_sign_in_page_offers_registering(client, association):
    page = client.get("/portal/").content.decode()
    assert "أول مرة؟ سجّل بياناتك" in page and "/portal/register/" in page
    form = client.get("/portal/register/")
    assert form.status_code == 200 and "no-store" in form["Cache-Control"]
    assert "التسجيل لأول مرة" in form.content.decode()


def test_a_first_time_applicant_registers_is_signed_in_and_may_apply(client, typed):
    response = post_data(client, typed())
    assert response.status_code == 302 and response["Location"] == "/portal/register/code/"
    assert not Beneficiary.objects.filter(national_id=NEW_ID).exists()  # nothing before the code
    message = register_message()
    assert (message.channel, message.purpose) == ("sms", Purpose.CODE)
    assert not any(word in message.body for word in SENSITIVE)
    code = register_code()
    challenge = SignInCode.objects.get(purpose=CodePurpose.REGISTER)
    assert challenge.beneficiary_id is None and code not in challenge.code_digest and NEW_ID not in challenge.id_digest
    page = client.get("/portal/register/code/").content.decode()
    assert "الجوال الذي كتبته" in page and TYPED_E164 in page

    assert post_code(client, wrong(code)).status_code == 400
    assert not Beneficiary.objects.filter(national_id=NEW_ID).exists()
    response = post_code(client, code)
    assert response.status_code == 302 and response["Location"] == "/portal/requests/"

    person = Beneficiary.objects.get(national_id=NEW_ID)
    assert (person.self_registered, person.awaiting_verification) == (True, True)
    assert (person.created_by, person.category, person.verified_at) == (None, None, None)
    assert person.mobile == TYPED_E164 and person.full_name == "سارة أحمد علي القحطاني"
    assert person.branch == Branch.objects.get(is_head_office=True)
    audit = AuditEvent.objects.get(event_type=EventType.BENEFICIARY_SELF_REGISTERED)
    assert (audit.actor_kind, audit.actor_id, audit.target_id) == ("beneficiary", None, str(person.pk))
    requests = client.get("/portal/requests/").content.decode()
    assert "بيانات تسجيلك بانتظار تحقق الموظف" in requests
    assert client.get("/portal/apply/").status_code == 200


def test_arabic_indic_digits_and_a_hijri_birth_date_are_taken(client, typed):
    data = typed(national_id=NEW_ID.translate(ARABIC_INDIC), mobile=TYPED_MOBILE.translate(ARABIC_INDIC),
                 birth_date="1415/10/12")
    assert post_data(client, data).status_code == 302
    assert post_code(client, register_code()).status_code == 302
    person = Beneficiary.objects.get(national_id=NEW_ID)
    assert person.birth_date.year == 1995 and person.mobile == TYPED_E164


def test_the_branch_is_the_one_serving_the_region(client, typed):
    riyadh = Region.objects.get(code="riyadh")
    branch = Branch.objects.create(association=Association.objects.current(), name_ar="مكتب الرياض", city="الرياض",
                                   region=riyadh)
    post_data(client, typed(region=riyadh.pk, city="الرياض"))
    post_code(client, register_code())
    assert Beneficiary.objects.get(national_id=NEW_ID).branch == branch


@pytest.mark.parametrize("changes, field, words", [
    ({"national_id": "1234567890"}, "national_id", ""),
    ({"mobile": "12345"}, "mobile", ""),
    ({"national_id": IQAMA}, "nationality", "اكتب جنسيتك"),
    ({"national_id": IQAMA, "nationality": "سعودي"}, "nationality", "لغير السعودي"),
    ({"first_name": "   "}, "first_name", ""),
    ({"birth_date": "2999-01-01"}, "birth_date", ""),
    ({"first_name": "سارة\u202e"}, "first_name", "محرف خفي"),
    ({"first_name": "سا\x00رة"}, "first_name", ""),
    ({"city": "ا" * 100_000}, "city", ""),
    ({"region": "999999"}, "region", ""),
    ({"gender": "x"}, "gender", ""),
])
def test_bad_input_is_refused_beside_its_field_and_no_code_is_sent(client, typed, changes, field, words):
    response = post_data(client, typed(**changes))
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors and (not words or words in " ".join(form.errors[field]))
    assert f'aria-describedby="id_{field}' in response.content.decode() or field in ("gender",)
    assert not Message.objects.filter(template="portal_register_code").exists()


def test_an_iqama_holder_gives_their_nationality(client, typed):
    assert post_data(client, typed(national_id=IQAMA, nationality="يمني")).status_code == 302
    post_code(client, register_code())
    assert Beneficiary.objects.get(national_id=IQAMA).nationality == "يمني"


# ---------------------------------------------------------------- the code's rules


def test_an_expired_code_registers_no_one(client, typed):
    post_data(client, typed())
    SignInCode.objects.update(expires_at=timezone.now())
    response = post_code(client, register_code())
    assert response.status_code == 400 and "انتهت صلاحية الرمز" in response.content.decode()
    assert not Beneficiary.objects.filter(national_id=NEW_ID).exists()


def test_a_code_is_used_once(client, typed):
    post_data(client, typed())
    code = register_code()
    pending = client.session["portal_register"]
    assert post_code(client, code).status_code == 302
    again = register.confirm(pending["challenge"], pending["data"], code)
    assert not again.ok and again.reason == "used"
    assert Beneficiary.objects.filter(national_id=NEW_ID).count() == 1


def test_the_code_confirms_exactly_the_data_typed(client, typed):
    post_data(client, typed())
    pending = client.session["portal_register"]
    changed = {**pending["data"], "first_name": "ريم"}
    assert register.confirm(pending["challenge"], changed, register_code()).reason == "changed"
    assert not Beneficiary.objects.filter(national_id=NEW_ID).exists()


def test_asking_is_limited_per_id_and_the_sign_in_is_not_used_up(client, typed, beneficiary):
    for index in range(3):
        assert post_data(client, typed(mobile=f"055111220{index}")).status_code == 302
    locked = post_data(client, typed(mobile="0551112209"))
    assert locked.status_code == 429 and "حاول مرة أخرى بعد" in locked.content.decode()
    # Counted for registering only: the sign-in's own allowance is whole.
    assert ask(client, beneficiary.national_id).status_code == 302


def test_asking_is_limited_per_typed_mobile(client, typed):
    for index in range(5):
        post_data(client, typed(national_id=generate_national_id("1", 55_600_000 + index)))
    assert post_data(client, typed(national_id=generate_national_id("1", 55_600_100))).status_code == 429


def test_wrong_codes_lock_registering_for_a_while(client, typed):
    for attempt in range(2):
        post_data(client, typed())
        code = register_code()
        for _try in range(3):
            response = post_code(client, wrong(code))
            if response.status_code == 429:
                break
    assert response.status_code == 429
    assert SignInFailure.objects.filter(purpose=CodePurpose.REGISTER).count() == 5
    assert AuditEvent.objects.filter(event_type=EventType.PORTAL_LOCKED_OUT).exists()
    # Locked: even the right code of a new ask is refused until the window passes.
    assert post_data(client, typed()).status_code == 429
    assert not Beneficiary.objects.filter(national_id=NEW_ID).exists()


# ---------------------------------------------------------------- no enumeration


def test_a_registered_id_gets_the_same_pages_until_the_code(client, typed, beneficiary):
    from django.test import Client

    other = Client()
    known = post_data(client, typed(national_id=beneficiary.national_id))
    unknown = post_data(other, typed(), ip="203.0.113.8")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    known_page = client.get("/portal/register/code/").content.decode()
    unknown_page = other.get("/portal/register/code/").content.decode()
    strip = lambda text: re.sub(r'value="[0-9a-f-]{36}"|name="csrfmiddlewaretoken" value="[^"]+"', "", text)  # noqa: E731
    assert strip(known_page) == strip(unknown_page)
    # The code went to the mobile typed in both cases, never to the one on record.
    assert Message.objects.filter(template="portal_register_code", recipient=TYPED_E164).count() == 2
    assert not Message.objects.filter(recipient=beneficiary.mobile).exists()


def test_the_right_code_for_a_registered_id_creates_nothing_signs_no_one_in_and_tells_the_mobile_on_record(
        client, typed, beneficiary):
    before = Beneficiary.objects.count()
    post_data(client, typed(national_id=beneficiary.national_id))
    response = post_code(client, register_code())
    assert response.status_code == 302 and response["Location"] == "/portal/register/received/"
    page = client.get("/portal/register/received/").content.decode()
    assert "استلمنا طلب تسجيلك" in page
    assert beneficiary.full_name not in page and beneficiary.mobile not in page
    assert Beneficiary.objects.count() == before
    assert client.get("/portal/requests/")["Location"] == "/portal/"  # not signed in
    notice = Message.objects.get(template="portal_register_existing")
    assert notice.recipient == beneficiary.mobile and "طُلب تسجيل برقم هويتك" in notice.body
    assert not any(word in notice.body for word in SENSITIVE) and TYPED_E164 not in notice.body
    audit = AuditEvent.objects.get(event_type=EventType.SELF_REGISTRATION_REJECTED)
    # An anonymous visitor (as a failed sign-in): no user, no label, not the beneficiary.
    assert (audit.actor_id, audit.actor_label, audit.target_id) == (None, "", str(beneficiary.pk))
    assert audit.actor_kind != "beneficiary"
    assert audit.data["reason"] == "already_registered"
    assert not AuditEvent.objects.filter(event_type=EventType.BENEFICIARY_SELF_REGISTERED).exists()


def test_a_registered_id_typed_with_the_mobile_on_record_signs_in_to_that_record_unchanged(client, typed, beneficiary):
    post_data(client, typed(national_id=beneficiary.national_id, mobile=beneficiary.mobile, first_name="آخر"))
    response = post_code(client, register_code(beneficiary.mobile))
    assert response["Location"] == "/portal/requests/"
    person = Beneficiary.objects.get(pk=beneficiary.pk)
    assert person.first_name == beneficiary.first_name and not person.self_registered
    assert client.get("/portal/requests/").status_code == 200


def test_asking_and_confirming_take_the_same_time_for_a_registered_id(client, typed, beneficiary, settings):
    settings.PORTAL_MIN_RESPONSE_SECONDS = 0.25
    timings = []
    for national_id in (beneficiary.national_id, NEW_ID):
        from django.test import Client

        browser = Client()
        began = time.monotonic()
        post_data(browser, typed(national_id=national_id))
        asked = time.monotonic() - began
        code = register_code()
        began = time.monotonic()
        post_code(browser, code)
        timings.append((asked, time.monotonic() - began))
    assert all(asked >= 0.25 and confirmed >= 0.25 for asked, confirmed in timings)


def test_the_steps_out_of_order_go_back(client, typed, beneficiary):
    assert client.get("/portal/register/code/")["Location"] == "/portal/register/"
    assert client.get("/portal/register/received/")["Location"] == "/portal/register/"
    ask(client, beneficiary.national_id)
    send_code(client, code_of(beneficiary))
    assert client.get("/portal/register/")["Location"] == "/portal/requests/"
