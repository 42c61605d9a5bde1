"""The reports area and the record of access (issue 14), in-process on the bench school.

``python -m bench.reports`` prints one JSON line:
- ``pages``: every report page (and the list of every student in a report) as the demo admin
  sees it, with the school's current year: its query count and its wall-clock milliseconds
  per request (``time.perf_counter()``, the database's time included), median, p95 and
  slowest of ``--requests`` requests after a warm-up. Nothing is cached per viewer: each
  request is the cold path.
- ``csv``: the full-school list of students as CSV, streamed, measured first in the process:
  milliseconds to the first chunk, seconds to the last, its rows, and the process's peak RSS
  before and after (``ru_maxrss``: memory held flat means the peak hardly moves, whatever
  the school's size).
- ``record``: what writing the record of access costs a page that shows a student's records
  (the advisor's view of a learning plan): the page timed with the record on and off, in
  alternating rounds, and the difference of the medians.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.measure import client_for, fetch, spread, wall_ms  # noqa: E402
from bench.pages import DOMAIN, main_pages, session_for  # noqa: E402
from bigpicture.models import User  # noqa: E402
from bigpicture.pages.reports.registry import REPORTS  # noqa: E402


def report_pages() -> dict[str, str]:
    pages = {slug: reverse("reports:report", args=[slug]) for slug in REPORTS}
    pages["students (every one)"] = reverse("reports:report-students", args=["advisories"])
    return pages


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_pages(client, requests: int, warmup: int) -> dict:
    results = {}
    for name, path in report_pages().items():
        for _ in range(warmup):
            fetch(client, path, name)
        with CaptureQueriesContext(connection) as queries:
            fetch(client, path, name)
        results[name] = {
            "path": path,
            "queries": len(queries),
            **spread(wall_ms(client, path, requests)),
        }
    return results


def measure_csv(client) -> dict:
    path = reverse("reports:report-students-export", args=["advisories", "csv"])
    before = peak_rss_mb()
    started = time.perf_counter()
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"the students' CSV: {response.status_code}")
    chunks = iter(response.streaming_content)
    next(chunks)  # the byte order mark, sent before any row is read
    first = next(chunks)
    first_ms = (time.perf_counter() - started) * 1000
    lines = 1 + sum(chunk.count(b"\n") for chunk in chunks) + first.count(b"\n")
    seconds = time.perf_counter() - started
    return {
        "path": path,
        "ms_first_byte": first_ms,
        "seconds_total": seconds,
        "rows": lines - 1,
        "peak_rss_mb_before": before,
        "peak_rss_mb_after": peak_rss_mb(),
    }


def measure_record(rounds: int, per_round: int) -> dict:
    path, cookie = main_pages()["learning plan (advisor)"]
    client = client_for(cookie)
    for _ in range(20):
        fetch(client, path, "record")
    timings = {True: [], False: []}
    for _ in range(rounds):
        for on in (True, False):
            with override_settings(ACCESS_RECORD=on):
                timings[on] += wall_ms(client, path, per_round, "record")
    on, off = statistics.median(timings[True]), statistics.median(timings[False])
    return {
        "path": path,
        "requests_each": len(timings[True]),
        "ms_median_on": on,
        "ms_median_off": off,
        "ms_cost": on - off,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    admin = User.objects.get(email=f"admin@{DOMAIN}")
    client = client_for(session_for(admin))
    # The CSV first, so that the peak RSS it reaches is its own (the report pages measured
    # after it build larger pages in memory).
    streamed = measure_csv(client)
    measured = {
        "pages": measure_pages(client, args.requests, args.warmup),
        "csv": streamed,
        "record": measure_record(args.rounds, 10),
    }
    sys.stdout.write(json.dumps(measured) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
