"""Generate a realistic association: beneficiaries THROUGH THE IMPORT PATH, then requests, contacts,
referrals and audit rows at the ratios a working association has.

* Beneficiaries: rows as a spreadsheet holds them (bench/names.py: four-part names with real frequencies,
  compound names both ways, spelling variants, valid IDs, mobiles in mixed formats, ISO, D/M/Y and Hijri
  birth dates, regions by name, the association's branches and categories), fed to
  `beneficiaries.importing.import_beneficiaries`, the action behind the import command and page. Every
  check, the search key and the audit row of a real import are paid for. On PostgreSQL the rows are
  split over `workers` processes (the import takes batches of one transaction each, so this is safe).
* Requests (one per two beneficiaries), spread over the workflow's states: a small share through the real
  actions (`open_case`, `mark_incomplete`, `refer_to_researcher`, `log_interaction`), the rest written in
  bulk (COPY on PostgreSQL, `bulk_create` on SQLite) together with their timeline (`CaseEvent`) and audit
  rows, as the actions would write them.
* Contacts (one per two beneficiaries), referrals (one per twenty), and the reads the audit trail keeps
  (one per beneficiary).

Deterministic: the same N and seed give the same association.
"""

import datetime
import multiprocessing
import random
import time

from django.db import OperationalError, connection, connections, transaction
from django.utils import timezone

from mustafid.lib import bulk

from . import names as N

CHUNK = 10_000
SEED = 20261130


def _birth_cell(rng, today):
    """A birth date as a spreadsheet holds it: mostly ISO, often D/M/Y, sometimes Hijri."""
    from mustafid.lib.hijri import to_hijri

    born = today - datetime.timedelta(days=rng.randrange(18 * 365, 80 * 365))
    form = rng.random()
    if form < 0.65:
        return born.isoformat()
    if form < 0.93:
        return f"{born.day:02d}/{born.month:02d}/{born.year}"
    y, m, d = to_hijri(born)
    return f"{y}/{m:02d}/{d:02d}"


def spreadsheet_rows(start, count, *, context):
    """Rows `start`..`start+count` of the generated spreadsheet, as the import reads them (`ImportRow`)."""
    from mustafid.beneficiaries.importing import ImportRow
    from mustafid.lib.saudi import generate_national_id

    rng = random.Random(SEED + start)
    names = N.Names(rng)
    today = context["today"]
    rows = []
    for index in range(start, start + count):
        gender = "male" if rng.random() < 0.56 else "female"
        first, father, grandfather, family = names.person(gender)
        resident = rng.random() < 0.08
        national_id = generate_national_id("2" if resident else "1", index)
        region, city = names.region()
        values = {
            "first_name": N.as_typed(first, rng), "father_name": N.as_typed(father, rng),
            "grandfather_name": N.as_typed(grandfather, rng), "family_name": N.as_typed(family, rng),
            "national_id": national_id,
            "phone": N.mobile_as_typed(N.mobile_digits(rng), rng),
            "birth_date": _birth_cell(rng, today),
            "gender": rng.choice(["ذكر", "M", "male"] if gender == "male" else ["أنثى", "F", "female"]),
            "region": context["region_names"][region][rng.random() < 0.2],
            "city": city,
            "category": rng.choice(context["categories"]),
            "branch": rng.choice(context["branches"]),
        }
        rows.append(ImportRow(line=index + 2, values=values, original=list(values.values())))
    return rows


def _context():
    from mustafid.association.models import Branch, Region
    from mustafid.beneficiaries.models import Category

    regions = {r.code: (r.name_ar, r.name_en or r.name_ar) for r in Region.objects.all()}
    return {
        "today": timezone.localdate(),
        "region_names": regions,
        "categories": [c.name_ar for c in Category.objects.filter(active=True)],
        "branches": [b.name_ar for b in Branch.objects.order_by("pk")],
    }


def _import_chunks(chunks, n, by_pk, started=None):
    """Import the given chunk numbers (in one process), saying how far it is every 100,000 rows."""
    from mustafid.accounts.models import User
    from mustafid.beneficiaries.importing import import_beneficiaries

    by = User.objects.get(pk=by_pk)
    context = _context()
    created = rejected = 0
    for chunk in chunks:
        start = chunk * CHUNK
        rows = spreadsheet_rows(start, min(CHUNK, n - start), context=context)
        for attempt in range(10):
            try:
                result = import_beneficiaries(rows, by=by, source="bench.xlsx")
                break
            except OperationalError as error:
                # Two import processes may deadlock on the name index's shared counters; PostgreSQL then
                # rolls one batch back whole, and running the same rows again resumes it (the import's
                # own guarantee: IDs already registered are skipped).
                if "deadlock" not in str(error).lower() or attempt == 9:
                    raise
        created += result.created
        rejected += result.rejected_count - result.already_registered
        if started is not None and (chunk + 1) * CHUNK % 100_000 == 0:
            print(f"    {(chunk + 1) * CHUNK:,} rows imported ({time.perf_counter() - started:.0f}s)", flush=True)
    return created, rejected


def _worker(args):
    chunks, n, by_pk, started = args
    connections.close_all()  # a fresh connection per process
    return _import_chunks(chunks, n, by_pk, started)


def import_registry(n, *, by, workers=1, log=print):
    """Import `n` generated beneficiaries through the import action; returns (created, rejected, seconds)."""
    from mustafid.beneficiaries.models import Beneficiary

    before = Beneficiary.objects.count()
    started = time.perf_counter()
    chunks = list(range((n + CHUNK - 1) // CHUNK))
    if workers <= 1 or connection.vendor != "postgresql" or len(chunks) < 2:
        created, rejected = _import_chunks(chunks, n, by.pk, started)
    else:
        connections.close_all()
        parts = [(chunks[i::workers], n, by.pk, started) for i in range(workers)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(_worker, parts)
        created, rejected = sum(r[0] for r in results), sum(r[1] for r in results)
    seconds = time.perf_counter() - started
    # Counted in the table: a batch resumed after a deadlock was partly created by the attempt that failed.
    created = Beneficiary.objects.count() - before
    return created, rejected, seconds


# ---------------------------------------------------------------------------------------------------------
# Requests, contacts, referrals, audit reads
# ---------------------------------------------------------------------------------------------------------

# Where requests are, out of 100 (a working association: most closed or in service, a queue at each step).
STATES = [
    ("received", 10), ("incomplete", 6), ("documents_complete", 4), ("declared", 3), ("with_committee", 6),
    ("approved", 2), ("rejected", 9), ("registered", 4), ("in_service", 16), ("closed", 40),
]
# The timeline each state implies: (event kind, from, to, audit event type name).
PATHS = {
    "received": [],
    "incomplete": [("marked_incomplete", "received", "incomplete", "CASE_MARKED_INCOMPLETE")],
    "documents_complete": [("document_verified", "received", "documents_complete", "DOCUMENT_VERIFIED")],
}
PATHS["declared"] = PATHS["documents_complete"] + [("declared", "documents_complete", "declared",
                                                      "DECLARATION_RECORDED")]
PATHS["with_committee"] = PATHS["declared"] + [("submitted", "declared", "with_committee", "CASE_SUBMITTED")]
PATHS["approved"] = PATHS["with_committee"] + [("decided", "with_committee", "approved", "DECISION_RECORDED")]
PATHS["rejected"] = PATHS["with_committee"] + [("decided", "with_committee", "rejected", "DECISION_RECORDED")]
PATHS["registered"] = PATHS["approved"] + [("registered", "approved", "registered", "BENEFICIARY_REGISTERED")]
PATHS["in_service"] = PATHS["registered"] + [("service_delivered", "registered", "in_service", "SERVICE_DELIVERED")]
PATHS["closed"] = PATHS["in_service"] + [("closed", "in_service", "closed", "CASE_CLOSED")]
PATHS["closed_rejected"] = PATHS["rejected"] + [("closed", "rejected", "closed", "CASE_CLOSED")]

NEEDS = ["يحتاج إلى دعم العلاج", "سداد إيجار السكن", "سلة غذائية شهرية", "دعم رسوم دراسية لأبنائه",
         "جلسات تأهيل نفسي", "مساعدة في فاتورة الكهرباء", "كسوة الشتاء للأسرة"]
QUESTIONS = ["تقييم وضع الأسرة المعيشي", "زيارة منزلية للتحقق من السكن", "دراسة الحالة النفسية",
             "التحقق من الدخل الشهري"]
SUMMARIES = ["استفسار عن موعد صرف المساعدة", "متابعة طلب الدعم", "شكوى من تأخر الرد", "طلب تحديث رقم الجوال",
             "استفسار عن المستندات المطلوبة", "اقتراح لتحسين الخدمة"]


def _write(model, rows, batch_size=5000):
    """Write rows given as dicts of column values (by attribute name) and set each row's "id".

    SQLite: `bulk_create`. PostgreSQL: ids drawn from the table's sequence, then COPY (`lib.bulk`), several times
    faster than INSERT at a million rows. Columns a row does not give get the field's own default (so a column
    added to a model later is filled as Django would fill it).
    """
    if not rows:
        return
    meta = model._meta
    if connection.vendor != "postgresql":
        objects = [model(**row) for row in rows]
        model.objects.bulk_create(objects, batch_size=batch_size)
        for row, obj in zip(rows, objects):
            row["id"] = obj.pk
        return
    given = [name for name in rows[0] if name != "id"]
    defaults = {field.attname: field.get_default() for field in meta.concrete_fields
                if field.attname not in given and not field.primary_key}
    constant = list(defaults.values())
    for row, pk in zip(rows, bulk.draw_ids(model, len(rows))):
        row["id"] = pk
    bulk.insert_rows(model, [meta.pk.attname, *given, *defaults],
                     ([row["id"], *(row[name] for name in given), *constant] for row in rows))


_JOB = []


def _run_job(item):
    return _JOB[0](item)


def _in_parallel(job, items, workers):
    """`[job(item) for item in items]`, shared by `workers` forked processes on PostgreSQL (each with its own
    connection: this process closes its own before forking, so no child ever uses a parent's socket)."""
    if workers <= 1 or connection.vendor != "postgresql" or len(items) < 2 or connection.in_atomic_block:
        return [job(item) for item in items]
    _JOB[:] = [job]
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return pool.map(_run_job, items, chunksize=1)


def generate_activity(n, *, staff, workers=1, log=print):
    """Requests, their timelines, contacts, referrals and audit reads for a registry of `n` people.

    Written in batches of 5,000 requests (or contacts, or reads), each batch one transaction; on PostgreSQL
    the batches are shared by `workers` processes."""
    from mustafid.audit.actors import as_actor
    from mustafid.audit.models import AuditEvent, EventType
    from mustafid.association.models import current_policy
    from mustafid.beneficiaries.models import Beneficiary
    from mustafid.cases.models import Case, CaseEvent, SupportType
    from mustafid.interactions.models import Interaction
    from mustafid.research.models import Referral

    rng = random.Random(SEED)
    now = timezone.now()
    officer, researcher = staff["officer"], staff["researcher"]
    policy = current_policy()
    channels = list(policy.channels)
    support_types = list(SupportType.objects.filter(active=True).values_list("pk", flat=True))
    people = list(Beneficiary.objects.order_by("pk").values_list("pk", "branch_id"))
    who_case = {"received_by_id": officer.pk, **{k: v for k, v in as_actor(officer).columns("received_by").items()
                                                  if k != "received_by"}}
    who = {"actor_id": officer.pk, **{k: v for k, v in as_actor(officer).columns("actor").items() if k != "actor"}}
    audit_type = {name: int(getattr(EventType, name)) for name in
                  {step[3] for path in PATHS.values() for step in path} | {"CASE_OPENED"}}
    states, weights = zip(*STATES)
    counts = {}
    started = time.perf_counter()

    # A small share through the real actions, so their own writes are in the data as they are.
    real = _real_actions(min(300, max(4, n // 200)), people, staff, rng, log=log)
    counts.update(real)

    # Requests: received over the last three years, in order, so primary keys follow time.
    n_cases = n // 2 - real["requests (actions)"]
    span = 3 * 365 * 86400
    times = sorted(rng.random() * span for _ in range(n_cases))
    batch_size = 5000
    day = datetime.timedelta(days=1)

    def request_batch(start):
        rng = random.Random(SEED * 3 + start)
        cases, paths = [], []
        for offset in times[start:start + batch_size]:
            received_at = now - datetime.timedelta(seconds=span - offset)
            age_days = (now - received_at).days
            state = rng.choices(states, weights=weights, k=1)[0]
            if age_days > 120 and state not in ("closed", "in_service", "rejected") and rng.random() < 0.85:
                state = "closed"  # old requests are mostly finished
            if state == "with_committee" and age_days > 45:
                state = "closed"
            path = PATHS["closed_rejected" if state == "closed" and rng.random() < 0.2 else state]
            pk, branch_id = people[rng.randrange(len(people))]
            case = {"beneficiary_id": pk, "support_type_id": rng.choice(support_types),
                    "channel": rng.choice(channels), "need": rng.choice(NEEDS), "branch_id": branch_id,
                    "status": state, "received_at": received_at, **who_case,
                    "submitted_at": None, "policy_version_id": None, "response_days": None,
                    "decision_due_on": None, "decided_at": None, "closed_at": None}
            if len(path) >= 3:  # submitted to the committee
                submitted = received_at + day * rng.randrange(1, 10)
                case.update(submitted_at=submitted, policy_version_id=policy.pk, response_days=policy.response_days,
                            decision_due_on=(submitted + day * policy.response_days).date())
                if len(path) >= 4:
                    case["decided_at"] = submitted + day * rng.randrange(1, policy.response_days)
            if state == "closed":
                case["closed_at"] = min(now, received_at + day * rng.randrange(30, 120))
            cases.append(case)
            paths.append(path)
        with transaction.atomic():
            _write(Case, cases)
            events, audits = [], []
            for case, path in zip(cases, paths):
                at, case_pk = case["received_at"], case["id"]
                events.append({"case_id": case_pk, "kind": "opened", "from_status": "", "to_status": "received",
                               "at": at, "note": "", "data": {"channel": case["channel"]}, **who})
                audits.append({"event_type": audit_type["CASE_OPENED"], "at": at, **who, "target_type": "cases.case",
                               "target_id": str(case_pk), "target_label": "", "ip_address": None,
                               "data": {"channel": case["channel"]}})
                for kind, from_status, to_status, audit_name in path:
                    at = min(now, at + datetime.timedelta(hours=rng.randrange(2, 200)))
                    events.append({"case_id": case_pk, "kind": kind, "from_status": from_status,
                                   "to_status": to_status, "at": at, "note": "", "data": {}, **who})
                    audits.append({"event_type": audit_type[audit_name], "at": at, **who, "target_type": "cases.case",
                                   "target_id": str(case_pk), "target_label": "", "ip_address": None,
                                   "data": {"case": case_pk, "from": from_status, "to": to_status}})
            _write(CaseEvent, events)
            _write(AuditEvent, audits)
        return len(events)

    total_events = sum(_in_parallel(request_batch, list(range(0, n_cases, batch_size)), workers))
    counts["requests (bulk)"] = n_cases
    counts["timeline rows (bulk)"] = total_events
    log(f"  requests: {n_cases:,} with {total_events:,} timeline and audit rows "
        f"({time.perf_counter() - started:.0f}s)")

    # Contacts: one per two beneficiaries; three in ten from people not (yet) in the registry.
    started = time.perf_counter()
    n_contacts = n // 2
    span = 2 * 365 * 86400
    times = sorted(rng.random() * span for _ in range(n_contacts))
    def contact_batch(start):
        rng = random.Random(SEED * 5 + start)
        contacts = []
        for offset in times[start:start + batch_size]:
            linked = rng.random() < 0.7
            pk, branch_id = people[rng.randrange(len(people))]
            contacts.append({
                "channel": rng.choice(channels), "direction": rng.choice(["in", "in", "out"]),
                "kind": rng.choice(["inquiry", "inquiry", "follow_up", "request", "complaint", "suggestion"]),
                "summary": rng.choice(SUMMARIES), "outcome": "", "beneficiary_id": pk if linked else None,
                "contact_name": "" if linked else "متصل غير مسجل",
                "contact_mobile": "" if linked else "+966500000000",
                "staff_id": officer.pk, "staff_label": officer.username,
                "branch_id": branch_id if linked else officer.branch_id,
                "occurred_at": now - datetime.timedelta(seconds=span - offset)})
        with transaction.atomic():
            _write(Interaction, contacts)
            _write(AuditEvent, [{"event_type": int(EventType.INTERACTION_LOGGED), "at": c["occurred_at"], **who,
                                 "target_type": "interactions.interaction", "target_id": str(c["id"]),
                                 "target_label": "", "ip_address": None,
                                 "data": {"channel": c["channel"], "kind": c["kind"]}} for c in contacts])

    _in_parallel(contact_batch, list(range(0, n_contacts, batch_size)), workers)
    counts["contacts (bulk)"] = n_contacts

    # Referrals: one per twenty beneficiaries, on requests; six in ten answered.
    case_rows = list(Case.objects.order_by("pk").values_list("pk", "beneficiary_id", "received_at")[: n // 20 * 3])
    rng.shuffle(case_rows)
    referrals = []
    for case_pk, beneficiary_pk, received_at in case_rows[: n // 20]:
        referred_at = min(now, received_at + day * rng.randrange(0, 10))
        answered = rng.random() < 0.6
        referrals.append({"case_id": case_pk, "beneficiary_id": beneficiary_pk, "interaction_id": None,
                          "researcher_id": researcher.pk, "question": rng.choice(QUESTIONS),
                          "referred_by_id": officer.pk, "referred_at": referred_at,
                          "answer": "تمت الدراسة والتوصية بالدعم" if answered else "",
                          "answered_at": referred_at + day * 3 if answered else None})
    with transaction.atomic():
        _write(Referral, referrals)
        _write(AuditEvent, [{"event_type": int(EventType.REFERRAL_CREATED), "at": r["referred_at"], **who,
                             "target_type": "research.referral", "target_id": str(r["id"]), "target_label": "",
                             "ip_address": None, "data": {}} for r in referrals])
    counts["referrals (bulk)"] = len(referrals)

    # The reads the trail keeps: one per beneficiary (a file opened, a request viewed, a search).
    reads = [int(EventType.BENEFICIARY_VIEWED), int(EventType.CASE_VIEWED), int(EventType.REGISTRY_SEARCHED),
             int(EventType.REGISTRY_LISTED)]
    viewed = int(EventType.BENEFICIARY_VIEWED)
    def read_batch(start):
        rng = random.Random(SEED * 7 + start)
        rows = []
        for _ in range(min(batch_size, n - start)):
            pk, _branch = people[rng.randrange(len(people))]
            kind = rng.choice(reads)
            rows.append({"event_type": kind, "at": now - datetime.timedelta(seconds=rng.random() * span), **who,
                         "target_type": "beneficiaries.beneficiary" if kind == viewed else "",
                         "target_id": str(pk) if kind == viewed else "", "target_label": "", "ip_address": None,
                         "data": {"page": 1, "results": 25} if kind != viewed else {}})
        _write(AuditEvent, rows)

    _in_parallel(read_batch, list(range(0, n, batch_size)), workers)
    counts["audit reads (bulk)"] = n
    log(f"  contacts, referrals and audit reads ({time.perf_counter() - started:.0f}s)")
    return counts


def _real_actions(count, people, staff, rng, *, log=print):
    """`count` requests opened through `open_case`, a third marked incomplete, some referred; contacts logged."""
    from mustafid.beneficiaries.models import Beneficiary
    from mustafid.cases import actions as case_actions
    from mustafid.cases.models import SupportType
    from mustafid.interactions.actions import log_interaction
    from mustafid.research.actions import refer_to_researcher

    officer, researcher = staff["officer"], staff["researcher"]
    support_type = SupportType.objects.filter(active=True).first()
    chosen = Beneficiary.objects.filter(pk__in=[people[rng.randrange(len(people))][0] for _ in range(count)])
    opened = incomplete = referred = logged = 0
    for beneficiary in chosen:
        case = case_actions.open_case(beneficiary=beneficiary, support_type=support_type, channel="phone",
                                      need=rng.choice(NEEDS), by=officer)
        opened += 1
        if opened % 3 == 0:
            case_actions.mark_incomplete(case, note="ينقص تقرير طبي", by=officer)
            incomplete += 1
        if opened % 5 == 0:
            refer_to_researcher(researcher=researcher, question=rng.choice(QUESTIONS), by=officer, case=case)
            referred += 1
        log_interaction(channel="phone", direction="in", kind="inquiry", summary=rng.choice(SUMMARIES),
                        by=officer, beneficiary=beneficiary)
        logged += 1
    return {"requests (actions)": opened, "marked incomplete (action)": incomplete,
            "referrals (action)": referred, "contacts (action)": logged}


def generate_outcomes(*, staff, workers=1, log=print):
    """What follows the bulk requests' timelines: the committee's decisions, the services delivered, the messages
    the steps sent, and the satisfaction surveys after deliveries — what the managers' indicators read.

    Written from the timeline rows already there (one decision per «قرار لجنة البحث» row, one delivery per
    «تقديم الخدمة» row, a message per opening, decision and delivery, an invitation per delivery and an answer to
    four in ten), in batches of 5,000 timeline rows; a database filled before this existed is topped up once
    (`run.py`: when it has requests and no decisions)."""
    from mustafid.cases.models import CaseEvent
    from mustafid.committee.actions import fill_clock_starts
    from mustafid.committee.models import Decision
    from mustafid.feedback.models import Survey, SurveyInvitation, SurveyResponse, Trigger
    from mustafid.notifications.models import Message
    from mustafid.services.models import Service, ServiceDelivery

    started = time.perf_counter()
    officer = staff["officer"]
    survey = Survey.objects.filter(active=True, trigger=Trigger.DELIVERY).first()
    if survey is None:
        survey = Survey.objects.create(name="استبيان الرضا بعد تقديم الخدمة", trigger=Trigger.DELIVERY, active=True)
    services = list(Service.objects.filter(active=True).values_list("pk", "measure"))
    if not services:
        log("  outcomes: skipped (no service in the catalogue)")
        return {}
    kinds = [CaseEvent.Kind.OPENED, CaseEvent.Kind.DECIDED, CaseEvent.Kind.SERVICE_DELIVERED]
    bounds = list(CaseEvent.objects.filter(kind__in=kinds).order_by("pk").values_list("pk", flat=True)[::5000])
    day = datetime.timedelta(days=1)

    def batch(first):
        rng = random.Random(SEED * 11 + first)
        rows = list(CaseEvent.objects.filter(kind__in=kinds, pk__gte=first).order_by("pk")
                    .values_list("pk", "case_id", "kind", "to_status", "at", "case__beneficiary_id",
                                 "case__decision_due_on", "case__support_type_id")[:5000])
        decisions, deliveries, messages, invitations, answers = [], [], [], [], []
        person_of = {row[1]: row[5] for row in rows}
        for pk, case_id, kind, to_status, at, person, due_on, support_type in rows:
            failed = rng.random() < 0.04
            messages.append({
                "idempotency_key": f"bench-{pk}", "purpose": "service", "channel": "sms",
                "recipient": f"+9665{rng.randrange(10**8):08d}", "language": "ar", "template": f"case_{kind}",
                "context": {}, "subject": "", "body": "رسالة من الجمعية", "status": "failed" if failed else "delivered",
                "attempts": 1, "next_attempt_at": at, "provider": "bench", "provider_ref": "", "last_error": "",
                "created_at": at, "sent_at": None if failed else at, "delivered_at": None if failed else at,
                "person_type": "beneficiaries.beneficiary", "person_id": person, "about_type": "cases.case",
                "about_id": case_id, "queued_by_id": officer.pk, "queued_by_kind": "staff",
                "queued_by_label": officer.username})
            if kind == CaseEvent.Kind.DECIDED:
                approved = to_status != "rejected"
                decisions.append({
                    "case_id": case_id, "number": f"B{pk}", "outcome": "approved" if approved else "rejected",
                    "reasons": "مستوفٍ للشروط" if approved else "لا تنطبق الشروط", "decided_by_id": officer.pk,
                    "decided_at": at, "by_circulation": False, "support_type_id": support_type if approved else None,
                    "amount": None, "within_response_period": due_on is None or at.date() <= due_on})
            elif kind == CaseEvent.Kind.SERVICE_DELIVERED:
                service, measure = rng.choice(services)
                quantity = rng.choice([300, 500, 1000, 1500]) if measure == "amount" else rng.randrange(1, 4)
                deliveries.append({"case_id": case_id, "service_id": service, "quantity": quantity,
                                   "delivered_on": at.date(), "note": "", "recorded_at": at,
                                   "delivered_by_id": officer.pk})
        with transaction.atomic():
            _write(Message, messages)
            _write(Decision, decisions)
            fill_clock_starts(Decision.objects.filter(pk__in=[decision["id"] for decision in decisions]))
            _write(ServiceDelivery, deliveries)
            for delivery in deliveries:
                at = delivery["recorded_at"]
                answered = rng.random() < 0.4
                invitations.append({
                    "survey_id": survey.pk, "beneficiary_id": person_of[delivery["case_id"]],
                    "about_type": "services.servicedelivery", "about_id": delivery["id"],
                    "token_digest": f"bench-{delivery['id']}", "created_at": at, "sent_at": at,
                    "expires_at": at + 14 * day, "answered_at": at + day if answered else None,
                    "invited_by_id": officer.pk, "invited_by_kind": "staff", "invited_by_label": officer.username})
            _write(SurveyInvitation, invitations)
            for invitation in invitations:
                if invitation["answered_at"] is not None:
                    answers.append({"invitation_id": invitation["id"], "survey_id": survey.pk,
                                    "answered_at": invitation["answered_at"],
                                    "satisfaction": rng.choices([1, 2, 3, 4, 5], weights=[3, 5, 12, 35, 45])[0],
                                    "recommendation": rng.choices(range(11), weights=[1] * 6 + [3, 6, 10, 25, 35])[0],
                                    "wants_contact": False})
            _write(SurveyResponse, answers)
        return len(decisions), len(deliveries), len(messages), len(invitations), len(answers)

    totals = [sum(column) for column in zip(*_in_parallel(batch, bounds, workers))] or [0] * 5
    names = ["decisions", "deliveries", "messages", "survey invitations", "survey answers"]
    log("  outcomes: " + ", ".join(f"{count:,} {name}" for count, name in zip(totals, names))
        + f" ({time.perf_counter() - started:.0f}s)")
    return dict(zip(names, totals))
