"""Load benchmark: the 5,000-student school on PostgreSQL, served by gunicorn, driven by wrk.

One command (`python bench/run.py`, or `make bench`):
1. builds a 500-student and a 5,000-student demo school, each in its own PostgreSQL
   database, and counts the queries of every main page at both sizes;
2. serves the 5,000-student school with gunicorn on 127.0.0.1 (debug off);
3. drives each main page and a trivial Django view (the ceiling) with wrk on loopback at 1
   and 16 concurrent clients, and writes requests/s, p50/p95 latency and the ratio to the
   trivial view to bench/results.md;
4. serves it again with a cache that keeps nothing and drives every page at 16 clients:
   what each page costs when made afresh, as after any change in the school.

Targets on a 2-core machine: p95 under 150 ms at 16 clients for every page, throughput at
least 30% of the trivial view, and the same query count at both sizes.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SERVER = "127.0.0.1:8765"
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# The shared cache production runs with (README: "Running it in production").
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/6")
P95_TARGET_MS = 150.0
RATIO_TARGET = 0.30
CEILING = "trivial view (ceiling)"  # the page every other is compared with


def run(*args, env=None, capture=False) -> str:
    result = subprocess.run(  # noqa: S603 - our own commands
        list(args), cwd=ROOT, env=env, check=True, text=True, capture_output=capture
    )
    return result.stdout if capture else ""


def environment(database: str, cold: bool = False) -> dict:
    """The benchmark's settings: Redis as the cache, as in production; ``cold`` swaps it for
    a cache that keeps nothing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    env["CACHE_URL"] = "dummycache://" if cold else REDIS
    env["PERSONAL_CACHE"] = "false" if cold else "true"
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=f"{POSTGRES}/{database}",
        BIGPICTURE_ENV="development",
        DJANGO_DEBUG="false",
        PYTHONPATH=str(ROOT),
    )
    return env


def build_school(database: str, students: int) -> float:
    """Recreate a database with a demo school of the given size; return the seconds it took."""
    run("dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database)
    run("createdb", "-h", "127.0.0.1", "-U", "postgres", database)
    env = environment(database)
    run(PYTHON, "manage.py", "migrate", "-v0", env=env)
    started = time.monotonic()
    run(PYTHON, "manage.py", "seed_demo", "--students", str(students), env=env, capture=True)
    return time.monotonic() - started


def query_counts(database: str) -> dict[str, int]:
    out = run(PYTHON, "-m", "bench.querycount", env=environment(database), capture=True)
    return json.loads(out.strip().splitlines()[-1])


def serve(database: str, workers: int, cold: bool = False) -> subprocess.Popen:
    gunicorn = Path(PYTHON).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603
        [
            str(gunicorn),
            "bigpicture.wsgi",
            "--bind",
            SERVER,
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment(database, cold),
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://{SERVER}/bench/trivial/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def check_page(path: str, cookie: str | None) -> None:
    request = urllib.request.Request(f"http://{SERVER}{path}")
    if cookie:
        request.add_header("Cookie", cookie)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        if response.status != 200 or response.url != f"http://{SERVER}{path}":
            raise RuntimeError(f"{path} answered {response.status} at {response.url}")


def load(path: str, cookie: str | None, clients: int, seconds: int) -> dict:
    args = [
        "wrk",
        f"-t{min(clients, 2)}",
        f"-c{clients}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "report.lua"),
    ]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    out = run(*args, f"http://{SERVER}{path}", capture=True)
    return json.loads(out.strip().splitlines()[-1])


def write_report(results, cold, counts_small, counts_large, seed_seconds, args) -> list[str]:
    ceiling = {c: results[CEILING][c]["rps"] for c in (1, 16)}
    cold_ceiling = cold[CEILING]["rps"]
    failures, cold_misses = [], []
    seeded = f"seeded in {seed_seconds:.1f} s" if seed_seconds else "built by an earlier run"
    lines = [
        "# Load benchmark",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores "
        f"({platform.processor() or platform.machine()}), Python {platform.python_version()}, "
        f"PostgreSQL at {POSTGRES.split('@')[-1]}, Redis at {REDIS.split('//')[-1]} as the "
        f"cache, gunicorn with {args.workers} sync workers, "
        f"wrk on loopback, {args.seconds} s per measurement (the ceiling: the best of three, "
        "at the start, halfway and at the end). Command: `python bench/run.py`.",
        "",
        f"School: the demo school with {args.students:,} students ({seeded}); query counts "
        f"also at {args.small:,} students.",
        "",
        "Each page is measured twice. **Warm**: as a page is read again before anything in "
        "the school changes: the signed-in person, the session and the page are cached "
        "(`bigpicture/pagecache.py`). **Cold**: with a cache that keeps nothing, each request "
        "reads the session, the person, the school year and term and the whole page from "
        "PostgreSQL and renders it: a pessimistic bound on the first request after a change "
        "in the school (which still finds the session, year and term cached). The targets "
        "are checked on the warm pass; how often a page is warm depends on how often the "
        "school changes (any change in it retires every copy).",
        "",
        f"| page | queries @ {args.small:,} (cold / warm) "
        f"| queries @ {args.students:,} (cold / warm) "
        "| req/s @1 | p50 ms @1 | p95 ms @1 "
        "| req/s @16 | p50 ms @16 | p95 ms @16 | ratio to trivial @16 "
        "| cold req/s @16 | cold p95 ms @16 | cold ratio @16 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, by_clients in results.items():
        one, many, chilled = by_clients[1], by_clients[16], cold[name]
        ratio, cold_ratio = many["rps"] / ceiling[16], chilled["rps"] / cold_ceiling
        small, large = counts_small.get(name, "-"), counts_large.get(name, "-")
        lines.append(
            f"| {name} | {small} | {large} | {one['rps']:.0f} | {one['p50']:.1f} | "
            f"{one['p95']:.1f} | {many['rps']:.0f} | {many['p50']:.1f} | {many['p95']:.1f} | "
            f"{ratio:.0%} | {chilled['rps']:.0f} | {chilled['p95']:.1f} | {cold_ratio:.0%} |"
        )
        if many["p95"] >= P95_TARGET_MS:
            failures.append(f"{name}: p95 {many['p95']:.0f} ms at 16 clients")
        if ratio < RATIO_TARGET:
            failures.append(f"{name}: {ratio:.0%} of the trivial view's throughput")
        if small != large:
            failures.append(f"{name}: {small} queries at {args.small}, {large} at {args.students}")
        if one["errors"] or many["errors"] or chilled["errors"]:
            errors = one["errors"] + many["errors"] + chilled["errors"]
            failures.append(f"{name}: {errors} failed requests")
        if chilled["p95"] >= P95_TARGET_MS:
            cold_misses.append(f"{name}: p95 {chilled['p95']:.0f} ms at 16 clients")
        if cold_ratio < RATIO_TARGET:
            cold_misses.append(f"{name}: {cold_ratio:.0%} of the trivial view's throughput")
    lines += [
        "",
        f"Targets: p95 under {P95_TARGET_MS:.0f} ms at 16 clients, at least "
        f"{RATIO_TARGET:.0%} of the trivial view's requests/s, the same query count at both "
        "sizes; checked on the warm pass. Query counts include the transaction's BEGIN and "
        "COMMIT.",
        "",
        "**Result (warm): all targets met.**"
        if not failures
        else "**Result (warm): targets missed:**\n\n" + "\n".join(f"- {f}" for f in failures),
        "",
        "**Cold, against the same targets:** "
        + (
            "all met."
            if not cold_misses
            else "missed on these pages:\n\n" + "\n".join(f"- {m}" for m in cold_misses)
        ),
        "",
    ]
    (ROOT / "bench" / "results.md").write_text("\n".join(lines))
    return failures


def drive(pages: dict, database: str, args, cold: bool) -> dict:
    """Serve the school and load every page: at 1 and 16 clients warm, at 16 clients cold.

    The ceiling is measured three times, at the start, halfway and at the end, and its best
    run kept: a dip in the machine's speed during one measurement must not flatter the
    pages' ratios to it.
    """
    server = serve(database, args.workers, cold=cold)
    clients = (16,) if cold else (1, 16)
    label = "cold" if cold else "warm"
    names = list(pages)
    results = {}

    def measure(name):
        path, cookie = pages[name]
        check_page(path, cookie)
        load(path, cookie, 4, 2)  # warm every worker (when warm); steady state otherwise
        measured = {c: load(path, cookie, c, args.seconds) for c in clients}
        if name in results:  # the ceiling again: keep its best run
            for c in clients:
                if measured[c]["rps"] < results[name][c]["rps"]:
                    measured[c] = results[name][c]
        results[name] = measured
        many = measured[16]
        print(f"{name} ({label}): {many['rps']:.0f} req/s, p95 {many['p95']:.1f} ms at 16")

    try:
        for index, name in enumerate(names):
            if index == len(names) // 2:
                measure(CEILING)
            measure(name)
        measure(CEILING)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=5000)
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the schools an earlier run built (quicker, for trying a change; "
        "the committed results come from a run that builds them afresh)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")

    seed_seconds = 0.0
    if not args.reuse:
        print(f"building the {args.small}-student school")
        build_school("bigpicture_bench_small", args.small)
    counts_small = query_counts("bigpicture_bench_small")
    if not args.reuse:
        print(f"building the {args.students}-student school")
        seed_seconds = build_school("bigpicture_bench", args.students)
    counts_large = query_counts("bigpicture_bench")
    pages = json.loads(
        run(PYTHON, "-m", "bench.cookies", env=environment("bigpicture_bench"), capture=True)
        .strip()
        .splitlines()[-1]
    )
    results = drive(pages, "bigpicture_bench", args, cold=False)
    cold = {name: by[16] for name, by in drive(pages, "bigpicture_bench", args, True).items()}
    failures = write_report(results, cold, counts_small, counts_large, seed_seconds, args)
    print((ROOT / "bench" / "results.md").read_text())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
