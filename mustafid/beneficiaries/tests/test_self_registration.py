"""The staff side of a self-registration from the portal: the officer verifies it (the category set, the record no
longer awaiting) or rejects it (deleted with its draft requests and files, the reason audited without the ID);
its requests wait for the verification; the officer's home lists the registrations awaiting, oldest first."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mustafid.association.models import Branch, Region
from mustafid.audit.models import AuditEvent, EventType
from mustafid.beneficiaries import actions
from mustafid.beneficiaries.models import Beneficiary, Category
from mustafid.cases import actions as case_actions
from mustafid.cases.models import Case, CaseDocument, Status
from mustafid.conftest import open_case, refreshed, signature_data_url, upload_all
from mustafid.lib.errors import ActionRefused
from mustafid.lib.saudi import generate_national_id

pytestmark = pytest.mark.django_db

_seed = iter(range(66_000_000, 67_000_000, 13))


def register_self(**changes):
    """A self-registration through the portal's own action (as `portal/register.py` calls it after the code)."""
    seed = next(_seed)
    fields = {
        "national_id": generate_national_id("1", seed), "first_name": "سارة", "father_name": "أحمد",
        "grandfather_name": "علي", "family_name": "القحطاني", "mobile": f"+9665{seed % 100_000_000:08d}",
        "birth_date": datetime.date(1995, 3, 14), "gender": "female", "nationality": "سعودي",
        "region": Region.objects.get(code="asir"), "city": "أبها",
    }
    fields.update(changes)
    return actions.register_self(**fields)


@pytest.fixture
def applicant(association):
    return register_self()


def verify(client, person, **data):
    return client.post(f"/beneficiaries/{person.pk}/verify/", data)


# ---------------------------------------------------------------- verifying


def test_the_record_shows_it_awaits_and_the_officer_verifies_it(client, officer, applicant):
    client.force_login(officer)
    page = client.get(f"/beneficiaries/{applicant.pk}/").content.decode()
    assert "بانتظار تحقق الموظف" in page and "لم تحدد بعد" in page and "اعتماد التسجيل" in page
    listed = client.get("/beneficiaries/").content.decode()
    assert "awaiting-verification" in listed and "لم تحدد بعد" in listed

    category = Category.objects.first()
    response = verify(client, applicant, category=category.pk, branch=applicant.branch_id)
    assert response.status_code == 302
    person = Beneficiary.objects.get(pk=applicant.pk)
    assert (person.awaiting_verification, person.category, person.verified_by) == (False, category, officer)
    assert person.verified_at is not None and person.self_registered and person.created_by is None
    audit = AuditEvent.objects.get(event_type=EventType.BENEFICIARY_VERIFIED)
    assert (audit.actor_id, audit.target_id) == (officer.pk, str(person.pk))
    assert audit.data["changed"]["category"] == {"old": None, "new": str(category)}
    page = client.get(f"/beneficiaries/{applicant.pk}/").content.decode()
    assert "بانتظار تحقق الموظف" not in page and "اعتماد التسجيل" not in page


def test_the_category_is_required_to_verify(client, officer, applicant):
    client.force_login(officer)
    response = verify(client, applicant, category="", branch=applicant.branch_id)
    assert response.status_code == 400 and "category" in response.context["verify_form"].errors
    assert Beneficiary.objects.get(pk=applicant.pk).awaiting_verification
    with pytest.raises(ActionRefused):
        actions.verify_self_registration(applicant, by=officer, category=None)


def test_a_verified_record_is_not_verified_twice_and_corrections_are_audited(officer, applicant):
    category = Category.objects.first()
    actions.verify_self_registration(applicant, by=officer, category=category, first_name="ساره", city="خميس مشيط")
    person = Beneficiary.objects.get(pk=applicant.pk)
    assert (person.first_name, person.city) == ("ساره", "خميس مشيط")
    assert AuditEvent.objects.get(event_type=EventType.BENEFICIARY_VERIFIED).data["changed"]["city"]["new"] == "خميس مشيط"
    with pytest.raises(ActionRefused, match="من قبل"):
        actions.verify_self_registration(person, by=officer, category=category)


@pytest.mark.parametrize("persona, status", [("volunteer", 403), ("researcher", 404), ("committee", 404),
                                             ("auditor", 403), ("outsider", 404)])
def test_only_those_who_register_beneficiaries_verify_or_reject(client, staff, applicant, persona, status):
    client.force_login(staff[persona])
    category = Category.objects.first()
    assert verify(client, applicant, category=category.pk, branch=applicant.branch_id).status_code == status
    assert client.post(f"/beneficiaries/{applicant.pk}/reject/", {"reason": "لا يطابق"}).status_code == status
    person = Beneficiary.objects.get(pk=applicant.pk)
    assert person.awaiting_verification


def test_a_volunteer_sees_that_it_awaits_but_no_form(client, staff, applicant):
    client.force_login(staff["volunteer"])
    page = client.get(f"/beneficiaries/{applicant.pk}/").content.decode()
    assert "بانتظار تحقق الموظف" in page and "اعتماد التسجيل" not in page


def test_a_branch_representative_verifies_those_of_their_branch(client, staff):
    rep = staff["branch_rep"]
    person = register_self(branch=rep.branch)
    client.force_login(rep)
    response = verify(client, person, category=Category.objects.first().pk, branch=Branch.objects.exclude(
        pk=rep.branch_id).first().pk)
    assert response.status_code == 302
    # Their branch stays theirs (the field is fixed for them).
    assert Beneficiary.objects.get(pk=person.pk).branch == rep.branch


# ---------------------------------------------------------------- the request waits


def test_a_request_waits_for_the_verification_and_then_proceeds(client, officer, applicant):
    case = open_case(applicant, officer)
    for document in upload_all(case, officer):
        case_actions.verify_document(document, by=officer)
    case = refreshed(case)
    assert case.status == Status.DOCUMENTS_COMPLETE
    with pytest.raises(ActionRefused, match="بانتظار تحقق الموظف"):
        case_actions.submit_to_committee(case, by=officer)
    with pytest.raises(ActionRefused, match="بانتظار تحقق الموظف"):
        case_actions.record_declaration(case, method="on_screen", signer_name=applicant.full_name,
                                        signature_data_url=signature_data_url(), by=officer)
    client.force_login(officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "المستفيد بانتظار تحقق الموظف" in page and f"/beneficiaries/{applicant.pk}/#verify" in page
    assert f"/cases/{case.pk}/declaration/" not in page
    refused = client.post(f"/cases/{case.pk}/submit/")
    assert refreshed(case).status == Status.DOCUMENTS_COMPLETE and refused.status_code in (302, 400)

    actions.verify_self_registration(applicant, by=officer, category=Category.objects.first())
    case_actions.record_declaration(refreshed(case), method="on_screen", signer_name=applicant.full_name,
                                    signature_data_url=signature_data_url(), by=officer)
    case_actions.submit_to_committee(refreshed(case), by=officer)
    assert refreshed(case).status == Status.WITH_COMMITTEE


# ---------------------------------------------------------------- rejecting


def test_the_officer_rejects_a_false_registration_and_its_drafts_and_files_go(
        client, officer, applicant, django_capture_on_commit_callbacks):
    case = open_case(applicant, officer)
    documents = upload_all(case, officer)
    paths = [document.file.path for document in documents]
    national_id = applicant.national_id
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/beneficiaries/{applicant.pk}/reject/", {"reason": "الاسم لا يطابق الهوية"})
    assert response.status_code == 302 and response["Location"] == "/beneficiaries/"
    assert not Beneficiary.objects.filter(pk=applicant.pk).exists()
    assert not Case.objects.filter(pk=case.pk).exists() and not CaseDocument.objects.filter(case_id=case.pk).exists()
    import os

    assert not any(os.path.exists(path) for path in paths)
    audit = AuditEvent.objects.get(event_type=EventType.SELF_REGISTRATION_REJECTED)
    assert audit.actor_id == officer.pk and audit.data["reason"] == "الاسم لا يطابق الهوية"
    assert audit.data["id_digest"] and national_id not in str(audit.data)
    assert audit.data["removed"]["requests"] == [case.reference]


def test_a_reason_is_required_and_only_an_awaiting_self_registration_is_rejected(client, officer, applicant,
                                                                                 beneficiary):
    client.force_login(officer)
    response = client.post(f"/beneficiaries/{applicant.pk}/reject/", {"reason": "  "})
    assert response.status_code == 400 and Beneficiary.objects.filter(pk=applicant.pk).exists()
    response = client.post(f"/beneficiaries/{beneficiary.pk}/reject/", {"reason": "خطأ"}, follow=True)
    assert "لا يُرفض إلا تسجيل ذاتي بانتظار التحقق" in response.content.decode()
    assert Beneficiary.objects.filter(pk=beneficiary.pk).exists()
    actions.verify_self_registration(applicant, by=officer, category=Category.objects.first())
    with pytest.raises(ActionRefused):
        actions.reject_self_registration(applicant, by=officer, reason="خطأ")


def test_a_rejected_registrations_contacts_stay_unlinked(officer, applicant):
    from mustafid.portal.public import send_contact

    contact = send_contact(kind="inquiry", text="متى يتم التحقق؟", beneficiary=applicant).contact
    actions.reject_self_registration(applicant, by=officer, reason="لا يطابق")
    contact.refresh_from_db()
    assert contact.beneficiary_id is None and contact.contact_name == "سارة أحمد علي القحطاني"


def test_the_portal_session_of_a_rejected_registration_ends(client, officer, association):
    from mustafid.portal.tests.conftest import sign_in

    person = register_self()
    sign_in(client, person)
    assert client.get("/portal/requests/").status_code == 200
    actions.reject_self_registration(person, by=officer, reason="لا يطابق")
    assert client.get("/portal/requests/")["Location"] == "/portal/"


# ---------------------------------------------------------------- the officer's home


def test_the_officers_home_lists_registrations_awaiting_oldest_first_from_its_index(client, officer, association):
    first = register_self(first_name="أول")
    second = register_self(first_name="ثاني")
    Beneficiary.objects.filter(pk=second.pk).update(created_at=first.created_at + datetime.timedelta(minutes=1))
    client.force_login(officer)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/").content.decode()
    block = page.split('id="awaiting-registrations"')[1].split("</ul>")[0]
    assert block.index("أول") < block.index("ثاني") and "من بوابة المستفيد" in block
    assert f"/beneficiaries/{first.pk}/#verify" in block
    awaiting = [q["sql"] for q in queries.captured_queries if "awaiting_verification" in q["sql"]]
    assert awaiting and all("LIMIT" in sql and "COUNT(" not in sql.upper() for sql in awaiting)
    actions.verify_self_registration(first, by=officer, category=Category.objects.first())
    page = client.get("/").content.decode()
    assert f"/beneficiaries/{first.pk}/#verify" not in page


def test_the_edit_form_keeps_the_category_required(client, officer, applicant):
    client.force_login(officer)
    assert client.get(f"/beneficiaries/{applicant.pk}/edit/").status_code == 200
    response = client.post(f"/beneficiaries/{applicant.pk}/edit/", {
        "first_name": "سارة", "father_name": "أحمد", "grandfather_name": "علي", "family_name": "القحطاني",
        "national_id": applicant.national_id, "mobile": "0551112233", "birth_date": "1995-03-14",
        "gender": "female", "nationality": "سعودي", "region": applicant.region_id, "city": "أبها",
        "branch": applicant.branch_id, "category": "",
    })
    assert response.status_code == 400 and "category" in response.context["form"].errors
    assert re.search("الفئة", response.content.decode())
