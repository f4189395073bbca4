"""Staff users and their roles.

The seven roles come from the policy's actors. Access helpers in each app ask
the user for role facts (`user.sees_sensitive_data`), never for role names, so
the meaning of a role is written once, here.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("موظف علاقات المستفيدين")
    RESEARCHER = "researcher", _("الباحث الاجتماعي")
    COMMITTEE_MEMBER = "committee_member", _("عضو لجنة البحث")
    BRANCH_REP = "branch_rep", _("مندوب المكتب الفرعي")
    VOLUNTEER = "volunteer", _("متطوع")
    MANAGER = "manager", _("المدير")
    AUDITOR = "auditor", _("المراجع")


class StaffManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # The first account of a deployment is its manager.
        extra_fields.setdefault("role", Role.MANAGER)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(_("الدور"), max_length=20, choices=Role.choices, default=Role.VOLUNTEER)
    # Branch representatives work for one branch and see only its beneficiaries.
    branch = models.ForeignKey(
        "association.Branch",
        verbose_name=_("المكتب الفرعي"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )

    objects = StaffManager()

    class Meta:
        verbose_name = _("موظف")
        verbose_name_plural = _("الموظفون")

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        # Only managers configure the association (in the admin screens).
        self.is_staff = self.is_superuser or self.role == Role.MANAGER
        super().save(*args, **kwargs)

    @property
    def display_name(self):
        return self.get_full_name() or self.username

    # Role facts. One line each; the access helpers combine them.
    @property
    def is_officer(self):
        return self.role == Role.OFFICER

    @property
    def is_researcher(self):
        return self.role == Role.RESEARCHER

    @property
    def is_committee_member(self):
        return self.role == Role.COMMITTEE_MEMBER

    @property
    def is_branch_rep(self):
        return self.role == Role.BRANCH_REP

    @property
    def is_volunteer(self):
        return self.role == Role.VOLUNTEER

    @property
    def is_manager(self):
        return self.role == Role.MANAGER

    @property
    def is_auditor(self):
        return self.role == Role.AUDITOR

    @property
    def reads_everything(self):
        """Managers and auditors oversee the whole association, read-only."""
        return self.role in (Role.MANAGER, Role.AUDITOR)

    @property
    def may_intake(self):
        """Receive beneficiaries, register them, open and walk requests (HQ or own branch)."""
        return self.role in (Role.OFFICER, Role.BRANCH_REP)

    @property
    def may_log_contacts(self):
        return self.role in (Role.OFFICER, Role.BRANCH_REP, Role.VOLUNTEER, Role.RESEARCHER)

    @property
    def may_refer(self):
        """Refer a beneficiary's questions or request to a social researcher."""
        return self.role in (Role.OFFICER, Role.BRANCH_REP, Role.VOLUNTEER)

    @property
    def sees_sensitive_data(self):
        """Volunteers see names and masked numbers only: no IDs, phones, health or family data."""
        return self.role != Role.VOLUNTEER

    @property
    def limited_to_branch(self):
        return self.role == Role.BRANCH_REP

    @property
    def may_read_audit(self):
        return self.role in (Role.MANAGER, Role.AUDITOR)
