"""Settings follow the environment: SQLite and in-process tasks by default, else the services."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; django.setup(); "
    "from django.conf import settings; from bigpicture.celery import app; "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
    "'atomic': settings.DATABASES['default']['ATOMIC_REQUESTS'], "
    "'server_side_cursors': not settings.DATABASES['default']"
    ".get('DISABLE_SERVER_SIDE_CURSORS', False), "
    "'broker': app.conf.broker_url, 'eager': app.conf.task_always_eager, "
    "'email': settings.EMAIL_BACKEND}))"
)


def _settings_under(**env) -> dict:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_", "EMAIL_"))
    }
    environment.update(DJANGO_SETTINGS_MODULE="bigpicture.settings", **env)
    result = subprocess.run(  # noqa: S603 - our own interpreter with a fixed probe
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_nothing_set_means_sqlite_in_process_tasks_and_console_mail():
    found = _settings_under()
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["atomic"] is True
    assert found["eager"] is True
    assert found["email"] == "django.core.mail.backends.console.EmailBackend"


def test_service_urls_switch_to_postgresql_redis_and_smtp():
    found = _settings_under(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/bigpicture",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        EMAIL_URL="smtp+tls://user:secret@smtp.example.org:587",
    )
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["broker"] == "redis://127.0.0.1:6379/0"
    assert found["eager"] is False
    assert found["email"] == "django.core.mail.backends.smtp.EmailBackend"


def test_the_celery_app_reaches_the_configured_redis():
    """In CI the broker is a real Redis: the app connects to it and round-trips a message."""
    url = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1)
            queue = connection.SimpleQueue("bigpicture-settings-probe")
            queue.put({"hello": "school"})
            message = queue.get(timeout=5)
            assert message.payload == {"hello": "school"}
            message.ack()
            queue.close()
    except OSError as error:
        if IN_CI:
            pytest.fail(f"Redis is not reachable at {url}: {error}")
        pytest.skip(f"Redis is not reachable at {url}")
