"""Health checks for a load balancer: ``/healthz`` and ``/readyz``.

``/healthz`` says the process answers, and touches nothing else: a load balancer (or an
orchestrator) restarts a server that stops answering it. ``/readyz`` says the server can do its
work, so the balancer sends it requests: PostgreSQL answers and has every migration on disk
applied, each Redis the settings name answers, and the private file store answers.

Both are open to anybody, read no session and set no cookie, and answer only "ok" or
"unavailable": no version, host name or data. Which part failed is written to the log (one
WARNING line), never into the answer. A part that is down costs at most about
:data:`TIMEOUT` seconds to find out, so a server whose Redis hangs still answers its balancer.
Host checks (``ALLOWED_HOSTS``) still apply: the balancer sends the Host it is given.
"""

import logging
import os
import weakref
from collections.abc import Callable

import redis
from botocore.config import Config
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.files.storage import FileSystemStorage, storages
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from redis.backoff import NoBackoff
from redis.retry import Retry
from storages.backends.s3 import S3Storage

log = logging.getLogger(__name__)

TIMEOUT = 1.0  # seconds: how long a probe waits for a part that does not answer
DATABASE = DEFAULT_DB_ALIAS
STORAGE = "private"
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


class Migrations:
    """The migrations on disk (read once per process: the code does not change under a
    running process) and whether the database was seen with all of them applied (remembered
    from then on: migrations are never unapplied under running servers)."""

    def __init__(self):
        self.applied = False
        self._on_disk: frozenset[tuple[str, str]] | None = None

    def on_disk(self) -> frozenset[tuple[str, str]]:
        """Every (app, name) the code expects applied: the graph as ``migrate`` builds it on an
        empty database, so a squashed migration stands for the ones it replaces."""
        if self._on_disk is None:
            self._on_disk = frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)
        return self._on_disk

    def missing(self, applied: set[tuple[str, str]]) -> int:
        """How many migrations on disk are not in ``applied``; remember when none is."""
        missing = len(self.on_disk() - applied)
        self.applied = missing == 0
        return missing


migrations = Migrations()


class Down(Exception):
    """A part answered, but not as a ready server needs (a migration not applied)."""


def _database() -> None:
    """One cheap query, under a statement timeout: until every migration was seen applied it
    reads the applied ones, then it only asks PostgreSQL to answer."""
    connection = connections[DATABASE]
    table = connection.ops.quote_name("django_migrations")
    query = "SELECT 1" if migrations.applied else f"SELECT app, name FROM {table}"  # noqa: S608
    # Its own short transaction (SET LOCAL ends with it), never a savepoint in another.
    with transaction.atomic(using=DATABASE, savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SET LOCAL statement_timeout = {int(TIMEOUT * 1000)}")
        cursor.execute(query)
        rows = cursor.fetchall()
    if not migrations.applied and (missing := migrations.missing({tuple(row) for row in rows})):
        raise Down(f"{missing} migrations on disk are not applied")


def redis_urls() -> dict[str, str]:
    """Each Redis the settings use, by the name the log gives it: the broker, the caches."""
    urls = {}
    if settings.CELERY_BROKER_URL.startswith(REDIS_SCHEMES):
        urls["redis (broker)"] = settings.CELERY_BROKER_URL
    for alias, cache in settings.CACHES.items():
        if "redis" not in cache["BACKEND"].lower():
            continue
        locations = cache.get("LOCATION") or []
        if isinstance(locations, str):
            locations = locations.split(",")
        for number, url in enumerate(locations):
            urls[f"redis (cache {alias!r}, server {number + 1})"] = url.strip()
    return urls


def _ping(url: str) -> None:
    """PING on a connection of its own, closed after: no retry, no pool to go stale."""
    client = redis.Redis.from_url(
        url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT, retry=Retry(NoBackoff(), 0)
    )
    try:
        client.ping()
    finally:
        client.close()


# A client per bucket storage with short timeouts and no retry, made once (a boto3 client
# takes tens of milliseconds to build); the storage's own client waits and retries longer.
_bucket_clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _bucket_client(storage: S3Storage):
    client = _bucket_clients.get(storage)
    if client is None:
        quick = Config(
            connect_timeout=TIMEOUT, read_timeout=TIMEOUT, retries={"total_max_attempts": 1}
        )
        client = _bucket_clients[storage] = storage._create_session().client(
            "s3",
            region_name=storage.region_name,
            use_ssl=storage.use_ssl,
            endpoint_url=storage.endpoint_url,
            config=storage.client_config.merge(quick),
            verify=storage.verify,
        )
    return client


def _store() -> None:
    """The private files' store: the bucket answers (HEAD bucket), or the folder on this
    machine's disk exists and can be written to."""
    storage = storages[STORAGE]
    if isinstance(storage, S3Storage):
        _bucket_client(storage).head_bucket(Bucket=storage.bucket_name)
    elif isinstance(storage, FileSystemStorage):
        # A new server's folder is made by its first upload, inside MEDIA_ROOT: that one
        # must be there (a volume not mounted is a missing MEDIA_ROOT) and writable.
        location = storage.location
        if not os.path.isdir(location):
            location = os.path.dirname(os.path.normpath(location))
            if not os.path.isdir(location):
                raise Down("the folder does not exist")
        if not os.access(location, os.W_OK | os.X_OK):
            raise Down("the folder cannot be written to")


def probes() -> dict[str, Callable[[], None]]:
    """What /readyz checks, by the name the log gives each part."""
    checks = {"database": _database}
    for name, url in redis_urls().items():
        checks[name] = lambda url=url: _ping(url)
    checks[f"file store ({STORAGE})"] = _store
    return checks


def failures() -> list[str]:
    """Run every probe; return each failing part with why, for the log."""
    failed = []
    for name, probe in probes().items():
        try:
            probe()
        except Exception as error:  # whatever a client raises, the part is not usable
            failed.append(f"{name}: {type(error).__name__}: {str(error)[:200]}")
    return failed


def _answer(ready: bool, request) -> HttpResponse:
    body = b"" if request.method == "HEAD" else (b"ok" if ready else b"unavailable")
    response = HttpResponse(
        body, status=200 if ready else 503, content_type="text/plain; charset=utf-8"
    )
    response["Cache-Control"] = "no-store"
    return response


def _open(view):
    """Open to anybody, GET and HEAD only, no CSRF token (nothing is changed), and outside
    the request's transaction (the database probe opens its own)."""
    return login_not_required(csrf_exempt(require_safe(transaction.non_atomic_requests(view))))


@_open
def healthz(request):
    """The process answers."""
    return _answer(True, request)


@_open
def readyz(request):
    """PostgreSQL (migrations applied), Redis and the file store answer."""
    failed = failures()
    if failed:
        log.warning("Not ready: %s", "; ".join(failed))
    return _answer(not failed, request)
