"""Real Celery processes for the tests of workers and beat: each started in its own process
group on its own Redis database, its log kept for a failure report, killed at the end.

tests/bigpicture/test_delivery_real.py started the first real workers; these helpers take
the same approach (the shared committed test database, a purged Redis database, a clean
environment) for any ``celery`` command, settings module and queue.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import kombu.pools
import pytest
import redis
from django.conf import settings
from django.db import connection

from bigpicture.celery import app as celery_app
from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[1]
CELERY = Path(sys.executable).with_name("celery")
# Variables of the test run that must not leak into a worker: it gets its own below.
OWN_PREFIXES = ("DJANGO_", "CELERY_", "DATABASE_", "EMAIL_", "FILES_", "CACHE_URL")


def unavailable(reason: str) -> None:
    """Skip without a service outside CI; in CI the service is part of the setup, so fail."""
    (pytest.fail if IN_CI else pytest.skip)(reason)


def wait_until(condition, what: str, timeout: float = 60.0) -> None:
    """Poll ``condition`` until it holds; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def database_url() -> str:
    """The URL of the test database this process uses, for the worker processes."""
    db = connection.settings_dict
    user = quote(db["USER"] or "")
    auth = f"{user}:{quote(db['PASSWORD'])}@" if db["PASSWORD"] else f"{user}@" if user else ""
    return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def redis_url(number: int) -> str:
    """A Redis database of the server the settings point at (or the local one)."""
    configured = settings.CELERY_BROKER_URL
    parts = urlsplit(configured if configured.startswith("redis://") else "redis://127.0.0.1:6379")
    return urlunsplit(parts._replace(path=f"/{number}"))


def redis_or_skip(url: str) -> redis.Redis:
    """A client of an emptied Redis database; skip (fail in CI) when Redis is not running."""
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError as error:
        unavailable(f"needs Redis at {url}: {error}")
    client.flushdb()
    return client


def reset_broker_connections() -> None:
    """Close the pooled broker connections so the next publish connects to the current URL."""
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextlib.contextmanager
def publishing_to(url: str, monkeypatch):
    """Publish this process's tasks to ``url`` instead of running them in-process."""
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, False
    reset_broker_connections()
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = eager
        reset_broker_connections()


class Processes:
    """``celery`` commands in their own process groups, killed at the end of the test."""

    def __init__(self, *, logs: Path, **env: str):
        self.logs = logs
        self.started: dict[str, subprocess.Popen] = {}
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(OWN_PREFIXES)}
        self.env.update({"BIGPICTURE_ENV": "development", "LOG_LEVEL": "WARNING", **env})

    def start(self, name: str, *arguments: str, **env: str) -> subprocess.Popen:
        """Start ``celery -A bigpicture <arguments>``, logging to ``<name>.log``."""
        log = (self.logs / f"{name}.log").open("w")
        process = subprocess.Popen(  # noqa: S603 - our own command
            [str(CELERY), "-A", "bigpicture", *arguments],
            cwd=ROOT,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: one signal reaches the pool too
        )
        log.close()
        self.started[name] = process
        return process

    def worker(self, name: str, *, queue: str = "celery", **env: str) -> subprocess.Popen:
        """Start one prefork worker with one process on ``queue``, logging what it receives."""
        arguments = ["worker", "-n", f"{name}@%h", "--concurrency", "1", "--pool", "prefork"]
        arguments += ["-Q", queue, "--without-gossip", "--without-mingle", "--without-heartbeat"]
        return self.start(name, *arguments, "-l", "info", **env)

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text()

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        """SIGKILL a process group at once, as a crash or an OOM kill would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        """Kill every process started and print their logs for a failure report."""
        for name, process in self.started.items():
            self.kill(process)
            print(f"--- {name}\n{self.log(name)[-4000:]}")  # shown when the test fails
