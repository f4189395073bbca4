"""The declaration signed online: the policy's words, the tick, the name as registered, a fresh code to the
mobile on record; recorded by the staff's own action, bound to the same fingerprint of the data."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from mustafid.audit.actors import Actor
from mustafid.audit.models import AuditEvent, EventType
from mustafid.beneficiaries.actions import update_beneficiary
from mustafid.cases import actions as case_actions
from mustafid.cases.actions import DECLARATION_TEXT
from mustafid.cases.models import CaseEvent, Declaration, Status
from mustafid.conftest import refreshed
from mustafid.lib.errors import ActionRefused
from mustafid.notifications.models import Message, Purpose
from mustafid.portal import account
from mustafid.portal.models import CodePurpose, SignInCode, SignInFailure

from .conftest import ask, sign_in
from .test_sign_in import SENSITIVE

pytestmark = pytest.mark.django_db


def declare_message(beneficiary):
    return Message.objects.filter(person_id=beneficiary.pk, template="portal_declare_code").order_by("-pk").first()


def declare_code_of(beneficiary):
    return re.search(r"\d{6}", declare_message(beneficiary).body).group()


def wrong(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.fixture
def ready(client, make_case):
    """A request at the declaration step, its owner signed in."""
    case = make_case("documents_complete")
    sign_in(client, case.beneficiary)
    return case


def ask_declare(client, case, name=None, agreed=True):
    data = {"signer_name": case.beneficiary.full_name if name is None else name}
    if agreed:
        data["agreed"] = "on"
    return client.post(f"/portal/requests/{case.pk}/declare/", data)


def test_the_request_page_offers_the_declaration_at_its_step(client, ready):
    text = client.get(f"/portal/requests/{ready.pk}/").content.decode()
    assert f"/portal/requests/{ready.pk}/declare/" in text and "توقيع الإقرار" in text
    page = client.get(f"/portal/requests/{ready.pk}/declare/")
    assert page.status_code == 200 and DECLARATION_TEXT in page.content.decode()
    assert "أقر بصحة البيانات" in page.content.decode()
    assert "no-store" in page["Cache-Control"]


def test_signing_online_is_the_staff_declaration_bound_to_the_same_fingerprint(client, ready, officer):
    # The name as registered, typed with other hamza/ta marbuta spellings and spaces: the same after normalising.
    typed = "  " + ready.beneficiary.full_name.replace("عبدالله", "عبد الله") + " "
    response = ask_declare(client, ready, name=typed)
    assert response.status_code == 302 and response["Location"] == f"/portal/requests/{ready.pk}/declare/code/"
    message = declare_message(ready.beneficiary)
    assert (message.recipient, message.purpose) == (ready.beneficiary.mobile, Purpose.CODE)
    assert not any(word in message.body for word in SENSITIVE)
    code = declare_code_of(ready.beneficiary)
    row = SignInCode.objects.get(purpose=CodePurpose.DECLARE)
    assert code not in (row.code_digest, row.subject, row.nonce)
    response = client.post(f"/portal/requests/{ready.pk}/declare/code/", {"code": code})
    assert response.status_code == 302 and response["Location"] == f"/portal/requests/{ready.pk}/"

    case = refreshed(ready)
    assert case.status == Status.DECLARED
    declaration = case.current_declaration
    assert declaration.method == Declaration.Method.PORTAL and declaration.text == DECLARATION_TEXT
    assert declaration.fingerprint == case.fingerprint() and declaration.covered_data == case.fingerprint_data()
    assert declaration.matches_current_data()
    assert (declaration.taken_by_kind, declaration.taken_by_id) == ("beneficiary", None)
    assert not declaration.signature and not declaration.scan
    event = case.events.get(kind=CaseEvent.Kind.DECLARED)
    assert (event.actor_kind, event.data["method"], event.data["fingerprint"]) == (
        "beneficiary", "portal", declaration.fingerprint)
    audit = AuditEvent.objects.get(event_type=EventType.DECLARATION_RECORDED)
    assert (audit.actor_kind, audit.actor_id) == ("beneficiary", None)
    # The same check the staff's declaration passes: the officer may submit it to the committee.
    case_actions.submit_to_committee(case, by=officer)
    assert refreshed(case).status == Status.WITH_COMMITTEE


def test_the_fingerprint_is_the_one_a_staff_declaration_would_bind(make_case, officer):
    from mustafid.conftest import signature_data_url

    staff_case = make_case("documents_complete")
    staff_declaration = case_actions.record_declaration(
        staff_case, method="on_screen", signer_name=staff_case.beneficiary.full_name,
        signature_data_url=signature_data_url(), by=officer)
    portal_case = make_case("documents_complete")
    portal_declaration = case_actions.record_declaration(
        portal_case, method="portal", signer_name=portal_case.beneficiary.full_name, by=Actor.beneficiary())
    for declaration, case in ((staff_declaration, staff_case), (portal_declaration, portal_case)):
        assert declaration.fingerprint == refreshed(case).fingerprint()
        assert declaration.covered_data.keys() == {"beneficiary", "support_type", "need", "documents"}
    # A change of the data after signing online calls for a new declaration, as after a staff one.
    update_beneficiary(portal_case.beneficiary, by=officer, city="خميس مشيط")
    assert not refreshed(portal_case).current_declaration.matches_current_data()


def test_the_portal_method_is_never_a_staff_members(make_case, officer):
    case = make_case("documents_complete")
    with pytest.raises(ActionRefused):
        case_actions.record_declaration(case, method="portal", signer_name=case.beneficiary.full_name, by=officer)
    assert refreshed(case).status == Status.DOCUMENTS_COMPLETE


def test_a_name_other_than_the_registered_one_is_refused_and_no_code_is_sent(client, ready):
    response = ask_declare(client, ready, name="محمد عبدالله الأحمدي")  # three parts
    assert response.status_code == 400 and "لا يطابق اسمك المسجل" in response.content.decode()
    response = ask_declare(client, ready, name="خالد عبدالله سعيد الأحمدي")
    assert response.status_code == 400
    assert declare_message(ready.beneficiary) is None


def test_the_tick_is_required(client, ready):
    response = ask_declare(client, ready, agreed=False)
    assert response.status_code == 400 and "أكّد أنك تقر بصحة البيانات" in response.content.decode()
    assert declare_message(ready.beneficiary) is None


def test_a_wrong_code_signs_nothing_and_is_counted(client, ready):
    ask_declare(client, ready)
    code = declare_code_of(ready.beneficiary)
    response = client.post(f"/portal/requests/{ready.pk}/declare/code/", {"code": wrong(code)})
    assert response.status_code == 400 and "الرمز غير صحيح" in response.content.decode()
    assert refreshed(ready).status == Status.DOCUMENTS_COMPLETE
    assert SignInFailure.objects.filter(purpose=CodePurpose.DECLARE).count() == 1
    failed = AuditEvent.objects.get(event_type=EventType.PORTAL_SIGN_IN_FAILED)
    assert failed.actor_kind == "beneficiary" and failed.data["purpose"] == "declare"
    assert code not in str(failed.data)


def test_the_code_expires_and_is_used_once(client, ready):
    ask_declare(client, ready)
    code = declare_code_of(ready.beneficiary)
    SignInCode.objects.filter(purpose=CodePurpose.DECLARE).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(f"/portal/requests/{ready.pk}/declare/code/", {"code": code})
    assert response.status_code == 400 and "انتهت صلاحية الرمز" in response.content.decode()
    ask_declare(client, ready)
    code = declare_code_of(ready.beneficiary)
    assert client.post(f"/portal/requests/{ready.pk}/declare/code/", {"code": code}).status_code == 302
    # The same form sent again (a double submit): nothing more is written, back to the request.
    again = client.post(f"/portal/requests/{ready.pk}/declare/code/", {"code": code})
    assert again.status_code == 302 and again["Location"] == f"/portal/requests/{ready.pk}/"
    assert Declaration.objects.filter(case=ready).count() == 1


def test_a_used_code_confirms_nothing_again(ready):
    subject = account.declaration_subject(ready)
    sent = account.send_code(ready.beneficiary, CodePurpose.DECLARE, subject)
    code = declare_code_of(ready.beneficiary)
    account.use_code(ready.beneficiary, sent.challenge.pk, code, CodePurpose.DECLARE, subject, by=Actor.beneficiary())
    account.claim(sent.challenge.pk)
    with pytest.raises(account.CodeRefused) as refused:
        account.use_code(ready.beneficiary, sent.challenge.pk, code, CodePurpose.DECLARE, subject, by=Actor.beneficiary())
    assert refused.value.checked.reason == "used"


def test_a_sign_in_code_does_not_confirm_a_declaration(client, ready):
    ask(client, ready.beneficiary.national_id)
    sign_in_code = SignInCode.objects.filter(purpose=CodePurpose.SIGN_IN).latest("pk")
    checked = account.check_code(ready.beneficiary, sign_in_code.pk, "000000", CodePurpose.DECLARE,
                                 account.declaration_subject(ready), by=Actor.beneficiary())
    assert checked.reason == "gone"


def test_a_code_sent_before_the_data_changed_signs_nothing(client, ready, officer):
    ask_declare(client, ready)
    code = declare_code_of(ready.beneficiary)
    update_beneficiary(ready.beneficiary, by=officer, city="خميس مشيط")
    response = client.post(f"/portal/requests/{ready.pk}/declare/code/", {"code": code})
    assert response.status_code == 400 and "تغيرت بيانات طلبك" in response.content.decode()
    assert refreshed(ready).status == Status.DOCUMENTS_COMPLETE


def test_declaration_codes_are_limited_apart_from_the_sign_in(client, ready):
    for _ in range(3):
        assert ask_declare(client, ready).status_code == 302
    locked = ask_declare(client, ready)
    assert locked.status_code == 429 and "حاول مرة أخرى بعد" in locked.content.decode()
    # The sign-in's own allowance is untouched.
    assert ask(client.__class__(), ready.beneficiary.national_id).status_code == 302


def test_five_wrong_codes_lock_the_declaration(client, ready):
    statuses = []
    for _ in range(5):
        if not SignInCode.objects.filter(purpose=CodePurpose.DECLARE, tries__lt=3, used_at=None).exists():
            SignInCode.objects.filter(purpose=CodePurpose.DECLARE).update(created_at=timezone.now() - timedelta(hours=1))
            ask_declare(client, ready)
        code = declare_code_of(ready.beneficiary)
        statuses.append(client.post(f"/portal/requests/{ready.pk}/declare/code/", {"code": wrong(code)}).status_code)
    assert statuses[:4] == [400] * 4 and statuses[4] == 429
    assert refreshed(ready).status == Status.DOCUMENTS_COMPLETE


@pytest.mark.parametrize("status", ["received", "declared", "with_committee"])
def test_not_at_the_declaration_step_nothing_is_offered_or_signed(client, make_case, status):
    case = make_case(status)
    sign_in(client, case.beneficiary)
    assert f"/portal/requests/{case.pk}/declare/" not in client.get(f"/portal/requests/{case.pk}/").content.decode()
    response = client.get(f"/portal/requests/{case.pk}/declare/")
    assert response.status_code == 302 and response["Location"] == f"/portal/requests/{case.pk}/"
    response = ask_declare(client, case)
    assert response.status_code == 302
    response = client.post(f"/portal/requests/{case.pk}/declare/code/", {"code": "123456"})
    assert response.status_code == 302
    assert declare_message(case.beneficiary) is None
    assert refreshed(case).declarations.filter(method="portal").count() == 0


def test_anothers_request_is_not_found(client, make_case):
    mine = make_case("documents_complete")
    theirs = make_case("documents_complete")
    sign_in(client, mine.beneficiary)
    for url in (f"/portal/requests/{theirs.pk}/declare/", f"/portal/requests/{theirs.pk}/declare/code/"):
        assert client.get(url).status_code == 404
        assert client.post(url, {"signer_name": theirs.beneficiary.full_name, "agreed": "on", "code": "123456"}
                           ).status_code == 404
    assert declare_message(theirs.beneficiary) is None and declare_message(mine.beneficiary) is None


def test_the_staff_see_the_online_declaration_as_the_beneficiarys(client, make_case, officer):
    case = make_case("documents_complete")
    declaration = case_actions.record_declaration(case, method="portal", signer_name=case.beneficiary.full_name,
                                                  by=Actor.beneficiary())
    client.force_login(officer)
    text = client.get(case.get_absolute_url()).content.decode()
    assert "إقرار إلكتروني برمز تحقق عبر خدمات المستفيد" in text and "المستفيد عبر البوابة" in text
    assert f"/declarations/{declaration.pk}/" not in text  # no signature or scan to show
    assert "البيانات لم تتغير منذ التوقيع" in text
    # The staff's own form never offers the portal's method.
    from mustafid.cases.forms import DeclarationForm

    assert [value for value, _label in DeclarationForm().fields["method"].choices] == ["on_screen", "paper"]
