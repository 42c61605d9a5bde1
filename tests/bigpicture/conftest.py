"""Fixtures of the core's tests."""

from datetime import date, timedelta

import pytest

from tests import factories


@pytest.fixture
def two_plans(db):
    """Two plans of one school, with items of their own (and due dates), in two terms."""
    year = factories.SchoolYearFactory()
    fall = factories.TermFactory(school_year=year, name="Fall")
    spring = factories.TermFactory(school_year=year, name="Spring")
    first = factories.PlanFactory(student__school=year.school, term=fall)
    second = factories.PlanFactory(student__school=year.school, term=spring)
    for number, plan in enumerate([first, first, first, second, second]):
        factories.PlanItemFactory(plan=plan, due_on=date(2026, 9, 1) + timedelta(days=number))
    return first, second
