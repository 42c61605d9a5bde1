"""The current school year is cached between requests, and adding a year clears it."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from bigpicture.selectors import current_year
from bigpicture.services import school_year_create
from tests import factories

LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def real_cache():
    with override_settings(CACHES=LOCAL_CACHE):
        cache.clear()
        yield
        cache.clear()


def test_the_current_year_is_read_once_then_served_from_the_cache(
    real_cache, world, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert current_year(world.school) == world.year
    with django_assert_num_queries(0):
        assert current_year(world.school) == world.year


def test_a_school_without_years_is_cached_as_such(real_cache, django_assert_num_queries, db):
    school = factories.SchoolFactory()
    assert current_year(school) is None
    with django_assert_num_queries(0):
        assert current_year(school) is None


def test_adding_a_year_clears_the_cached_one(real_cache, django_capture_on_commit_callbacks, db):
    school = factories.SchoolFactory()
    admin = factories.AdminFactory(school=school)
    assert current_year(school) is None
    with django_capture_on_commit_callbacks(execute=True):
        year = school_year_create(
            school=school,
            by=admin,
            name="This year",
            start_date=school.today() - timedelta(days=100),
            end_date=school.today() + timedelta(days=200),
        )
    assert current_year(school) == year


def test_the_school_overview_is_shared_for_a_minute_then_read_afresh(
    real_cache, world, django_assert_num_queries, time_machine
):
    from advisories.services import student_place
    from bigpicture.pages.selectors import OVERVIEW_CACHE_SECONDS, school_overview

    time_machine.move_to(timezone.now(), tick=False)
    first = school_overview(world.school)
    assert first["unplaced_count"] == 1
    with django_assert_num_queries(0):  # another admin, a moment later
        assert school_overview(world.school)["unplaced_count"] == 1
    student_place(
        student=world.unplaced,
        advisory=world.other_advisory,
        start_date=date(2026, 9, 1),
        by=world.admin,
    )
    # Counts may be a minute old, never older; nothing else waits on the cache.
    time_machine.shift(timedelta(seconds=OVERVIEW_CACHE_SECONDS + 1))
    again = school_overview(world.school)
    assert again["unplaced_count"] == 0
    assert again["placed_count"] == first["placed_count"] + 1
