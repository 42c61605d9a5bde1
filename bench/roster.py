"""The roster import (issue 16) at a 5,000-student school's size, on PostgreSQL.

``python bench/roster.py`` (or ``python -m bench.roster``) builds an empty database of its
own (``bigpicture_bench_roster``: dropped, created, migrated), then, in a second process on
it (``--measure``), generates a OneRoster 1.1 CSV zip of ``--students`` students (with one
or two guardians each, one advisor per 15 students, four classes per advisor: a homeroom and
three scheduled classes, every student enrolled in their homeroom and three classes) and
measures:
- the dry run: reading the zip and ``check()`` (target: under 30 s);
- the import: ``run()``, all in one transaction (target: under 60 s);
- the repeated import of the same file: read and ``run()`` again, nothing to write (target:
  under 30 s);
- the process's peak RSS (``ru_maxrss``) after each step.
It prints a markdown section (the targets met or missed) and exits non-zero when one is
missed.
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if __name__ == "__main__":
    # Run as a script, bench/ is first on the path (its profile.py would hide the standard
    # library's): put the project there instead.
    sys.path[:] = [
        str(ROOT),
        *(p for p in sys.path if Path(p or ".").resolve() not in (HERE, ROOT)),
    ]

DATABASE = "bigpicture_bench_roster"
TARGETS = {"dry run": 30.0, "import": 60.0, "repeated import": 30.0}
STUDENTS_PER_ADVISOR = 15
SCHEDULED_PER_ADVISOR = 3


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _csv_line(values) -> str:
    return ",".join(f'"{v}"' if "," in v else v for v in values) + "\r\n"


def generate(path: Path, students: int, today: date) -> dict:
    """Write the zip of a school of this many students; return how many rows of each."""
    from students.roster.oneroster import COLUMNS, OTHER_FILES

    first = today.year if today.month >= 7 else today.year - 1
    start, end = date(first, 8, 24), date(first + 1, 6, 11)
    advisors = -(-students // STUDENTS_PER_ADVISOR)
    rows = dict.fromkeys(("users", "classes", "enrollments"), 0)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:

        def write(kind, lines):
            with archive.open(f"{kind}.csv", "w") as out:
                out.write(_csv_line(COLUMNS[kind]).encode())
                for values in lines:
                    out.write(_csv_line(values).encode())
                    if kind in rows:
                        rows[kind] += 1

        manifest = ["manifest.version,1.0", "oneroster.version,1.1"]
        used = ("orgs", "academicSessions", "courses", "classes", "users", "enrollments")
        manifest += [
            f"file.{k},{'bulk' if k in used else 'absent'}" for k in (*COLUMNS, *OTHER_FILES)
        ]
        archive.writestr("manifest.csv", "propertyName,value\r\n" + "\r\n".join(manifest) + "\r\n")
        write(
            "orgs",
            [
                ["d1", "active", "", "Bench District", "district", "", ""],
                ["s1", "active", "", "Bench High", "school", "", "d1"],
            ],
        )
        middle = date(first + 1, 1, 15)
        write(
            "academicSessions",
            [
                [
                    "y1",
                    "active",
                    "",
                    f"{first}-{first + 1}",
                    "schoolYear",
                    str(start),
                    str(end),
                    "",
                    str(end.year),
                ],
                [
                    "t1",
                    "active",
                    "",
                    "Fall",
                    "semester",
                    str(start),
                    str(middle),
                    "y1",
                    str(end.year),
                ],
                [
                    "t2",
                    "active",
                    "",
                    "Spring",
                    "semester",
                    str(middle + timedelta(days=3)),
                    str(end),
                    "y1",
                    str(end.year),
                ],
            ],
        )
        write(
            "courses",
            [
                ["c0", "active", "", "y1", "Advisory", "", "", "s1", "", ""],
                ["c1", "active", "", "y1", "Science", "", "", "s1", "", ""],
            ],
        )
        write("classes", _classes(advisors))
        write("users", _users(students, advisors))
        write("enrollments", _enrollments(students, advisors, start))
    return {"advisors": advisors, **rows, "zip_mb": round(path.stat().st_size / 2**20, 1)}


def _grade(n: int) -> str:
    return f"{9 + (n // STUDENTS_PER_ADVISOR) % 4:02d}"


def _classes(advisors: int):
    for a in range(advisors):
        grade = _grade(a * STUDENTS_PER_ADVISOR)
        yield [
            f"h{a}",
            "active",
            "",
            f"Advisory {a:04d}",
            grade,
            "c0",
            "",
            "homeroom",
            "",
            "s1",
            "t1,t2",
            "",
            "",
            "",
        ]
        for k in range(SCHEDULED_PER_ADVISOR):
            yield [
                f"k{a}-{k}",
                "active",
                "",
                f"Science {a}-{k}",
                grade,
                "c1",
                "",
                "scheduled",
                "",
                "s1",
                "t1",
                "",
                "",
                str(k + 1),
            ]


def _users(students: int, advisors: int):
    for a in range(advisors):
        yield [
            f"t{a}",
            "active",
            "",
            "true",
            "s1",
            "teacher",
            f"t{a}",
            "",
            "Teacher",
            f"Number {a}",
            "",
            "",
            f"t{a}@bench.example.org",
            "",
            "",
            "",
            "",
            "",
        ]
    for n in range(students):
        yield [
            f"s{n}",
            "active",
            "",
            "true",
            "s1",
            "student",
            f"s{n}",
            "",
            "Student",
            f"Number {n}",
            "",
            "",
            f"s{n}@students.bench.example.org",
            "",
            "",
            "",
            _grade(n),
            "",
        ]
        yield [
            f"p{n}",
            "active",
            "",
            "true",
            "s1",
            "parent",
            f"p{n}",
            "",
            "Parent",
            f"Number {n}",
            "",
            "",
            f"p{n}@family.bench.example.org",
            "",
            f"+1401555{n % 10000:04d}",
            f"s{n}",
            "",
            "",
        ]
        if n % 2:
            # every other family: a second guardian reached by phone only
            yield [
                f"g{n}",
                "active",
                "",
                "true",
                "s1",
                "guardian",
                f"g{n}",
                "",
                "Guardian",
                f"Number {n}",
                "",
                "",
                "",
                "",
                f"+1401556{n % 10000:04d}",
                f"s{n}",
                "",
                "",
            ]


def _enrollments(students: int, advisors: int, start: date):
    for a in range(advisors):
        yield [f"et{a}", "active", "", f"h{a}", "s1", f"t{a}", "teacher", "true", "", ""]
        for k in range(SCHEDULED_PER_ADVISOR):
            yield [
                f"et{a}-{k}",
                "active",
                "",
                f"k{a}-{k}",
                "s1",
                f"t{a}",
                "teacher",
                "true",
                "",
                "",
            ]
    for n in range(students):
        a = n // STUDENTS_PER_ADVISOR
        yield [f"es{n}", "active", "", f"h{a}", "s1", f"s{n}", "student", "false", str(start), ""]
        for k in range(SCHEDULED_PER_ADVISOR):
            yield [
                f"es{n}-{k}",
                "active",
                "",
                f"k{(a + k) % advisors}-{k}",
                "s1",
                f"s{n}",
                "student",
                "false",
                "",
                "",
            ]


def measure(students: int) -> dict:
    """In the bench database (an empty school made here): the figures, as a dict."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from bigpicture.models import School, User
    from students import roster

    school = School.objects.create(name="Bench High", slug="bench-roster")
    admin = User.objects.create(
        school=school,
        email="admin@bench-roster.example.org",
        first_name="A",
        last_name="Admin",
        is_school_admin=True,
    )
    figures: dict = {"students": students}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roster.zip"
        started = time.perf_counter()
        figures["file"] = generate(path, students, school.today())
        figures["file"]["seconds"] = round(time.perf_counter() - started, 1)
        figures["rss_mb_before"] = round(peak_rss_mb())

        started = time.perf_counter()
        dataset = roster.read_oneroster(path)
        read = time.perf_counter() - started
        report = roster.check(dataset, school)
        figures["dry run"] = {
            "seconds": time.perf_counter() - started,
            "read_seconds": read,
            "errors": len(report.errors),
            "rss_mb": round(peak_rss_mb()),
        }
        if report.errors:
            figures["first_errors"] = [e.as_json() for e in report.errors[:5]]
            return figures

        started = time.perf_counter()
        report = roster.run(dataset, school, actor=admin)
        figures["import"] = {
            "seconds": time.perf_counter() - started,
            "rss_mb": round(peak_rss_mb()),
            "created": {k: c["created"] for k, c in report.counts.items()},
        }
        del dataset

        started = time.perf_counter()
        report = roster.run(roster.read_oneroster(path), school, actor=admin)
        figures["repeated import"] = {
            "seconds": time.perf_counter() - started,
            "rss_mb": round(peak_rss_mb()),
            "unchanged": sum(c["unchanged"] for c in report.counts.values()),
            "changed": sum(
                c["created"] + c["updated"] + c["ended"] for c in report.counts.values()
            ),
        }
    figures["peak_rss_mb"] = round(peak_rss_mb())
    return figures


def markdown(figures: dict) -> tuple[list[str], list[str]]:
    """The section's lines, and the targets missed."""
    made = figures["file"]
    lines = [
        "## Roster import (issue 16)",
        "",
        f"A OneRoster 1.1 CSV zip of {figures['students']:,} students, {made['advisors']} advisors "
        f"with four classes each (a homeroom, three scheduled), {made['users']:,} users, "
        f"{made['enrollments']:,} enrollments ({made['zip_mb']} MB zipped), imported into an "
        "empty school on PostgreSQL, in-process.",
        "",
        "| step | seconds | target | peak RSS (MB) |",
        "|---|---:|---:|---:|",
    ]
    missed = []
    for step, target in TARGETS.items():
        measured = figures.get(step)
        if measured is None:
            missed.append(step)
            lines.append(f"| {step} | not run | < {target:.0f} s | |")
            continue
        met = measured["seconds"] < target
        if not met:
            missed.append(step)
        lines.append(
            f"| {step} | {measured['seconds']:.1f} "
            f"| < {target:.0f} s {'met' if met else '**missed**'} | {measured['rss_mb']} |"
        )
    if "dry run" in figures:
        lines.append("")
        lines.append(
            f"Reading the zip took {figures['dry run']['read_seconds']:.1f} s of the dry run. "
            f"Peak RSS {figures.get('peak_rss_mb', '-')} MB "
            f"(the process with Django loaded: {figures['rss_mb_before']} MB)."
        )
    if "repeated import" in figures:
        again = figures["repeated import"]
        lines.append(
            f"The repeated import found {again['unchanged']:,} rows unchanged and "
            f"{again['changed']} changed."
        )
    if "first_errors" in figures:
        lines.append(f"The file was refused: {figures['first_errors']}")
    return lines, missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=5000)
    parser.add_argument("--measure", action="store_true", help="(internal) measure in this process")
    args = parser.parse_args()
    if args.measure:
        sys.stdout.write(json.dumps(measure(args.students)) + "\n")
        return 0
    from bench.run import PYTHON, environment, run

    run("dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE)
    run("createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE)
    env = environment(DATABASE)
    run(PYTHON, "manage.py", "migrate", "-v0", env=env)
    out = run(
        PYTHON,
        "-m",
        "bench.roster",
        "--measure",
        "--students",
        str(args.students),
        env=env,
        capture=True,
    )
    figures = json.loads(out.strip().splitlines()[-1])
    lines, missed = markdown(figures)
    print("\n".join(lines))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
