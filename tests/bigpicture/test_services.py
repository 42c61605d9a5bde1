"""Writes for people, schools, school years and terms, called directly."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bigpicture import services
from bigpicture.models import SchoolYear, Term, User
from tests import factories


def _new_person(world, **overrides):
    fields = {
        "school": world.school,
        "by": world.admin,
        "email": "  Dolores.Huerta@Example.ORG ",
        "first_name": " Dolores ",
        "last_name": "Huerta",
        "roles": {"advisor", "guardian"},
        "language": "es",
        **overrides,
    }
    return services.person_create(**fields)


class TestPersonCreate:
    def test_adds_a_person_who_sets_their_password_by_email(self, world):
        person = _new_person(world)
        person.refresh_from_db()
        assert person.email == "dolores.huerta@example.org"
        assert person.first_name == "Dolores"
        assert person.school == world.school
        assert person.roles == {"advisor", "guardian"}
        assert person.language == "es"
        assert not person.has_usable_password()

    def test_an_email_taken_in_another_case_is_refused_on_the_email_field(self, world):
        with pytest.raises(ValidationError) as error:
            _new_person(world, email="ADMIN@Met.Test")
        assert error.value.message_dict["email"] == [
            "A person with this email address already exists."
        ]
        assert User.objects.filter(first_name="Dolores").count() == 0

    @pytest.mark.parametrize(("roles", "message"), [(set(), "at least one"), ({"dean"}, "Unknown")])
    def test_roles_must_be_known_and_present(self, world, roles, message):
        with pytest.raises(ValidationError) as error:
            _new_person(world, roles=roles)
        assert message in error.value.message_dict["roles"][0]

    @pytest.mark.parametrize("role", ["advisor", "student", "guardian", "mentor", "admin2"])
    def test_only_the_schools_admins_may_add_people(self, world, role):
        with pytest.raises(PermissionDenied):
            _new_person(world, by=world.person(role))
        assert not User.objects.filter(email="dolores.huerta@example.org").exists()

    def test_a_network_admin_may_add_people_to_any_school(self, world):
        operator = User.objects.create_superuser("operator@example.org")
        assert _new_person(world, school=world.school2, by=operator).school == world.school2


class TestPersonUpdate:
    def test_changes_details_and_roles(self, world):
        person = services.person_update(
            person=world.mentor,
            by=world.admin,
            roles={"mentor", "advisor"},
            email=" New.Address@Example.org ",
            first_name="Grace",
            is_active=False,
        )
        person.refresh_from_db()
        assert person.email == "new.address@example.org"
        assert person.first_name == "Grace"
        assert person.roles == {"mentor", "advisor"}
        assert person.is_active is False

    def test_an_email_taken_in_another_case_is_refused(self, world):
        with pytest.raises(ValidationError) as error:
            services.person_update(person=world.mentor, by=world.admin, email="Admin@MET.test")
        assert "email" in error.value.message_dict
        world.mentor.refresh_from_db()
        assert world.mentor.email != "admin@met.test"

    @pytest.mark.parametrize("role", ["advisor", "student", "guardian", "mentor", "admin2"])
    def test_only_the_schools_admins_may_change_people(self, world, role):
        with pytest.raises(PermissionDenied):
            services.person_update(person=world.mentor, by=world.person(role), first_name="X")
        world.mentor.refresh_from_db()
        assert world.mentor.first_name != "X"

    def test_an_admin_cannot_remove_their_own_admin_role(self, world):
        with pytest.raises(ValidationError) as error:
            services.person_update(person=world.admin, by=world.admin, roles={"advisor"})
        assert "roles" in error.value.message_dict
        world.admin.refresh_from_db()
        assert world.admin.is_school_admin

    def test_an_admin_cannot_deactivate_themself(self, world):
        with pytest.raises(ValidationError) as error:
            services.person_update(person=world.admin, by=world.admin, is_active=False)
        assert "is_active" in error.value.message_dict
        world.admin.refresh_from_db()
        assert world.admin.is_active

    def test_a_student_with_a_profile_keeps_the_student_role(self, world):
        with pytest.raises(ValidationError) as error:
            services.person_update(person=world.student.user, by=world.admin, roles={"mentor"})
        assert "student profile" in error.value.message_dict["roles"][0]


class TestPreferencesUpdate:
    def test_a_person_changes_their_own_name_and_language(self, world):
        user = services.preferences_update(
            user=world.guardian, first_name=" Ana ", last_name="Ruiz", language="es"
        )
        user.refresh_from_db()
        assert (user.first_name, user.last_name, user.language) == ("Ana", "Ruiz", "es")

    def test_an_unknown_language_is_refused(self, world):
        with pytest.raises(ValidationError) as error:
            services.preferences_update(user=world.guardian, language="xx")
        assert "language" in error.value.message_dict


class TestSchoolUpdate:
    def test_changes_the_settings(self, world):
        services.school_update(
            school=world.school,
            by=world.admin,
            name="The Met",
            time_zone="America/Los_Angeles",
            term_system="trimesters",
            advisory_capacity=12,
        )
        world.school.refresh_from_db()
        assert world.school.name == "The Met"
        assert world.school.time_zone == "America/Los_Angeles"
        assert world.school.advisory_capacity == 12

    @pytest.mark.parametrize(
        ("field", "value"), [("time_zone", "Atlantis/Capital"), ("advisory_capacity", 0)]
    )
    def test_bad_settings_are_refused(self, world, field, value):
        with pytest.raises(ValidationError):
            services.school_update(school=world.school, by=world.admin, **{field: value})
        world.school.refresh_from_db()
        assert getattr(world.school, field) != value

    @pytest.mark.parametrize("role", ["advisor", "student", "guardian", "mentor", "admin2"])
    def test_only_the_schools_admins_may_change_it(self, world, role):
        with pytest.raises(PermissionDenied):
            services.school_update(school=world.school, by=world.person(role), name="Taken over")


class TestSchoolYearCreate:
    def test_adds_a_year(self, world):
        year = services.school_year_create(
            school=world.school2,
            by=world.admin2,
            name=" 2026-2027 ",
            start_date=date(2026, 8, 24),
            end_date=date(2027, 6, 18),
        )
        assert SchoolYear.objects.get(pk=year.pk).name == "2026-2027"

    @pytest.mark.parametrize(
        ("start", "end", "message"),
        [
            (date(2027, 6, 18), date(2026, 8, 24), "The last day must come after the first day"),
            (date(2026, 8, 24), date(2026, 8, 24), "The last day must come after the first day"),
            (date(2027, 8, 1), date(2028, 6, 30), "overlaps another one"),
        ],
    )
    def test_bad_dates_and_overlaps_are_refused(self, world, start, end, message):
        # The world's school already has a year from 2020-08-01 to 2040-06-30.
        with pytest.raises(ValidationError, match=message):
            services.school_year_create(
                school=world.school, by=world.admin, name="New", start_date=start, end_date=end
            )
        assert not SchoolYear.objects.filter(name="New").exists()

    def test_only_the_schools_admins_may_add_a_year(self, world):
        with pytest.raises(PermissionDenied):
            services.school_year_create(
                school=world.school2,
                by=world.admin,
                name="2026-2027",
                start_date=date(2026, 8, 24),
                end_date=date(2027, 6, 18),
            )


class TestTermCreate:
    @pytest.fixture
    def year(self, world):
        return factories.SchoolYearFactory(
            school=world.school2, start_date=date(2026, 8, 24), end_date=date(2027, 6, 18)
        )

    def test_adds_a_term(self, world, year):
        term = services.term_create(
            school_year=year,
            by=world.admin2,
            name="Quarter 1",
            start_date=date(2026, 8, 24),
            end_date=date(2026, 10, 30),
        )
        assert list(year.terms.all()) == [term]

    @pytest.mark.parametrize(
        ("start", "end", "message"),
        [
            (date(2026, 10, 30), date(2026, 8, 24), "The last day must come after the first day"),
            (date(2027, 5, 1), date(2027, 7, 1), "inside its school year"),
            (date(2026, 10, 1), date(2026, 12, 18), "overlaps another term"),
        ],
    )
    def test_bad_dates_and_overlaps_are_refused(self, world, year, start, end, message):
        factories.TermFactory(
            school_year=year, name="Q1", start_date=date(2026, 8, 24), end_date=date(2026, 10, 30)
        )
        with pytest.raises(ValidationError, match=message):
            services.term_create(
                school_year=year, by=world.admin2, name="New", start_date=start, end_date=end
            )
        assert not Term.objects.filter(name="New").exists()

    def test_only_the_schools_admins_may_add_a_term(self, world, year):
        with pytest.raises(PermissionDenied):
            services.term_create(
                school_year=year,
                by=world.admin,
                name="Quarter 1",
                start_date=date(2026, 8, 24),
                end_date=date(2026, 10, 30),
            )
