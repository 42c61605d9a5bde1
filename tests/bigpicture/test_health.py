"""The load balancer's health checks: /healthz answers, /readyz says whether every part a
request needs answers, and which one does not goes to the log, never to the answer."""

import logging
import socket
import statistics
import time

import pytest
import redis
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bigpicture import health
from tests.conftest import IN_CI
from tests.storage import bucket_storages, disk_storages, free_port, make_bucket

REDIS = "redis://127.0.0.1:6379/12"  # the database reserved for these tests
# A probe of a part that does not answer gives up after health.TIMEOUT; with the request
# around it, this is far more than it takes and far less than a hung client would.
TIME_BOX = 3 * health.TIMEOUT


@pytest.fixture
def ready(settings, tmp_path, monkeypatch):
    """A server whose parts all answer: the database (migrations seen again), no Redis
    configured, and the private files in a folder that exists."""
    location = tmp_path / "private"
    location.mkdir()
    settings.STORAGES = disk_storages(settings.STORAGES, location)
    settings.CELERY_BROKER_URL = ""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    monkeypatch.setattr(health, "migrations", health.Migrations())
    return location


@pytest.fixture
def silent_server():
    """A port where the kernel accepts connections and nothing ever answers (a hung server)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server.getsockname()[1]


def _not_ready(client, caplog, part: str) -> None:
    """/readyz answers 503 "unavailable" and names ``part`` in a WARNING line only."""
    with caplog.at_level(logging.WARNING, logger="bigpicture.health"):
        response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.content == b"unavailable"
    assert response["Cache-Control"] == "no-store"
    ours = [record for record in caplog.records if record.name == "bigpicture.health"]
    assert len(ours) == 1 and part in ours[0].getMessage(), [r.getMessage() for r in ours]
    assert ours[0].levelno == logging.WARNING


# /healthz


@pytest.mark.django_db
def test_healthz_answers_ok_and_touches_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies, "no session, no CSRF cookie"


def test_healthz_for_a_signed_in_browser_sets_no_cookie(client_as):
    client = client_as("advisor")
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert not response.cookies


@pytest.mark.django_db
def test_only_get_and_head_without_a_csrf_token(client):
    head = client.head(reverse("healthz"))
    assert head.status_code == 200
    assert head.content == b""
    checker = client.__class__(enforce_csrf_checks=True)
    for name in ("healthz", "readyz"):
        assert checker.post(reverse(name)).status_code == 405
        assert checker.delete(reverse(name)).status_code == 405


@pytest.mark.django_db
def test_a_host_not_allowed_is_refused_as_everywhere(client):
    assert client.get(reverse("healthz"), HTTP_HOST="elsewhere.example").status_code == 400


# /readyz, healthy


@pytest.mark.django_db
def test_readyz_answers_ok_when_every_part_answers(client, ready):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
    assert client.head(reverse("readyz")).content == b""


@pytest.mark.django_db
def test_migrations_are_read_until_all_were_seen_applied_then_one_cheap_query(client, ready):
    """The first call reads the applied migrations in its one query and remembers they are
    all there; later calls only ask the database to answer."""
    queries = []
    for _call in range(3):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("readyz")).status_code == 200
        queries.append([query["sql"] for query in captured.captured_queries])
    extra = 1 if connection.vendor == "postgresql" else 0  # SET LOCAL statement_timeout
    assert [len(sql) for sql in queries] == [1 + extra] * 3
    assert "django_migrations" in queries[0][-1]
    assert queries[1][-1] == queries[2][-1] == "SELECT 1"
    assert health.migrations.applied


@pytest.mark.django_db
def test_redis_that_answers_is_ready(client, ready, settings):
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.ConnectionError as error:
        (pytest.fail if IN_CI else pytest.skip)(f"needs Redis at {REDIS}: {error}")
    settings.CELERY_BROKER_URL = REDIS
    settings.CACHES = {
        **settings.CACHES,
        "shared": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS},
    }
    assert set(health.redis_urls()) == {
        "redis (broker)",
        "redis (cache 'shared', server 1)",
    }
    assert client.get(reverse("readyz")).status_code == 200


@pytest.mark.django_db
def test_a_bucket_that_answers_is_ready(client, ready, settings, s3_endpoint):
    bucket = make_bucket(s3_endpoint)
    settings.STORAGES = bucket_storages(settings.STORAGES, s3_endpoint, bucket)
    assert client.get(reverse("readyz")).status_code == 200


# /readyz, each part down


@pytest.mark.django_db
def test_database_down(client, ready, caplog, monkeypatch, tmp_path):
    """A database that cannot be reached: PostgreSQL on a port nobody listens on (SQLite: a
    file in a folder that does not exist)."""
    default = connections["default"]
    unreachable = dict(default.settings_dict)
    if default.vendor == "postgresql":
        unreachable.update(HOST="127.0.0.1", PORT=str(free_port()))
    else:
        unreachable["NAME"] = str(tmp_path / "missing" / "db.sqlite3")
    connections["down"] = type(default)(unreachable, alias="down")
    monkeypatch.setattr(health, "DATABASE", "down")
    try:
        _not_ready(client, caplog, "database: OperationalError")
    finally:
        connections["down"].close()
        del connections["down"]


@pytest.mark.django_db
def test_a_migration_not_applied(client, ready, caplog):
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE id = (SELECT MAX(id) FROM django_migrations)"
        )
    _not_ready(client, caplog, "database: Down: 1 migrations on disk are not applied")
    assert not health.migrations.applied


@pytest.mark.django_db
def test_all_applied_once_is_remembered_for_the_process(client, ready):
    """Migrations are not unapplied under running servers: once seen applied, not read again."""
    assert client.get(reverse("readyz")).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations")
    assert client.get(reverse("readyz")).status_code == 200


@pytest.mark.django_db
def test_broker_redis_down(client, ready, caplog, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/12"
    _not_ready(client, caplog, "redis (broker): ConnectionError")


@pytest.mark.django_db
def test_cache_redis_down(client, ready, caplog, settings):
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": [REDIS, f"redis://127.0.0.1:{free_port()}/12"],
        },
    }
    _not_ready(client, caplog, "redis (cache 'shared', server 2): ConnectionError")


@pytest.mark.django_db
def test_a_redis_that_hangs_is_given_up_on_in_time(client, ready, caplog, settings, silent_server):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{silent_server}/12"
    started = time.monotonic()
    _not_ready(client, caplog, "redis (broker): TimeoutError")
    assert time.monotonic() - started < TIME_BOX


@pytest.mark.django_db
def test_bucket_down(client, ready, caplog, settings):
    nobody = f"http://127.0.0.1:{free_port()}"
    settings.STORAGES = bucket_storages(settings.STORAGES, nobody, "bigpicture-files")
    _not_ready(client, caplog, "file store (private): EndpointConnectionError")


@pytest.mark.django_db
def test_a_bucket_that_hangs_is_given_up_on_in_time(client, ready, caplog, settings, silent_server):
    hung = f"http://127.0.0.1:{silent_server}"
    settings.STORAGES = bucket_storages(settings.STORAGES, hung, "bigpicture-files")
    started = time.monotonic()
    _not_ready(client, caplog, "file store (private): ReadTimeoutError")
    assert time.monotonic() - started < TIME_BOX


@pytest.mark.django_db
def test_a_bucket_that_does_not_exist(client, ready, caplog, settings, s3_endpoint):
    settings.STORAGES = bucket_storages(settings.STORAGES, s3_endpoint, "bigpicture-nowhere")
    _not_ready(client, caplog, "file store (private): ClientError")


@pytest.mark.django_db
def test_missing_local_folder(client, ready, caplog, settings, tmp_path):
    """A volume that is not mounted: MEDIA_ROOT is missing (files would land elsewhere)."""
    settings.STORAGES = disk_storages(settings.STORAGES, tmp_path / "not-mounted" / "private")
    _not_ready(client, caplog, "file store (private): Down: the folder does not exist")


@pytest.mark.django_db
def test_a_new_server_is_ready_before_its_first_upload(client, ready, settings, tmp_path):
    """The files' folder is made by the first upload: MEDIA_ROOT being there is enough."""
    settings.STORAGES = disk_storages(settings.STORAGES, tmp_path / "new" / "private")
    (tmp_path / "new").mkdir()  # MEDIA_ROOT
    assert client.get("/readyz").status_code == 200
    (tmp_path / "new" / "private").mkdir()
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_every_part_down_is_named_in_one_line(client, ready, caplog, settings, tmp_path):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/12"
    settings.STORAGES = disk_storages(settings.STORAGES, tmp_path / "not-mounted" / "private")
    _not_ready(client, caplog, "redis (broker): ConnectionError")
    assert "file store (private): Down" in caplog.text


# Speed


@pytest.mark.postgres
@pytest.mark.django_db
def test_readyz_is_fast_on_postgresql(client, ready, settings):
    """Measured, not asserted against the clock: the median and slowest of 50 calls are
    printed (pytest -s) for the report; what is asserted is that each call is ready and costs
    the same fixed queries, so nothing grows with time."""
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
        settings.CELERY_BROKER_URL = REDIS
    except redis.ConnectionError:
        pass  # measured without Redis then: the line printed says which
    client.get(reverse("readyz"))  # the first call reads the migrations on disk
    timings, counts = [], set()
    for _call in range(50):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(reverse("readyz"))
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        counts.add(len(captured.captured_queries))
    assert counts == {2}
    print(
        f"\n/readyz on PostgreSQL, Redis {'on' if settings.CELERY_BROKER_URL else 'off'}, "
        f"disk store: median {statistics.median(timings):.2f} ms, "
        f"max {max(timings):.2f} ms over {len(timings)} calls"
    )


@pytest.mark.django_db
def test_the_https_redirect_of_production_spares_the_health_checks(client, ready, settings):
    """A balancer checks over plain HTTP: a redirect would mark every server down."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("readyz")).status_code == 200
    assert client.get(reverse("login")).status_code == 301
