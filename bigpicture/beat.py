"""The scheduler of ``celery beat``: each periodic task sent once per tick, however many beats run.

Celery's beat keeps its schedule in a local file, so two beats (a second one started by
mistake, or one on each of two machines) would each send every entry. Before sending an
entry, this scheduler takes a lock in the broker's Redis for that entry and that tick
(``SET beat:<entry>:<tick> NX PX``): the first beat to take it sends, the others skip it. A
tick is the same number for every beat, whenever each was started: for an interval entry the
count of whole intervals since the epoch, for a crontab (or solar) entry the minute it fell
due. The lock's value names the beat that took it (host and process id), for the logs.

When Redis cannot be reached the entry is skipped and logged: Redis is the broker, so the
task could not have been sent anyway, and the next tick tries again.

The schedule file keeps when each entry last ran across restarts (a daily entry would never
run on a beat restarted more often than daily). Two beats must not share one: Python's dbm
files take no lock, and two writers spoil them. The first beat holds an advisory lock on
``<file>.lock`` for as long as it runs; a second finding it held keeps its schedule in
``<file>.<pid>`` beside it, and says so.
"""

import fcntl
import logging
import os
import socket
import time
from datetime import UTC

import redis
from celery.beat import PersistentScheduler, ScheduleEntry
from celery.schedules import schedule as interval_schedule
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

MINUTE = 60
# How long a tick's lock outlives the tick: long enough that a beat running late cannot take
# the same tick again, short enough that the keys do not pile up in Redis.
SHORTEST_HOLD = 5 * MINUTE
DUE_TIME_HOLD = 60 * MINUTE  # a crontab or solar entry's minute
REDIS_TIMEOUT = 5  # seconds: a Redis that does not answer must not hang the schedule


def tick_of(entry: ScheduleEntry, now: float | None = None) -> tuple[int, int]:
    """The entry's tick at this moment (the same number in every beat) and how many
    seconds its lock is held."""
    now = time.time() if now is None else now
    if isinstance(entry.schedule, interval_schedule):
        every = max(entry.schedule.run_every.total_seconds(), 1.0)
        return int(now // every), max(int(2 * every), SHORTEST_HOLD)
    # A crontab's due time follows from when it last ran, in whichever beat: the minute it
    # fell due is the same for all of them, even for a beat that sends it late.
    due = entry.schedule.now() + entry.schedule.remaining_estimate(entry.last_run_at)
    return int(due.astimezone(UTC).timestamp() // MINUTE), DUE_TIME_HOLD


class LockedScheduler(PersistentScheduler):
    """Beat's own persistent scheduler, sending an entry only when it holds that tick's lock
    (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        self._redis = None
        self._file_lock = None
        self.holder = f"{socket.gethostname()}:{os.getpid()}"
        super().__init__(*args, **kwargs)

    def setup_schedule(self):
        self.schedule_filename = self._own_schedule_file(self.schedule_filename)
        super().setup_schedule()

    def _own_schedule_file(self, filename: str) -> str:
        """The schedule file, or one of this process's own when another beat holds it."""
        handle = open(f"{filename}.lock", "a")  # noqa: SIM115 - held until the process ends
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            own = f"{filename}.{os.getpid()}"
            logger.warning("Another beat uses %s; this one keeps its schedule in %s", filename, own)
            return own
        self._file_lock = handle
        return filename

    def apply_entry(self, entry, producer=None):
        try:
            claimed = self.claim(entry)
        except redis.RedisError:
            logger.warning("Not sending %s: Redis did not answer for its lock", entry.name)
            # Beat has already moved the entry on to its next run: put it back, so it is
            # tried again at beat's next look rather than a whole period later (a day, for
            # the daily sweeps).
            if entry.name in self.schedule:
                self.schedule[entry.name] = entry
            return
        if claimed:
            super().apply_entry(entry, producer=producer)

    def claim(self, entry: ScheduleEntry) -> bool:
        """Take the entry's lock for this tick; False when another beat holds it. Raises
        ``redis.RedisError`` when Redis cannot be reached."""
        tick, hold = tick_of(entry)
        key = f"beat:{entry.name}:{tick}"
        taken = self.redis().set(key, self.holder, nx=True, px=hold * 1000)
        if not taken:
            logger.info("Not sending %s: another beat sent tick %s", entry.name, tick)
        return bool(taken)

    def redis(self) -> redis.Redis:
        """A client of the broker's Redis (made at the first lock)."""
        if self._redis is None:
            url = self.app.conf.broker_url or ""
            if not url.startswith(("redis://", "rediss://", "unix://")):
                raise ImproperlyConfigured(
                    "Beat locks its ticks in Redis: set CELERY_BROKER_URL to a redis:// URL."
                )
            self._redis = redis.Redis.from_url(
                url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
            )
        return self._redis

    def close(self):
        try:
            super().close()
        finally:
            if self._redis is not None:
                self._redis.close()
            if self._file_lock is not None:
                self._file_lock.close()  # releases the schedule file for the next beat
