"""Invariants of people, schools, school years and terms."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from bigpicture.models import School, SchoolYear, Term, User
from tests import factories

pytestmark = pytest.mark.django_db


def _year(school, name, start, end):
    return factories.SchoolYearFactory(school=school, name=name, start_date=start, end_date=end)


class TestUser:
    def test_create_user_stores_the_email_in_lower_case(self):
        school = factories.SchoolFactory()
        user = User.objects.create_user("Rosa.Parks@Example.ORG", school=school, first_name="R")
        assert user.email == "rosa.parks@example.org"

    def test_an_email_in_capitals_is_refused_by_the_database(self):
        school = factories.SchoolFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.bulk_create([User(email="Loud@Example.org", school=school)])

    def test_clean_lowers_the_email(self):
        user = factories.UserFactory.build(email="Mixed@Example.ORG")
        user.clean()
        assert user.email == "mixed@example.org"

    def test_everybody_but_a_network_admin_belongs_to_a_school(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create_user("nobody@example.org", school=None)
        operator = User.objects.create_superuser("operator@example.org")
        assert operator.school is None

    def test_a_network_admin_acts_as_an_admin(self):
        operator = User.objects.create_superuser("operator@example.org")
        assert operator.roles == {"admin"}

    def test_roles_are_listed_in_a_fixed_order(self):
        person = factories.UserFactory(is_guardian=True, is_advisor=True)
        assert person.roles == {"advisor", "guardian"}
        assert person.get_roles_display() == "Advisor, Guardian"

    def test_a_person_is_shown_by_name_or_else_by_email(self):
        assert str(factories.UserFactory.build(first_name="Ada", last_name="Byron")) == "Ada Byron"
        nameless = factories.UserFactory.build(first_name="", last_name="", email="x@example.org")
        assert str(nameless) == "x@example.org"


class TestSchool:
    def test_an_unknown_time_zone_is_refused(self):
        school = factories.SchoolFactory.build(time_zone="Mars/Olympus_Mons")
        with pytest.raises(ValidationError) as error:
            school.full_clean()
        assert "time_zone" in error.value.message_dict

    def test_today_is_the_date_in_the_schools_own_time_zone(self):
        # UTC+14 and UTC-11 are 25 hours apart: their dates always differ.
        east = factories.SchoolFactory.build(time_zone="Pacific/Kiritimati")
        west = factories.SchoolFactory.build(time_zone="Pacific/Pago_Pago")
        assert east.today() > west.today()

    def test_an_advisory_capacity_of_zero_is_refused_by_the_database(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            School.objects.create(name="Empty", slug="empty", advisory_capacity=0)


class TestSchoolYear:
    @pytest.mark.parametrize(
        ("graduating_class", "level"),
        [(2027, 401), (2028, 301), (2029, 201), (2030, 101), (2031, None), (2026, None)],
    )
    def test_year_level_follows_the_graduating_class(self, graduating_class, level):
        year = SchoolYear(
            name="2026-2027", start_date=date(2026, 8, 24), end_date=date(2027, 6, 18)
        )
        assert year.graduation_year == 2027
        assert year.year_level(graduating_class) == level

    def test_current_for_is_the_year_running_today(self):
        school = factories.SchoolFactory()
        _year(school, "2025-2026", date(2025, 8, 25), date(2026, 6, 19))
        running = _year(school, "2026-2027", date(2026, 8, 24), date(2027, 6, 18))
        _year(factories.SchoolFactory(), "2026-2027", date(2026, 7, 1), date(2027, 6, 30))
        assert SchoolYear.objects.current_for(school, today=date(2026, 11, 2)) == running

    def test_in_the_summer_the_current_year_is_the_next_one(self):
        school = factories.SchoolFactory()
        _year(school, "2025-2026", date(2025, 8, 25), date(2026, 6, 19))
        following = _year(school, "2026-2027", date(2026, 8, 24), date(2027, 6, 18))
        _year(school, "2027-2028", date(2027, 8, 23), date(2028, 6, 16))
        assert SchoolYear.objects.current_for(school, today=date(2026, 7, 15)) == following

    def test_after_the_last_year_the_current_year_is_the_latest(self):
        school = factories.SchoolFactory()
        _year(school, "2024-2025", date(2024, 8, 26), date(2025, 6, 20))
        latest = _year(school, "2025-2026", date(2025, 8, 25), date(2026, 6, 19))
        assert SchoolYear.objects.current_for(school, today=date(2026, 12, 1)) == latest

    def test_a_school_without_years_has_no_current_year(self):
        factories.SchoolYearFactory()  # another school's
        assert SchoolYear.objects.current_for(factories.SchoolFactory()) is None

    def test_the_year_level_of_a_class_moves_up_each_year(self):
        school = factories.SchoolFactory()
        _year(school, "2026-2027", date(2026, 8, 24), date(2027, 6, 18))
        _year(school, "2027-2028", date(2027, 8, 23), date(2028, 6, 16))
        levels = [
            SchoolYear.objects.current_for(school, today=day).year_level(2029)
            for day in (date(2026, 9, 1), date(2027, 9, 1))
        ]
        assert levels == [201, 301]

    def test_the_database_refuses_a_year_that_ends_before_it_starts(self):
        school = factories.SchoolFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            _year(school, "Backwards", date(2027, 6, 18), date(2026, 8, 24))

    def test_clean_explains_a_year_that_ends_before_it_starts(self):
        school = factories.SchoolFactory()
        year = SchoolYear(
            school=school,
            name="Backwards",
            start_date=date(2027, 6, 18),
            end_date=date(2026, 8, 24),
        )
        with pytest.raises(ValidationError, match="The last day must come after the first day"):
            year.full_clean()

    def test_clean_refuses_overlapping_years_of_one_school(self):
        school = factories.SchoolFactory()
        existing = _year(school, "2026-2027", date(2026, 8, 24), date(2027, 6, 18))
        overlapping = SchoolYear(
            school=school, name="Extra", start_date=date(2027, 6, 18), end_date=date(2027, 8, 1)
        )
        with pytest.raises(ValidationError, match="overlaps another one"):
            overlapping.full_clean()
        existing.full_clean()  # a year does not overlap itself
        SchoolYear(
            school=factories.SchoolFactory(),
            name="Extra",
            start_date=date(2026, 9, 1),
            end_date=date(2027, 5, 1),
        ).full_clean()  # nor the years of another school


class TestTerm:
    @pytest.fixture
    def year(self):
        return factories.SchoolYearFactory(start_date=date(2026, 8, 24), end_date=date(2027, 6, 18))

    def test_a_term_inside_its_year_is_valid(self, year):
        Term(
            school_year=year, name="Q1", start_date=date(2026, 8, 24), end_date=date(2026, 10, 30)
        ).full_clean()

    def test_a_term_outside_its_year_is_refused(self, year):
        term = Term(
            school_year=year, name="Q5", start_date=date(2027, 6, 1), end_date=date(2027, 7, 30)
        )
        with pytest.raises(ValidationError, match="inside its school year"):
            term.full_clean()

    def test_overlapping_terms_are_refused(self, year):
        factories.TermFactory(
            school_year=year, name="Q1", start_date=date(2026, 8, 24), end_date=date(2026, 10, 30)
        )
        term = Term(
            school_year=year, name="Q2", start_date=date(2026, 10, 30), end_date=date(2027, 1, 15)
        )
        with pytest.raises(ValidationError, match="overlaps another term"):
            term.full_clean()

    def test_the_database_refuses_a_term_that_ends_before_it_starts(self, year):
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.TermFactory(
                school_year=year, start_date=date(2026, 10, 30), end_date=date(2026, 8, 24)
            )
