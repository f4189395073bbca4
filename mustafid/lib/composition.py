"""Pages that show higher apps' data, composed through registries filled in each app's `AppConfig.ready()`.

Imports point down: `cases` cannot import `research`, `committee` or `services`, and
`beneficiaries` cannot import `cases` or `interactions` — yet the request page shows the
steps of all of them, and a beneficiary's page shows their contacts and their requests'
timelines. So the page asks a registry, and each app brings its own entries (and its own
small template) when it starts:

* `request_panels`: one `Panel` per step on the request page (cases, research, committee,
  services, and later the portal's).
* `beneficiary_timeline`: one `TimelineSource` per kind of row on a beneficiary's timeline
  (the requests' events from `cases`, the contacts from `interactions`).
* `registration_sources`: where a new registration may start from (a contact logged before
  the person was registered, from `interactions`).
* `submission_checks`: what must hold before a request goes to the research committee, beyond its
  own documents and declaration (a filed social research report where the support type requires
  one, from `research`); `cases.actions.submit_to_committee` refuses with the first refusal, and
  the submit panel shows them all.
* `contact_writers`: what else is written when a contact is logged, in `interactions.actions.log_interaction`'s
  transaction (the satisfaction survey after a contact, from `feedback`), so it stands or falls with the contact.
* `audit_subjects`: how the audit trail (at the ground) finds the records about a person typed by
  name or number — a beneficiary's record from `beneficiaries`, their requests from `cases`.

A registry holds entries by name; registering a name again replaces the entry (tests may
start apps twice). `mustafid/tests/test_layers.py` keeps the imports pointing down.
"""

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Panel:
    """A step's panel on the request page.

    context(case, user, bound_form_or_None) -> the template's context, or None to hide the panel.
    """

    name: str
    order: int
    template: str
    context: Callable


@dataclass(frozen=True)
class TimelineRow:
    at: Any
    template: str
    item: Any


@dataclass(frozen=True)
class TimelineSource:
    """rows(beneficiary, user) -> the `TimelineRow`s of this kind that the user may see."""

    name: str
    order: int
    rows: Callable


@dataclass(frozen=True)
class RegistrationSource:
    """find(user, pk) -> the object a registration starts from (visible to the user), or None.

    The object offers `registration_initial()` (the form's initial values) and is passed to
    `create_beneficiary(contact=...)`, which links it to the new record.
    """

    name: str
    order: int
    find: Callable


@dataclass(frozen=True)
class AuditSubjectSource:
    """find(query, user) -> [(target_type, [target ids])] of the records about the people the query names.

    `target_type` is the model label the audit rows keep (`beneficiaries.beneficiary`).
    """

    name: str
    order: int
    find: Callable


@dataclass(frozen=True)
class SubmissionCheck:
    """check(case) -> a refusal message (the request may not go to the committee yet), or None."""

    name: str
    order: int
    check: Callable


@dataclass(frozen=True)
class ContactWriter:
    """write(contact) -> runs inside `log_interaction`'s transaction, right after the contact and its audit row."""

    name: str
    order: int
    write: Callable


class Registry:
    def __init__(self, name):
        self.name = name
        self._entries = {}

    def register(self, entry):
        self._entries[entry.name] = entry
        return entry

    def __iter__(self):
        return iter(sorted(self._entries.values(), key=lambda entry: (entry.order, entry.name)))

    def get(self, name):
        return self._entries.get(name)


request_panels = Registry("request_panels")
beneficiary_timeline = Registry("beneficiary_timeline")
registration_sources = Registry("registration_sources")
audit_subjects = Registry("audit_subjects")
submission_checks = Registry("submission_checks")
contact_writers = Registry("contact_writers")


def submission_refusals(case):
    """Why the request may not go to the committee yet, from every registered check (empty: nothing stops it)."""
    return [message for entry in submission_checks if (message := entry.check(case))]


def audit_subject_targets(query, user):
    """Every (target_type, ids) that the registered sources find for `query`."""
    return [found for source in audit_subjects for found in source.find(query, user)]


def timeline_rows(beneficiary, user):
    """Every row of a beneficiary's timeline the user may see, newest first."""
    rows = [row for source in beneficiary_timeline for row in source.rows(beneficiary, user)]
    return sorted(rows, key=lambda row: row.at, reverse=True)
