"""Staff users and their roles.

The roles come from the policy's actors. A staff member may hold several (in a
small association the officer is also the researcher, and the committee chair
is a member too). Access helpers in each app ask the user for role facts
(`user.sees_sensitive_data`), never for role names, so the meaning of a role is
written once, here.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("موظف علاقات المستفيدين")
    RESEARCHER = "researcher", _("الباحث الاجتماعي")
    COMMITTEE_MEMBER = "committee_member", _("عضو لجنة البحث")
    BRANCH_REP = "branch_rep", _("مندوب المكتب الفرعي")
    VOLUNTEER = "volunteer", _("متطوع")
    MANAGER = "manager", _("المدير")
    AUDITOR = "auditor", _("المراجع")
    COMMITTEE_CHAIR = "committee_chair", _("رئيس لجنة البحث")


class StaffRole(models.Model):
    """One row per `Role`, so a user's roles are an indexed many-to-many and the settings screen shows checkboxes.

    The rows are written by migration 0002 and again after every `migrate` or `flush` (see `apps.py`),
    so they always match `Role`.
    """

    code = models.CharField(_("الرمز"), max_length=20, primary_key=True, choices=Role.choices)

    class Meta:
        verbose_name = _("دور")
        verbose_name_plural = _("الأدوار")
        ordering = ["code"]

    def __str__(self):
        return str(Role(self.code).label)


def ensure_role_rows(apps=None, using="default", **kwargs):
    """Write the missing role rows (post_migrate receiver and migration 0002)."""
    try:
        model = apps.get_model("accounts", "StaffRole") if apps is not None else StaffRole
    except LookupError:  # migrated back before the table existed
        return
    model.objects.using(using).bulk_create([model(code=code) for code in Role.values], ignore_conflicts=True)


class StaffQuerySet(models.QuerySet):
    def with_role(self, *roles):
        """Staff holding any of these roles: `User.objects.with_role(Role.RESEARCHER)`."""
        return self.filter(pk__in=User.roles.through.objects.filter(staffrole_id__in=roles).values("user_id"))


class StaffManager(UserManager.from_queryset(StaffQuerySet)):
    def create_superuser(self, username, email=None, password=None, roles=(Role.MANAGER,), **extra_fields):
        # The first account of a deployment is its manager.
        user = super().create_superuser(username, email, password, **extra_fields)
        user.roles.set(roles)
        return user


class User(AbstractUser):
    roles = models.ManyToManyField(StaffRole, verbose_name=_("الأدوار"), blank=True, related_name="users")
    # Branch representatives work for one branch and see only its beneficiaries.
    branch = models.ForeignKey(
        "association.Branch",
        verbose_name=_("المكتب الفرعي"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    # Set when someone else (a manager in the settings screens) chose the password: the owner replaces it
    # at the next sign-in, so the one who set it cannot go on using the account (see accounts/middleware.py).
    must_change_password = models.BooleanField(_("يلزم تغيير كلمة المرور"), default=False)

    objects = StaffManager()

    class Meta:
        verbose_name = _("موظف")
        verbose_name_plural = _("الموظفون")

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        # Only managers configure the association (in the admin screens). Roles are saved after the row
        # (many-to-many), so `_roles_changed` below updates the flag again when they change.
        self.is_staff = self.is_superuser or (self.pk is not None and self.is_manager)
        super().save(*args, **kwargs)

    @property
    def display_name(self):
        return self.get_full_name() or self.username

    @property
    def role_codes(self):
        """The user's roles as a frozen set of `Role` values, read once per user object."""
        if "_role_codes" not in self.__dict__:
            if self.pk is None:
                codes = ()
            elif "roles" in getattr(self, "_prefetched_objects_cache", {}):
                codes = [role.code for role in self.roles.all()]
            else:
                codes = self.roles.values_list("code", flat=True)
            self.__dict__["_role_codes"] = frozenset(codes)
        return self.__dict__["_role_codes"]

    def has_role(self, *roles):
        return not self.role_codes.isdisjoint(roles)

    @property
    def roles_display(self):
        """The role names in the order of `Role`, joined for a page header or a list."""
        return "، ".join(str(label) for value, label in Role.choices if value in self.role_codes)

    # Role facts. One line each; the access helpers combine them.
    @property
    def is_officer(self):
        return self.has_role(Role.OFFICER)

    @property
    def is_researcher(self):
        return self.has_role(Role.RESEARCHER)

    @property
    def is_committee_member(self):
        """Members and the chair: both see the agenda."""
        return self.has_role(Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR)

    @property
    def is_committee_chair(self):
        return self.has_role(Role.COMMITTEE_CHAIR)

    @property
    def may_record_decisions(self):
        """The chair records the committee's decisions (members will vote in a later issue)."""
        return self.has_role(Role.COMMITTEE_CHAIR)

    @property
    def is_branch_rep(self):
        return self.has_role(Role.BRANCH_REP)

    @property
    def is_volunteer(self):
        return self.has_role(Role.VOLUNTEER)

    @property
    def is_manager(self):
        return self.has_role(Role.MANAGER)

    @property
    def is_auditor(self):
        return self.has_role(Role.AUDITOR)

    @property
    def reads_everything(self):
        """Managers and auditors oversee the whole association, read-only."""
        return self.has_role(Role.MANAGER, Role.AUDITOR)

    @property
    def may_intake(self):
        """Receive beneficiaries, register them, open and walk requests (HQ or own branch)."""
        return self.has_role(Role.OFFICER, Role.BRANCH_REP)

    @property
    def may_log_contacts(self):
        return self.has_role(Role.OFFICER, Role.BRANCH_REP, Role.VOLUNTEER, Role.RESEARCHER)

    @property
    def may_refer(self):
        """Refer a beneficiary's questions or request to a social researcher."""
        return self.has_role(Role.OFFICER, Role.BRANCH_REP, Role.VOLUNTEER)

    @property
    def may_message_beneficiaries(self):
        """Send a beneficiary a message from a template: those who log contacts and see the mobile it goes to
        (not a volunteer alone, who sees it masked)."""
        return self.may_log_contacts and self.sees_sensitive_data

    @property
    def sees_sensitive_data(self):
        """Volunteers see names and masked numbers only: no IDs, phones, health or family data.

        Any other role lifts it: a volunteer who is also an officer sees what an officer sees.
        A user with no role at all sees nothing sensitive either.
        """
        return bool(self.role_codes - {Role.VOLUNTEER})

    @property
    def limited_to_branch(self):
        """A branch representative sees only their branch, unless they are also an officer (the other intake role)."""
        return self.is_branch_rep and not self.is_officer

    @property
    def may_read_audit(self):
        return self.has_role(Role.MANAGER, Role.AUDITOR)


@receiver(m2m_changed, sender=User.roles.through)
def _roles_changed(sender, instance, action, reverse, **kwargs):
    """Forget the roles read so far and keep `is_staff` (the admin's door) in step with the manager role."""
    if reverse or action not in ("post_add", "post_remove", "post_clear"):
        return
    instance.__dict__.pop("_role_codes", None)
    is_staff = instance.is_superuser or instance.is_manager
    if instance.is_staff != is_staff:
        instance.is_staff = is_staff
        User.objects.filter(pk=instance.pk).update(is_staff=is_staff)
