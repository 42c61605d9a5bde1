"""Build a network of demo schools in the configured database, in bulk.

``python -m bench.network_build --schools 40 --students 500`` (bench/network.py runs it with
the benchmark's settings on its own database) runs the demo builder
(``bigpicture.demo.build_demo_school``, the same code as ``manage.py seed_demo``: bulk
``COPY`` of four school years of history) once per school, in one process. The builder
always makes the school named ``demo``, with the demo logins (``admin@demo.bigpicture.school``
...), and replaces the one it finds; so each school but the last is renamed as soon as it is
built: its slug, its name and the domain of every email of its people become its own
(``network-07``, ``network-07.bigpicture.school``). Each school has its own random seed, so
its people, names and history are its own, not a copy of another school's. The last school
keeps the name ``demo`` and the demo seed: the same school, person for person, as a
one-school database built with ``--schools 1``, so that bench/pages.py's demo logins open
the same pages in both.

A network admin (a superuser of no school, ``network@bigpicture.school``) is added, who
opens the cross-school overview. The planner's statistics are refreshed after the first
school and at the end (``statistics_kept``).

It prints one JSON line: the schools, students and seconds.
"""

import argparse
import json
import os
import sys
import time
from contextlib import nullcontext
from unittest import mock

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import F, Func, Value  # noqa: E402

from bigpicture import demo  # noqa: E402
from bigpicture.demo import DEMO_PASSWORD, DEMO_SLUG, DOMAIN, build_demo_school  # noqa: E402
from bigpicture.models import School, User  # noqa: E402

DEMO_SEED = 2026  # seed_demo's default: the demo school of bench/run.py
NETWORK_ADMIN = "network@bigpicture.school"


def slug_of(number: int) -> str:
    return f"network-{number:02d}"


@transaction.atomic
def rename(school: School, number: int) -> None:
    """Give the school just built (``demo``) its own slug, name and email domain, so that
    the builder's next run makes a new school beside it instead of replacing it."""
    slug = slug_of(number)
    school.slug = slug
    school.name = f"{school.name} {number:02d}"
    school.save(update_fields=["slug", "name"])
    # Every email of the school's people ends with the demo domain (``x@staff.demo...`` or
    # ``admin@demo...``): swap that ending for the school's own.
    ending = f"(^|[@.]){DOMAIN.replace('.', '[.]')}$"
    own = Func(
        F("email"), Value(ending), Value(rf"\1{slug}.bigpicture.school"), function="regexp_replace"
    )
    User.objects.filter(school=school, email__isnull=False).update(email=own)


def network_admin() -> None:
    """The network's admin: a superuser who belongs to no school."""
    User.objects.update_or_create(
        email=NETWORK_ADMIN,
        defaults={
            "first_name": "Network",
            "last_name": "Admin",
            "is_superuser": True,
            "is_staff": True,
            "password": make_password(DEMO_PASSWORD),
        },
    )


def statistics_kept():
    """The builder analyses the whole database after its school (``ANALYZE``, for a
    database it has just filled from nothing): in a network, each time every table of every
    school built so far, the build's largest cost after a dozen schools. After the first
    school the planner's statistics already describe tables of this shape (it scales their
    row counts to the tables' sizes as they grow, and autovacuum analyses them as they do),
    so the later schools skip it; the whole database is analysed once at the end."""
    return mock.patch.object(demo, "_refresh_statistics", lambda: None)


def build(schools: int, students: int) -> dict:
    """Build the schools (the demo school last); return what was built and how long each
    school took."""
    if not settings.DATABASE_POOLED:  # a session setting would outlive us behind a pooler
        with connection.cursor() as cursor:
            # As seed_demo does: a commit does not wait for the disk (a crash loses the
            # build, which is rebuilt; it can never leave it half written).
            cursor.execute("SET synchronous_commit TO off")
    seconds = []
    for number in range(1, schools + 1):
        started = time.monotonic()
        last = number == schools
        with statistics_kept() if number > 1 else nullcontext():
            build_demo_school(students=students, seed=DEMO_SEED if last else DEMO_SEED + number)
        if not last:
            rename(School.objects.get(slug=DEMO_SLUG), number)
        seconds.append(time.monotonic() - started)
        print(
            f"  school {number}/{schools} built in {seconds[-1]:.1f} s", file=sys.stderr, flush=True
        )
    network_admin()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "schools": School.objects.count(),
        "students": User.objects.filter(is_student=True).count(),
        "people": User.objects.count(),
        "school_seconds": seconds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=40)
    parser.add_argument("--students", type=int, default=500, help="students per school")
    args = parser.parse_args()
    sys.stdout.write(json.dumps(build(args.schools, args.students)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
