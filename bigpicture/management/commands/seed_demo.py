"""Build (or rebuild) the deterministic demo school and print one login per role."""

import time
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bigpicture.demo import DEMO_PASSWORD, build_demo_school


class Command(BaseCommand):
    help = "Build the demo school (replacing an earlier one) and print one login per role."

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, default=120, help="How many students.")
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed (same seed, same school)."
        )

    def handle(self, *args, students: int, seed: int, **options):
        if students < 8:
            raise CommandError("The demo school needs at least 8 students.")
        started = time.monotonic()
        with _commits_without_waiting_for_the_disk():
            logins = build_demo_school(students=students, seed=seed)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Demo school built with {students} students in {elapsed:.1f} s.")
        )
        self.stdout.write(f"Sign in at http://127.0.0.1:8000/ with password: {DEMO_PASSWORD}")
        for role in ("admin", "advisor", "student", "guardian", "mentor"):
            self.stdout.write(f"  {role:<9} {getattr(logins, role)}")


@contextmanager
def _commits_without_waiting_for_the_disk():
    """On PostgreSQL, while this command runs, a commit does not wait for its write-ahead
    log to be flushed to disk (``synchronous_commit``, a setting of this session alone).
    Besides the school's own commit, the reminder emails the demo's scan writes are sent
    right after it when no broker is configured, each marked sent in a commit of its own:
    thousands of flushes at the benchmark's size. A crash of the server could lose the
    last moments of the seeding but never leave it half written, and the command rebuilds
    the school when run again."""
    if connection.vendor != "postgresql" or settings.DATABASE_POOLED:
        # Behind a transaction-mode pooler a session setting would stay on a server
        # connection other clients get next: seed at the usual pace there.
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
