"""Logging a contact over one of the association's channels."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mustafid.association.models import current_policy
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.lib.errors import ActionRefused

from .models import Interaction


def log_interaction(*, channel, direction, kind, summary, by, outcome="", beneficiary=None,
                    contact_name="", contact_mobile="", occurred_at=None):
    """Every contact is recorded with its channel; only the channels the policy enables are accepted."""
    policy = current_policy()
    if policy is None or channel not in policy.channels:
        raise ActionRefused(_("قناة التواصل هذه غير مفعلة في سياسة الجمعية."))
    if not (summary or "").strip():
        raise ActionRefused(_("اكتب موضوع التواصل."))
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ActionRefused(_("وقت التواصل لا يمكن أن يكون في المستقبل."))
    with transaction.atomic():
        interaction = Interaction.objects.create(
            channel=channel, direction=direction, kind=kind, summary=summary.strip(), outcome=(outcome or "").strip(),
            beneficiary=beneficiary, contact_name="" if beneficiary else contact_name.strip(),
            contact_mobile="" if beneficiary else contact_mobile, staff=by,
            branch=beneficiary.branch if beneficiary else by.branch, occurred_at=occurred_at,
        )
        record(EventType.INTERACTION_LOGGED, actor=by, target=interaction,
               data={"channel": channel, "kind": kind, "beneficiary": beneficiary.pk if beneficiary else None})
    return interaction
