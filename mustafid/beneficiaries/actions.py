"""Writes to the registry: each one audited with the old and new values."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from mustafid.association.models import Branch
from mustafid.audit.actors import Actor
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.lib.errors import ActionRefused, refuse_unless
from mustafid.lib.saudi import clean_mobile, clean_national_id, mask_national_id

from .models import Beneficiary, Guardian, HouseholdMember

# Called as `listener(beneficiary, old_branch_id)` inside `update_beneficiary`'s transaction when a
# beneficiary moves to another branch. `cases` registers here (its `AppConfig.ready()`) to move the staff
# home's per-branch request counts with them: imports point down, so the registry lives here.
branch_change_listeners = []
# Called as `listener(beneficiary, old_category_id)` in the same transactions when a beneficiary's category changes:
# `cases` moves the indicators' requests opened by category with them.
category_change_listeners = []

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
        old_branch_id, old_category_id = beneficiary.branch_id, beneficiary.category_id
        for field, value in changes.items():
            setattr(beneficiary, field, value)
        new = {f: _value(beneficiary, f) for f in TRACKED_FIELDS}
        changed = {f: {"old": old[f], "new": new[f]} for f in TRACKED_FIELDS if old[f] != new[f]}
        if not changed:
            return beneficiary
        if "national_id" in changed:
            _refuse_a_taken_national_id(beneficiary.national_id, other_than=beneficiary)
        _save_changed(beneficiary, old_branch_id, old_category_id)
        record(EventType.BENEFICIARY_UPDATED, actor=by, target=beneficiary, data={"changed": changed})
    return beneficiary


def _save_changed(beneficiary, old_branch_id, old_category_id):
    """Validate and save an edited record, then tell the listeners of a changed branch or category (the rollups
    they keep move with the person in the same transaction)."""
    beneficiary.full_clean(exclude=["created_by"])
    _save_unique(beneficiary)
    if beneficiary.branch_id != old_branch_id:
        for listener in branch_change_listeners:
            listener(beneficiary, old_branch_id)
    if beneficiary.category_id != old_category_id:
        for listener in category_change_listeners:
            listener(beneficiary, old_category_id)


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


# ---------------------------------------------------------------- guardians (أولياء الأمور; docs/portal.md)


def _guardian_data(guardian):
    """What the audit keeps of a guardian: never the ID or the mobile in the clear (the ID's last four digits,
    as a volunteer sees a beneficiary's, are enough to tell two guardians apart)."""
    return {"guardian": guardian.pk, "name": guardian.name, "relation": guardian.relation,
            "national_id": mask_national_id(guardian.national_id)}


def add_guardian(beneficiary, *, by, name, national_id, mobile, relation):
    """Let someone act for `beneficiary` in the portal: a parent for a minor, a son for an elderly parent, a
    legal guardian. They sign in with their own ID and a code to their own mobile, and all they do there is
    recorded as the guardian's. The ID is checked (check digit, Arabic-Indic digits accepted), the mobile is a
    Saudi mobile; not the beneficiary's own ID; one active guardianship per beneficiary and ID."""
    try:
        national_id = clean_national_id(national_id)
        mobile = clean_mobile(mobile)
    except ValidationError as error:
        raise ActionRefused(error.messages[0]) from None
    name = " ".join((name or "").split())
    refuse_unless(name, _("اكتب اسم ولي الأمر."))
    refuse_unless(relation in Guardian.Relation.values, _("اختر صلة ولي الأمر بالمستفيد."))
    with transaction.atomic():
        beneficiary = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
        refuse_unless(national_id != beneficiary.national_id,
                      _("هذا رقم هوية المستفيد نفسه؛ ولي الأمر شخص آخر."))
        refuse_unless(not beneficiary.guardians.filter(national_id=national_id, ended_at__isnull=True).exists(),
                      _("صاحب هذه الهوية ولي أمر لهذا المستفيد من قبل."))
        guardian = Guardian(beneficiary=beneficiary, name=name, national_id=national_id, mobile=mobile,
                            relation=relation, added_by=by)
        guardian.full_clean(exclude=["added_by", "beneficiary"])
        try:
            with transaction.atomic():
                guardian.save()
        except IntegrityError:
            # The same guardian added twice at the same moment: the partial unique index refuses the second.
            raise ActionRefused(_("صاحب هذه الهوية ولي أمر لهذا المستفيد من قبل.")) from None
        record(EventType.GUARDIAN_ADDED, actor=by, target=beneficiary, data=_guardian_data(guardian))
    return guardian


def end_guardian(guardian, *, by):
    """End a guardianship: the row stays (what they did stays theirs), their portal session for this
    beneficiary ends at its next request (portal/session.py)."""
    with transaction.atomic():
        guardian = Guardian.objects.select_for_update().get(pk=guardian.pk)
        refuse_unless(guardian.ended_at is None, _("صلاحية ولي الأمر هذا ملغاة من قبل."))
        guardian.ended_at, guardian.ended_by = timezone.now(), by
        guardian.save(update_fields=["ended_at", "ended_by"])
        record(EventType.GUARDIAN_ENDED, actor=by, target=guardian.beneficiary, data=_guardian_data(guardian))
    return guardian


# ---------------------------------------------------------------- self-registration in the portal (docs/portal.md)

# What must hold, and what must go, before a self-registration is rejected (its record deleted). The apps above
# fill these in their `AppConfig.ready()` (imports point down): `cases` refuses when a request was submitted and
# deletes the draft requests with their files; `interactions` keeps the person's contacts, unlinked.
# `check(beneficiary)` returns a refusal message or None; `remove(beneficiary, by)` runs inside the transaction.
rejection_checks = []
rejection_removers = []


def branch_for_region(region):
    """The branch a self-registration goes to: the one serving their region (the head office first when it is
    there), else the head office."""
    branches = Branch.objects.order_by("-is_head_office", "pk")
    return branches.filter(region=region).first() or branches.filter(is_head_office=True).first() or branches.first()


def register_self(**fields):
    """A first-time applicant registers themselves in the portal, their mobile confirmed by a code.

    The record waits «بانتظار تحقق الموظف»: no staff member created it and it has no category (only staff set
    that, when they verify it against the ID); a request of theirs is not submitted to the committee before that.
    The same validation and the same refusal of a national ID already registered as `create_beneficiary`.
    The actor is the beneficiary through the portal.
    """
    with transaction.atomic():
        _refuse_a_taken_national_id(fields["national_id"])
        branch = fields.pop("branch", None) or branch_for_region(fields["region"])
        beneficiary = Beneficiary(created_by=None, category=None, branch=branch, self_registered=True,
                                  awaiting_verification=True, **fields)
        beneficiary.full_clean(exclude=["created_by"])
        _save_unique(beneficiary)
        record(EventType.BENEFICIARY_SELF_REGISTERED, actor=Actor.beneficiary(), target=beneficiary,
               data={"new": {f: _value(beneficiary, f) for f in TRACKED_FIELDS}, "through": "portal"})
    return beneficiary


# The fields an officer may correct while verifying (the rest, through «تعديل»).
CORRECTABLE = [f for f in TRACKED_FIELDS if f not in ("category", "branch")]


def verify_self_registration(beneficiary, *, by, category, branch=None, **corrections):
    """The officer checked a self-registration against the ID: sets the category (required), may move it to
    another branch and correct its data; the record is no longer awaiting, and its requests may proceed."""
    refuse_unless(category is not None, _("اختر الفئة قبل اعتماد التسجيل."))
    with transaction.atomic():
        beneficiary = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
        refuse_unless(beneficiary.awaiting_verification, _("تم التحقق من هذا التسجيل من قبل."))
        old = {f: _value(beneficiary, f) for f in TRACKED_FIELDS}
        old_branch_id, old_category_id = beneficiary.branch_id, beneficiary.category_id
        beneficiary.category = category
        if branch is not None:
            beneficiary.branch = branch
        for field, value in corrections.items():
            refuse_unless(field in CORRECTABLE, _("لا يُصحح هذا الحقل هنا."))
            setattr(beneficiary, field, value)
        new = {f: _value(beneficiary, f) for f in TRACKED_FIELDS}
        changed = {f: {"old": old[f], "new": new[f]} for f in TRACKED_FIELDS if old[f] != new[f]}
        if "national_id" in changed:
            _refuse_a_taken_national_id(beneficiary.national_id, other_than=beneficiary)
        beneficiary.awaiting_verification = False
        beneficiary.verified_at = timezone.now()
        beneficiary.verified_by = by
        _save_changed(beneficiary, old_branch_id, old_category_id)
        record(EventType.BENEFICIARY_VERIFIED, actor=by, target=beneficiary, data={"changed": changed})
    return beneficiary


def reject_self_registration(beneficiary, *, by, reason):
    """The officer found a self-registration false (not the ID's holder, made up): the record is deleted with its
    draft requests, their documents and files (no file outlives its row), while it awaits verification and no
    request of it went to the committee. The audit row keeps the reason and a keyed digest of the ID, never the
    ID (the person was never verified). Their portal session ends at its next request (the record is gone).
    """
    reason = (reason or "").strip()
    refuse_unless(reason, _("اكتب سبب رفض التسجيل."))
    with transaction.atomic():
        beneficiary = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
        refuse_unless(beneficiary.self_registered and beneficiary.awaiting_verification,
                      _("لا يُرفض إلا تسجيل ذاتي بانتظار التحقق."))
        for check in rejection_checks:
            refusal = check(beneficiary)
            refuse_unless(not refusal, refusal or "")
        removed = {}
        for remove in rejection_removers:
            removed.update(remove(beneficiary, by=by) or {})
        record(EventType.SELF_REGISTRATION_REJECTED, actor=by, target=beneficiary, data={
            "reason": reason[:1000], "removed": removed,
            "id_digest": salted_hmac("mustafid.beneficiaries.rejected", beneficiary.national_id,
                                     algorithm="sha256").hexdigest(),
        })
        try:
            with transaction.atomic():
                beneficiary.delete()
        except ProtectedError:
            # A referral to a researcher, or another record that must not lose its person.
            raise ActionRefused(_("لهذا التسجيل سجلات مرتبطة به (مثل إحالة إلى باحث)؛ لا يُحذف. تحقق منه بدلًا من ذلك."))
    return removed
