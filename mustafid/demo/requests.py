"""Demo requests: the research committee's work on past days, through the real actions.

Every step is the action the staff would take on the page (open, upload and verify the documents, the
declaration, the submission, the meeting with its attendance, votes and outcomes, its closing, a return for
information and its answer, an appeal), taken on a past day: Django's clock (`django.utils.timezone`) reads
that day while the step runs, so the rows, the timeline the decision clock is read from, the due dates, the
decision numbers and `within_response_period` are what the actions themselves wrote that day. Nothing is
edited afterwards.

The days are counted back from today with the preset's response period P (14 days, Qader's 30), so each
preset shows at any date:

* two closed meetings: about 45 days ago (an approval, a rejection, and an approval after the period) and
  10 days ago (attendance with one member absent, votes, an approval with the support granted, a rejection
  with a listed reason, a return for information; the request overdue by now was on its agenda, deferred);
* with the committee: one on time (P-3 days left), one due in 2 days, one whose clock paused 5 days and was
  answered (due in 5 days, moved by the pause), one overdue by 4 days, and the rejection of 10 days ago under
  appeal (filed 4 days ago, its own clock);
* one returned for information (the clock stands still).

Qader's month always crosses a Hijri month's end (a Hijri month has 29 or 30 days).
"""

import base64
import datetime
import io
from contextlib import contextmanager
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils import timezone as django_timezone

from mustafid.accounts.models import User
from mustafid.association.models import Association, Branch
from mustafid.beneficiaries.actions import create_beneficiary
from mustafid.beneficiaries.models import Category
from mustafid.cases import actions as case_actions
from mustafid.cases.models import Case, SupportType
from mustafid.committee import actions as committee_actions
from mustafid.committee.appeals import file_appeal
from mustafid.committee.models import RejectionReason
from mustafid.lib.saudi import generate_national_id

# A minimal valid PDF: the stand-in for each scanned document of the demo.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

# (first, father, grandfather, family, gender, need)
APPLICANTS = [
    ("عبدالرحمن", "محمد", "علي", "الشهراني", "male", "أب لخمسة أبناء بلا دخل ثابت منذ ستة أشهر"),
    ("فاطمة", "أحمد", "سعيد", "القرني", "female", "أرملة تعول ثلاثة أطفال، ودخلها الضمان الاجتماعي وحده"),
    ("سلمان", "عبدالله", "حسن", "الأسمري", "male", "متعافٍ يحتاج إلى استكمال برنامج التأهيل"),
    ("نوف", "صالح", "محمد", "العمري", "female", "أسرة متأخرة في سداد الإيجار ثلاثة أشهر"),
    ("ماجد", "فهد", "ناصر", "الزهراني", "male", "عاطل عن العمل ويعول والديه المسنين"),
    ("هيا", "سعد", "عبدالعزيز", "الدوسري", "female", "مطلقة تعول طفلين، والنفقة منقطعة"),
    ("تركي", "خالد", "إبراهيم", "المطيري", "male", "يحتاج إلى علاج شهري لا يغطيه التأمين"),
    ("أمل", "حمد", "عثمان", "الحربي", "female", "أسرة من سبعة أفراد في سكن لا يصلح"),
    ("بندر", "سلطان", "يحيى", "الغامدي", "male", "دخل الأسرة لا يكفي الغذاء الأساسي"),
    ("جواهر", "ناصر", "صالح", "العتيبي", "female", "تحتاج إلى جهاز طبي لابنها ذي الإعاقة"),
    ("راكان", "عمر", "حمد", "السبيعي", "male", "أسرة سجين بلا عائل منذ سنة"),
]


@contextmanager
def clock_at(day, hour=10, minute=0):
    """Run the steps inside as on `day` at hour:minute (Riyadh time): Django's clock reads that moment, for the
    actions and for every model default alike (`django.utils.timezone.now` reads `datetime.now`)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
    real = django_timezone.datetime

    class DemoClock(real):
        @classmethod
        def now(cls, tz=None):
            return moment.astimezone(tz) if tz is not None else timezone.make_naive(moment)

    django_timezone.datetime = DemoClock
    try:
        yield moment
    finally:
        django_timezone.datetime = real


def _signature():
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (200, 80), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(10, 60), (60, 15), (110, 55), (190, 20)], fill=(0, 0, 0, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


class DemoRequests:
    """The steps of the demo, each on its day (`clock_at`); see the module's docstring."""

    def __init__(self, staff):
        self.staff = staff
        self.officer, self.chair = staff["officer"], staff["chair"]
        self.members = [staff["chair"], staff["committee"], staff["member"]]
        association = Association.objects.current()
        self.period = association.policy_in_force().response_days
        self.region = association.region
        self.branches = list(Branch.objects.order_by("-is_head_office", "pk"))
        self.support_types = list(SupportType.objects.order_by("pk"))
        self.category = Category.objects.order_by("order", "pk").first()
        self.reasons = list(RejectionReason.objects.order_by("order", "pk"))
        self.signature = _signature()
        self.count = 0
        self.cases = {}
        self.meetings = []
        self.schedule = []
        # Today, read once: inside a step Django's clock reads that step's day.
        self.today = timezone.localdate()

    # -- the schedule: every step at its moment, run in the order of the days ----------------------------------
    def day_ago(self, days):
        return self.today - datetime.timedelta(days=days)

    def at(self, days_ago, hour, minute, step):
        self.schedule.append((self.day_ago(days_ago), hour, minute, len(self.schedule), step))

    def submitted(self, key, days_ago):
        """A request received two days before `days_ago` (its documents verified, the declaration signed) and
        raised to the committee `days_ago` days ago: the decision clock starts that day."""
        n = self.count
        self.count += 1
        received = self.day_ago(days_ago + 2)
        self.at(days_ago + 2, 9, n % 50, lambda: self.receive(key, n, received))
        self.at(days_ago, 11, n % 50, lambda: case_actions.submit_to_committee(self.case(key), by=self.officer))

    def receive(self, key, n, received):
        first, father, grandfather, family, gender, need = APPLICANTS[n % len(APPLICANTS)]
        branch = self.branches[n % len(self.branches)]
        support_type = self.support_types[n % len(self.support_types)]
        seed = 900_001 + 37 * n
        beneficiary = create_beneficiary(
            by=self.officer, first_name=first, father_name=father, grandfather_name=grandfather,
            family_name=family, national_id=generate_national_id("1", seed),
            mobile=f"+9665{seed % 100_000_000:08d}", birth_date=datetime.date(1975 + n, 3, 11),
            gender=gender, nationality="سعودي", region=self.region, city=branch.city, branch=branch,
            category=self.category,
        )
        case = case_actions.open_case(beneficiary=beneficiary, support_type=support_type,
                                      channel="interview" if n % 2 else "phone", need=need, by=self.officer)
        for document_type in support_type.required_documents.all():
            dates = ({"issued_on": received - datetime.timedelta(days=300),
                      "expires_on": received + datetime.timedelta(days=400)}
                     if document_type.requires_expiry else {"issued_on": None, "expires_on": None})
            upload = SimpleUploadedFile(f"document-{document_type.pk}.pdf", DEMO_PDF, content_type="application/pdf")
            document = case_actions.upload_document(case, document_type=document_type, uploaded_file=upload,
                                                    by=self.officer, **dates)
            case_actions.verify_document(document, by=self.officer)
        case.refresh_from_db()
        case_actions.record_declaration(case, method="on_screen", signer_name=beneficiary.full_name,
                                        signature_data_url=self.signature, by=self.officer)
        self.cases[key] = case

    def case(self, key):
        case = self.cases[key]
        case.refresh_from_db()
        return case

    # -- a meeting of the committee ---------------------------------------------------------------------------
    def meeting(self, days_ago, outcomes, absent=()):
        """A meeting at 18:00 `days_ago` days ago: the agenda the action builds (the requests with the committee
        that day), attendance, each present member's vote and the chair's outcome for `outcomes` ({key:
        outcome}), then closed. Requests on the agenda without an outcome stay with the committee (deferred)."""
        day = self.day_ago(days_ago)
        self.at(days_ago, 18, 0, lambda: self.hold(day, outcomes, absent))

    def hold(self, day, outcomes, absent):
        present = [member for member in self.members if member.username not in absent]
        meeting = committee_actions.create_meeting(starts_at=timezone.now(), invited=self.members,
                                                   place="مقر الجمعية — قاعة الاجتماعات", by=self.chair)
        with clock_at(day, 18, 10):
            committee_actions.record_attendance(meeting, present=present, by=self.chair)
        minute = 15
        for key, outcome in outcomes.items():
            case = self.case(key)
            choice = {"approved": "approve", "rejected": "reject", "returned": "return"}[outcome]
            for member in present:
                minute += 1
                with clock_at(day, 18, minute):
                    committee_actions.cast_vote(meeting, case, choice=choice, by=member)
            minute += 1
            with clock_at(day, 18, minute):
                if outcome == "approved":
                    committee_actions.record_outcome(
                        meeting, case, outcome="approved", by=self.chair,
                        reasons="مستوفٍ لشروط الاستحقاق بحسب المستندات ودراسة الحالة",
                        support_type=case.support_type, amount=Decimal("1500"), duration_months=6,
                        starts_on=day + datetime.timedelta(days=7))
                elif outcome == "rejected":
                    committee_actions.record_outcome(
                        meeting, case, outcome="rejected", by=self.chair,
                        reasons="دخل الأسرة الشهري يتجاوز الحد المعتمد لنوع الدعم المطلوب",
                        rejection_reason=self.reasons[min(1, len(self.reasons) - 1)])
                else:
                    committee_actions.record_outcome(
                        meeting, case, outcome="returned", by=self.chair, of_whom="applicant",
                        asked="صورة عقد الإيجار الساري وتعريف بالراتب الحالي")
        with clock_at(day, 19, 30):
            committee_actions.close_meeting(meeting, by=self.chair)
        self.meetings.append(meeting)

    # -- the whole demo --------------------------------------------------------------------------------------
    def run(self):
        p = self.period
        # ~45 days ago: a meeting decides three requests, one of them after its period.
        self.submitted("early_approved", 50)
        self.submitted("early_late", 45 + p + 3)
        self.submitted("early_rejected", 53)
        self.meeting(45, {"early_late": "approved", "early_approved": "approved", "early_rejected": "rejected"})

        # With the committee now, each at another point of its period.
        self.submitted("overdue", p + 4)                    # overdue by 4 days (the last meeting deferred it)
        self.submitted("answered", p)                       # returned, answered 5 days later: due in 5 days
        self.at(p - 3, 12, 0, lambda: case_actions.return_for_information(
            self.case("answered"), asked="تقرير طبي حديث", of_whom="applicant", by=self.chair))
        self.at(p - 8, 12, 0, lambda: case_actions.provide_information(
            self.case("answered"), note="أحضر المستفيد التقرير الطبي", by=self.officer))
        self.submitted("due_soon", p - 2)                   # due in 2 days
        self.submitted("on_time", 3)                        # P-3 days left

        # 10 days ago: the meeting with its approval, rejection and return (the overdue one deferred).
        self.submitted("approved", 16)
        self.submitted("rejected", 19)
        self.submitted("returned", 14)
        self.meeting(10, {"approved": "approved", "rejected": "rejected", "returned": "returned"}, absent=("member",))

        # 4 days ago: the applicant appeals the rejection; the request is with the committee on a clock of its own.
        self.at(4, 10, 30, lambda: file_appeal(
            self.case("rejected"), by=self.officer,
            reason="تغيّر دخل الأسرة بعد انتهاء عقد عمل العائل، ومعي خطاب إنهاء الخدمة"))

        for day, hour, minute, _order, step in sorted(self.schedule, key=lambda row: row[:4]):
            with clock_at(day, hour, minute):
                step()
        return {key: self.case(key) for key in self.cases}


@transaction.atomic
def load_demo_requests():
    """The demo's requests and meetings (see the module docstring), once: nothing when any request exists.

    Needs the preset and its demo staff. Returns {key: case} of what it made (empty when it made nothing).
    """
    if Case.objects.exists():
        return {}
    staff = {user.username: user for user in User.objects.filter(username__in=["officer", "chair", "committee", "member"])}
    if len(staff) < 4 or Association.objects.current() is None:
        return {}
    return DemoRequests(staff).run()
