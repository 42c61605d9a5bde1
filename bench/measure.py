"""Queries and CPU time per page, in-process: a Django test Client in a loop against the
configured database with the benchmark settings (debug off).

``python -m bench.measure`` prints one JSON line: for every page of ``bench.pages``, its
query count (one request, after a warm-up; the transaction's BEGIN and COMMIT included) and,
with ``--requests N``, the CPU milliseconds per request: ``time.process_time()`` around each
request, averaged over N requests after ``--warmup`` requests. That is the app's CPU only
(Python, templates, the database driver's work in this process); PostgreSQL's and Redis's
CPU is not counted. The pages are measured in rounds, each page a share of its requests per
round, so a change in the machine's speed during the run touches every page alike; each
page's ratio to the floor page and to the lean reference page is the median over the rounds
of its round's mean to theirs.

The 10 Expectations (issue 13), on the same school: the school view with its heat map, the
advisory view and the student's profile (``bench.pages.expectation_pages``), each its query
count and its wall-clock milliseconds per request (``time.perf_counter()``, the database's
time included: the issue's "under 500 ms"), the median, p95 and slowest of ``--wall``
requests after the warm-up; the early warning for the whole school
(``compute_school``, timed once in process, with its query count); and taking a day's roll
of the demo advisor's advisory: the page read, then the roll as the phone posts it (two
absent, one late, everyone else present) in one POST, its queries and milliseconds.

The line is ``{"pages": {name: {...}}, "settings": {"sessions": ..., "cache": ...},
"expectations": {name: {...}}, "early_warning": {...}, "attendance": {...}}``.
"""

import argparse
import json
import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.constants import FLOOR, LEAN  # noqa: E402
from bench.pages import (  # noqa: E402
    attendance_roll,
    demo_school,
    expectation_pages,
    main_pages,
    roll_call,
)
from expectations.services.engagement import compute_school  # noqa: E402

HOST = "127.0.0.1"


def client_for(cookie: str | None) -> Client:
    """A test Client sending the page's cookies, as the browser would."""
    client = Client(HTTP_HOST=HOST)
    for part in cookie.split("; ") if cookie else []:
        key, value = part.split("=", 1)
        client.cookies[key] = value
    return client


def fetch(client: Client, path: str, name: str = ""):
    """GET a page; fail loudly unless it answers 200 (a redirect means a lost session, a
    second-factor step or a moved page: never what the benchmark means to measure)."""
    response = client.get(path)
    if response.status_code != 200:
        where = response.get("Location", "")
        raise RuntimeError(f"{name or path}: {response.status_code} {where}".strip())
    return response


def count_queries(client: Client, path: str, name: str = "") -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        fetch(client, path, name)
    return len(queries), [query["sql"] for query in queries.captured_queries]


def cpu_per_request(client: Client, path: str, requests: int, name: str = "") -> list[float]:
    """CPU milliseconds of each of ``requests`` requests."""
    timings = []
    for _ in range(requests):
        started = time.process_time()
        response = client.get(path)
        timings.append((time.process_time() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{name or path}: {response.status_code}")
    return timings


def measure(pages: dict, requests: int, warmup: int, rounds: int) -> dict:
    clients = {name: client_for(cookie) for name, (_path, cookie) in pages.items()}
    results = {}
    for name, (path, _cookie) in pages.items():
        client = clients[name]
        for _ in range(max(1, warmup)):  # templates, translations, connections
            fetch(client, path, name)
        queries, _sql = count_queries(client, path, name)
        size = len(fetch(client, path, name).content)
        results[name] = {"path": path, "queries": queries, "bytes": size}
    if requests:
        rounds = max(1, min(rounds, requests))
        timings = {name: [] for name in pages}
        round_means = {name: [] for name in pages}
        for index in range(rounds):
            share = requests // rounds + (1 if index < requests % rounds else 0)
            for name, (path, _cookie) in pages.items():
                measured = cpu_per_request(clients[name], path, share, name)
                timings[name] += measured
                round_means[name].append(statistics.fmean(measured))
        for name, measured in timings.items():
            results[name].update(
                cpu_ms=statistics.fmean(measured),
                cpu_median_ms=statistics.median(measured),
                cpu_min_ms=min(measured),
                requests=len(measured),
                # Against the floor and the lean page measured in the same round (seconds
                # apart, so that the machine's changing speed touches both alike): the
                # median of the rounds' ratios.
                x_floor=_paired(round_means[name], round_means.get(FLOOR)),
                x_lean=_paired(round_means[name], round_means.get(LEAN)),
            )
    return results


def wall_ms(client: Client, path: str, requests: int, name: str = "") -> list[float]:
    """Wall-clock milliseconds of each of ``requests`` requests (the database's time too)."""
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        fetch(client, path, name)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def spread(timings: list[float]) -> dict:
    ordered = sorted(timings)
    if not ordered:
        return {}
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return {
        "ms_median": statistics.median(ordered),
        "ms_p95": p95,
        "ms_max": ordered[-1],
        "wall_requests": len(ordered),
    }


def measure_expectations(pages: dict, requests: int, warmup: int) -> dict:
    """Queries and wall-clock milliseconds of the 10 Expectations' pages (issue 13)."""
    results = {}
    for name, (path, cookie) in pages.items():
        client = client_for(cookie)
        for _ in range(max(1, warmup)):
            fetch(client, path, name)
        queries, _sql = count_queries(client, path, name)
        results[name] = {
            "path": path,
            "queries": queries,
            **spread(wall_ms(client, path, requests)),
        }
    return results


def measure_early_warning() -> dict:
    """Seconds and queries of computing every student's status of the school, once."""
    school = demo_school()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        counts = compute_school(school)
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "queries": len(queries), "statuses": counts}


def measure_attendance() -> dict:
    """Today's roll of the demo advisor's advisory: read, then posted whole in one request
    (its queries and milliseconds, and where it went)."""
    path, cookie = attendance_roll()
    client = client_for(cookie)
    data, students = roll_call(fetch(client, path, "attendance").content.decode())
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.post(path, data)
        ms = (time.perf_counter() - started) * 1000
    if response.status_code != 302:
        raise RuntimeError(f"taking attendance: {response.status_code}, not a redirect")
    return {
        "path": path,
        "students": students,
        "requests": 1,
        "queries": len(queries),
        "ms": ms,
        "status": response.status_code,
    }


def _paired(page: list[float], reference: list[float] | None) -> float | None:
    if not reference:
        return None
    return statistics.median(mean / base for mean, base in zip(page, reference, strict=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=0, help="CPU timing: requests per page")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument(
        "--wall", type=int, default=30, help="the 10 Expectations' pages: timed requests"
    )
    args = parser.parse_args()
    results = measure(main_pages(), args.requests, args.warmup, args.rounds)
    configured = {
        "sessions": settings.SESSION_ENGINE.rsplit(".", 1)[-1],
        "cache": settings.CACHES["default"]["BACKEND"],
    }
    measured = {
        "pages": results,
        "settings": configured,
        "expectations": measure_expectations(expectation_pages(), args.wall, args.warmup),
        "early_warning": measure_early_warning(),
        "attendance": measure_attendance(),
    }
    sys.stdout.write(json.dumps(measured) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
