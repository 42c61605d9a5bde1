"""The benchmark's report: bench/results.md from what bench/run.py measured, each target
stated as met or missed with its figure."""

import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench.constants import (
    BUSIEST,
    BUSY_RATIO,
    CPU_RATIO,
    CSV_FIRST_BYTE_MS,
    CSV_RSS_SLACK_MB,
    EARLY_WARNING_SECONDS,
    EXPECTATION_MS,
    FLOOR,
    LEAN,
    MIX_WEIGHTS,
    P95_MS,
    RECORD_MS,
    REFERENCES,
    REPORT_MS,
    ROLL_REQUESTS,
    SEED_SECONDS,
)

ROOT = Path(__file__).resolve().parents[1]


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model})"


def load_average() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"{one:.1f} (1 min), {five:.1f} (5 min)"


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def statuses(counted: dict) -> str:
    """ " (302: 3)": the answers other than 200, by status."""
    if not counted:
        return ""
    return " (" + ", ".join(f"{status}: {n}" for status, n in sorted(counted.items())) + ")"


def expectation_lines(args, small: dict, large: dict) -> tuple[list[str], list[tuple]]:
    """The 10 Expectations' section (issue 13) and its targets, from what bench.measure
    found on the small and the large school."""
    pages, warning, roll = large["expectations"], large["early_warning"], large["attendance"]
    small_pages = small.get("expectations", {})
    lines = [
        "",
        "## The 10 Expectations (issue 13)",
        "",
        f"In-process on the {args.students:,}-student school (four years of reflections and "
        "attendance), one request at a time: each page's wall-clock time per request "
        "(`time.perf_counter()`, PostgreSQL's time included), over "
        f"{next(iter(pages.values()), {}).get('wall_requests', 0)} requests after the warm-up.",
        "",
        f"| page | queries @ {args.small:,} | queries @ {args.students:,} | median ms | p95 ms "
        "| slowest ms | target |",
        "|---|---|---|---|---|---|---|",
    ]
    unequal, slow = [], []
    for name, measured in pages.items():
        small_q = small_pages.get(name, {}).get("queries", "-")
        same = small_q == measured["queries"]
        fast = measured["ms_p95"] < EXPECTATION_MS
        if not same:
            unequal.append((name, small_q, measured["queries"]))
        if not fast:
            slow.append((name, measured["ms_p95"]))
        lines.append(
            f"| {name} | {small_q} | {measured['queries']}{'' if same else ' ⚠'} "
            f"| {measured['ms_median']:.0f} | {measured['ms_p95']:.0f} "
            f"| {measured['ms_max']:.0f} | same queries, p95 < {EXPECTATION_MS:.0f} ms: "
            f"{verdict(same and fast)} |"
        )
    statuses = ", ".join(f"{status} {n:,}" for status, n in warning["statuses"].items())
    lines += [
        "",
        f"Early warning, every student of the school at once (`compute_school`, in process): "
        f"{warning['seconds']:.1f} s, {warning['queries']} queries ({statuses}).",
        "",
        f"Taking a day's roll of the demo advisor's advisory ({roll['students']} students, "
        f"two marked absent and one late, the rest present by default): {roll['requests']} "
        f"request (a POST answered {roll['status']}), {roll['queries']} queries, "
        f"{roll['ms']:.0f} ms.",
    ]
    worst = max(pages.items(), key=lambda item: item[1]["ms_p95"])
    targets = [
        (
            not unequal and not slow,
            "The school view and heat map, the advisory view and the student's profile in "
            f"the same number of queries at {args.small:,} and {args.students:,} students and "
            f"under {EXPECTATION_MS:.0f} ms (p95): "
            + (
                f"the slowest is {worst[0]}, {worst[1]['ms_p95']:.0f} ms"
                if not unequal and not slow
                else "; ".join(
                    [f"{n} {a} vs {b} queries" for n, a, b in unequal]
                    + [f"{n} {ms:.0f} ms" for n, ms in slow]
                )
            ),
        ),
        (
            warning["seconds"] < EARLY_WARNING_SECONDS,
            f"The early warning for the whole {args.students:,}-student school under "
            f"{EARLY_WARNING_SECONDS:.0f} s: {warning['seconds']:.1f} s",
        ),
        (
            roll["requests"] == ROLL_REQUESTS and roll["status"] == 302,
            f"Taking attendance for {roll['students']} students in one request: "
            f"{roll['requests']} POST, {roll['queries']} queries, {roll['ms']:.0f} ms",
        ),
    ]
    return lines, targets


def report_lines(args, small: dict, large: dict) -> tuple[list[str], list[tuple]]:
    """The reports and the record of access (issue 14) and their targets, from what
    bench.reports found on the small and the large school."""
    pages, csv, record = large["pages"], large["csv"], large["record"]
    lines = [
        "",
        "## The reports and the record of access (issue 14)",
        "",
        f"In-process on the {args.students:,}-student school, as its admin, with the record "
        "of access on: each report page with the school's current year, its queries and "
        "wall-clock time per request (PostgreSQL's time included, nothing cached per "
        f"viewer), over {next(iter(pages.values()), {}).get('wall_requests', 0)} requests "
        "after the warm-up.",
        "",
        f"| page | queries @ {args.small:,} | queries @ {args.students:,} | median ms | p95 ms "
        "| slowest ms | target |",
        "|---|---|---|---|---|---|---|",
    ]
    unequal, slow = [], []
    for name, measured in pages.items():
        small_q = small["pages"].get(name, {}).get("queries", "-")
        same, fast = small_q == measured["queries"], measured["ms_p95"] < REPORT_MS
        if not same:
            unequal.append((name, small_q, measured["queries"]))
        if not fast:
            slow.append((name, measured["ms_p95"]))
        lines.append(
            f"| {name} | {small_q} | {measured['queries']}{'' if same else ' ⚠'} "
            f"| {measured['ms_median']:.0f} | {measured['ms_p95']:.0f} "
            f"| {measured['ms_max']:.0f} | same queries, p95 < {REPORT_MS:.0f} ms: "
            f"{verdict(same and fast)} |"
        )
    grown = csv["peak_rss_mb_after"] - csv["peak_rss_mb_before"]
    small_csv = small["csv"]
    small_grown = small_csv["peak_rss_mb_after"] - small_csv["peak_rss_mb_before"]
    lines += [
        "",
        f"The list of every student as CSV, streamed: {csv['rows']:,} rows, first row after "
        f"{csv['ms_first_byte']:.0f} ms, the last after {csv['seconds_total']:.2f} s; the "
        f"process's peak RSS {csv['peak_rss_mb_before']:.0f} MB before and "
        f"{csv['peak_rss_mb_after']:.0f} MB after (+{grown:.1f} MB; the {small_csv['rows']:,} "
        f"rows of the {args.small:,}-student school: +{small_grown:.1f} MB).",
        "",
        f"The record of access, on the advisor's view of a learning plan ({record['path']}), "
        f"{record['requests_each']} requests each way in alternating rounds: median "
        f"{record['ms_median_on']:.2f} ms with it, {record['ms_median_off']:.2f} ms without, "
        f"a cost of {record['ms_cost']:.2f} ms.",
    ]
    worst = max(pages.items(), key=lambda item: item[1]["ms_p95"])
    targets = [
        (
            not unequal and not slow,
            f"Every report page in the same number of queries at {args.small:,} and "
            f"{args.students:,} students and under {REPORT_MS:.0f} ms cold (p95): "
            + (
                f"the slowest is {worst[0]}, {worst[1]['ms_p95']:.0f} ms"
                if not unequal and not slow
                else "; ".join(
                    [f"{n} {a} vs {b} queries" for n, a, b in unequal]
                    + [f"{n} {ms:.0f} ms" for n, ms in slow]
                )
            ),
        ),
        (
            csv["ms_first_byte"] < CSV_FIRST_BYTE_MS,
            f"The full school's CSV streams its first row under {CSV_FIRST_BYTE_MS:.0f} ms: "
            f"{csv['ms_first_byte']:.0f} ms",
        ),
        (
            grown <= small_grown + CSV_RSS_SLACK_MB,
            f"Memory flat while it streams: peak RSS +{grown:.1f} MB for {csv['rows']:,} rows "
            f"against +{small_grown:.1f} MB for {small_csv['rows']:,} (allowed "
            f"+{CSV_RSS_SLACK_MB:.0f} MB more)",
        ),
        (
            record["ms_cost"] < RECORD_MS,
            f"The record of access costs a page under {RECORD_MS:g} ms at the median: "
            f"{record['ms_cost']:.2f} ms",
        ),
    ]
    return lines, targets


def write_report(
    args, seeds, small, large, loads, day, configured, issue13=None, issue14=None
) -> list[str]:
    """bench/results.md; returns the targets missed. ``issue13``: (small, large), what
    bench.measure found of the 10 Expectations at each size; ``issue14``: (small, large),
    what bench.reports found of the reports and the record of access."""
    floor, lean = large[FLOOR]["cpu_ms"], large[LEAN]["cpu_ms"]
    names = [name for name in large if name not in REFERENCES]
    large_seed = seeds[args.students]
    seeded = f"seeded in {large_seed['seconds']:.1f} s" + (
        f" (by an earlier run, {large_seed['at']})" if large_seed.get("reused") else ""
    )
    total_weight, mix_weights = sum(MIX_WEIGHTS.values()), MIX_WEIGHTS.items()
    writes = day["writes"]
    lines = [
        "# Load benchmark",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}, Python "
        f"{platform.python_version()}, PostgreSQL and Redis on the same machine (the cache: "
        f"{configured['cache']} on Redis; sessions as configured: {configured['sessions']}). "
        "Command: `python bench/run.py"
        + (f" {' '.join(sys.argv[1:])}" if sys.argv[1:] else "")
        + "`.",
        "",
        f"Load average at the start: {args.load_before}; at the end: {load_average()}."
        + (
            " **The machine was busy with other work when the run began: the figures under "
            "load are pessimistic; the CPU per request (process time) much less so.**"
            if float(args.load_before.split()[0]) > 0.5 * (os.cpu_count() or 1)
            else ""
        ),
        "",
        f"School: the demo school with {args.students:,} students ({seeded}); query counts "
        f"also at {args.small:,} students. The app caches nothing per viewer: there is one "
        "pass, as users get it.",
        "",
        "How it is measured:",
        "",
        f"- **CPU ms per request**: in-process and single-threaded, a Django test Client in a "
        f"loop on the {args.students:,}-student school with the benchmark settings (debug "
        f"off, Redis cache), `time.process_time()` around each request, the mean of "
        f"{args.cpu_requests} requests per page after {args.warmup} warm-up requests, the "
        "pages taken in turns (20 rounds, each page a share of its requests in each). It is "
        "the app's CPU (Python, templates, the database driver); PostgreSQL's is not "
        "counted. Compared with the **floor page** (a signed-in page rendering only the base "
        "layout) and the **lean reference page** (eight indexed queries and a 50-row table, "
        "written the cheap way), both opened by the admin (bench/views.py): a page's ratio "
        "to each is the median over the rounds of its mean in a round to theirs in the same "
        "round (seconds apart, so that the machine's changing speed touches both alike).",
        "- **Queries**: one request per page after the warm-up, in-process, the "
        "transaction's BEGIN and COMMIT included.",
        f"- **Each page alone**: gunicorn with {args.workers} sync workers on 127.0.0.1, "
        f"wrk on loopback, {args.seconds} s at 1 client and {args.seconds} s at 16 clients "
        "after a 2 s warm-up.",
        f"- **The school day**: {args.clients} clients (wrk, bench/mix.lua, one connection "
        f"each) reading the main pages for {args.mix_seconds} s in the proportions below, "
        f"the home pages each by {args.people} people of the role; at the same time a "
        f"writer process (bench/writer.py) makes about {args.write_rate:g} writes/s "
        f"({writes['rate']:.1f} made) as {writes['people']} people signed in once through "
        "the sign-in form: check-ins and check-outs of internship days, mentors' "
        "confirmations, progress notes and plan comments by students and advisors, each "
        "through its form (CSRF token, post, redirect) and checked on the page that should "
        "show it. Any answer but 200 to a read, any failed write or check is an error.",
        "- Mix (of every 100 reads): "
        + ", ".join(f"{name} {weight * 100 / total_weight:g}" for name, weight in mix_weights)
        + ".",
        "",
        "## What a page costs",
        "",
        f"| page | queries @ {args.small:,} | queries @ {args.students:,} | CPU ms/request "
        "| x floor | x lean | target |",
        "|---|---|---|---|---|---|---|",
    ]
    failures = []
    for name in [*REFERENCES, *names]:
        cpu, x_floor, x_lean = (large[name][key] for key in ("cpu_ms", "x_floor", "x_lean"))
        small_q, large_q = small.get(name, {}).get("queries", "-"), large[name]["queries"]
        if name in REFERENCES:
            target = "reference"
        else:
            limit = BUSY_RATIO if name in BUSIEST else CPU_RATIO
            ok = x_floor <= limit and x_lean <= 1
            target = f"≤ {limit:g}x floor, ≤ lean: {verdict(ok)}"
        lines.append(
            f"| {name} | {small_q} | {large_q}{'' if small_q == large_q else ' ⚠'} "
            f"| {cpu:.2f} | {x_floor:.2f} | {x_lean:.2f} | {target} |"
        )
    lines += [
        "",
        "## Under load",
        "",
        "| page | req/s @1 | p50 ms @1 | p95 ms @1 | req/s @16 | p50 ms @16 | p95 ms @16 "
        "| school day: share | reads | p50 ms | p95 ms | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in [*REFERENCES, *names]:
        one, many = loads[name][1], loads[name][16]
        mixed = day["pages"].get(name)
        share = MIX_WEIGHTS.get(name, 0) * 100 / total_weight
        in_day = (
            f"{share:g}% | {mixed['reads']} | {mixed['p50']:.1f} | {mixed['p95']:.1f} "
            f"| {mixed['bad']}{statuses(mixed['statuses'])}"
            if mixed
            else "- | - | - | - | -"
        )
        lines.append(
            f"| {name} | {one['rps']:.0f} | {one['p50']:.1f} | {one['p95']:.1f} "
            f"| {many['rps']:.0f} | {many['p50']:.1f} | {many['p95']:.1f} | {in_day} |"
        )
    lines += [
        "",
        f"School day: {day['reads']:,} reads in {day['seconds']:.0f} s ({day['rps']:.0f}/s), "
        f"p95 {day['p95']:.1f} ms over all reads; {day['socket_errors']} socket errors, "
        f"{day['timeouts']} timeouts.",
        "",
        "| write (with its form and the check) | writes | failures | p50 ms | p95 ms |",
        "|---|---|---|---|---|",
    ]
    for kind, measured in writes["kinds"].items():
        lines.append(
            f"| {kind} | {measured['writes']} | {measured['failures']} "
            f"| {measured['p50']:.0f} | {measured['p95']:.0f} |"
        )
    lines += [
        "",
        f"Writes: {writes['writes']} in {writes['seconds']:.0f} s ({writes['rate']:.1f}/s) by "
        f"{writes['people']} people, {writes['requests']} requests, "
        f"{writes['failures']} failed.",
    ]
    if writes["reasons"]:
        lines += ["", "First failures:", "", *(f"- {why}" for why in writes["reasons"])]

    # --- the targets ---
    expectation_targets = []
    if issue13 is not None:
        section, expectation_targets = expectation_lines(args, *issue13)
        lines += section
    if issue14 is not None:
        section, report_targets = report_lines(args, *issue14)
        lines += section
        expectation_targets += report_targets
    by_cpu = sorted(names, key=lambda name: -large[name]["x_floor"])  # the costliest first
    over = [(name, large[name]["x_floor"]) for name in by_cpu if large[name]["x_floor"] > CPU_RATIO]
    worst = by_cpu[0]
    busy = [(name, large[name]["x_floor"]) for name in BUSIEST]
    busy_over = [(name, ratio) for name, ratio in busy if ratio > BUSY_RATIO]
    above_lean = [(name, large[name]["x_lean"]) for name in by_cpu if large[name]["x_lean"] > 1]
    by_p95 = sorted(day["pages"].items(), key=lambda item: -item[1]["p95"])
    slow = [(name, m["p95"]) for name, m in by_p95 if m["p95"] >= P95_MS]
    read_errors = sum(m["bad"] for m in day["pages"].values())
    read_errors += day["socket_errors"] + day["timeouts"]
    alone_errors = sum(loads[n][c]["errors"] for n in loads for c in (1, 16))
    errors = read_errors + writes["failures"] + alone_errors
    unequal = [
        (name, small[name]["queries"], large[name]["queries"])
        for name in large
        if name in small and small[name]["queries"] != large[name]["queries"]
    ]
    slowest = max(day["pages"].items(), key=lambda item: item[1]["p95"])

    def listed(items, fmt):
        return "; ".join(fmt(*item) for item in items)

    targets = [
        (
            not over,
            f"Every main page's CPU per request ≤ {CPU_RATIO:g}x the floor page "
            f"({floor:.2f} ms): "
            + (
                f"the most is {worst}, {large[worst]['x_floor']:.2f}x"
                if not over
                else listed(over, lambda n, r: f"{n} {r:.2f}x")
            ),
        ),
        (
            not busy_over,
            f"The four busiest ≤ {BUSY_RATIO:g}x the floor page: "
            + listed(busy, lambda n, r: f"{n} {r:.2f}x"),
        ),
        (
            not above_lean,
            f"No page's CPU above the lean reference page's ({lean:.2f} ms): "
            + (
                f"the most is {worst}, {large[worst]['x_lean']:.2f}x the lean page"
                if not above_lean
                else listed(above_lean, lambda n, r: f"{n} {r:.2f}x")
            ),
        ),
        (
            not slow,
            f"p95 < {P95_MS:.0f} ms for every page at {args.clients} clients in the school "
            "day: "
            + (
                f"the most is {slowest[0]}, {slowest[1]['p95']:.0f} ms"
                if not slow
                else listed(slow, lambda n, p: f"{n} {p:.0f} ms")
            ),
        ),
        (
            not errors,
            f"Zero errors: {read_errors} in the school day's reads, {writes['failures']} of "
            f"{writes['writes']} writes, {alone_errors} with each page alone",
        ),
        (
            not unequal,
            f"The same query count at {args.small:,} and {args.students:,} students: "
            + ("every page" if not unequal else listed(unequal, lambda n, a, b: f"{n} {a} vs {b}")),
        ),
        (
            large_seed["seconds"] < SEED_SECONDS,
            f"Seeding the {args.students:,}-student school under {SEED_SECONDS:.0f} s: "
            f"{large_seed['seconds']:.1f} s"
            + ("" if args.students == 5000 else " (the target is set for 5,000 students)"),
        ),
    ]
    targets += expectation_targets
    lines += ["", "## Targets", ""]
    for ok, text in targets:
        lines.append(f"- {verdict(ok)}: {text}.")
        if not ok:
            failures.append(text)
    lines += [
        "",
        "**Result: all targets met.**"
        if not failures
        else f"**Result: {len(failures)} of {len(targets)} targets missed.**",
        "",
    ]
    report = args.report or ROOT / "bench" / "results.md"
    Path(report).write_text("\n".join(lines))
    return failures
