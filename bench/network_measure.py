"""What only a network has, measured in-process on the configured database.

``python -m bench.network_measure overview`` prints one JSON line: the network admin's
cross-school overview (``bigpicture:network-overview``; the network admin's home page when
that page does not exist in this tree), as the network admin (bench/network_build.py's
superuser of no school) opens it: its query count and its wall-clock milliseconds per
request (``time.perf_counter()``, PostgreSQL's time included), median, p95 and slowest of
``--requests`` requests after a warm-up.

``python -m bench.network_measure scan`` prints one JSON line: the hourly reminder task
(``bigpicture.tasks.scan_reminders``: every school's periodic rules, then the sweep of the
outbox) run over the whole network, twice:
- ``heavy``: first with as much to write as a scan can get, as bench/reminders.py prepares
  a school: every guardian of every school asked for the weekly progress email (sent any
  day, no quiet hours) and the outbox emptied, so that every rule writes its rows anew;
- ``steady``: then again at once, as the next hour's run finds it (its rows already
  written: the keys hold it to nothing new).
The tasks the scan queues go to the configured broker, a Redis queue no worker reads,
emptied afterwards. It changes the database (preferences, outbox): bench/network.py runs it
on a throwaway copy of the network.
"""

import argparse
import json
import os
import sys
import time
from importlib import import_module

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.sessions.backends.base import SessionBase  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from bench.measure import client_for, fetch, spread, wall_ms  # noqa: E402
from bench.network_build import NETWORK_ADMIN  # noqa: E402
from bench.pages import session_for  # noqa: E402
from bench.reminders import prepare  # noqa: E402
from bigpicture.models import Notification, School, User  # noqa: E402
from bigpicture.tasks import scan_reminders  # noqa: E402

OVERVIEW = "bigpicture:network-overview"


def overview_page() -> tuple[str, str]:
    """(what, path): the cross-school overview, or the network admin's home without it."""
    try:
        return "cross-school overview", reverse(OVERVIEW)
    except NoReverseMatch:
        return "network admin's home (no cross-school overview in this tree)", reverse(
            "bigpicture:home"
        )


def verified_session(user: User) -> str:
    """The cookie of a session of the person signed in and past their second factor (an
    authenticator they enrolled), as a network admin's session is where the deployment
    requires one: each request loads the device, as theirs does."""
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    cookie = session_for(user)
    key = dict(part.split("=", 1) for part in cookie.split("; "))[settings.SESSION_COOKIE_NAME]
    store: SessionBase = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.save()
    return cookie


def measure_overview(requests: int, warmup: int) -> dict:
    what, path = overview_page()
    client = client_for(verified_session(User.objects.get(email=NETWORK_ADMIN)))
    for _ in range(max(1, warmup)):
        fetch(client, path, what)
    with CaptureQueriesContext(connection) as queries:
        size = len(fetch(client, path, what).content)
    return {
        "page": what,
        "path": path,
        "queries": len(queries),
        "bytes": size,
        **spread(wall_ms(client, path, requests, what)),
    }


def timed_scan() -> dict:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        written = scan_reminders()
        seconds = time.perf_counter() - started
    return {"written": written, "seconds": seconds, "queries": len(queries)}


def measure_scan() -> dict:
    import redis

    queue = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    schools = list(School.objects.order_by("pk"))
    guardians = sum(prepare(school) for school in schools)
    try:
        heavy = timed_scan()
        steady = timed_scan()
    finally:
        queue.delete("celery")  # what the scans queued, which no worker reads
    return {
        "schools": len(schools),
        "guardians": guardians,
        "heavy": heavy,
        "steady": steady,
        "outbox": Notification.objects.count(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("overview", "scan"))
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    if args.what == "overview":
        measured = measure_overview(args.requests, args.warmup)
    else:
        measured = measure_scan()
    sys.stdout.write(json.dumps(measured) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
