"""Redis down or hung under the shared cache: pages still answer.

The shared cache (CACHE_URL, django-redis) holds sessions' copies, what a school shares and
the counts of the limits on emailed links. With it down, a cache read is a miss and a write is
dropped (IGNORE_EXCEPTIONS, logged), each given up on within half a second: sessions come from
the database behind the cache, pages from the database, and the limits refuse (429) until the
cache is back, rather than letting anyone send unlimited emails.
"""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from tests import factories
from tests.pooler import free_port

ROOT = Path(__file__).resolve().parents[2]
OPTIONS = {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5}


def _redis_cache(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "OPTIONS": OPTIONS,
        }
    }


@pytest.fixture
def hung_port():
    """A port where connections are accepted and nothing ever answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        yield server.getsockname()[1]


def test_the_settings_give_a_redis_cache_these_options():
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("CACHE_", "DJANGO_"))}
    environment.update(
        DJANGO_SETTINGS_MODULE="bigpicture.settings", CACHE_URL="redis://127.0.0.1:6379/1"
    )
    probe = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.CACHES['default'].get('OPTIONS', {})))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter with a fixed probe
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == OPTIONS


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["down", "hung"])
def test_signing_in_and_reading_pages_work_without_the_cache(
    client, world, settings, state, hung_port
):
    port = free_port() if state == "down" else hung_port
    settings.CACHES = _redis_cache(f"redis://127.0.0.1:{port}/1")
    started = time.monotonic()
    signed_in = client.post(
        reverse("login"), {"username": world.advisor.email, "password": factories.PASSWORD}
    )
    assert signed_in.status_code == 302
    home = client.get(reverse("bigpicture:home"))
    assert home.status_code == 200 and world.advisor.first_name in home.content.decode()
    student = client.get(reverse("students:student-detail", args=[world.student.pk]))
    assert student.status_code == 200
    # Each cache call gives up within half a second: a hung Redis slows pages, never stops
    # them (a handful of calls per request here).
    assert time.monotonic() - started < 30


@pytest.mark.django_db
def test_the_limit_on_emailed_links_refuses_while_the_cache_is_down(client, world, settings):
    settings.CACHES = _redis_cache(f"redis://127.0.0.1:{free_port()}/1")
    asked = client.post(reverse("password_reset"), {"email": world.guardian.email})
    assert asked.status_code == 429
