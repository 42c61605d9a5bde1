"""Any number of workers (issue 18, item 4): every task is safe to run twice or at once, and a
worker that dies mid-task loses nothing. Real prefork workers in their own processes, on
the shared (committed) PostgreSQL test database and a Redis database of our own, deliver
their email to a local SMTP server that records each message.

Why each task is safe twice or concurrently (the test below runs each pair at once on two
workers, and compares the outcome with one run, made beforehand in a transaction rolled back):

- ``bigpicture.tasks.send_notifications(ids)``: a worker claims its rows (``SELECT ... FOR
  UPDATE SKIP LOCKED``, then status "sending" with a lease) before sending; a second copy
  finds them taken or sent. tests/bigpicture/test_delivery_real.py kills one mid-send.
- ``scan_reminders``: each outbox row has a unique key per (rule, subject, recipient,
  occasion), written with ``ON CONFLICT DO NOTHING``; two scans write each row once, and the
  send tasks both publish are claimed as above.
- ``sweep_outbox``: releases expired claims (a conditional UPDATE) and queues due rows; two
  sweeps may queue a row twice, and the claim sends it once.
- ``write_daily_digests``: each person's daily email is an outbox row keyed by person and
  day: the second write is ignored.
- ``purge_access_records``: a DELETE of the rows past the retention period; a second one, or
  one waiting on the first's row locks, finds nothing left.
- ``sweep_orphan_files``: deletes stored files no row points to and a day old; a second
  sweep finds them gone (deleting a missing file is not an error in either store).
- ``compute_engagement`` (and ``compute_engagement_for``): an upsert of one row per student
  (``ON CONFLICT DO UPDATE``) after locking the school's rows, so a second run waits and
  writes the same statuses from the same facts.
- ``students.tasks.roster_check``, ``roster_import``, ``bigpicture.pages.portfolio.tasks
  .build_portfolios``: a job is claimed first (``bigpicture.jobs.claim``: one conditional
  UPDATE from "waiting" to "running"), so a second message finds it taken and does nothing.
  Before, both copies ran: two imports at once (one of them failing on the other's rows and
  telling the admin so), two zips of portfolios. Only a message the broker hands out again
  after its worker died takes a running job back (the last test).

They need PostgreSQL and Redis (and Pango, for the portfolios): outside CI they skip
without them; in CI a missing service fails.
"""

import re
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from bigpicture import jobs, notifications, records
from bigpicture.models import (
    AccessRecord,
    Job,
    Notification,
    NotificationPreference,
    School,
    User,
)
from bigpicture.notifications.rules import DIGEST_RULE
from bigpicture.pages import pdf
from bigpicture.pages.portfolio import services as portfolios
from bigpicture.pages.portfolio.tasks import build_portfolios
from bigpicture.tasks import (
    purge_access_records,
    scan_reminders,
    sweep_outbox,
    write_daily_digests,
)
from expectations.models import Engagement
from expectations.services import engagement
from expectations.tasks import compute_engagement
from students.models import Student
from students.services import roster_jobs
from students.tasks import roster_import
from tests import factories
from tests.bigpicture.test_delivery_real import RecordingHandler, _seed_school, _smtp_server
from tests.students.roster_files import oneroster_zip
from tests.workers import (
    Processes,
    database_url,
    publishing_to,
    redis_or_skip,
    redis_url,
    unavailable,
    wait_until,
)

pytestmark = [pytest.mark.postgres, pytest.mark.real_clock]

REDIS_DB = 13  # ours alone (issue 18's helpers share the server): emptied before and after
TIMEOUT = 60.0
Status = Notification.Status
IN_DIGEST = "In the daily email."  # the reason of a row sent in a person's daily email


@pytest.fixture
def broker(monkeypatch):
    """Publish this process's tasks to our emptied Redis database."""
    url = redis_url(REDIS_DB)
    client = redis_or_skip(url)
    with publishing_to(url, monkeypatch):
        yield client
    client.flushdb()
    client.close()


@pytest.fixture
def parts(transactional_db, broker, tmp_path):
    """An SMTP server that records what it accepts, and a launcher of workers that use it."""
    if not pdf.AVAILABLE:
        unavailable("needs Pango for WeasyPrint (the portfolios)")
    smtp = RecordingHandler()
    controller = _smtp_server(smtp)
    processes = Processes(
        logs=tmp_path,
        DJANGO_SETTINGS_MODULE="bigpicture.settings",
        DATABASE_URL=database_url(),
        CELERY_BROKER_URL=redis_url(REDIS_DB),
        EMAIL_URL=f"smtp://127.0.0.1:{controller.port}",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),  # the files the tests' storage keeps
    )
    yield SimpleNamespace(smtp=smtp, processes=processes, broker=broker)
    processes.stop_all()
    controller.stop()


def _ready(processes: Processes, *names: str) -> None:
    """Wait until each worker says it is ready to take tasks."""
    wait_until(
        lambda: all(" ready." in processes.log(name) for name in names),
        "the workers to start",
        TIMEOUT,
    )


def _idle(client) -> bool:
    """Nothing waits in the queue and no worker holds a message unacknowledged (every task
    acknowledges late, once done), three times in a row."""
    for _ in range(3):
        if client.llen("celery") or client.hlen("unacked"):
            return False
        time.sleep(0.1)
    return True


def _twice_at_once(parts, task, *args) -> None:
    """Publish the task twice at once and wait until both copies are done."""
    for _ in range(2):
        task.delay(*args)
    wait_until(lambda: _idle(parts.broker), f"both runs of {task.name}", TIMEOUT)


def _received(parts, task_name: str) -> list[int]:
    """How many copies of the task each worker received."""
    received = re.compile(rf"Task {re.escape(task_name)}\[[0-9a-f-]+\] received")
    return [len(received.findall(parts.processes.log(name))) for name in parts.processes.started]


def _once(run):
    """What one run makes, seen inside a transaction that is then rolled back."""
    with transaction.atomic():
        seen = run()
        transaction.set_rollback(True)
    return seen


def _keys(**filters) -> set[str]:
    return set(Notification.objects.filter(**filters).values_list("key", flat=True))


def _evening_zone() -> str:
    """A time zone where it is now 8 pm, so that the daily emails are due."""
    offset = (20 - timezone.now().hour + 12) % 24 - 12
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def _unsent() -> list[tuple]:
    """The rows due and not sent yet."""
    rows = Notification.objects.filter(status__in=[Status.PENDING, Status.SENDING])
    rows = rows.filter(send_after__lte=timezone.now())
    return list(rows.values_list("key", "status"))


def _delivered_once(parts) -> None:
    """Every row due was sent, and the server received each exactly once."""
    wait_until(lambda: not _unsent() and _idle(parts.broker), "every due row sent", TIMEOUT)
    emailed = Notification.objects.filter(status=Status.SENT).exclude(reason=IN_DIGEST)
    assert sorted(parts.smtp.keys()) == sorted(emailed.values_list("key", flat=True))


def _roster_import_job(school: School, admin) -> Job:
    """A checked roster file of four students and its import, waiting to start."""
    check = jobs.create(
        kind=Job.Kind.ROSTER_CHECK,
        school=school,
        by=admin,
        params={"format": roster_jobs.ONEROSTER},
        upload=ContentFile(oneroster_zip(4), name="roster.zip"),
    )
    check = roster_jobs.roster_check_run(check)
    assert check.status == Job.Status.DONE and not check.result["errors"], check.error
    return roster_jobs.roster_import_start(check=check, by=admin)


def _portfolio_job(school: School, size: int) -> Job:
    """A batch of ``size`` portfolios of the school's students, asked for by its admin."""
    admin = User.objects.filter(school=school, is_school_admin=True).order_by("pk").first()
    students = Student.objects.visible_to(admin).filter(school=school).order_by("pk")
    students = students.filter(pk__in=list(students.values_list("pk", flat=True)[:size]))
    job = portfolios.batch_start(
        by=admin, school=school, students=students, paper="a4", language="en", label="Harbor"
    )
    assert job.total == size
    return job


def _statuses() -> list[tuple]:
    """Each student's engagement: status, signals and what check-ins answered."""
    rows = Engagement.objects.order_by("student_id")
    return list(rows.values_list("student_id", "status", "signals", "answered"))


def _zips() -> set[str]:
    """The names of the stored zips of portfolios."""
    folder = Path(settings.MEDIA_ROOT) / "private" / "jobs" / Job.Kind.PORTFOLIOS
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def test_two_workers_running_every_task_twice_at_once_do_it_once(parts):
    """Each task published twice at once on two workers: the outcome of one run."""
    school = _seed_school(16, parts.broker)
    School.objects.filter(pk=school.pk).update(time_zone=_evening_zone())
    daily = list(
        NotificationPreference.objects.filter(user__school=school, kind="progress")
        .order_by("pk")
        .values_list("pk", flat=True)[:4]
    )
    NotificationPreference.objects.filter(pk__in=daily).update(delivery="daily")
    old = timezone.now() - timedelta(days=school.access_record_days + 30)
    AccessRecord.objects.bulk_create(
        AccessRecord(
            school=school, student_id=0, person_name="x", action="view", area="profile", at=old
        )
        for _ in range(5)
    )
    roster_school = factories.SchoolFactory(name="Met Roster", slug="met-roster")
    roster_admin = factories.AdminFactory(school=roster_school, email="registrar@roster.test")
    roster = _roster_import_job(roster_school, roster_admin)
    batch = _portfolio_job(school, 3)
    zips_before = _zips()
    parts.broker.flushdb()  # the import's own publish on commit: it is published twice below
    parts.processes.worker("worker1")
    parts.processes.worker("worker2")
    _ready(parts.processes, "worker1", "worker2")

    scanned = _once(lambda: (notifications.scan(), _keys())[1])
    _twice_at_once(parts, scan_reminders)
    assert _keys() == scanned and len(scanned) > 20
    assert Notification.objects.filter(status=Status.DIGEST).count() >= 4
    _delivered_once(parts)

    digests = _once(lambda: (notifications.write_digests(), _keys(rule=DIGEST_RULE))[1])
    _twice_at_once(parts, write_daily_digests)
    assert _keys(rule=DIGEST_RULE) == digests and len(digests) >= 1
    _twice_at_once(parts, sweep_outbox)
    _delivered_once(parts)

    kept = AccessRecord.objects.count() - _once(records.purge)
    _twice_at_once(parts, purge_access_records)
    assert AccessRecord.objects.count() == kept
    assert not AccessRecord.objects.filter(at__lt=old + timedelta(days=1)).exists()

    statuses = _once(lambda: (engagement.compute_every_school(), _statuses())[1])
    _twice_at_once(parts, compute_engagement)
    assert _statuses() == statuses and len(statuses) >= 10

    _twice_at_once(parts, roster_import, roster.pk)
    assert _received(parts, roster_import.name) == [1, 1], "each worker should get a copy"
    roster.refresh_from_db()
    assert roster.status == Job.Status.DONE, roster.error
    assert roster.result["counts"]["students"]["created"] == 4
    assert Student.objects.filter(school=roster_school).count() == 4
    assert Notification.objects.filter(rule="roster_import_done").count() == 1
    _delivered_once(parts)

    _twice_at_once(parts, build_portfolios, batch.pk)
    assert _received(parts, build_portfolios.name) == [1, 1], "each worker should get a copy"
    batch.refresh_from_db()
    assert (batch.status, batch.result) == (Job.Status.DONE, {"portfolios": 3, "left_out": 0})
    made = _zips() - zips_before
    assert made == {Path(batch.file.name).name}, "one zip, made once"


def test_a_job_is_claimed_once_and_taken_back_only_from_a_dead_worker(parts):
    """The claim itself: one of two messages takes a waiting job; a redelivered one takes a
    running job back; a finished job is never taken."""
    school = _seed_school(4, parts.broker)
    job = _portfolio_job(school, 2)
    found = Job.objects.filter(pk=job.pk)
    assert jobs.claim(found).status == Job.Status.RUNNING
    assert jobs.claim(found) is None, "a second message leaves a running job alone"
    assert jobs.claim(found, redelivered=True).pk == job.pk
    found.update(status=Job.Status.DONE)
    assert jobs.claim(found, redelivered=True) is None
    assert jobs.claim(Job.objects.filter(pk=0)) is None


def test_a_worker_killed_mid_job_loses_nothing_and_the_job_is_done_once(parts):
    """A worker SIGKILLed halfway through a batch of portfolios: its message stays unacked in
    Redis; a second worker, with a visibility timeout of two seconds, gets it back, takes the
    running job again and makes the zip once."""
    school = _seed_school(10, parts.broker)
    batch = _portfolio_job(school, 8)
    zips_before = _zips()
    first = parts.processes.worker("worker1")
    _ready(parts.processes, "worker1")
    build_portfolios.delay(batch.pk)
    found = Job.objects.filter(pk=batch.pk)
    wait_until(lambda: found.filter(done__gte=2).exists(), "the first portfolios", TIMEOUT)
    parts.processes.kill(first)
    batch.refresh_from_db()
    assert batch.status == Job.Status.RUNNING and batch.done < batch.total
    assert (parts.broker.llen("celery"), parts.broker.hlen("unacked")) == (0, 1)
    assert _zips() == zips_before

    parts.processes.worker("worker2", CELERY_VISIBILITY_TIMEOUT="2", CELERY_RESTORE_INTERVAL="1")
    wait_until(lambda: found.filter(status=Job.Status.DONE).exists(), "the job done", TIMEOUT)
    wait_until(lambda: _idle(parts.broker), "the message acknowledged", TIMEOUT)
    batch.refresh_from_db()
    assert batch.result == {"portfolios": 8, "left_out": 0}
    assert batch.done == batch.total == 8
    # With a timeout shorter than the job, Redis hands the message out again while the second
    # worker still builds (why the timeout must outlast the longest task); the copy waits
    # for the worker's one process and then finds the job done.
    first_got, second_got = _received(parts, build_portfolios.name)
    assert first_got == 1 and second_got >= 1
    assert _zips() - zips_before == {Path(batch.file.name).name}, "one zip, made once"
