"""Delivery with the real parts: PostgreSQL, Redis, Celery workers in their own processes, SMTP.

The rest of the suite runs tasks eagerly and collects mail in memory; these tests publish
the outbox's tasks to Redis, let real prefork workers claim rows in the shared (committed)
test database and hand each email to a local aiosmtpd server that records what it accepts.

Killing a worker mid-delivery: SMTP has an unavoidable window between the server accepting
a message (250 after DATA) and the worker marking its row sent. A SIGKILL landing there
leaves the row "sending" although the message arrived, and the sweep sends it again: at
least once, not exactly once, and no outbox can close that window over plain SMTP (the
stable Message-ID lets a receiving server drop the copy). The test does not pretend
otherwise: it kills outside that window, deterministically. The server holds every DATA
at a gate: after a fixed number of messages the gate closes, so the messages in flight wait
inside DATA, unrecorded and unanswered; the test waits until every accepted message's row
is marked sent and at least one send is held at the gate, then SIGKILLs the whole worker
process group. The held sessions lose their client, so aiosmtpd cancels them and they are
never recorded; the gate opens, a second worker starts, the sweep (run as if the ten-minute
lease had passed) puts the dead worker's claims back to pending, and every message must
arrive exactly once.

They need PostgreSQL (a worker process cannot see an in-memory SQLite database) and Redis:
outside CI they skip without them; in CI a missing service fails.
"""

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import kombu.pools
import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from django.utils import timezone

from bigpicture import notifications
from bigpicture.celery import app as celery_app
from bigpicture.demo import build_demo_school
from bigpicture.models import Notification, NotificationPreference, ReminderSetting, School, User
from students.models import Student
from tests.conftest import IN_CI

pytestmark = [pytest.mark.postgres, pytest.mark.real_clock]

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
REDIS_DB = 5  # used by nothing else: purged before and after each test
HOLD_AFTER = 20  # messages the first worker delivers before the gate closes
TIMEOUT = 90.0
Status = Notification.Status
REFUSED = "nobody@refused.test"


class RecordingHandler:
    """An SMTP handler that records each accepted message and can hold DATA at a gate."""

    def __init__(self, *, hold_after: int | None = None, refuse: frozenset = frozenset()):
        self.hold_after = hold_after
        self.refuse = refuse
        self.gate = threading.Event()
        self.gate.set()
        self.waiting = 0
        self.received: list[tuple[str, str]] = []  # (Message-ID, X-Bigpicture-Key)
        self.refused: list[str] = []
        self.sessions: set[tuple] = set()  # the client address of each accepted message

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        """Refuse the addresses we were told to, accept the rest."""
        if address in self.refuse:
            self.refused.append(address)
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        """Wait at the gate, then record the message unless its client has gone."""
        self.waiting += 1
        try:
            while not self.gate.is_set():
                await asyncio.sleep(0.01)  # a lost client cancels this coroutine here
        finally:
            self.waiting -= 1
        if server.transport is None or server.transport.is_closing():
            return "421 4.3.0 The client went away"
        headers = BytesHeaderParser(policy=default_policy).parsebytes(envelope.original_content)
        message_id, key = (
            str(headers[name]).strip() for name in ("Message-ID", "X-Bigpicture-Key")
        )
        self.received.append((message_id, key))
        self.sessions.add(session.peer)
        if len(self.received) == self.hold_after:
            self.gate.clear()  # once: the test opens it again for the second worker
        return "250 Message accepted for delivery"

    def keys(self) -> list[str]:
        """The X-Bigpicture-Key of every accepted message, in arrival order."""
        return [key for _message_id, key in self.received]


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until(condition, what: str, timeout: float = TIMEOUT) -> None:
    """Poll ``condition`` until it holds; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def _unavailable(reason: str) -> None:
    """Skip without a service outside CI; in CI the service is part of the setup, so fail."""
    (pytest.fail if IN_CI else pytest.skip)(reason)


def _database_url() -> str:
    """The URL of the test database this process uses, for the worker processes."""
    db = connection.settings_dict
    user = quote(db["USER"] or "")
    auth = f"{user}:{quote(db['PASSWORD'])}@" if db["PASSWORD"] else f"{user}@" if user else ""
    return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _redis_url() -> str:
    """Our own Redis database, on the server the settings point at (or the local one)."""
    configured = settings.CELERY_BROKER_URL
    parts = urlsplit(configured if configured.startswith("redis://") else "redis://127.0.0.1:6379")
    return urlunsplit(parts._replace(path=f"/{REDIS_DB}"))


def _reset_broker_connections() -> None:
    """Close the pooled broker connections so the next publish connects to the current URL."""
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker(monkeypatch):
    """Publish this process's tasks to a purged Redis database instead of running them."""
    url = _redis_url()
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError as error:
        _unavailable(f"needs Redis at {url}: {error}")
    client.flushdb()
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, False
    _reset_broker_connections()
    try:
        yield client
    finally:
        celery_app.conf.task_always_eager = eager
        _reset_broker_connections()
        client.flushdb()
        client.close()


def _smtp_server(handler: RecordingHandler) -> Controller:
    """An aiosmtpd server on its own thread and a free local port, answering with ``handler``."""
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    return controller


class Workers:
    """Real Celery workers in their own process groups, killed at the end of the test."""

    def __init__(self, *, broker_url: str, smtp_port: int, logs: Path):
        self.logs = logs
        self.processes: list[subprocess.Popen] = []
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "CELERY_", "DATABASE_", "EMAIL_"))
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="bigpicture.settings",
            BIGPICTURE_ENV="development",
            DATABASE_URL=_database_url(),
            CELERY_BROKER_URL=broker_url,
            EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
            LOG_LEVEL="WARNING",
        )

    def start(self) -> subprocess.Popen:
        """Start one prefork worker with two processes on the default queue."""
        name = f"delivery{len(self.processes) + 1}"
        log = (self.logs / f"{name}.log").open("w")
        process = subprocess.Popen(  # noqa: S603 - our own command
            [
                str(CELERY),
                "-A",
                "bigpicture",
                "worker",
                "-n",
                f"{name}@%h",
                "--concurrency",
                "2",
                "--pool",
                "prefork",
                "-Q",
                "celery",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: one signal reaches the pool too
        )
        log.close()
        self.processes.append(process)
        return process

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        """SIGKILL a worker and its pool processes at once, as a crash or OOM kill would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        """Kill every worker this test started and print their logs for a failure report."""
        for process in self.processes:
            self.kill(process)
        for log in sorted(self.logs.glob("delivery*.log")):
            print(f"--- {log.name}\n{log.read_text()[-4000:]}")  # shown when the test fails


@pytest.fixture
def real_parts(transactional_db, broker, tmp_path):
    """Start an SMTP server with the given handler and return a worker launcher for it."""
    started = []

    def start(handler: RecordingHandler) -> Workers:
        controller = _smtp_server(handler)
        workers = Workers(broker_url=_redis_url(), smtp_port=controller.port, logs=tmp_path)
        started.append((controller, workers))
        return workers

    yield start
    for controller, workers in started:
        workers.stop_all()
        controller.stop()


def _seed_school(students: int, broker: redis.Redis) -> School:
    """A demo school where the scan has a known set of messages to send, all at once."""
    build_demo_school(students=students, seed=11)
    school = School.objects.get(slug="demo")
    people = User.objects.filter(school=school)
    people.update(quiet_hours_start=None, quiet_hours_end=None)
    NotificationPreference.objects.bulk_create(
        (
            NotificationPreference(user=guardian, kind="progress", delivery="now")
            for guardian in people.filter(is_guardian=True)
        ),
        ignore_conflicts=True,
    )
    Student.objects.filter(school=school).update(enrolled_on=date(2000, 1, 1))
    ReminderSetting.objects.update_or_create(
        school=school, rule="weekly_progress", defaults={"days": 0}
    )
    Notification.objects.all().delete()  # the demo ran its own scan: start from an empty outbox
    broker.flushdb()
    return school


def _queued(client: redis.Redis) -> int:
    """How many task messages wait in the default queue."""
    return client.llen("celery")


def _unfinished() -> int:
    """How many outbox rows are still waiting to be sent or being sent."""
    return Notification.objects.filter(status__in=[Status.PENDING, Status.SENDING]).count()


def _sent_keys() -> set[str]:
    """The keys of the rows marked sent."""
    return set(Notification.objects.filter(status=Status.SENT).values_list("key", flat=True))


def test_a_killed_worker_loses_and_duplicates_nothing(real_parts, broker):
    """A worker SIGKILLed mid-delivery: every message arrives once (see the module docstring)."""
    school = _seed_school(60, broker)
    smtp = RecordingHandler(hold_after=HOLD_AFTER)
    workers = real_parts(smtp)

    written = notifications.scan()
    rows = dict(Notification.objects.values_list("key", "status"))
    # a family reached only by phone has no address: nothing is written for them
    guardians = User.objects.filter(school=school, is_guardian=True, email__isnull=False).count()
    by_rule = set(Notification.objects.values_list("rule", flat=True))
    assert written == len(rows) > HOLD_AFTER + 10
    assert Notification.objects.filter(rule="weekly_progress").count() == guardians
    assert {"weekly_progress", "student_without_advisory"} <= by_rule
    assert set(rows.values()) == {Status.PENDING}
    assert _queued(broker) > 0, "the scan's tasks were not published to Redis"

    first = workers.start()
    _wait_until(lambda: len(smtp.received) >= HOLD_AFTER, "the first messages")
    # The gate is closed: wait until each accepted message is marked sent and a send is held.
    _wait_until(
        lambda: smtp.waiting >= 1 and _sent_keys() == set(smtp.keys()),
        "a send held at the gate with every accepted message marked sent",
    )
    workers.kill(first)
    delivered_first = len(smtp.received)
    held = Notification.objects.filter(status=Status.SENDING).count()
    assert delivered_first == HOLD_AFTER
    assert held >= 1, "the killed worker held no claim"
    _wait_until(lambda: smtp.waiting == 0, "the server to drop the killed worker's sessions")
    smtp.gate.set()

    second = workers.start()
    released = notifications.sweep(
        now=timezone.now() + notifications.lease() + timedelta(minutes=1)
    )
    assert released >= held
    _wait_until(lambda: _unfinished() == 0, "every row to leave pending and sending")
    assert second.poll() is None, "the second worker died"

    sent = Notification.objects.filter(status=Status.SENT)
    keys = smtp.keys()
    assert sent.count() == len(rows), dict(Notification.objects.values_list("key", "reason"))
    assert sorted(keys) == sorted(rows), "a message was lost or sent twice"
    assert len({message_id for message_id, _key in smtp.received}) == len(rows)
    assert len(keys) - delivered_first > 0, "the second worker delivered nothing"
    assert sent.filter(attempts=2).count() >= held


def test_an_address_the_server_refuses_fails_once_with_its_reason(real_parts, broker):
    """A 550 at RCPT fails that row with the server's words, once; the connection goes on."""
    school = _seed_school(8, broker)
    guardian = User.objects.filter(school=school, is_guardian=True).order_by("pk").first()
    User.objects.filter(pk=guardian.pk).update(email=REFUSED)
    smtp = RecordingHandler(refuse=frozenset({REFUSED}))
    workers = real_parts(smtp)

    notifications.scan()
    workers.start()
    _wait_until(lambda: _unfinished() == 0, "every row to leave pending and sending")

    refused = Notification.objects.get(recipient=guardian)
    assert refused.status == Status.FAILED
    assert refused.reason == "Refused by the mail server: 550 5.1.1 No such user"
    assert refused.attempts == 1
    assert notifications.sweep(now=timezone.now() + timedelta(days=1)) == 0
    assert smtp.refused == [REFUSED]
    others = Notification.objects.exclude(pk=refused.pk)
    assert others.exclude(status=Status.SENT).count() == 0
    assert sorted(smtp.keys()) == sorted(others.values_list("key", flat=True))
    assert len(smtp.sessions) < len(smtp.keys()), "a batch should reuse one SMTP connection"


POISONED = "parent@" + "ä" * 60 + ".com"  # valid syntax; its domain cannot be IDNA-encoded


def test_a_poisoned_row_among_good_ones_fails_alone_and_the_rest_is_sent(real_parts, broker):
    """An address that breaks the envelope (issue 11): before, it stopped the batch and every
    row behind it cycled forever; now it fails at once and the others are delivered."""
    school = _seed_school(12, broker)
    guardians = User.objects.filter(school=school, is_guardian=True).order_by("pk")
    poisoned = guardians[len(guardians) // 2]  # in the middle of a batch
    User.objects.filter(pk=poisoned.pk).update(email=POISONED)  # written before the check
    smtp = RecordingHandler()
    workers = real_parts(smtp)

    notifications.scan()
    workers.start()
    _wait_until(lambda: _unfinished() == 0, "every row to leave pending and sending")

    bad = Notification.objects.get(recipient=poisoned)
    assert bad.status == Status.FAILED
    assert bad.reason.startswith("The address cannot be used for email")
    assert bad.attempts == 1
    good = Notification.objects.exclude(pk=bad.pk)
    assert good.count() > 5 and good.exclude(status=Status.SENT).count() == 0
    assert sorted(smtp.keys()) == sorted(good.values_list("key", flat=True))
    assert notifications.sweep(now=timezone.now() + timedelta(days=1)) == 0  # nothing left to cycle
