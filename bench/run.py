"""Load benchmark: what the users of a 5,000-student school get, on PostgreSQL, served by
gunicorn, with Redis as the shared cache.

One command (`python bench/run.py`, or `make bench`):
1. builds a 500-student and a 5,000-student demo school, each in its own PostgreSQL
   database (`manage.py seed_demo`; `--reuse` keeps the ones an earlier run built), and
   times the seeding of the large one;
2. counts the queries of every main page at both sizes, in-process, and measures the 10
   Expectations' targets (issue 13, bench/measure.py): the school view and heat map, the
   advisory view and the student's profile (queries at both sizes, wall-clock ms per
   request on the large school), the early warning for the whole school (seconds) and
   taking a day's roll in one request (queries, ms);
3. measures the CPU time of every main page per request, single-threaded and in-process (a
   Django test Client in a loop on the large school, debug off: the app's CPU, not
   PostgreSQL's), and compares it with the **floor page** (a signed-in page with only the
   base layout) and the **lean reference page** (eight indexed queries and a 50-row table,
   written the cheap way) of bench/views.py;
   It also measures the reports and the record of access (issue 14, bench/reports.py): every
   report page's queries at both sizes and wall-clock ms on the large school, the full
   school's CSV (first row, peak RSS) and what the record of access adds to a page;
4. serves the large school with gunicorn and drives each page with wrk at 1 and 16 clients;
5. runs the **school day**: 16 clients reading the main pages in a school day's proportions
   (bench/pages.py MIX_WEIGHTS, wrk with bench/mix.lua) while a separate writer process
   (bench/writer.py) signs in through the sign-in form and makes about 5 writes a second
   through the real forms, checking each on the page that should show it;
6. writes bench/results.md, each target stated as met or missed, and exits non-zero when
   one is missed.

The app caches nothing per viewer: every request reads the session (from the cache), the
person and the page's data, and renders the page; only what a whole school shares may be
kept in Redis for a while. So there is one pass, as users get it.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
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

from bench.report import load_average, write_report  # noqa: E402

PYTHON = sys.executable
SERVER = "127.0.0.1:8765"
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# The shared cache production runs with (README: "Running it in production"); each bench
# database keeps its own keys (the key prefix is the database's name).
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/6")
# The served app queues its tasks as in production, on a Redis queue no worker reads
# (emptied after the run).
BROKER = os.environ.get("BENCH_BROKER", "redis://127.0.0.1:6379/8")


def database_name(students: int) -> str:
    return f"bigpicture_bench_{students}"


def run(*args, env=None, capture=False, quiet=False) -> str:
    """Run a command; ``capture``: return its output; ``quiet``: show nothing of it unless
    it fails."""
    result = subprocess.run(  # noqa: S603 - our own commands
        list(args),
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE if capture or quiet else None,
        stderr=subprocess.PIPE if quiet else None,
    )
    if result.returncode:
        if quiet:
            sys.stderr.write((result.stdout or "")[-3000:] + (result.stderr or "")[-5000:])
        raise subprocess.CalledProcessError(result.returncode, args)
    return result.stdout if capture else ""


def environment(database: str) -> dict:
    """The benchmark's settings on a database: the app as deployed (debug off), Redis as the
    cache (each database with its own key prefix) and sessions as configured."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=f"{POSTGRES}/{database}",
        CACHE_URL=f"{REDIS}?key_prefix={database}",
        BIGPICTURE_ENV="development",
        DJANGO_DEBUG="false",
        PYTHONPATH=str(ROOT),
        # No collected static files here: the benchmark reads pages, not their assets.
        PYTHONWARNINGS="ignore:No directory at",
    )
    return env


def served_environment(database: str) -> dict:
    """As served: tasks go to a broker (as in production, not run in the request) and no
    email leaves."""
    return {**environment(database), "CELERY_BROKER_URL": BROKER, "EMAIL_URL": "dummymail://"}


def psql(sql: str, database: str = "postgres") -> str:
    return run(
        "psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-tAc", sql, capture=True
    ).strip()


def seed_record(database: str) -> dict | None:
    """What the build of a database recorded (students, seconds, when), if it exists."""
    sql = "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '%s'"
    comment = psql(sql % database)
    try:
        return json.loads(comment) if comment else None
    except ValueError:
        return None


def clear_cache(database: str) -> None:
    """Forget the database's keys in Redis (a rebuilt school reuses the same ids)."""
    import redis

    client = redis.Redis.from_url(REDIS)
    keys = list(client.scan_iter(match=f"{database}:*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])


def build_school(database: str, students: int) -> float:
    """Recreate a database with a demo school of the given size; return the seconds the
    seeding took (recorded on the database, for a later `--reuse`)."""
    run("dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database)
    run("createdb", "-h", "127.0.0.1", "-U", "postgres", database)
    env = environment(database)
    run(PYTHON, "manage.py", "migrate", "-v0", env=env)
    started = time.monotonic()
    run(PYTHON, "manage.py", "seed_demo", "--students", str(students), env=env, quiet=True)
    seconds = time.monotonic() - started
    record = {"students": students, "seconds": round(seconds, 1), "at": f"{datetime.now(UTC):%c}"}
    psql(f"COMMENT ON DATABASE {database} IS '{json.dumps(record)}'")
    clear_cache(database)
    return seconds


def school(students: int, reuse: bool) -> tuple[str, dict]:
    """The database of a school of this size: built afresh, or reused when asked and built
    with that many students by an earlier run (brought up to the latest migrations)."""
    database = database_name(students)
    record = seed_record(database) if reuse else None
    if record and record.get("students") == students:
        print(f"reusing the {students:,}-student school ({database}), built {record['at']}")
        run(PYTHON, "manage.py", "migrate", "-v0", env=environment(database))
        return database, {**record, "reused": True}
    print(f"building the {students:,}-student school in {database}", flush=True)
    seconds = build_school(database, students)
    print(f"  seeded in {seconds:.1f} s", flush=True)
    return database, {"students": students, "seconds": seconds, "reused": False}


def in_process(database: str, requests: int = 0, warmup: int = 10) -> dict:
    """Queries (and, with ``requests``, CPU ms per request) of every page, in-process."""
    args = ["--requests", str(requests), "--warmup", str(warmup)]
    out = run(PYTHON, "-m", "bench.measure", *args, env=environment(database), capture=True)
    return json.loads(out.strip().splitlines()[-1])  # {"pages": ..., "settings": ...}


def reports(database: str) -> dict:
    """The reports and the record of access (issue 14), in-process (bench/reports.py)."""
    out = run(PYTHON, "-m", "bench.reports", env=environment(database), capture=True)
    return json.loads(out.strip().splitlines()[-1])


def print_expectations(small: dict, large: dict) -> None:
    """The 10 Expectations' figures (issue 13) as they are measured."""
    print("the 10 Expectations (issue 13)")
    for name, measured in large["expectations"].items():
        queries = small["expectations"].get(name, {}).get("queries", "-")
        print(
            f"  {name}: {queries} / {measured['queries']} queries, "
            f"p95 {measured['ms_p95']:.0f} ms (median {measured['ms_median']:.0f} ms)"
        )
    warning, roll = large["early_warning"], large["attendance"]
    print(
        f"  early warning, whole school: {warning['seconds']:.1f} s, {warning['queries']} queries"
    )
    print(
        f"  taking the roll of {roll['students']} students: {roll['requests']} request, "
        f"{roll['queries']} queries, {roll['ms']:.0f} ms"
    )


def readers(database: str, people: int) -> dict:
    out = run(
        PYTHON,
        "-m",
        "bench.cookies",
        "--people",
        str(people),
        env=environment(database),
        capture=True,
    )
    return json.loads(out.strip().splitlines()[-1])


def serve(database: str, workers: int, log) -> subprocess.Popen:
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
        env=served_environment(database),
        stdout=log,
        stderr=log,
    )
    for _ in range(150):
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
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
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


def per_page(pages: dict, seconds: int) -> dict:
    """Each page alone: a short warm-up, then 1 and 16 clients."""
    results = {}
    for name, (path, cookie) in pages.items():
        check_page(path, cookie)
        load(path, cookie, 4, min(2, seconds))
        results[name] = {c: load(path, cookie, c, seconds) for c in (1, 16)}
        many = results[name][16]
        print(f"  {name}: {many['rps']:.0f} req/s, p95 {many['p95']:.1f} ms at 16 clients")
    return results


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def school_day(mix: list[dict], database: str, args) -> dict:
    """16 readers (wrk, bench/mix.lua) and the writer (bench/writer.py) for the same span."""
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as table:
        for entry in mix:
            fields = (entry["name"], entry["path"], entry["cookie"] or "", str(entry["weight"]))
            table.write("\t".join(fields) + "\n")
    writer = subprocess.Popen(  # noqa: S603
        [
            PYTHON,
            "-m",
            "bench.writer",
            "--server",
            SERVER,
            "--seconds",
            str(args.mix_seconds),
            "--rate",
            str(args.write_rate),
            "--plan",
            args.plan,
        ],
        cwd=ROOT,
        env=served_environment(database),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = writer.stdout.readline().strip()
        if line != "ready":
            raise RuntimeError(f"the writer did not start: {line!r}")
        print(f"  writer signed in; reading and writing for {args.mix_seconds} s", flush=True)
        readers_out = {}

        def read():
            readers_out["text"] = run(
                "wrk",
                f"-t{args.clients}",
                f"-c{args.clients}",
                f"-d{args.mix_seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(ROOT / "bench" / "mix.lua"),
                f"http://{SERVER}/",
                env={**os.environ, "BENCH_MIX": table.name},
                capture=True,
            )

        thread = threading.Thread(target=read)
        thread.start()
        writer.stdin.write("go\n")
        writer.stdin.flush()
        said = writer.stdout.readlines()
        if not said:
            raise RuntimeError("the writer stopped without a result (its error is above)")
        writes = json.loads(said[-1])
        thread.join()
        writer.wait(timeout=60)
    finally:
        if writer.poll() is None:
            writer.terminate()
        os.unlink(table.name)
    reads = json.loads(readers_out["text"].strip().splitlines()[-1])
    pages = {}
    for name, measured in reads["pages"].items():
        latencies = measured["latencies"]
        pages[name] = {
            "reads": len(latencies),
            "p50": percentile(latencies, 0.50),
            "p95": percentile(latencies, 0.95),
            "bad": sum(measured["bad"].values()),
            "statuses": measured["bad"],
        }
    everything = [ms for measured in reads["pages"].values() for ms in measured["latencies"]]
    return {
        "pages": pages,
        "reads": reads["requests"],
        "seconds": reads["seconds"],
        "rps": reads["requests"] / reads["seconds"],
        "p95": percentile(everything, 0.95),
        "socket_errors": reads["socket_errors"],
        "timeouts": reads["timeouts"],
        "writes": writes,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--students", type=int, default=5000, help="the large school")
    parser.add_argument("--small", type=int, default=500, help="the small school")
    parser.add_argument("--seconds", type=int, default=10, help="wrk, each page alone")
    parser.add_argument("--mix-seconds", type=int, default=60, help="the school day")
    parser.add_argument("--clients", type=int, default=16, help="readers in the school day")
    parser.add_argument("--write-rate", type=float, default=5.0, help="writes a second")
    parser.add_argument("--writers", type=int, default=6, help="students who write")
    parser.add_argument("--people", type=int, default=8, help="readers of each home page")
    parser.add_argument("--cpu-requests", type=int, default=200, help="CPU: requests a page")
    parser.add_argument("--warmup", type=int, default=20, help="CPU: warm-up requests")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--report", help="where to write the report (bench/results.md)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the schools an earlier run built at these sizes (quicker, for trying a "
        "change; the committed results come from a run that builds them afresh)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")

    args.load_before = load_average()
    small_db, small_seed = school(args.small, args.reuse)
    large_db, large_seed = school(args.students, args.reuse)
    seeds = {args.small: small_seed, args.students: large_seed}
    print("counting queries", flush=True)
    small_measured = in_process(small_db)
    small = small_measured["pages"]
    print(f"measuring CPU per request ({args.cpu_requests} requests a page)", flush=True)
    large_measured = in_process(large_db, args.cpu_requests, args.warmup)
    large, configured = large_measured["pages"], large_measured["settings"]
    for name, measured in large.items():
        print(
            f"  {name}: {measured['queries']} queries, {measured['cpu_ms']:.2f} ms CPU, "
            f"{measured['x_floor']:.2f}x floor"
        )
    print_expectations(small_measured, large_measured)
    print("the reports and the record of access", flush=True)
    issue14 = (reports(small_db), reports(large_db))
    for name, measured in issue14[1]["pages"].items():
        print(f"  {name}: {measured['queries']} queries, p95 {measured['ms_p95']:.0f} ms")
    # The writer's plan first: it may give a mentor a password, which signs out any session
    # of theirs made before.
    plan = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)  # noqa: SIM115
    plan.close()
    run(
        PYTHON,
        "-m",
        "bench.writer",
        "--students",
        str(args.writers),
        "--plan-only",
        plan.name,
        env=environment(large_db),
    )
    args.plan = plan.name
    reading = readers(large_db, args.people)
    with tempfile.TemporaryFile("w+") as log:
        server = serve(large_db, args.workers, log)
        try:
            print("each page alone, at 1 and 16 clients", flush=True)
            loads = per_page(reading["pages"], args.seconds)
            print("the school day", flush=True)
            day = school_day(reading["mix"], large_db, args)
        finally:
            server.terminate()
            server.wait(timeout=30)
        log.seek(0)
        errors = log.read().strip()
    os.unlink(plan.name)
    import redis

    redis.Redis.from_url(BROKER).delete("celery")  # the tasks queued, which nobody runs
    if errors:
        print("gunicorn said:\n" + errors[-5000:])
    issue13 = (small_measured, large_measured)
    failures = write_report(args, seeds, small, large, loads, day, configured, issue13, issue14)
    print((Path(args.report) if args.report else ROOT / "bench" / "results.md").read_text())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
