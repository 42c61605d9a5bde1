"""The current school year is cached between requests, and adding a year clears it."""

from datetime import date

import pytest
from django.core.cache import cache
from django.test import override_settings

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
            name="Everlasting",
            start_date=date(2000, 8, 1),
            end_date=date(2099, 6, 30),
        )
    assert current_year(school) == year
