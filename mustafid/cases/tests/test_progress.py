"""Where a request stands: the stepper, what is missing and the reader's next steps, at each state for each role."""

import re

import pytest
from django.urls import reverse

from mustafid.beneficiaries.actions import update_beneficiary
from mustafid.cases import actions
from mustafid.cases.models import Step
from mustafid.cases.progress import progress
from mustafid.conftest import pdf_file, refreshed, valid_dates
from mustafid.research.actions import answer_referral, refer_to_researcher

# status -> (the current stage and its state, the officer's next steps, the chair's)
EXPECTED = {
    "received": (("documents", "current"), ["رفع مستند"], []),
    "incomplete": (("documents", "incomplete"), ["رفع مستند"], []),
    "documents_complete": (("declaration", "current"), ["توقيع الإقرار"], []),
    "declared": (("committee", "current"), ["رفع الطلب للجنة البحث"], []),
    "with_committee": (("decision", "current"), [], ["القرار في اجتماع اللجنة"]),
    "approved": (("registration", "current"), ["استكمال التسجيل"], []),
    # Within APPEAL_DAYS of the rejection the applicant may appeal (committee/tests/test_appeals.py).
    "rejected": (("closed", "current"), ["تسجيل تظلم", "إغلاق الطلب"], []),
    "registered": (("service", "current"), ["تسجيل تقديم الخدمة"], []),
    "in_service": (("service", "current"), ["تسجيل تقديم الخدمة", "إغلاق الطلب"], []),
    "closed": (None, [], []),
}


def labels(result):
    return [str(action.label) for action in result.actions]


@pytest.mark.parametrize("status", list(EXPECTED))
def test_each_state_has_its_current_stage_and_each_role_its_next_steps(make_case, staff, status):
    case = make_case(status)
    current, officer_steps, chair_steps = EXPECTED[status]
    seen = progress(case, staff["officer"])
    stage = seen.current
    assert ((stage.key, stage.state) if stage else None) == current
    assert labels(seen) == officer_steps
    assert labels(progress(case, staff["chair"])) == chair_steps
    # Readers without the step's role have nothing to press, whatever the state.
    for persona in ("committee", "auditor", "researcher", "manager"):
        assert labels(progress(case, staff[persona])) == [], persona
    # Every stage before the current one is done; every one after is still to come (or does not apply).
    states = [s.state for s in seen.stages]
    if current:
        index = [s.key for s in seen.stages].index(current[0])
        assert set(states[:index]) <= {"done", "rejected", "skipped"} and set(states[index + 1:]) <= {"next"}
    else:
        assert set(states) == {"done"}
    # Each action is a step the request offers this reader: the step facts, not a second copy of them.
    for action in seen.actions:
        assert case.offers(action.step, staff["officer"])


def test_a_rejected_request_shows_the_rejection_and_skips_registration_and_service(make_case, officer):
    for status in ("rejected", "closed_after_rejection"):
        stages = {s.key: s.state for s in progress(make_case(status), officer).stages}
        assert stages["decision"] == "rejected"
        assert stages["registration"] == stages["service"] == "skipped"


def test_what_is_missing_names_each_document_not_yet_verified_or_uploaded(make_case, officer):
    case = make_case("received")
    doc_types = list(case.support_type.required_documents.all())
    assert len(doc_types) >= 2
    first = doc_types[0]
    dates = valid_dates() if first.requires_expiry else {"issued_on": None, "expires_on": None}
    actions.upload_document(case, document_type=first, uploaded_file=pdf_file(), by=officer, **dates)
    seen = progress(refreshed(case), officer)
    assert f"بانتظار التحقق: {first}" in [str(m) for m in seen.missing]
    assert f"لم يُرفع: {doc_types[1]}" in [str(m) for m in seen.missing]
    # Something to verify and something to upload: both, the verification first.
    assert labels(seen) == ["التحقق من المستندات", "رفع مستند"]


def test_a_declaration_no_longer_matching_the_data_is_missing_and_says_what_changed(make_case, officer, client):
    case = make_case("declared")
    beneficiary = case.beneficiary
    update_beneficiary(beneficiary, by=officer, city="خميس مشيط")
    seen = progress(refreshed(case), officer)
    assert "تغيرت البيانات بعد توقيع الإقرار؛ يلزم إقرار جديد" in [str(m) for m in seen.missing]
    assert labels(seen) == []  # nothing to submit: the committee would refuse it
    client.force_login(officer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "ما تغير:" in page and "المدينة" in page
    assert case.current_declaration.fingerprint not in page and case.current_declaration.fingerprint[:12] not in page


def test_the_researchers_answer_is_awaited_until_given_and_the_researcher_is_asked_for_it(make_case, officer, researcher):
    case = make_case("documents_complete")
    referral = refer_to_researcher(researcher=researcher, question="ما شروط الدعم؟", by=officer, case=case)
    assert any("بانتظار رد الباحث الاجتماعي" in str(m) for m in progress(case, officer).missing)
    assert labels(progress(case, researcher)) == ["الرد على الإحالة"]
    answer_referral(referral, answer="شرحت الشروط", by=researcher)
    assert not any("بانتظار رد الباحث" in str(m) for m in progress(case, officer).missing)
    assert labels(progress(case, researcher)) == []


# --- The page.

def stepper(page):
    return re.search(r'<ol class="stepper">(.*?)</ol>', page, re.S).group(1)


@pytest.mark.parametrize("status,current_label,next_step", [
    ("received", "المستندات", "رفع مستند"),
    ("declared", "الرفع للجنة", "رفع الطلب للجنة البحث"),
    ("approved", "التسجيل", "استكمال التسجيل"),
])
def test_the_page_shows_the_stepper_with_the_current_step_and_the_next_action(make_case, officer, client, status,
                                                                              current_label, next_step):
    case = make_case(status)
    client.force_login(officer)
    page = client.get(case.get_absolute_url()).content.decode()
    steps = stepper(page)
    assert steps.count('aria-current="step"') == 1
    current = re.search(r'<li[^>]*aria-current="step"[^>]*>(.*?)</li>', steps, re.S).group(1)
    assert current_label in current and "الحالية" in current  # in words, not colour alone
    assert "تمت" in steps and "لاحقة" in steps
    action = re.search(r'<a class="btn btn-primary" href="(#[\w-]+)" data-next-step="[\w_]+">([^<]+)</a>', page)
    assert action.group(2) == next_step
    assert f'id="{action.group(1)[1:]}"' in page  # the link leads to the panel's form on the page


def test_the_decision_due_date_and_days_left_are_at_the_top(make_case, chair, client):
    case = make_case("with_committee")
    client.force_login(chair)
    page = client.get(case.get_absolute_url()).content.decode()
    head = page[page.index('<header class="case-head'):page.index("</header>")]
    assert "موعد القرار" in head and "المتبقي على الموعد" in head
    assert 'href="#decision"' in head


def test_a_verified_document_has_no_refuse_button_and_the_upload_form_stays_open_after_a_refusal(
    make_case, officer, client
):
    case = make_case("received")
    doc_types = list(case.support_type.required_documents.all())
    dates = valid_dates()
    document = actions.upload_document(case, document_type=doc_types[0], uploaded_file=pdf_file(), by=officer,
                                       **dates)
    actions.verify_document(document, by=officer)
    client.force_login(officer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert reverse("cases:refuse_document", args=[document.pk]) not in page
    # A refused upload (a file that is not a PDF or an image): the form is shown again, open, with the message.
    response = client.post(reverse("cases:upload_document", args=[case.pk]), {
        "document_type": doc_types[1].pk, "file": pdf_file("x.pdf", b"not a pdf at all"),
        "issued_on": dates["issued_on"].isoformat(), "expires_on": dates["expires_on"].isoformat(),
    })
    assert response.status_code == 400
    assert re.search(r'<details id="upload"\s+open>', response.content.decode())


def test_the_expiry_date_is_required_for_a_document_type_that_has_one(make_case, officer, client):
    case = make_case("received")
    with_expiry = [d for d in case.support_type.required_documents.all() if d.requires_expiry]
    assert with_expiry
    client.force_login(officer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert f'data-expiry-types="{",".join(str(d.pk) for d in with_expiry)}"' in page
    assert "مطلوب لهذه المستندات" in page
    response = client.post(reverse("cases:upload_document", args=[case.pk]), {
        "document_type": with_expiry[0].pk, "file": pdf_file(), "issued_on": valid_dates()["issued_on"].isoformat(),
    })
    assert response.status_code == 400
    assert "أدخل تاريخ انتهاء المستند." in response.content.decode()
    assert not case.documents.exists()


def test_the_mark_incomplete_panel_reads_as_an_action_and_is_folded(make_case, officer, client):
    case = make_case("documents_complete")
    client.force_login(officer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "الطلب غير مكتمل</h2>" not in page
    assert re.search(r'<details>\s*<summary><h2 id="incomplete-title"', page)


def test_past_panels_are_folded_for_the_committee(make_case, committee_member, client):
    case = make_case("with_committee")
    client.force_login(committee_member)
    page = client.get(case.get_absolute_url()).content.decode()
    assert re.search(r'<details><summary><h2 id="documents-title"', page)
    assert re.search(r'<details><summary><h2 id="declaration-title"', page)


def test_only_the_documents_step_is_used_for_documents(make_case, officer):
    """The documents' next steps exist only while the request accepts documents."""
    case = make_case("with_committee")
    assert not case.offers(Step.DOCUMENTS, officer)
    assert progress(case, officer).missing == []
