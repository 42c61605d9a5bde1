"""Behind PgBouncer in transaction mode each transaction may run on another server
connection: the app must keep nothing in a database session between transactions.

CI runs the whole suite through PgBouncer (.ci/run, deploy/pgbouncer.ini); the two-server
test restarts a PgBouncer under running servers (test_two_servers.py). These tests pin the
settings and keep session state out of the code: a session-level ``SET``, an advisory lock
held by the session, ``LISTEN`` or a temporary table would leak to whichever client gets
that server connection next, or be missing from the next transaction.
"""

import re
from pathlib import Path

import pytest

from tests.bigpicture.test_settings import _settings_under

ROOT = Path(__file__).resolve().parents[2]
APPS = ("bigpicture", "advisories", "students", "internships", "expectations")

# Statements that leave state on the session (SQL in the code is written in capitals). SET
# LOCAL lasts one transaction: allowed.
SESSION_STATE = re.compile(
    r"""["']\s*(?:BEGIN;\s*)?(SET\s+(?!LOCAL\b)\w+|RESET\s+\w+|LISTEN\b|"""
    r"""CREATE\s+TEMP(?:ORARY)?\s+TABLE\b)|pg_advisory_lock|pg_try_advisory_lock\b"""
)
# Where one is allowed, and why.
ALLOWED = {
    # The demo's seeding skips its session setting when DATABASE_POOLED is on.
    "bigpicture/management/commands/seed_demo.py",
}


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_no_code_keeps_state_in_a_database_session():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _sources()
        if str(path.relative_to(ROOT)) not in ALLOWED
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if SESSION_STATE.search(line)
    ]
    assert found == []


def test_the_pattern_finds_what_it_is_for():
    for statement in (
        "cursor.execute(\"SET lock_timeout = '2s'\")",
        'cursor.execute("RESET synchronous_commit")',
        "cursor.execute('LISTEN jobs')",
        'cursor.execute("CREATE TEMP TABLE t (id int)")',
        'cursor.execute("SELECT pg_advisory_lock(1)")',
    ):
        assert SESSION_STATE.search(statement), statement
    for statement in (
        "cursor.execute(\"SET LOCAL lock_timeout = '2s'\")",
        'cursor.execute(f"UPDATE {table} SET done = %s")',
        'cursor.execute("SELECT pg_advisory_xact_lock(1)")',
    ):
        assert not SESSION_STATE.search(statement), statement


@pytest.mark.parametrize(("pooled", "server_side"), [("true", False), ("false", True)])
def test_the_pooled_setting_turns_server_side_cursors_off(pooled, server_side):
    probe = _settings_under(
        DATABASE_URL="postgres://postgres@127.0.0.1:6432/bigpicture", DATABASE_POOLED=pooled
    )
    assert probe["server_side_cursors"] is server_side
