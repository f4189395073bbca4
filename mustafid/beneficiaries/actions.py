"""Writes to the registry: each one audited with the old and new values."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.lib.errors import ActionRefused

from .models import Beneficiary, HouseholdMember

# Called as `listener(beneficiary, old_branch_id)` inside `update_beneficiary`'s transaction when a
# beneficiary moves to another branch. `cases` registers here (its `AppConfig.ready()`) to move the staff
# home's per-branch request counts with them: imports point down, so the registry lives here.
branch_change_listeners = []

TRACKED_FIELDS = [
    "first_name", "father_name", "grandfather_name", "family_name", "national_id", "mobile", "birth_date",
    "gender", "nationality", "region", "city", "branch", "category",
    # How messages reach them (the portal lets the beneficiary change these themselves).
    "email", "preferred_channel", "language",
]


def _value(beneficiary, field):
    value = getattr(beneficiary, field)
    return str(value) if value is not None else None


def _refuse_a_taken_national_id(national_id, other_than=None):
    taken = Beneficiary.objects.filter(national_id=national_id)
    if other_than is not None:
        taken = taken.exclude(pk=other_than.pk)
    if taken.exists():
        raise ActionRefused(_("رقم الهوية مسجل من قبل لمستفيد آخر."))


def _save_unique(beneficiary):
    """Save; two registrations of one national ID at the same moment both pass the check above,
    and the database's unique index refuses the second: say so instead of a server error."""
    try:
        with transaction.atomic():
            beneficiary.save()
    except IntegrityError:
        _refuse_a_taken_national_id(beneficiary.national_id, other_than=beneficiary if beneficiary.pk else None)
        raise


def create_beneficiary(*, by, contact=None, not_duplicate_of=None, **fields):
    """Add a beneficiary to the registry. The national ID is unique: a second record is refused.

    `contact`: the not-yet-linked contact this registration follows; it joins the new record's timeline.
    `not_duplicate_of`: the registered people the duplicate check showed and the officer confirmed
    this is not (their ids), kept in the audit row.
    """
    with transaction.atomic():
        _refuse_a_taken_national_id(fields["national_id"])
        beneficiary = Beneficiary(created_by=by, **fields)
        beneficiary.full_clean(exclude=["created_by"])
        _save_unique(beneficiary)
        if contact is not None:
            contact.beneficiary = beneficiary
            contact.save(update_fields=["beneficiary"])
        record(EventType.BENEFICIARY_CREATED, actor=by, target=beneficiary,
               data={"new": {f: _value(beneficiary, f) for f in TRACKED_FIELDS},
                     "from_contact": contact.pk if contact is not None else None,
                     **({"not_duplicate_of": list(not_duplicate_of)} if not_duplicate_of else {})})
    return beneficiary


def update_beneficiary(beneficiary, *, by, **changes):
    """Change a beneficiary's data; the audit row keeps what it was and what it became."""
    with transaction.atomic():
        beneficiary = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
        old = {f: _value(beneficiary, f) for f in TRACKED_FIELDS}
        old_branch_id = beneficiary.branch_id
        for field, value in changes.items():
            setattr(beneficiary, field, value)
        new = {f: _value(beneficiary, f) for f in TRACKED_FIELDS}
        changed = {f: {"old": old[f], "new": new[f]} for f in TRACKED_FIELDS if old[f] != new[f]}
        if not changed:
            return beneficiary
        if "national_id" in changed:
            _refuse_a_taken_national_id(beneficiary.national_id, other_than=beneficiary)
        beneficiary.full_clean(exclude=["created_by"])
        _save_unique(beneficiary)
        if beneficiary.branch_id != old_branch_id:
            for listener in branch_change_listeners:
                listener(beneficiary, old_branch_id)
        record(EventType.BENEFICIARY_UPDATED, actor=by, target=beneficiary, data={"changed": changed})
    return beneficiary


def add_household_member(beneficiary, *, by, **fields):
    with transaction.atomic():
        member = HouseholdMember.objects.create(beneficiary=beneficiary, **fields)
        record(EventType.HOUSEHOLD_MEMBER_ADDED, actor=by, target=beneficiary,
               data={"member": member.pk, "name": member.name, "relation": member.relation})
    return member


def remove_household_member(member, *, by):
    with transaction.atomic():
        beneficiary = member.beneficiary
        record(EventType.HOUSEHOLD_MEMBER_REMOVED, actor=by, target=beneficiary,
               data={"member": member.pk, "name": member.name, "relation": member.relation})
        member.delete()
