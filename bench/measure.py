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
The line is ``{"pages": {name: {...}}, "settings": {"sessions": ..., "cache": ...}}``.
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
from bench.pages import main_pages  # noqa: E402

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


def _paired(page: list[float], reference: list[float] | None) -> float | None:
    if not reference:
        return None
    return statistics.median(mean / base for mean, base in zip(page, reference, strict=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=0, help="CPU timing: requests per page")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    results = measure(main_pages(), args.requests, args.warmup, args.rounds)
    configured = {
        "sessions": settings.SESSION_ENGINE.rsplit(".", 1)[-1],
        "cache": settings.CACHES["default"]["BACKEND"],
    }
    sys.stdout.write(json.dumps({"pages": results, "settings": configured}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
