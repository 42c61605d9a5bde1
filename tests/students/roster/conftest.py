import pytest

from tests import factories


@pytest.fixture
def school(db):
    return factories.SchoolFactory(name="Lincoln High", slug="lincoln")


@pytest.fixture
def admin(school):
    return factories.AdminFactory(school=school, email="admin@lincoln.test")
