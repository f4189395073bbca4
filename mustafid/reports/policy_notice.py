"""«إشعار المستفيدين بالسياسة الجديدة»: the notice of a new policy version to the beneficiaries it governs.

The governance standard asks that beneficiaries be told when the policy changes, and that the notice be kept as
evidence. A manager starts it from «إشعار المستفيدين بالسياسة» (policy_notice_views.py) for the version in force:

* `start_notice` (the action): once per version (`PolicyNotice.policy` is unique), in one transaction with its
  audit row (`POLICY_NOTICE_SENT`: who, when, which version); after commit it enqueues the background task.
* `send_policy_notice` (a task of the Django tasks API, run by `manage.py db_worker`): one batch of `BATCH`
  beneficiaries per run, claimed by a conditional UPDATE of the notice's cursor, each message written through the
  outbox with the key `policy-notice:<version>/<person>` — unique in the database, so a re-run, a second worker or
  a restarted chain never sends twice to the same person for the same version. It enqueues itself for the next
  batch; a million recipients are two thousand short runs, never one request.
* `resume_stalled` (a periodic job of the outbox's sweep): a chain whose task was lost (the queue unreachable, a
  worker killed) is enqueued again after `STALLED_AFTER`.

Who is governed by the policy: the registered beneficiaries and everyone with an open request. The message is a
service message (it concerns their relationship with the association, not news): it names no category and links
to the public policy page. It lives in `reports` because it reads the registry and the requests (levels 4 and 5)
and writes to the outbox (level 2), and nothing below may import it: the button is on the manager's page here,
linked from the public policy page by URL name only.
"""

import logging
from datetime import timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from django_tasks import task

from mustafid.association.models import Association
from mustafid.audit.actors import Actor
from mustafid.audit.log import record
from mustafid.audit.models import EventType
from mustafid.beneficiaries.models import Beneficiary
from mustafid.cases.models import Case
from mustafid.lib.hijri import format_hijri_or_gregorian
from mustafid.notifications import outbox
from mustafid.notifications.catalogue import MessageKind
from mustafid.notifications.models import Message

from .models import PolicyNotice

logger = logging.getLogger(__name__)

MESSAGE = MessageKind(
    "policy_updated", gettext_lazy("إشعار بإصدار جديد من السياسة"),
    folder=Path(__file__).resolve().parent / "messages" / "policy_updated",
    variables={"association": gettext_lazy("اسم الجمعية"), "version": gettext_lazy("رقم الإصدار"),
               "effective_from": gettext_lazy("نافذة من"), "link": gettext_lazy("رابط السياسة")},
)
JOB = "policy_notice"
BATCH = 500
STALLED_AFTER = timedelta(minutes=10)


class AlreadySent(Exception):
    """The version's notice was started before (the evidence row says when and by whom)."""

    def __init__(self, notice):
        super().__init__(notice)
        self.notice = notice


def may_send_policy_notice(user):
    return bool(getattr(user, "is_manager", False))


def may_read_policy_notices(user):
    return bool(getattr(user, "reads_everything", False))


def governed():
    """The beneficiaries the policy governs: registered ones, and everyone with an open request.

    The open request is asked per row (EXISTS on the request's beneficiary index), not as an IN list of every
    open request: each batch reads its 500 rows along the primary key, whatever the size of the registry.
    """
    open_request = Case.objects.open().filter(beneficiary_id=OuterRef("pk"))
    return Beneficiary.objects.filter(Q(registered_at__isnull=False) | Exists(open_request))


def idempotency_key(policy, beneficiary_pk):
    return f"policy-notice:{policy.pk}/{Beneficiary._meta.label_lower}:{beneficiary_pk}"


# ---------------------------------------------------------------------------------------------------- the action

def start_notice(policy, *, by):
    """Start the notice of `policy` to the beneficiaries; raises AlreadySent the second time (any manager, any tab)."""
    if not may_send_policy_notice(by):
        raise PermissionDenied
    existing = PolicyNotice.objects.filter(policy=policy).first()
    if existing is not None:
        raise AlreadySent(existing)
    now = timezone.now()
    try:
        with transaction.atomic():
            notice = PolicyNotice.objects.create(policy=policy, started_by=by, started_at=now, progressed_at=now)
            record(EventType.POLICY_NOTICE_SENT, actor=by, target=policy,
                   data={"version": policy.version, "notice": notice.pk})
            transaction.on_commit(partial(enqueue, notice.pk))
    except IntegrityError:  # two managers at the same moment: the first one's notice stands
        raise AlreadySent(PolicyNotice.objects.get(policy=policy)) from None
    return notice


def enqueue(notice_pk):
    """Hand the next batch to the worker; if the task queue is unreachable, `resume_stalled` picks it up later."""
    try:
        send_policy_notice.enqueue(notice_pk)
    except Exception:
        logger.exception("could not enqueue policy notice %s; the periodic sweep resumes it", notice_pk)


# ---------------------------------------------------------------------------------------------------- the worker

def _context(policy, association, language):
    with translation.override(language):
        return {
            "association": association.short_name if association else "",
            "version": policy.version,
            "effective_from": format_hijri_or_gregorian(policy.effective_from, language),
            "link": settings.SITE_URL + reverse("association:policy"),
        }


def run_batch(notice_pk, now=None):
    """Queue the notice to the next BATCH governed beneficiaries. True while more remain (the chain goes on)."""
    now = now or timezone.now()
    notice = PolicyNotice.objects.select_related("policy").filter(pk=notice_pk, finished_at__isnull=True).first()
    if notice is None:
        return False
    policy = notice.policy
    batch = list(governed().filter(pk__gt=notice.cursor).order_by("pk")[:BATCH])
    with transaction.atomic():
        if not batch:
            PolicyNotice.objects.filter(pk=notice.pk, cursor=notice.cursor, finished_at__isnull=True).update(
                finished_at=now, progressed_at=now)
            return False
        # The batch is ours only if the cursor is still where we read it (another run would have moved it).
        if not PolicyNotice.objects.filter(pk=notice.pk, cursor=notice.cursor, finished_at__isnull=True).update(
                cursor=batch[-1].pk, progressed_at=now):
            return False
        keys = {b.pk: idempotency_key(policy, b.pk) for b in batch}
        already = set(Message.objects.filter(idempotency_key__in=keys.values()).values_list("idempotency_key", flat=True))
        association = Association.objects.current()
        contexts = {}
        queued = unreachable = 0
        for beneficiary in batch:
            if keys[beneficiary.pk] in already:
                continue
            recipient = beneficiary.as_recipient()
            language = recipient.language if recipient.language in ("ar", "en") else "ar"
            if language not in contexts:
                contexts[language] = _context(policy, association, language)
            message = outbox.queue(
                MESSAGE.key, to=recipient, context=contexts[language], event_key=f"policy-notice:{policy.pk}",
                about=notice, by=Actor.system(JOB),
            )
            if message is None:
                unreachable += 1
            else:
                queued += 1
        PolicyNotice.objects.filter(pk=notice.pk).update(
            recipients=F("recipients") + queued, unreachable=F("unreachable") + unreachable)
    return True


@task()
def send_policy_notice(notice_pk):
    """One batch, then the next one as a new task (each run short; the queue interleaves other work)."""
    if run_batch(notice_pk):
        enqueue(notice_pk)


def resume_stalled(now=None):
    """The periodic job: a notice with no progress for STALLED_AFTER is enqueued again (claimed, once per stall)."""
    now = now or timezone.now()
    resumed = 0
    stalled = PolicyNotice.objects.filter(finished_at__isnull=True, progressed_at__lt=now - STALLED_AFTER)
    for pk, progressed_at in stalled.values_list("pk", "progressed_at")[:20]:
        if PolicyNotice.objects.filter(pk=pk, progressed_at=progressed_at).update(progressed_at=now):
            transaction.on_commit(partial(enqueue, pk))
            resumed += 1
    return resumed
