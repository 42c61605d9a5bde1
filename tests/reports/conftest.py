"""A small school to report on: a year running today, two advisories of known students."""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from tests import factories


@dataclass
class Small:
    school: object
    year: object
    term: object
    admin: object
    harbor: object  # advisory of three students of year level 101
    summit: object  # advisory of two students of year level 401
    harbor_students: list
    summit_students: list


@pytest.fixture
def small(db) -> Small:
    school = factories.SchoolFactory(name="Met Report", slug="met-report")
    today = school.today()
    year = factories.SchoolYearFactory(
        school=school,
        start_date=today - timedelta(days=60),
        end_date=today + timedelta(days=200),
        name="This year",
    )
    term = factories.TermFactory(
        school_year=year,
        name="This term",
        start_date=today - timedelta(days=30),
        end_date=today + timedelta(days=60),
    )
    first_class = year.graduation_year + 3  # year level 101
    harbor = factories.AdvisoryFactory(school=school, name="Harbor", graduating_class=first_class)
    summit = factories.AdvisoryFactory(
        school=school, name="Summit", graduating_class=year.graduation_year
    )
    start = today - timedelta(days=300)
    harbor_students = [
        factories.MembershipFactory(
            advisory=harbor, start_date=start, student__graduating_class=first_class
        ).student
        for _ in range(3)
    ]
    summit_students = [
        factories.MembershipFactory(
            advisory=summit, start_date=start, student__graduating_class=year.graduation_year
        ).student
        for _ in range(2)
    ]
    return Small(
        school=school,
        year=year,
        term=term,
        admin=factories.AdminFactory(school=school),
        harbor=harbor,
        summit=summit,
        harbor_students=harbor_students,
        summit_students=summit_students,
    )
