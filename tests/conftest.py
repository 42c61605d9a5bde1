"""Shared fixtures: a small school (and a second one) with a person in every role."""

import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from tests import factories

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# The object store's fixtures (tests/storage.py, which reads IN_CI): one S3-compatible
# server for the whole session, whichever tests use it.
from tests.storage import file_store, s3_endpoint  # noqa: E402, F401 - fixtures


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        default=os.environ.get("TEST_CLOCK", ""),
        help="Run the suite with the clock set to this instant (ISO 8601 with its offset, "
        "e.g. 2027-07-15T16:00:00+00:00), going on from there; also TEST_CLOCK.",
    )


def pytest_configure(config):
    """With --clock, the whole session (the browser tests' live server included: it runs in
    this process) lives on another day, to prove the suite holds on any day of the year."""
    clock = config.getoption("--clock")
    if clock:
        moment = datetime.fromisoformat(clock)
        if moment.tzinfo is None:
            raise pytest.UsageError("--clock needs a time zone offset, e.g. +00:00")
        time_machine.travel(moment, tick=True).start()


def pytest_report_header(config):
    clock = config.getoption("--clock")
    return f"clock: {clock} (time-machine)" if clock else None


def pytest_collection_modifyitems(config, items):
    """Tests that need PostgreSQL skip on SQLite, except in CI where they must run."""

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    if IN_CI and not on_postgres:
        raise pytest.UsageError("CI=true but DATABASE_URL does not point at PostgreSQL.")
    if not on_postgres:
        skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)
    if config.getoption("--clock"):
        # A Celery worker or another process keeps the machine's clock; this one has moved.
        skip = pytest.mark.skip(reason="another process cannot share the moved clock")
        for item in items:
            if "real_clock" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: a database rolled back between tests may hand
    the same ids to new rows, and a school's cached year, term or overview must not show."""
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request activates its reader's language in this thread; start every test in English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@dataclass
class World:
    school: object
    year: object
    term: object  # the term running today
    admin: object
    advisor: object
    advisory: object
    student: object
    guardian: object
    link: object
    mentor: object
    mentor_profile: object  # the mentor's place at a site, background check cleared
    unplaced: object
    other_advisor: object
    other_advisory: object
    other_student: object
    other_link: object
    # a second school, out of everybody's reach but its own people
    school2: object
    admin2: object
    advisor2: object
    advisory2: object
    student2: object
    link2: object

    def person(self, role: str):
        return {
            "admin": self.admin,
            "advisor": self.advisor,
            "student": self.student.user,
            "guardian": self.guardian,
            "mentor": self.mentor,
            "admin2": self.admin2,
        }[role]


@pytest.fixture
def world(db) -> World:
    school = factories.SchoolFactory(name="Met Providence", slug="met-providence")
    year = factories.SchoolYearFactory(
        school=school, start_date=date(2020, 8, 1), end_date=date(2040, 6, 30), name="Long year"
    )
    today = school.today()
    term = factories.TermFactory(
        school_year=year,
        name="This term",
        start_date=today - timedelta(days=30),
        end_date=today + timedelta(days=60),
    )
    admin = factories.AdminFactory(school=school, email="admin@met.test")
    mentor_profile = factories.MentorProfileFactory(site__school=school)
    advisory = factories.AdvisoryFactory(school=school, name="Harbor", graduating_class=2040)
    membership = factories.MembershipFactory(advisory=advisory)
    student = membership.student
    link = factories.GuardianLinkFactory(student=student, is_primary_contact=True)
    other_advisory = factories.AdvisoryFactory(school=school, name="Summit")
    other_member = factories.MembershipFactory(advisory=other_advisory)
    other_link = factories.GuardianLinkFactory(student=other_member.student)
    school2 = factories.SchoolFactory(name="Met Newport", slug="met-newport")
    advisory2 = factories.AdvisoryFactory(school=school2, name="Harbor")
    member2 = factories.MembershipFactory(advisory=advisory2)
    return World(
        school=school,
        year=year,
        term=term,
        admin=admin,
        advisor=advisory.advisor,
        advisory=advisory,
        student=student,
        guardian=link.guardian,
        link=link,
        mentor=mentor_profile.user,
        mentor_profile=mentor_profile,
        unplaced=factories.StudentFactory(school=school),
        other_advisor=other_advisory.advisor,
        other_advisory=other_advisory,
        other_student=other_member.student,
        other_link=other_link,
        school2=school2,
        admin2=factories.AdminFactory(school=school2),
        advisor2=advisory2.advisor,
        advisory2=advisory2,
        student2=member2.student,
        link2=factories.GuardianLinkFactory(student=member2.student),
    )


@pytest.fixture
def client_as(client, world):
    """Sign the test client in as one of the world's people, by role name."""

    def sign_in(role: str):
        client.force_login(world.person(role))
        return client

    return sign_in


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"
