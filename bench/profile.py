"""Profile one page in-process: where its CPU goes, and its queries.

    python bench/profile.py --list                      # the page names
    python bench/profile.py "advisor home"              # a main page, as its demo login
    python bench/profile.py /students/ --as admin@demo.bigpicture.school
    python bench/profile.py "student home" --sql        # also every query of one request
    python bench/profile.py "admin home" --cprofile     # exact call counts (cProfile)

On the 5,000-student benchmark school by default (``bench/run.py`` builds it; ``--students``
or ``--database`` for another), with the benchmark settings (debug off, Redis as the cache),
through a Django test Client, as bench/run.py measures CPU. After ``--warmup`` requests it
prints the page's status, size and query count, its CPU ms per request (``process_time``
over ``--requests`` requests, unprofiled) and the floor page's for scale; then it profiles
``--requests`` requests with pyinstrument and prints the functions that take the most time,
by their own time (self), the app's own functions by time with what they call (total,
leaving out the middleware every request passes through), and the call tree (``--no-tree``
to leave it out, ``--all`` to show the library frames it folds; ``--html FILE`` writes
pyinstrument's interactive page).
``--cprofile`` profiles with cProfile instead: exact calls per request, but its overhead
inflates small, often-called functions.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Run as a script, bench/ is first on the path and this file would hide the standard
# library's ``profile`` (which cProfile imports): put the project there instead.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() not in (HERE, ROOT))]
import argparse  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections import Counter  # noqa: E402

APP_PACKAGES = ("bigpicture/", "advisories/", "students/", "internships/", "expectations/")


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    parser.add_argument("page", nargs="?", help="a page name (--list) or a path")
    parser.add_argument("--as", dest="email", help="with a path: who opens it (an email)")
    parser.add_argument("--list", action="store_true", help="print the page names")
    parser.add_argument("--students", type=int, default=5000, help="the bench school's size")
    parser.add_argument("--database", help="a database name or URL (default: the bench school)")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--top", type=int, default=25, help="functions listed")
    parser.add_argument("--sql", action="store_true", help="print the queries of one request")
    parser.add_argument("--no-tree", action="store_true", help="leave out the call tree")
    parser.add_argument("--all", action="store_true", help="the tree with library frames too")
    parser.add_argument("--html", help="write pyinstrument's HTML profile to this file")
    parser.add_argument("--cprofile", action="store_true", help="profile with cProfile")
    parser.add_argument("--interval", type=float, default=0.0002, help="pyinstrument (s)")
    return parser.parse_args()


def set_up(args) -> None:
    from bench.run import database_name, environment

    database = args.database or database_name(args.students)
    env = environment(database.rsplit("/", 1)[-1])
    if "://" in database:  # a URL, not only a name on the benchmark's server
        env["DATABASE_URL"] = database
    os.environ.update(env)
    warnings.filterwarnings("ignore", message="No directory at")  # no collected static files
    import django

    django.setup()


def target(args) -> tuple[str, str, str | None]:
    """(name, path, cookie) of the page to profile."""
    from bench.pages import main_pages, session_for

    if args.page.startswith("/"):
        if not args.email:
            sys.exit("a path needs --as EMAIL: who opens it")
        from bigpicture.models import User

        user = User.objects.filter(email=args.email.lower()).first()
        if user is None:
            sys.exit(f"nobody with the email {args.email} in this database")
        return args.page, args.page, session_for(user)
    pages = main_pages()
    if args.page not in pages:
        close = [name for name in pages if args.page.lower() in name.lower()]
        if len(close) != 1:
            sys.exit(f"no page named {args.page!r}; --list prints the names")
        args.page = close[0]
    path, cookie = pages[args.page]
    return args.page, path, cookie


def cpu_ms(client, path: str, requests: int) -> float:
    started = time.process_time()
    for _ in range(requests):
        client.get(path)
    return (time.process_time() - started) * 1000 / requests


def short(filename: str) -> str:
    """A source path without the parts every path shares."""
    for marker in ("site-packages/", f"{ROOT}/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return re.sub(r".*/python3\.\d+/", "", filename)


def print_cprofile(client, path: str, requests: int, top: int) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    rows = [
        (tt * 1000 / requests, ct * 1000 / requests, nc / requests, f"{short(f)}:{line}({fn})")
        for (f, line, fn), (_cc, nc, tt, ct, _callers) in stats.items()
    ]
    everything = max(row[1] for row in rows)
    for title, column in (("self", 0), ("total (with what it calls; the app's own)", 1)):
        print(
            f"\nTop {top} functions by {title} time, ms per request "
            "(cProfile: wall-clock, and inflated by its own overhead):"
        )
        print(f"{'self':>8} {'total':>8} {'calls':>8}  function")
        ranked = sorted(rows, key=lambda r: -r[column])
        if column == 1:  # the app's own functions, less the middleware
            ranked = [
                row
                for row in ranked
                if row[1] < 0.9 * everything and row[3].startswith(APP_PACKAGES)
            ]
        for own, total, calls, where in ranked[:top]:
            print(f"{own:8.3f} {total:8.3f} {calls:8.1f}  {where}")


def print_pyinstrument(client, path: str, args) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(interval=args.interval)
    profiler.start()
    for _ in range(args.requests):
        client.get(path)
    profiler.stop()
    per = f"over {args.requests} requests (divide by {args.requests} for one)"
    print(
        "\npyinstrument samples wall-clock time: waiting for PostgreSQL and Redis shows up"
        " in CursorWrapper._execute and the socket calls; the rest is CPU."
    )
    for mode, title in (("self", "own time"), ("total", "time with what they call")):
        text = profiler.output_text(unicode=True, flat=True, flat_time=mode)
        body = [line for line in text.splitlines() if re.match(r"\s*\d+\.\d+ ", line)]
        if mode == "total" and body:
            # The app's own functions, less what every request passes through (the
            # middleware): where the page's time goes, by view, selector, model and tag.
            everything = float(body[0].split()[0])
            body = [
                line
                for line in body
                if float(line.split()[0]) < 0.9 * everything
                and line.split()[-1].startswith(APP_PACKAGES)
            ]
            title = "the app's functions by time with what they call"
        else:
            title = f"functions by {title}"
        print(f"\nTop {args.top} {title}, seconds {per} (pyinstrument):")
        print("\n".join(body[: args.top]))
    if not args.no_tree:
        print(f"\nCall tree, seconds {per}:")
        print(profiler.output_text(unicode=True, color=sys.stdout.isatty(), show_all=args.all))
    if args.html:
        Path(args.html).write_text(profiler.output_html())
        print(f"HTML profile written to {args.html}")


def main() -> int:
    args = parse_args()
    if not args.list and not args.page:
        sys.exit("name a page (--list prints them) or give a path with --as EMAIL")
    set_up(args)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.constants import FLOOR
    from bench.measure import client_for, fetch
    from bench.pages import main_pages

    if args.list:
        for name, (path, _cookie) in main_pages().items():
            print(f"{name:30} {path}")
        return 0
    name, path, cookie = target(args)
    client = client_for(cookie)
    for _ in range(max(1, args.warmup)):
        response = fetch(client, path, name)
    with CaptureQueriesContext(connection) as captured:
        fetch(client, path, name)
    queries = captured.captured_queries  # now: every request clears the log
    floor_path, floor_cookie = main_pages()[FLOOR]
    floor_client = client_for(floor_cookie)
    for _ in range(max(1, args.warmup)):
        fetch(floor_client, floor_path, FLOOR)
    page_ms = cpu_ms(client, path, args.requests)
    floor_ms = cpu_ms(floor_client, floor_path, args.requests)
    database = connection.settings_dict["NAME"]
    print(f"{name}: GET {path} as {args.email or 'its demo login'} on {database}")
    print(f"  {response.status_code}, {len(response.content):,} bytes, {len(queries)} queries")
    print(
        f"  CPU {page_ms:.2f} ms per request ({args.requests} requests, unprofiled); "
        f"the floor page {floor_ms:.2f} ms: {page_ms / floor_ms:.2f}x"
    )
    if args.sql:
        print(f"\nQueries of one request ({len(queries)}, BEGIN and COMMIT included):")
        for number, query in enumerate(queries, 1):
            print(f"{number:3}. [{query['time']} s] {query['sql'][:400]}")
        counted = Counter(query["sql"] for query in queries)
        for sql, times in counted.items():
            if times > 1:
                print(f"  the same query {times} times: {sql[:200]}")
    if args.cprofile:
        print_cprofile(client, path, args.requests, args.top)
    else:
        print_pyinstrument(client, path, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
