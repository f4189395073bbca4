"""«إشعار المستفيدين بالسياسة الجديدة»: once per version, once per person, by managers, in background batches."""

import datetime

import pytest
from django.utils import timezone

from mustafid.association.models import PolicyVersion
from mustafid.audit.models import AuditEvent, EventType
from mustafid.beneficiaries.models import Beneficiary
from mustafid.conftest import make_beneficiary, open_case
from mustafid.notifications.models import Message
from mustafid.reports import policy_notice
from mustafid.reports.models import PolicyNotice


def new_version(association, version="2.0"):
    old = PolicyVersion.objects.order_by("pk").first()
    return PolicyVersion.objects.create(
        association=association, version=version, effective_from=timezone.localdate(), response_days=30,
        approved_on=timezone.localdate(), board_meeting="الجلسة الخامسة",
        channels=old.channels, general_goal_ar=old.general_goal_ar, detailed_goals_ar=old.detailed_goals_ar,
    )


def run_to_the_end(notice):
    """What the worker's chain of `send_policy_notice` tasks does: batch after batch until none is left."""
    runs = 0
    while policy_notice.run_batch(notice.pk):
        runs += 1
    return runs


@pytest.fixture
def people(make_case, officer):
    """Two registered beneficiaries, one with an open request only, one with neither (not governed)."""
    registered = [make_case("registered").beneficiary, make_case("in_service").beneficiary]
    applying = open_case(make_beneficiary(by=officer), officer).beneficiary
    bystander = make_beneficiary(by=officer)
    return {"governed": registered + [applying], "bystander": bystander}


def notices_to(version):
    return Message.objects.filter(template="policy_updated", idempotency_key__startswith=f"policy-notice:{version.pk}/")


@pytest.mark.django_db
def test_a_manager_sends_the_notice_once_to_each_governed_beneficiary(client, staff, association, people, monkeypatch):
    monkeypatch.setattr(policy_notice, "BATCH", 2)  # several batches, as with a million
    version = new_version(association)
    client.force_login(staff["manager"])
    response = client.post("/policy/notice/", follow=True)
    assert "بدأ إرسال الإشعار" in response.content.decode()
    notice = PolicyNotice.objects.get(policy=version)
    assert notice.started_by == staff["manager"] and notice.finished_at is None
    audit = AuditEvent.objects.get(event_type=EventType.POLICY_NOTICE_SENT)
    assert audit.actor == staff["manager"] and audit.target_id == str(version.pk) and audit.data["version"] == "2.0"

    assert run_to_the_end(notice) >= 2
    notice.refresh_from_db()
    governed = policy_notice.governed().count()
    assert notice.finished_at is not None and notice.recipients + notice.unreachable == governed
    sent_to = set(notices_to(version).values_list("person_id", flat=True))
    assert {b.pk for b in people["governed"]} <= sent_to
    assert people["bystander"].pk not in sent_to
    assert notices_to(version).count() == notice.recipients == len(sent_to)
    message = notices_to(version).first()
    assert "/policy/" in message.body and "2.0" in message.body
    for name in Beneficiary.objects.values_list("category__name_ar", flat=True).distinct():
        assert name is None or name not in message.body  # never a sensitive word


@pytest.mark.django_db
def test_a_second_click_says_when_it_was_sent_and_sends_nothing(client, staff, association, people):
    version = new_version(association)
    client.force_login(staff["manager"])
    client.post("/policy/notice/")
    run_to_the_end(PolicyNotice.objects.get(policy=version))
    before = notices_to(version).count()
    response = client.post("/policy/notice/", follow=True)
    assert "أُرسل إشعار هذا الإصدار من قبل في" in response.content.decode()
    assert PolicyNotice.objects.filter(policy=version).count() == 1
    assert AuditEvent.objects.filter(event_type=EventType.POLICY_NOTICE_SENT).count() == 1
    assert notices_to(version).count() == before
    page = client.get("/policy/notice/").content.decode()
    assert "إشعار المستفيدين بالسياسة الجديدة</button>" not in page and "اكتمل" in page


@pytest.mark.django_db
def test_running_the_batches_again_never_sends_twice_to_the_same_person(staff, association, people):
    version = new_version(association)
    notice = policy_notice.start_notice(version, by=staff["manager"])
    run_to_the_end(notice)
    first = sorted(notices_to(version).values_list("pk", flat=True))
    recipients = PolicyNotice.objects.get(pk=notice.pk).recipients
    # A lost task restarted from the beginning (the cursor back at 0): the same people, no new message.
    PolicyNotice.objects.filter(pk=notice.pk).update(cursor=0, finished_at=None)
    run_to_the_end(notice)
    assert sorted(notices_to(version).values_list("pk", flat=True)) == first
    assert PolicyNotice.objects.get(pk=notice.pk).recipients == recipients
    # A finished notice does nothing more.
    assert policy_notice.run_batch(notice.pk) is False


@pytest.mark.django_db
def test_a_new_version_is_a_new_notice_to_the_same_people(staff, association, people):
    first = new_version(association, "2.0")
    run_to_the_end(policy_notice.start_notice(first, by=staff["manager"]))
    second = new_version(association, "3.0")
    run_to_the_end(policy_notice.start_notice(second, by=staff["manager"]))
    assert notices_to(second).count() == notices_to(first).count() > 0


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["officer", "researcher", "committee", "chair", "branch_rep", "volunteer", "auditor"])
def test_only_managers_may_send_the_notice(client, staff, association, role):
    new_version(association)
    client.force_login(staff[role])
    response = client.post("/policy/notice/")
    assert response.status_code == 403
    assert not PolicyNotice.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.POLICY_NOTICE_SENT).exists()
    with pytest.raises(Exception):
        policy_notice.start_notice(PolicyVersion.objects.first(), by=staff[role])


@pytest.mark.django_db
def test_the_auditor_reads_the_evidence_without_the_button(client, staff, association, people):
    version = new_version(association)
    run_to_the_end(policy_notice.start_notice(version, by=staff["manager"]))
    client.force_login(staff["auditor"])
    page = client.get("/policy/notice/").content.decode()
    assert "<button" not in page.split('id="notice-status"')[1].split("</section>")[0]
    assert staff["manager"].display_name in page and "2.0" in page


@pytest.mark.django_db
def test_a_stalled_notice_is_taken_up_again_by_the_sweep(staff, association, monkeypatch,
                                                         django_capture_on_commit_callbacks):
    version = new_version(association)
    monkeypatch.setattr(policy_notice, "enqueue", lambda pk: None)  # the queue unreachable: the task never runs
    notice = policy_notice.start_notice(version, by=staff["manager"])
    enqueued = []
    monkeypatch.setattr(policy_notice, "enqueue", enqueued.append)
    assert policy_notice.resume_stalled() == 0
    later = timezone.now() + policy_notice.STALLED_AFTER + datetime.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert policy_notice.resume_stalled(later) == 1
        assert policy_notice.resume_stalled(later) == 0  # claimed: once per stall
    assert enqueued == [notice.pk]


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_sends_the_notice_through_the_outbox(client, outbox, association, settings):
    from mustafid.conftest import case_at
    from mustafid.demo.loader import load_demo_staff

    users = {user.username: user for user in load_demo_staff()}
    beneficiary = case_at("registered", beneficiary=make_beneficiary(by=users["officer"]), officer=users["officer"],
                          committee_member=users["chair"]).beneficiary
    new_version(association)
    client.force_login(users["manager"])
    client.post("/policy/notice/")
    outbox.run_worker()
    texts = [m for m in outbox.messages() if m.get("Template") == "policy_updated"]
    assert len(texts) == 1 and "/policy/" in texts[0]["text"]
    assert PolicyNotice.objects.get().finished_at is not None
    assert Message.objects.get(template="policy_updated").person_id == beneficiary.pk
