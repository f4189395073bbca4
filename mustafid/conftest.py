"""Fixed personas and a tiny factory, shared by every app's tests.

The association is the `aoun` preset (two weeks, eight channels); `qader`
(one month, seven channels) is loaded where a test needs the other policy.
Personas: one demo user per role, plus `outsider`, a branch representative
of another branch.
"""

import base64
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mustafid.accounts.models import Role, User
from mustafid.association.models import Branch, Region
from mustafid.beneficiaries.actions import create_beneficiary
from mustafid.beneficiaries.models import Category
from mustafid.cases import actions as case_actions
from mustafid.cases.models import SupportType
from mustafid.committee.actions import record_decision
from mustafid.demo.loader import load_demo_staff, load_preset
from mustafid.lib.saudi import generate_national_id
from mustafid.services.actions import record_delivery
from mustafid.services.models import Service

ROLES = ["officer", "researcher", "committee", "chair", "branch_rep", "volunteer", "manager", "auditor", "outsider"]


@pytest.fixture
def association(db):
    """The `aoun` association, loaded once for the session (see the root conftest); fetched here."""
    association, _created = load_preset("aoun")
    return association


@pytest.fixture
def no_association(db):
    """A deployment before any association is configured: the shared world removed, for this test only."""
    from mustafid.association.models import Association
    from mustafid.cases.models import DocumentType

    User.objects.all().delete()
    Service.objects.all().delete()
    SupportType.objects.all().delete()
    DocumentType.objects.all().delete()
    Category.objects.all().delete()
    Association.objects.all().delete()


@pytest.fixture
def staff(association):
    """username -> User for every demo role, and `outsider` (a branch rep of the third branch)."""
    users = {user.username: user for user in load_demo_staff()}
    third_branch = Branch.objects.order_by("-is_head_office", "pk")[2]
    outsider = User(username="outsider", first_name="فهد", last_name="الدوسري", branch=third_branch)
    outsider.set_unusable_password()
    outsider.save()
    outsider.roles.set([Role.BRANCH_REP])
    users["outsider"] = outsider
    return users


@pytest.fixture
def officer(staff):
    return staff["officer"]


@pytest.fixture
def committee_member(staff):
    return staff["committee"]


@pytest.fixture
def chair(staff):
    """The committee chair: a member who also records the decisions."""
    return staff["chair"]


@pytest.fixture
def researcher(staff):
    return staff["researcher"]


_seed = iter(range(10_000, 10_000_000, 7))


def make_beneficiary(*, by, branch=None, **overrides):
    """A valid beneficiary with a fresh national ID; override any field."""
    seed = next(_seed)
    fields = {
        "first_name": "محمد",
        "father_name": "عبدالله",
        "grandfather_name": "سعيد",
        "family_name": "الأحمدي",
        "national_id": generate_national_id("1", seed),
        "mobile": f"+9665{seed % 100_000_000:08d}",
        "birth_date": datetime.date(1990, 5, 17),
        "gender": "male",
        "nationality": "سعودي",
        "region": Region.objects.get(code="asir"),
        "city": "أبها",
        "branch": branch or Branch.objects.get(is_head_office=True),
        "category": Category.objects.first(),
    }
    fields.update(overrides)
    return create_beneficiary(by=by, **fields)


@pytest.fixture
def beneficiary(officer):
    return make_beneficiary(by=officer)


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_file(name="document.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def signature_data_url(blank=False):
    """A PNG data URL as the signature pad sends it: a stroke, or nothing (blank)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (200, 80), (0, 0, 0, 0))
    if not blank:
        ImageDraw.Draw(image).line([(10, 60), (80, 10), (190, 50)], fill=(0, 0, 0, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def valid_dates():
    today = timezone.localdate()
    return {"issued_on": today - datetime.timedelta(days=365), "expires_on": today + datetime.timedelta(days=365)}


def open_case(beneficiary, by, support_type=None, channel="phone"):
    support_type = support_type or SupportType.objects.first()
    return case_actions.open_case(beneficiary=beneficiary, support_type=support_type, channel=channel,
                                  need="يحتاج إلى دعم العلاج", by=by)


def upload_all(case, by):
    documents = []
    for doc_type in case.support_type.required_documents.all():
        dates = valid_dates() if doc_type.requires_expiry else {"issued_on": None, "expires_on": None}
        documents.append(case_actions.upload_document(case, document_type=doc_type, uploaded_file=pdf_file(),
                                                      by=by, **dates))
    return documents


def case_at(status, *, beneficiary, officer, committee_member=None):
    """A request walked through the real actions up to `status`."""
    case = open_case(beneficiary, officer)
    if status == "received":
        return case
    if status == "incomplete":
        case_actions.mark_incomplete(case, note="ينقص تقرير طبي", by=officer)
        return refreshed(case)
    for document in upload_all(case, officer):
        case_actions.verify_document(document, by=officer)
    if status == "documents_complete":
        return refreshed(case)
    case_actions.record_declaration(refreshed(case), method="on_screen", signer_name=beneficiary.full_name,
                                    signature_data_url=signature_data_url(), by=officer)
    if status == "declared":
        return refreshed(case)
    case_actions.submit_to_committee(case, by=officer)
    if status == "with_committee":
        return refreshed(case)
    if status == "returned":
        # The chair returns it for information (the decision clock stands still).
        case_actions.return_for_information(refreshed(case), asked="صورة عقد الإيجار الساري", of_whom="applicant",
                                            by=committee_member)
        return refreshed(case)
    outcome = "rejected" if status in ("rejected", "closed_after_rejection") else "approved"
    record_decision(refreshed(case), outcome=outcome, reasons="مستوفٍ للشروط" if outcome == "approved" else "غير مستوفٍ",
                    by=committee_member)
    if status in ("approved", "rejected"):
        return refreshed(case)
    if status == "closed_after_rejection":
        case_actions.close_case(case, note="", by=officer)
        return refreshed(case)
    case_actions.register_beneficiary(case, by=officer)
    if status == "registered":
        return refreshed(case)
    record_delivery(case, service=Service.objects.first(), quantity=500, delivered_on=timezone.localdate(), by=officer)
    if status == "in_service":
        return refreshed(case)
    case_actions.close_case(case, note="تم تقديم الخدمة", by=officer)
    return refreshed(case)


def refreshed(case):
    case.refresh_from_db()
    return case


@pytest.fixture
def make_case(officer, chair):
    def make(status="received", beneficiary=None, **kwargs):
        # The chair records the committee's decision.
        return case_at(status, beneficiary=beneficiary or make_beneficiary(by=officer, **kwargs), officer=officer,
                       committee_member=chair)

    return make


class Outbox:
    """What the demo's file transport wrote, and a real worker to run (`manage.py db_worker --batch`).

    The worker commits as it goes: use it in tests with `transactional_db`.
    """

    def __init__(self, folder):
        self.folder = folder

    def run_worker(self):
        from django.core.management import call_command

        call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", "--no-reload", verbosity=0)

    def files(self):
        return sorted(self.folder.glob("*.txt")) if self.folder.exists() else []

    def messages(self):
        """Each sent message as a dict: the headers (To, Channel, Language, Template, Subject) and `text`."""
        found = []
        for path in self.files():
            head, _blank, text = path.read_text(encoding="utf-8").partition("\n\n")
            message = dict(line.split(": ", 1) for line in head.splitlines())
            message["text"] = text.strip()
            found.append(message)
        return found


@pytest.fixture
def outbox(settings):
    return Outbox(settings.MESSAGES_DIR)
