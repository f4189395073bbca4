import os

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from mustafid.demo.faq import load_demo_faq
from mustafid.demo.loader import load_demo_staff, load_preset
from mustafid.committee.models import Meeting
from mustafid.demo.presets import DEMO_PASSWORD, PRESETS
from mustafid.demo.requests import load_demo_requests
from mustafid.demo.surveys import load_demo_surveys


class Command(BaseCommand):
    help = "Load a preset association (one of the five seed policies) and demo staff for each role."

    def add_arguments(self, parser):
        parser.add_argument("--preset", default="aoun", help=f"one of: {', '.join(PRESETS)}")
        parser.add_argument("--no-staff", action="store_true", help="load the association only, no demo users")
        parser.add_argument("--no-requests", action="store_true",
                            help="no demo requests and meetings (they need the demo staff)")

    def handle(self, *args, preset, no_staff, no_requests=False, **options):
        preset = preset.strip().lower()
        if preset not in PRESETS:
            raise CommandError(f"Unknown preset {preset!r}; choose one of: {', '.join(PRESETS)}")
        association, created = load_preset(preset)
        # The association's frequently asked questions (/faq/), once.
        load_demo_faq(preset)
        # What `make run` prints is read by an Arabic-speaking association: Arabic throughout, names included.
        with translation.override("ar"):
            self._print(association, created, no_staff)
            if not no_staff and not no_requests:
                self._requests()

    def _requests(self):
        made = load_demo_requests()
        if not made:
            return
        meetings = Meeting.objects.count()
        self.stdout.write("")
        self.stdout.write(f"طلبات التجربة: {len(made)} في مراحل مختلفة من مدة الرد، واجتماعات لجنة البحث المقفلة "
                          f"بمحاضرها: {meetings}، وتظلم من قرار رفض — المتأخرة والقريبة من موعدها: /deadlines/")
        surveyed = load_demo_surveys(made)
        if surveyed:
            self.stdout.write(f"استبيان الرضا مفعل، ودعوات بعد تقديم الخدمة: {len(surveyed) - 1} — النتائج: /feedback/")

    def _print(self, association, created, no_staff):
        verb = "تم تحميل الجمعية:" if created else "الجمعية مهيأة من قبل:"
        self.stdout.write(f"{verb} {association.name_ar}")
        policy = association.policy_in_force()
        if policy:
            self.stdout.write(f"السياسة {policy.version}: مدة الرد {policy.response_days} يومًا، "
                              f"{len(policy.channels)} قنوات للاستلام")
        if no_staff:
            return
        users = load_demo_staff()
        self.stdout.write("")
        port = os.environ.get("PORT") or "8000"
        self.stdout.write(f"حسابات التجربة (كلمة المرور للجميع: {DEMO_PASSWORD})  —  http://127.0.0.1:{port}/accounts/login/")
        for user in users:
            branch = f" — {user.branch.name_ar}" if user.branch and user.is_branch_rep else ""
            self.stdout.write(f"  {user.username:<12} {user.roles_display}{branch}")
