"""What a reader may see of a beneficiary, decided once, here, on the server.

Pages, PDFs, exports and the API show a beneficiary through `disclose(beneficiary, reader)`,
never by reading the record's fields and remembering to mask them in a template. The rule
comes from the reader's role facts:

* a reader who `sees_sensitive_data` sees the full national ID and mobile, the birth date,
  the category (which may say "addiction recovery" or "prisoner's family"), the household
  and the documents;
* anyone else (a volunteer) sees the name, the last four digits of the ID and of the
  mobile, the region, city and branch — and nothing else: no birth date, no category, no
  household, no documents, no requests.

The values of a `Disclosure` are already masked strings (or None when hidden), so a template
cannot leak what it was never given.
"""

from dataclasses import dataclass

from mustafid.lib.saudi import format_mobile_local, mask_mobile, mask_national_id


@dataclass(frozen=True)
class Disclosure:
    pk: int
    full_name: str
    national_id: str
    mobile: str
    id_kind_label: str | None
    birth_date: object
    gender: str | None
    nationality: str | None
    category: object
    region: object
    city: str
    branch: object
    registration_number: str
    is_registered: bool
    # How messages reach them (None for a reader who does not see everything).
    email: str | None
    preferred_channel: str | None
    language: str | None
    awareness_consent: bool | None
    # Whether the reader sees everything (IDs in full, household, documents, requests).
    complete: bool
    record: object
    # A self-registration from the portal not yet checked by an officer («بانتظار تحقق الموظف»): said to every reader.
    awaiting_verification: bool = False

    def get_absolute_url(self):
        return self.record.get_absolute_url()

    def __str__(self):
        return self.full_name

    @property
    def household(self):
        """The household members, or None when the reader may not see them."""
        return self.record.household.all() if self.complete else None


def disclose(beneficiary, reader):
    """The beneficiary as this reader may see them."""
    complete = bool(getattr(reader, "sees_sensitive_data", False))
    return Disclosure(
        pk=beneficiary.pk,
        full_name=beneficiary.full_name,
        national_id=beneficiary.national_id if complete else mask_national_id(beneficiary.national_id),
        mobile=format_mobile_local(beneficiary.mobile) if complete else mask_mobile(beneficiary.mobile),
        id_kind_label=beneficiary.id_kind_label if complete else None,
        birth_date=beneficiary.birth_date if complete else None,
        gender=beneficiary.get_gender_display() if complete else None,
        nationality=beneficiary.nationality if complete else None,
        category=beneficiary.category if complete else None,
        region=beneficiary.region,
        city=beneficiary.city,
        branch=beneficiary.branch,
        registration_number=beneficiary.registration_number,
        is_registered=beneficiary.is_registered,
        email=beneficiary.email if complete else None,
        preferred_channel=beneficiary.get_preferred_channel_display() if complete else None,
        language=beneficiary.get_language_display() if complete else None,
        awareness_consent=beneficiary.awareness_consent if complete else None,
        complete=complete,
        record=beneficiary,
        awaiting_verification=beneficiary.awaiting_verification,
    )


def disclose_all(beneficiaries, reader):
    return [disclose(beneficiary, reader) for beneficiary in beneficiaries]


@dataclass(frozen=True)
class GuardianShown:
    """A guardian as this reader may see them: the ID and mobile in full only to who sees the beneficiary's."""

    pk: int
    name: str
    relation: str
    national_id: str
    mobile: str
    added_at: object
    ended_at: object


def disclose_guardians(beneficiary, reader, *, ended=False):
    """The beneficiary's active guardians (with `ended`, also the ended ones, newest first), masked as
    `disclose` masks the beneficiary's own ID and mobile."""
    complete = bool(getattr(reader, "sees_sensitive_data", False))
    guardians = beneficiary.guardians.all() if ended else beneficiary.guardians.filter(ended_at__isnull=True)
    return [
        GuardianShown(
            pk=guardian.pk, name=guardian.name, relation=guardian.get_relation_display(),
            national_id=guardian.national_id if complete else mask_national_id(guardian.national_id),
            mobile=format_mobile_local(guardian.mobile) if complete else mask_mobile(guardian.mobile),
            added_at=guardian.added_at, ended_at=guardian.ended_at,
        )
        for guardian in guardians.order_by("ended_at", "-added_at", "-pk")
    ]
