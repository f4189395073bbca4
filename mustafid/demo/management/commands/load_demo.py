import os

from django.core.management.base import BaseCommand, CommandError

from mustafid.demo.loader import load_demo_staff, load_preset
from mustafid.demo.presets import DEMO_PASSWORD, PRESETS


class Command(BaseCommand):
    help = "Load a preset association (one of the five seed policies) and demo staff for each role."

    def add_arguments(self, parser):
        parser.add_argument("--preset", default="aoun", help=f"one of: {', '.join(PRESETS)}")
        parser.add_argument("--no-staff", action="store_true", help="load the association only, no demo users")

    def handle(self, *args, preset, no_staff, **options):
        preset = preset.strip().lower()
        if preset not in PRESETS:
            raise CommandError(f"Unknown preset {preset!r}; choose one of: {', '.join(PRESETS)}")
        association, created = load_preset(preset)
        verb = "Loaded" if created else "Already configured:"
        self.stdout.write(f"{verb} {association.name_en} — {association.name_ar}")
        policy = association.policy_in_force()
        if policy:
            self.stdout.write(f"Policy {policy.version}: response period {policy.response_days} days, "
                              f"{len(policy.channels)} channels")
        if no_staff:
            return
        users = load_demo_staff()
        self.stdout.write("")
        port = os.environ.get("PORT") or "8000"
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD})  —  http://127.0.0.1:{port}/accounts/login/")
        for user in users:
            branch = f" — {user.branch.name_en}" if user.branch and user.is_branch_rep else ""
            self.stdout.write(f"  {user.username:<12} {user.roles_display}{branch}")
