"""Beat sends each periodic task once per tick, even with two beats running (issue 18, item 4).

The unit tests take the lock of bigpicture/beat.py against a Redis database of our own; the
last test starts two real ``celery beat`` processes on one schedule of an entry every second
(tests/beat_settings.py) and counts the messages in the queue nobody reads. They need Redis
(not PostgreSQL): outside CI they skip without it.
"""

import logging
import time
from datetime import UTC, datetime, timedelta

import pytest
from celery import Celery
from celery.beat import ScheduleEntry
from celery.schedules import crontab

from bigpicture import beat
from bigpicture.celery import app as celery_app
from tests import beat_settings
from tests.workers import Processes, redis_or_skip, redis_url, wait_until

REDIS_DB = 14  # ours alone (issue 18's helpers share the server): emptied before and after
RUN = 6.0  # seconds the two beats are watched


@pytest.fixture(autouse=True)
def _broker_from_the_app(monkeypatch):
    """Celery prefers CELERY_BROKER_URL from the environment (CI sets one) to the broker an app
    is made with: the schedulers here use the one each test gives them."""
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)


@pytest.fixture
def lock_redis():
    """An empty Redis database of our own, and its URL."""
    url = redis_url(REDIS_DB)
    client = redis_or_skip(url)
    yield client, url
    client.flushdb()
    client.close()


def _scheduler(url: str, tmp_path, name: str = "schedule") -> beat.LockedScheduler:
    """A scheduler of a Celery app of its own on ``url``, its schedule file in ``tmp_path``."""
    app = Celery("beat-test", broker=url, set_as_current=False)
    return beat.LockedScheduler(app=app, schedule_filename=str(tmp_path / name))


def _every(seconds: float, last_run_at: datetime | None = None) -> ScheduleEntry:
    """An interval entry that last ran at ``last_run_at`` (now when not given)."""
    schedule = timedelta(seconds=seconds)
    return ScheduleEntry(name="sweep", schedule=schedule, last_run_at=last_run_at, app=celery_app)


def test_the_settings_choose_the_locked_scheduler():
    assert celery_app.conf.beat_scheduler == "bigpicture.beat.LockedScheduler"


def test_an_interval_entrys_tick_is_the_same_in_every_beat_whenever_it_started():
    now = 1_800_000_030.5
    early = _every(60, datetime(2020, 1, 1, tzinfo=UTC))
    late = _every(60, datetime.fromtimestamp(now - 7, UTC))
    assert beat.tick_of(early, now) == beat.tick_of(late, now) == (30_000_000, 300)
    assert beat.tick_of(early, now + 60)[0] == 30_000_001
    assert beat.tick_of(_every(60 * 60 * 24), now)[1] == 2 * 60 * 60 * 24


def test_a_crontab_entrys_tick_is_the_minute_it_fell_due_even_when_sent_late():
    due = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
    for late in (timedelta(seconds=1), timedelta(seconds=50), timedelta(minutes=3)):
        hourly = crontab(minute=0, nowfun=lambda at=due + late: at)
        # one beat ran it at 11:00, another started at 11:40: both find it due at 12:00
        entries = [
            ScheduleEntry(name="scan", schedule=hourly, last_run_at=at, app=celery_app)
            for at in (due - timedelta(hours=1), due - timedelta(minutes=20))
        ]
        ticks = {beat.tick_of(entry) for entry in entries}
        assert ticks == {(int(due.timestamp()) // 60, beat.DUE_TIME_HOLD)}, late
    next_hour = crontab(minute=0, nowfun=lambda: due + timedelta(hours=1))
    entry = ScheduleEntry(name="scan", schedule=next_hour, last_run_at=due, app=celery_app)
    assert beat.tick_of(entry)[0] == int(due.timestamp()) // 60 + 60


def test_one_beat_takes_a_tick_and_the_other_skips_it(lock_redis, tmp_path):
    client, url = lock_redis
    first, second = _scheduler(url, tmp_path, "one"), _scheduler(url, tmp_path, "two")
    entry = _every(60)
    try:
        assert first.claim(entry) is True
        assert second.claim(entry) is False
        assert first.claim(entry) is False, "a tick is sent once, even by the same beat"
        tick, hold = beat.tick_of(entry)
        key = f"beat:sweep:{tick}"
        assert client.get(key).decode() == first.holder
        assert 0 < client.pttl(key) <= hold * 1000
        other = ScheduleEntry(name="digests", schedule=timedelta(seconds=60), app=celery_app)
        assert second.claim(other) is True, "each entry has its own lock"
    finally:
        first.close()
        second.close()


def test_redis_down_skips_the_send_and_says_so(tmp_path, caplog):
    scheduler = _scheduler("redis://127.0.0.1:1/0", tmp_path)  # nothing listens on port 1
    sent = []
    scheduler.apply_async = lambda entry, **kwargs: sent.append(entry.name)
    due = _every(60, last_run_at=datetime.now(UTC) - timedelta(seconds=90))
    try:
        scheduler.schedule["sweep"] = due
        scheduler.reserve(due)  # as beat's tick does before sending: the next run is set
        assert scheduler.schedule["sweep"].last_run_at > due.last_run_at
        with caplog.at_level(logging.WARNING, logger="bigpicture.beat"):
            scheduler.apply_entry(due)
        # Not sent, and due again at beat's next look rather than a whole period later.
        assert scheduler.schedule["sweep"].last_run_at == due.last_run_at
    finally:
        scheduler.close()
    assert sent == []
    assert "Not sending sweep: Redis did not answer for its lock" in caplog.text


def test_a_second_beat_keeps_its_own_schedule_file_beside_the_first(lock_redis, tmp_path):
    _client, url = lock_redis
    first = _scheduler(url, tmp_path)
    second = _scheduler(url, tmp_path)
    try:
        assert first.schedule_filename == str(tmp_path / "schedule")
        assert second.schedule_filename.startswith(str(tmp_path / "schedule."))
    finally:
        first.close()
        second.close()
    third = _scheduler(url, tmp_path)  # the first has stopped: its file is free again
    try:
        assert third.schedule_filename == str(tmp_path / "schedule")
    finally:
        third.close()


@pytest.mark.real_clock
def test_two_beats_send_each_tick_once(lock_redis, tmp_path):
    """Two beats on one schedule of an entry every second: about one message a second, one
    lock per message, and the beat that finds a tick taken says so."""
    client, url = lock_redis
    queue = beat_settings.BEAT_TEST_QUEUE
    beats = Processes(
        logs=tmp_path,
        DJANGO_SETTINGS_MODULE="tests.beat_settings",
        CELERY_BROKER_URL=url,
        # one file for both, as two beats started by mistake in one folder would share
        CELERY_BEAT_SCHEDULE_FILENAME=str(tmp_path / "schedule"),
        LOG_LEVEL="INFO",
    )
    try:
        for name in ("beat1", "beat2"):
            beats.start(name, "beat", "-l", "info")
        wait_until(lambda: client.llen(queue) >= 2, "the beats' first ticks", timeout=30)
        before = client.llen(queue)
        time.sleep(RUN)
        sent = client.llen(queue) - before
        assert all(process.poll() is None for process in beats.started.values())
    finally:
        beats.stop_all()
    messages = client.lrange(queue, 0, -1)
    locks = client.keys("beat:every-second:*")
    assert RUN - 1 <= sent <= RUN + 1, f"{sent} messages in {RUN} s: one a second expected"
    assert len(locks) == len(messages), "a message was sent without its tick's lock"
    skipped = sum(beats.log(name).count("another beat sent tick") for name in beats.started)
    assert skipped >= RUN - 1, "the second beat did not tick, or sent without the lock"
    shared = [name for name in beats.started if "Another beat uses" in beats.log(name)]
    assert len(shared) == 1, "the second beat should keep its schedule in a file of its own"
    own = f"schedule.{beats.started[shared[0]].pid}"
    assert any(path.name.startswith(own) for path in tmp_path.iterdir())
