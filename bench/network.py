"""Network benchmark: a deployment of 40 schools of 500 students (20,000 students, four
years of history each) against one school of the same shape (issue 18, item 7).

One command (`python bench/network.py`, or `make bench-network`):
1. builds the network in its own PostgreSQL database (bench/network_build.py: the demo
   builder of `manage.py seed_demo`, bulk COPY, once per school, each school with its own
   seed, people and email domain; the last one is the demo school) and a one-school
   database with the same demo school, person for person; times the network's build
   (`--reuse` keeps databases an earlier run built at these sizes);
2. measures every main page of bench/pages.py (an admin's, an advisor's, a student's, a
   guardian's and a mentor's, each opened by the demo login of the same school in both
   databases): its queries and CPU milliseconds per request in-process (bench/measure.py,
   as bench/run.py step 3: a test Client in a loop, debug off), in both databases in
   alternate order, `--runs` times; a page's cost in the network is the median over the
   runs of its ratio to the one school's measured next to it;
3. measures the demo school's reports (bench/reports.py) in the network, the network
   admin's cross-school overview (bench/network_measure.py) and the hourly reminder scan of
   the whole network, on a throwaway copy of it (bench/network_measure.py);
4. writes bench/network.md, each target stated as met or missed, and exits non-zero when
   one is missed.

Targets: every main page within 10% of the one school in queries and CPU per request (its
cost flat in the size of the network); the scan of the whole network under 60 s; every
report page under 500 ms (p95); the cross-school overview under 1 s (p95); the build under
10 minutes.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if __name__ == "__main__":
    # Run as a script, bench/ is first on the path (and its profile.py would hide the
    # standard library's): put the project there instead.
    sys.path[:] = [
        str(ROOT),
        *(p for p in sys.path if Path(p or ".").resolve() not in (HERE, ROOT)),
    ]

# This benchmark's Redis database (the cache, each database with its own key prefix, and a
# broker queue no worker reads), apart from bench/run.py's.
os.environ.setdefault("BENCH_REDIS", "redis://127.0.0.1:6379/15")
BROKER = os.environ["BENCH_REDIS"]

from bench.constants import REPORT_MS  # noqa: E402
from bench.report import load_average, machine, verdict  # noqa: E402
from bench.run import (  # noqa: E402
    PYTHON,
    clear_cache,
    environment,
    psql,
    reports,
    run,
    seed_record,
)
from bench.run import in_process as measure_pages  # noqa: E402

FLAT = 1.10  # a page's queries and CPU in the network, at most this times the one school's
SCAN_SECONDS = 60.0
OVERVIEW_MS = 1000.0
BUILD_SECONDS = 600.0


def databases(schools: int, students: int) -> tuple[str, str]:
    """The names of the network's database and the one school's, by their sizes (a quick
    try at small sizes keeps the full network an earlier run built)."""
    return f"bench_network_{schools}x{students}", f"bench_network_one_{students}"


def build_environment(database: str) -> dict:
    """As seed_demo runs: the build's reminder emails are delivered (to nowhere) at once."""
    return {**environment(database), "EMAIL_URL": "dummymail://"}


def createdb(database: str, template: str | None = None) -> None:
    run("dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database, quiet=True)
    copy = ["-T", template] if template else []
    run("createdb", "-h", "127.0.0.1", "-U", "postgres", *copy, database)


def build(database: str, schools: int, students: int, reuse: bool) -> dict:
    """The database of ``schools`` schools of ``students`` students: built afresh, or reused
    when asked and an earlier run built it at that size (brought up to the latest
    migrations). Returns its record: sizes, seconds, when."""
    record = seed_record(database) if reuse else None
    if record and (record.get("schools"), record.get("students")) == (schools, students):
        print(f"reusing {database} ({schools} x {students:,} students), built {record['at']}")
        run(PYTHON, "manage.py", "migrate", "-v0", env=environment(database))
        return {**record, "reused": True}
    print(f"building {schools} school(s) of {students:,} students in {database}", flush=True)
    started = time.monotonic()
    createdb(database)
    env = build_environment(database)
    run(PYTHON, "manage.py", "migrate", "-v0", env=env)
    migrated = time.monotonic()
    args = ["--schools", str(schools), "--students", str(students)]
    out = run(PYTHON, "-m", "bench.network_build", *args, env=env, capture=True)
    built = json.loads(out.strip().splitlines()[-1])
    finished = time.monotonic()
    record = {
        "schools": schools,
        "students": students,
        "seconds": round(finished - started, 1),
        "build_seconds": round(finished - migrated, 1),
        "school_seconds": [round(s, 1) for s in built["school_seconds"]],
        "people": built["people"],
        "all_students": built["students"],
        "size": psql(f"SELECT pg_size_pretty(pg_database_size('{database}'))"),
        "at": f"{datetime.now(UTC):%c}",
    }
    psql(f"COMMENT ON DATABASE {database} IS '{json.dumps(record)}'")
    clear_cache(database)
    print(
        f"  built in {record['seconds']:.0f} s ({record['build_seconds']:.0f} s for the "
        f"schools, after the migrations), {record['size']}",
        flush=True,
    )
    return {**record, "reused": False}


def measure_both(network: str, alone: str, runs: int, requests: int, warmup: int) -> dict:
    """Every main page in both databases, ``runs`` times in alternate order; per page the
    queries of each and the CPU ms of each run (the median request of the run)."""
    measured: dict[str, list[dict]] = {alone: [], network: []}
    for index in range(runs):
        order = (alone, network) if index % 2 == 0 else (network, alone)
        for database in order:
            print(f"  run {index + 1}/{runs}: {database}", flush=True)
            measured[database].append(measure_pages(database, requests, warmup)["pages"])
    pages = {}
    for name in measured[alone][0]:
        one = [found[name] for found in measured[alone]]
        net = [found[name] for found in measured[network]]
        ratios = [n["cpu_median_ms"] / o["cpu_median_ms"] for o, n in zip(one, net, strict=True)]
        pages[name] = {
            "path": net[0]["path"],
            "queries_one": max(o["queries"] for o in one),
            "queries_network": max(n["queries"] for n in net),
            "cpu_one": statistics.median(o["cpu_median_ms"] for o in one),
            "cpu_network": statistics.median(n["cpu_median_ms"] for n in net),
            "ratios": ratios,
            "ratio": statistics.median(ratios),
        }
    return pages


def measure_overview(database: str, requests: int) -> dict:
    args = ["overview", "--requests", str(requests)]
    out = run(PYTHON, "-m", "bench.network_measure", *args, env=environment(database), capture=True)
    return json.loads(out.strip().splitlines()[-1])


def measure_scan(network: str) -> dict:
    """The hourly scan of the whole network, on a throwaway copy of it (the scan writes the
    outbox)."""
    copy = f"{network}_scan"
    print(f"copying {network} to {copy}", flush=True)
    createdb(copy, template=network)
    try:
        env = {**environment(copy), "CELERY_BROKER_URL": BROKER}
        out = run(PYTHON, "-m", "bench.network_measure", "scan", env=env, capture=True)
        return json.loads(out.strip().splitlines()[-1])
    finally:
        run("dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", copy, quiet=True)
        clear_cache(copy)


def page_lines(pages: dict) -> tuple[list[str], list[str]]:
    lines = [
        "| page | queries, one school | queries, network | CPU ms, one school "
        "| CPU ms, network | network / one school (per run) | target |",
        "|---|---|---|---|---|---|---|",
    ]
    missed = []
    for name, page in pages.items():
        flat_queries = page["queries_network"] <= page["queries_one"] * FLAT
        flat_cpu = page["ratio"] <= FLAT
        if not flat_queries:
            missed.append(f"{name}: {page['queries_one']} vs {page['queries_network']} queries")
        if not flat_cpu:
            missed.append(f"{name}: CPU {page['ratio']:.2f}x the one school's")
        runs = ", ".join(f"{r:.2f}" for r in page["ratios"])
        lines.append(
            f"| {name} | {page['queries_one']} | {page['queries_network']} "
            f"| {page['cpu_one']:.2f} | {page['cpu_network']:.2f} | {page['ratio']:.2f} "
            f"({runs}) | {verdict(flat_queries and flat_cpu)} |"
        )
    return lines, missed


def report_lines(one: dict, net: dict) -> tuple[list[str], list[str]]:
    lines = [
        "| report page | queries, one school | queries, network | median ms, one school "
        "| median ms, network | p95 ms, one school | p95 ms, network | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    missed = []
    for name, page in net["pages"].items():
        alone = one["pages"].get(name, {})
        fast = page["ms_p95"] < REPORT_MS
        if not fast:
            missed.append(f"{name}: {page['ms_p95']:.0f} ms")
        lines.append(
            f"| {name} | {alone.get('queries', '-')} | {page['queries']} "
            f"| {alone.get('ms_median', 0):.0f} | {page['ms_median']:.0f} "
            f"| {alone.get('ms_p95', 0):.0f} | {page['ms_p95']:.0f} | {verdict(fast)} |"
        )
    return lines, missed


def write_report(args, seeds: dict, pages: dict, issue14: tuple, views: tuple, scan: dict):
    """Write bench/network.md; return the targets missed."""
    network, one = seeds[args.network], seeds[args.one]
    page_table, page_missed = page_lines(pages)
    report_table, report_missed = report_lines(*issue14)
    overview, overview_one = views
    heavy, steady = scan["heavy"], scan["steady"]
    students = args.schools * args.students
    per_school = network["school_seconds"]
    targets = [
        (
            not page_missed,
            f"Every main page within {FLAT - 1:.0%} of the one school in queries and CPU per "
            "request: "
            + (
                "the largest CPU ratio is {:.2f} ({})".format(
                    *max((p["ratio"], n) for n, p in pages.items())
                )
                if not page_missed
                else "; ".join(page_missed)
            ),
        ),
        (
            heavy["seconds"] < SCAN_SECONDS,
            f"The reminder scan of the whole network under {SCAN_SECONDS:.0f} s: "
            f"{heavy['seconds']:.1f} s",
        ),
        (
            not report_missed,
            f"Every report page of a school in the network under {REPORT_MS:.0f} ms (p95): "
            + (
                "the slowest is {1}, {0:.0f} ms".format(
                    *max((p["ms_p95"], n) for n, p in issue14[1]["pages"].items())
                )
                if not report_missed
                else "; ".join(report_missed)
            ),
        ),
        (
            overview["ms_p95"] < OVERVIEW_MS,
            f"The network admin's {overview['page']} under {OVERVIEW_MS:.0f} ms (p95): "
            f"{overview['ms_p95']:.0f} ms",
        ),
    ]
    targets.append(
        (
            network["seconds"] < BUILD_SECONDS,
            f"The network built in under {BUILD_SECONDS / 60:.0f} minutes: "
            f"{network['seconds'] / 60:.1f} minutes"
            + (f" (when it was built, {network['at']})" if network["reused"] else ""),
        )
    )
    failures = [text for ok, text in targets if not ok]
    built = "reused from an earlier run" if network["reused"] else "built by this run"
    lines = [
        "# Network benchmark",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}, load average "
        f"{args.load_before} before the run, {load_average()} after (other work on the "
        "machine shares its two cores). PostgreSQL and Redis on loopback, the app with debug "
        "off. Command: `python bench/network.py` (`make bench-network`).",
        "",
        "## The network",
        "",
        f"{network['schools']} schools of {args.students:,} students ({students:,} students, "
        f"{network['people']:,} people with the families, staff and mentors), each with four "
        "school years of history (terms, advisories and memberships, learning plans and "
        "their items, meetings, narratives, internships with their daily logs, attendance, "
        "reflections, the early warning and the reminders), built by the demo builder "
        "(`bigpicture.demo`, bulk COPY) once per school with a seed of its own, each school "
        "then renamed (slug, name, email domain); the last school is the demo school. "
        f"Database {args.network}, {network['size']}, {built} ({network['at']}): "
        f"{network['seconds']:.0f} s in all, {network['build_seconds']:.0f} s for the schools "
        f"after the migrations (a school: {per_school[0]:.1f} s the first, "
        f"{per_school[-1]:.1f} s the last, {statistics.median(per_school):.1f} s median, "
        f"{min(per_school):.1f} to {max(per_school):.1f} s as the machine's other work "
        f"came and went). The one-school database {args.one} holds the same demo "
        f"school, person for person ({one['size']}, built in {one['seconds']:.0f} s).",
        "",
        "## Main pages: the network against one school",
        "",
        "Every main page of bench/pages.py, each opened by the demo login of its role (the "
        "demo school's admin, advisor, student, guardian and mentor: the same people in both "
        "databases). In-process as bench/run.py measures CPU (a Django test Client in a "
        "loop, debug off, `time.process_time()` per request: the app's CPU, not "
        f"PostgreSQL's): {args.requests} requests a page after {args.warmup} warm-up "
        f"requests, in both databases one after the other, {args.runs} runs in alternate "
        "order. CPU ms: the median request, median over the runs; the ratio: the median of "
        "each run's network / one school. The sign-in page reads nothing from the database: "
        "its ratio is what the machine's changing speed alone does to a ratio.",
        "",
        *page_table,
        "",
        "## A school's reports in the network",
        "",
        "Every report page of bench/reports.py as the demo school's admin with the school's "
        "current year, in-process: wall-clock time per request (PostgreSQL's time included, "
        "nothing cached per viewer).",
        "",
        *report_table,
        "",
        "## The network admin's overview",
        "",
        f"The {overview['page']} ({overview['path']}) as the network admin (a superuser of "
        f"no school), in-process: {overview['queries']} queries, {overview['bytes']:,} bytes, "
        f"median {overview['ms_median']:.0f} ms, p95 {overview['ms_p95']:.0f} ms, slowest "
        f"{overview['ms_max']:.0f} ms over {overview['wall_requests']} requests (one school: "
        f"{overview_one['queries']} queries, p95 {overview_one['ms_p95']:.0f} ms).",
        "",
        "## The reminder scan of the whole network",
        "",
        "`bigpicture.tasks.scan_reminders` (every school's periodic rules, then the outbox's "
        f"sweep) on a copy of the network, its tasks queued to Redis: first with every one of "
        f"the {scan['guardians']:,} guardians asking for the weekly progress email and the "
        f"outbox emptied (as bench/reminders.py prepares a school): {heavy['written']:,} rows "
        f"written in {heavy['seconds']:.1f} s ({heavy['queries']:,} queries, "
        f"{heavy['queries'] / scan['schools']:.0f} a school); then the next hour's run, "
        f"finding them written: {steady['written']:,} rows in {steady['seconds']:.1f} s "
        f"({steady['queries']:,} queries).",
        "",
        "## Targets",
        "",
        *(f"- {text}: {verdict(ok)}" for ok, text in targets),
        "",
        "**Result: all targets met.**"
        if not failures
        else "**Result: targets missed.** Where a page's cost grows: "
        f'`python bench/profile.py "PAGE" --database {args.network} --sql` against '
        f"`--database {args.one}`.",
        "",
    ]
    path = Path(args.report) if args.report else HERE / "network.md"
    path.write_text("\n".join(lines))
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--schools", type=int, default=40)
    parser.add_argument("--students", type=int, default=500, help="students per school")
    parser.add_argument("--runs", type=int, default=5, help="CPU: runs in each database")
    parser.add_argument("--requests", type=int, default=60, help="CPU: requests a page a run")
    parser.add_argument("--warmup", type=int, default=10, help="CPU: warm-up requests")
    parser.add_argument("--wall", type=int, default=20, help="the overview: timed requests")
    parser.add_argument("--report", help="where to write the report (bench/network.md)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the databases an earlier run built at these sizes",
    )
    args = parser.parse_args()
    args.load_before = load_average()
    args.network, args.one = databases(args.schools, args.students)
    seeds = {
        args.network: build(args.network, args.schools, args.students, args.reuse),
        args.one: build(args.one, 1, args.students, args.reuse),
    }
    print("main pages: queries and CPU per request", flush=True)
    pages = measure_both(args.network, args.one, args.runs, args.requests, args.warmup)
    for name, page in pages.items():
        print(
            f"  {name}: {page['queries_one']} / {page['queries_network']} queries, "
            f"{page['cpu_one']:.2f} / {page['cpu_network']:.2f} ms CPU ({page['ratio']:.2f}x)"
        )
    print("the reports", flush=True)
    issue14 = (reports(args.one), reports(args.network))
    for name, page in issue14[1]["pages"].items():
        print(f"  {name}: {page['queries']} queries, p95 {page['ms_p95']:.0f} ms")
    print("the network admin's overview", flush=True)
    views = (measure_overview(args.network, args.wall), measure_overview(args.one, args.wall))
    print(f"  {views[0]['page']}: {views[0]['queries']} queries, p95 {views[0]['ms_p95']:.0f} ms")
    print("the reminder scan of the whole network", flush=True)
    scan = measure_scan(args.network)
    print(f"  {scan['heavy']['written']:,} rows in {scan['heavy']['seconds']:.1f} s")
    failures = write_report(args, seeds, pages, issue14, views, scan)
    print((Path(args.report) if args.report else HERE / "network.md").read_text())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
