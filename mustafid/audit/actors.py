"""Who acted: a staff member, the beneficiary (through the portal, or a guardian for them), or the system.

Every row that says who did something (a request's timeline, who received it, who uploaded a
document, who took a declaration, the audit trail) keeps three columns: the staff user when
there is one, the kind of actor, and a label kept for history (the user may be renamed or
deactivated later; the beneficiary and the system have no user row). Actions take `by=` as a
staff `User` (the usual case) or an `Actor`; `as_actor()` turns either into an `Actor`.

This module sits at the ground with `audit` and imports nothing above it: a staff user is any
object with `pk` and `get_username()`.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActorKind(models.TextChoices):
    STAFF = "staff", _("موظف")
    BENEFICIARY = "beneficiary", _("المستفيد عبر البوابة")
    GUARDIAN = "guardian", _("ولي أمر المستفيد عبر البوابة")
    SYSTEM = "system", _("النظام")


@dataclass(frozen=True)
class Actor:
    kind: str
    user: object = None
    # The staff user name, the guardian's name, or the job's name: kept when the row is written.
    label: str = ""

    @classmethod
    def staff(cls, user):
        return cls(ActorKind.STAFF, user, user.get_username())

    @classmethod
    def beneficiary(cls, *, guardian_name=""):
        if guardian_name:
            return cls(ActorKind.GUARDIAN, None, guardian_name[:150])
        return cls(ActorKind.BENEFICIARY)

    @classmethod
    def system(cls, job=""):
        return cls(ActorKind.SYSTEM, None, job[:150])

    @property
    def is_staff_member(self):
        return self.kind == ActorKind.STAFF

    def __str__(self):
        """In words, for the timeline and the audit trail: «المستفيد عبر البوابة», «النظام», or the staff name."""
        if self.kind == ActorKind.STAFF:
            if self.user is not None:
                return getattr(self.user, "display_name", None) or self.user.get_username()
            return self.label
        words = str(ActorKind(self.kind).label)
        return f"{words} ({self.label})" if self.label and self.kind == ActorKind.GUARDIAN else words

    def columns(self, prefix):
        """The three column values of this actor, for a model declared with `actor_columns`."""
        return {prefix: self.user, f"{prefix}_kind": self.kind, f"{prefix}_label": self.label}


def as_actor(by):
    """An `Actor` from what an action was given: an `Actor`, or a staff user."""
    if isinstance(by, Actor):
        return by
    if by is None or getattr(by, "pk", None) is None:
        raise TypeError("An action needs to know who acts: a staff user or an Actor.")
    return Actor.staff(by)


def actor_columns(verbose_name, *, related_name="+"):
    """The three columns of one "who did it" on a model:

        actor, actor_kind, actor_label = actor_columns(_("بواسطة"))

    the staff user (null for the beneficiary and the system), the kind, and the label kept for history.
    """
    return (
        models.ForeignKey(
            settings.AUTH_USER_MODEL, verbose_name=verbose_name, null=True, blank=True, on_delete=models.PROTECT,
            related_name=related_name,
        ),
        models.CharField(_("نوع المنفذ"), max_length=12, choices=ActorKind.choices, default=ActorKind.STAFF),
        models.CharField(_("المنفذ"), max_length=150, blank=True),
    )


class ActedBy:
    """`CaseEvent.acted_by`: the `Actor` read from the three columns named by `prefix`.

    Rows are written with `**as_actor(by).columns(prefix)` (Django's constructor takes fields, not descriptors).
    """

    def __init__(self, prefix):
        self.prefix = prefix

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        user_id = getattr(instance, f"{self.prefix}_id")
        return Actor(
            getattr(instance, f"{self.prefix}_kind"),
            getattr(instance, self.prefix) if user_id else None,
            getattr(instance, f"{self.prefix}_label"),
        )
