"""The audit trail asks who a typed name or number is (lib/composition.audit_subjects): the beneficiary's record."""

from mustafid.lib.composition import AuditSubjectSource, audit_subjects

from .models import Beneficiary

# At most this many people per query: the auditor narrows a broad name.
PEOPLE = 20


def people_named(query, user):
    """The beneficiaries the query names (name, ID, mobile, registration or request number), as the reader may search."""
    found = Beneficiary.objects.visible_to(user).search(query, user=user, limit=PEOPLE)
    return list(found.values_list("pk", flat=True)[:PEOPLE])


def _records(query, user):
    ids = people_named(query, user)
    return [("beneficiaries.beneficiary", [str(pk) for pk in ids])] if ids else []


def register():
    audit_subjects.register(AuditSubjectSource("beneficiaries", 10, _records))
