"""Drafts of the portal's long forms (drafts.py): saved as the beneficiary types, restored when they come back (after
the idle sign-out too), deleted when the form is sent or discarded; only known fields, cleaned, at most 20 KB; the
owner's only; pruned after 30 days; the save keeps the session alive. And the glossary: «معاني الكلمات» and the
inline «ما معنى …؟» beside the words."""

import datetime
import re
import time

import pytest
from django.test import Client
from django.utils import timezone

from mustafid.cases.models import Case, SupportType
from mustafid.conftest import make_beneficiary, pdf_file
from mustafid.portal import actions, drafts, session
from mustafid.portal.glossary import TERMS
from mustafid.portal.models import PortalDraft

from .conftest import sign_in

pytestmark = pytest.mark.django_db

FETCH = {"HTTP_X_REQUESTED_WITH": "fetch", "HTTP_ACCEPT": "application/json"}
NEED = "أحتاج مساعدة لسداد فاتورة الكهرباء المتأخرة"


@pytest.fixture
def applicant(officer):
    return make_beneficiary(by=officer)


@pytest.fixture
def support_type(association):
    return SupportType.objects.filter(active=True, required_documents__isnull=False).distinct().first()


@pytest.fixture
def signed_in(client, applicant):
    sign_in(client, applicant)
    return client


def choose(client, support_type):
    assert client.post("/portal/apply/", {"support_type": support_type.pk}).status_code == 302


def save(client, form, **fields):
    return client.post("/portal/draft/", {"draft_form": form, **fields}, **FETCH)


def draft_of(beneficiary, form):
    return PortalDraft.objects.filter(beneficiary=beneficiary, form=form).first()


def test_the_apply_form_is_saved_as_they_type_and_restored_when_they_come_back(signed_in, applicant, support_type):
    choose(signed_in, support_type)
    page = signed_in.get("/portal/apply/request/").content.decode()
    # The form says what the script keeps, the script is loaded, the status is a polite live region.
    assert f'data-draft="apply:{support_type.pk}"' in page and 'data-draft-fields="need"' in page
    assert "portal/drafts.js" in page and 'role="status"' in page
    response = save(signed_in, f"apply:{support_type.pk}", need=NEED)
    assert response.status_code == 200 and response.json() == {"saved": True, "message": "حُفظت المسودة."}
    assert draft_of(applicant, f"apply:{support_type.pk}").data == {"need": NEED}
    # Later: the first page chooses the type again, the second has the text back and offers «حذف المسودة».
    stored = signed_in.session
    stored.pop("portal_apply_type", None)
    stored.save()
    assert re.search(rf'value="{support_type.pk}" id="id_support_type_\d+" checked',
                     signed_in.get("/portal/apply/").content.decode())
    choose(signed_in, support_type)
    page = signed_in.get("/portal/apply/request/").content.decode()
    assert NEED in page and "حذف المسودة" in page and "أعدنا إليك ما كتبته من قبل" in page


def test_the_draft_survives_the_idle_sign_out_and_a_new_sign_in(client, applicant, support_type):
    sign_in(client, applicant)
    choose(client, support_type)
    save(client, f"apply:{support_type.pk}", need=NEED)
    stored = client.session
    stored[session.SEEN] = int(time.time()) - 16 * 60
    stored.save()
    # Idle: signed out, and the script's save is refused clearly (nothing else is lost: the text is on the page).
    refused = save(client, f"apply:{support_type.pk}", need=NEED + " وأكثر")
    assert refused.status_code == 403 and "انتهت الجلسة" in refused.json()["message"]
    sign_in(client, applicant)
    choose(client, support_type)
    assert NEED in client.get("/portal/apply/request/").content.decode()
    assert draft_of(applicant, f"apply:{support_type.pk}").data == {"need": NEED}


def test_saving_counts_as_activity_so_a_slow_typist_is_never_signed_out(signed_in, support_type):
    choose(signed_in, support_type)
    stored = signed_in.session
    stored[session.SEEN] = int(time.time()) - 14 * 60
    stored.save()
    assert save(signed_in, f"apply:{support_type.pk}", need=NEED).status_code == 200
    assert signed_in.session[session.SEEN] >= int(time.time()) - 5
    assert signed_in.get("/portal/apply/request/").status_code == 200


def test_sending_the_request_deletes_its_draft(signed_in, applicant, support_type):
    choose(signed_in, support_type)
    save(signed_in, f"apply:{support_type.pk}", need=NEED)
    data = {"need": NEED}
    for document_type in support_type.required_documents.all():
        data[f"file_{document_type.pk}"] = pdf_file()
        if document_type.requires_expiry:
            data[f"expires_{document_type.pk}"] = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    response = signed_in.post("/portal/apply/request/", data)
    assert response.status_code == 302 and Case.objects.filter(beneficiary=applicant).count() == 1
    assert not PortalDraft.objects.filter(beneficiary=applicant).exists()


def test_discarding_deletes_it_with_or_without_the_script(signed_in, applicant, support_type):
    choose(signed_in, support_type)
    key = f"apply:{support_type.pk}"
    save(signed_in, key, need=NEED)
    response = signed_in.post("/portal/draft/", {"draft_form": key, "discard": "1"}, **FETCH)
    assert response.json() == {"saved": False, "message": "حُذفت المسودة."}
    assert draft_of(applicant, key) is None
    # Without the script: a plain form, back to the form's page with the words said there.
    save(signed_in, key, need=NEED)
    response = signed_in.post("/portal/draft/", {"draft_form": key, "discard": "1"})
    assert response.status_code == 302 and response["Location"] == "/portal/apply/request/"
    assert draft_of(applicant, key) is None
    page = signed_in.get("/portal/apply/request/").content.decode()
    assert "حُذفت المسودة." in page and NEED not in page


def test_only_known_fields_are_kept_and_values_are_cleaned(signed_in, applicant, support_type):
    key = f"apply:{support_type.pk}"
    response = save(signed_in, key, need="إيجار\x00 البيت\u202eexe.pdf\nسطر", national_id="1000000008", code="123456")
    assert response.status_code == 200
    assert draft_of(applicant, key).data == {"need": "إيجار البيتexe.pdf\nسطر"}
    # An empty draft is no draft.
    save(signed_in, key, need="   ")
    assert draft_of(applicant, key) is None


def test_a_draft_over_20_kb_is_refused_clearly_and_nothing_is_kept(signed_in, applicant, support_type):
    key = f"apply:{support_type.pk}"
    save(signed_in, key, need=NEED)
    response = save(signed_in, key, need="ب" * 100_000)
    assert response.status_code == 400 and "المسودة أطول من المسموح به" in response.json()["message"]
    assert draft_of(applicant, key).data == {"need": NEED}


@pytest.mark.parametrize("form", ["", "apply", "apply:999999", "apply:x", "answer:1", "contact:3", "settings", "x" * 500])
def test_an_unknown_form_or_one_not_theirs_is_refused(signed_in, applicant, form):
    response = save(signed_in, form, need=NEED, note=NEED, text=NEED)
    assert response.status_code == 400 and response.json()["message"] == "لا تُحفظ مسودة لهذا النموذج."
    assert not PortalDraft.objects.exists()


def test_signed_out_nothing_is_saved(client, support_type):
    assert save(client, f"apply:{support_type.pk}", need=NEED).status_code == 403
    assert client.post("/portal/draft/", {"draft_form": "contact", "text": NEED}).status_code == 302
    assert client.get("/portal/draft/").status_code == 405
    assert not PortalDraft.objects.exists()
    # The public contact form signed out keeps no draft.
    assert "data-draft" not in client.get("/portal/contact/").content.decode()


def test_a_draft_is_never_readable_by_another_beneficiary(signed_in, applicant, officer, make_case, support_type):
    returned = make_case("returned", beneficiary=applicant)
    assert save(signed_in, f"answer:{returned.pk}", note="ردّي على اللجنة").status_code == 200
    assert save(signed_in, "contact", kind="inquiry", text="سؤالي الخاص").status_code == 200
    choose(signed_in, support_type)
    save(signed_in, f"apply:{support_type.pk}", need=NEED)
    other = make_beneficiary(by=officer)
    theirs = Client()
    sign_in(theirs, other)
    # Their own pages of the same forms are empty; the other's request is a 404; its key is refused.
    choose(theirs, support_type)
    assert NEED not in theirs.get("/portal/apply/request/").content.decode()
    assert "سؤالي الخاص" not in theirs.get("/portal/contact/").content.decode()
    assert theirs.get(f"/portal/requests/{returned.pk}/answer/").status_code == 404
    refused = save(theirs, f"answer:{returned.pk}", note="كتابة فوق مسودة غيري")
    assert refused.status_code == 400
    assert theirs.post("/portal/draft/", {"draft_form": f"answer:{returned.pk}", "discard": "1"}, **FETCH).status_code == 400
    # Their own contact draft is their own row; the owner's drafts are untouched.
    save(theirs, "contact", kind="complaint", text="سؤال آخر")
    assert draft_of(applicant, "contact").data == {"kind": "inquiry", "text": "سؤالي الخاص"}
    assert draft_of(applicant, f"answer:{returned.pk}").data == {"note": "ردّي على اللجنة"}
    assert draft_of(other, "contact").data == {"kind": "complaint", "text": "سؤال آخر"}


def test_the_answer_to_the_committee_keeps_its_note_until_it_is_sent(signed_in, applicant, make_case):
    returned = make_case("returned", beneficiary=applicant)
    key = f"answer:{returned.pk}"
    page = signed_in.get(f"/portal/requests/{returned.pk}/answer/").content.decode()
    assert f'data-draft="{key}"' in page and 'data-draft-fields="note"' in page
    save(signed_in, key, note="أرسلت العقد الجديد")
    assert "أرسلت العقد الجديد" in signed_in.get(f"/portal/requests/{returned.pk}/answer/").content.decode()
    response = signed_in.post(f"/portal/requests/{returned.pk}/answer/", {"note": "أرسلت العقد الجديد", "send": "1"})
    assert response.status_code == 302
    assert draft_of(applicant, key) is None
    # Once the request is back with the committee, no draft of an answer is taken.
    assert save(signed_in, key, note="بعد الإرسال").status_code == 400


def test_the_signed_in_contact_form_keeps_its_draft_until_it_is_sent(signed_in, applicant):
    save(signed_in, "contact", kind="complaint", text="تأخر الرد على طلبي")
    page = signed_in.get("/portal/contact/").content.decode()
    assert "تأخر الرد على طلبي" in page and 'value="complaint"' in page
    response = signed_in.post("/portal/contact/", {"kind": "complaint", "text": "تأخر الرد على طلبي"})
    assert response.status_code == 302
    assert draft_of(applicant, "contact") is None


def test_drafts_older_than_30_days_are_pruned_with_the_sign_in_rows(applicant, support_type):
    drafts.save(applicant, "contact", {"kind": "inquiry", "text": "قديم"})
    drafts.save(applicant, f"apply:{support_type.pk}", {"need": "حديث"})
    PortalDraft.objects.filter(form="contact").update(updated_at=timezone.now() - datetime.timedelta(days=31))
    assert actions.prune() == 1
    assert list(PortalDraft.objects.values_list("form", flat=True)) == [f"apply:{support_type.pk}"]
    assert actions.prune(timezone.now() + datetime.timedelta(days=31)) == 1
    assert not PortalDraft.objects.exists()


def test_the_glossary_page_lists_every_word_with_its_plain_meaning(client):
    response = client.get("/portal/words/")
    text = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "<h1" in text and "معاني الكلمات" in text
    for term in TERMS:
        assert f'id="{term.key}"' in text and str(term.word) in text and str(term.meaning) in text
    assert "/portal/words/" in client.get("/portal/").content.decode()


def test_the_words_are_explained_beside_them_on_the_pages(signed_in, applicant, make_case):
    returned = make_case("returned", beneficiary=applicant)
    text = signed_in.get(f"/portal/requests/{returned.pk}/").content.decode()
    # A link to the word on the glossary page (the script makes it a button), its meaning hidden beside it.
    assert 'href="/portal/words/#information"' in text and "ما معنى «استكمال المعلومات»؟" in text
    assert 'class="term-text" id="term-information-1" hidden' in text
    assert "portal/glossary.js" in text
    code_page = Client()
    code_page.post("/portal/", {"national_id": applicant.national_id})
    assert "ما معنى «رمز التحقق»؟" in code_page.get("/portal/code/").content.decode()
