"""Creating advisories and placing students in them, with the rules re-checked each time."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from advisories import services
from advisories.models import Advisory, Membership
from tests import factories

AUG_2026 = date(2026, 8, 24)
NOV_2026 = date(2026, 11, 2)
WRONG_PEOPLE = ["advisor", "student", "guardian", "mentor", "admin2"]


def _fill(advisory, count):
    return [m.student for m in factories.MembershipFactory.create_batch(count, advisory=advisory)]


class TestAdvisoryCreateAndUpdate:
    def test_admin_creates_an_advisory_that_uses_the_schools_capacity(self, world):
        advisory = services.advisory_create(
            school=world.school,
            by=world.admin,
            name="Lighthouse",
            advisor=world.advisor,
            graduating_class=2030,
            capacity=None,
        )
        advisory.refresh_from_db()
        assert advisory.school == world.school
        assert advisory.effective_capacity == world.school.advisory_capacity == 15

    def test_an_advisor_from_another_school_is_refused_on_the_advisor(self, world):
        with pytest.raises(ValidationError) as error:
            services.advisory_create(
                school=world.school,
                by=world.admin,
                name="Lighthouse",
                advisor=world.advisor2,
                graduating_class=2030,
            )
        assert "advisor" in error.value.message_dict
        assert not Advisory.objects.filter(name="Lighthouse").exists()

    def test_a_name_used_in_the_school_is_refused(self, world):
        with pytest.raises(ValidationError):
            services.advisory_create(
                school=world.school,
                by=world.admin,
                name="Harbor",
                advisor=world.other_advisor,
                graduating_class=2030,
            )

    @pytest.mark.parametrize("role", WRONG_PEOPLE)
    def test_only_the_schools_admins_create_advisories(self, world, role):
        with pytest.raises(PermissionDenied):
            services.advisory_create(
                school=world.school,
                by=world.person(role),
                name="Lighthouse",
                advisor=world.advisor,
                graduating_class=2030,
            )

    def test_admin_hands_an_advisory_to_another_advisor(self, world):
        services.advisory_update(
            advisory=world.advisory, by=world.admin, advisor=world.other_advisor, capacity=12
        )
        world.advisory.refresh_from_db()
        assert (world.advisory.advisor, world.advisory.capacity) == (world.other_advisor, 12)

    @pytest.mark.parametrize("role", WRONG_PEOPLE)
    def test_only_the_schools_admins_change_advisories(self, world, role):
        with pytest.raises(PermissionDenied):
            services.advisory_update(advisory=world.advisory, by=world.person(role), name="Mine")
        world.advisory.refresh_from_db()
        assert world.advisory.name == "Harbor"


class TestPlacingAStudent:
    @pytest.fixture(autouse=True)
    def _unplaced_of_harbors_class(self, world):
        # Placing a student of another graduating class needs a confirmation: its own tests.
        world.unplaced.graduating_class = world.advisory.graduating_class
        world.unplaced.save()

    def test_an_unplaced_student_joins_an_advisory(self, world):
        membership = services.student_place(
            student=world.unplaced, advisory=world.advisory, start_date=NOV_2026, by=world.admin
        )
        membership.refresh_from_db()
        assert membership.advisory == world.advisory
        assert membership.start_date == NOV_2026
        assert membership.is_current
        assert membership.created_by == world.admin
        assert membership.over_capacity_override is False

    def test_a_full_advisory_is_refused_and_nothing_is_written(self, world):
        world.advisory.capacity = 3
        world.advisory.save()
        _fill(world.advisory, 2)
        with pytest.raises(ValidationError) as error:
            services.student_place(
                student=world.unplaced, advisory=world.advisory, start_date=NOV_2026, by=world.admin
            )
        assert "Harbor is full (3 of 3 students)" in error.value.message_dict["advisory"][0]
        assert not Membership.objects.filter(student=world.unplaced).exists()

    def test_the_schools_capacity_applies_when_the_advisory_has_none(self, world):
        world.school.advisory_capacity = 3
        world.school.save()
        _fill(world.advisory, 2)
        with pytest.raises(ValidationError, match="full"):
            services.student_place(
                student=world.unplaced, advisory=world.advisory, start_date=NOV_2026, by=world.admin
            )
        world.school.advisory_capacity = 4
        world.school.save()
        services.student_place(
            student=world.unplaced, advisory=world.advisory, start_date=NOV_2026, by=world.admin
        )
        assert Membership.objects.current().filter(advisory=world.advisory).count() == 4

    def test_an_override_needs_a_reason(self, world):
        world.advisory.capacity = 1
        world.advisory.save()
        with pytest.raises(ValidationError) as error:
            services.student_place(
                student=world.unplaced,
                advisory=world.advisory,
                start_date=NOV_2026,
                by=world.admin,
                override_capacity=True,
                reason="   ",
            )
        assert "reason" in error.value.message_dict
        assert not Membership.objects.filter(student=world.unplaced).exists()

    def test_an_admins_override_is_recorded_on_the_membership(self, world):
        world.advisory.capacity = 1
        world.advisory.save()
        membership = services.student_place(
            student=world.unplaced,
            advisory=world.advisory,
            start_date=NOV_2026,
            by=world.admin,
            override_capacity=True,
            reason=" Twin of a student in Harbor ",
        )
        membership.refresh_from_db()
        assert membership.over_capacity_override is True
        assert membership.override_reason == "Twin of a student in Harbor"
        assert membership.created_by == world.admin
        assert Advisory.objects.with_size().get(pk=world.advisory.pk).is_over_capacity

    def test_an_override_is_not_recorded_when_there_is_room(self, world):
        membership = services.student_place(
            student=world.unplaced,
            advisory=world.advisory,
            start_date=NOV_2026,
            by=world.admin,
            override_capacity=True,
            reason="Just in case",
        )
        assert (membership.over_capacity_override, membership.override_reason) == (False, "")

    def test_a_student_of_another_school_is_refused(self, world):
        with pytest.raises(ValidationError) as error:
            services.student_place(
                student=world.student2, advisory=world.advisory, start_date=NOV_2026, by=world.admin
            )
        assert "advisory" in error.value.message_dict
        assert Membership.objects.get(student=world.student2).advisory == world.advisory2

    @pytest.mark.parametrize("role", WRONG_PEOPLE)
    def test_only_the_schools_admins_place_students(self, world, role):
        with pytest.raises(PermissionDenied):
            services.student_place(
                student=world.unplaced,
                advisory=world.advisory,
                start_date=NOV_2026,
                by=world.person(role),
            )
        assert not Membership.objects.filter(student=world.unplaced).exists()

    def test_a_start_that_overlaps_past_history_is_refused(self, world):
        factories.MembershipFactory(
            advisory=world.other_advisory,
            student=world.unplaced,
            start_date=date(2025, 8, 25),
            end_date=AUG_2026,
        )
        with pytest.raises(ValidationError, match="another advisory during these dates"):
            services.student_place(
                student=world.unplaced,
                advisory=world.advisory,
                start_date=date(2026, 6, 1),
                by=world.admin,
            )
        assert Membership.objects.filter(student=world.unplaced).count() == 1


class TestMovingAStudent:
    def test_a_move_closes_the_old_membership_and_keeps_it(self, world):
        old = Membership.objects.get(student=world.student)
        new = services.student_place(
            student=world.student,
            advisory=world.other_advisory,
            start_date=NOV_2026,
            by=world.admin,
        )
        old.refresh_from_db()
        assert old.end_date == NOV_2026
        assert new.is_current and new.advisory == world.other_advisory
        assert list(Membership.objects.filter(student=world.student).order_by("start_date")) == [
            old,
            new,
        ]

    def test_a_move_into_a_full_advisory_leaves_the_student_where_they_were(self, world):
        world.other_advisory.capacity = 1
        world.other_advisory.save()
        with pytest.raises(ValidationError, match="full"):
            services.student_place(
                student=world.student,
                advisory=world.other_advisory,
                start_date=NOV_2026,
                by=world.admin,
            )
        memberships = Membership.objects.filter(student=world.student)
        assert memberships.count() == 1
        assert memberships.get().end_date is None
        assert memberships.get().advisory == world.advisory

    def test_a_move_with_an_override_into_a_full_advisory(self, world):
        world.other_advisory.capacity = 1
        world.other_advisory.save()
        services.student_place(
            student=world.student,
            advisory=world.other_advisory,
            start_date=NOV_2026,
            by=world.admin,
            override_capacity=True,
            reason="Advisor change requested by the family",
        )
        current = Membership.objects.current().get(student=world.student)
        assert current.advisory == world.other_advisory
        assert current.over_capacity_override

    def test_a_move_into_the_same_advisory_is_refused(self, world):
        with pytest.raises(ValidationError, match="already in this advisory"):
            services.student_place(
                student=world.student, advisory=world.advisory, start_date=NOV_2026, by=world.admin
            )
        assert Membership.objects.filter(student=world.student).count() == 1

    def test_a_move_dated_before_the_current_membership_began_is_refused(self, world):
        with pytest.raises(ValidationError) as error:
            services.student_place(
                student=world.student,
                advisory=world.other_advisory,
                start_date=date(2026, 8, 1),
                by=world.admin,
            )
        assert "before the student joined" in error.value.message_dict["start_date"][0]
        assert Membership.objects.get(student=world.student).end_date is None

    def test_four_years_of_history_survive_transfers(self, world):
        school = world.school
        student = factories.StudentFactory(school=school, graduating_class=2026)
        advisories = factories.AdvisoryFactory.create_batch(4, school=school, graduating_class=2026)
        starts = [date(2022, 8, 29), date(2023, 8, 28), date(2024, 8, 26), date(2025, 8, 25)]
        for advisory, start in zip(advisories, starts, strict=True):
            services.student_place(
                student=student, advisory=advisory, start_date=start, by=world.admin
            )

        history = list(Membership.objects.filter(student=student).order_by("start_date"))
        assert [m.advisory for m in history] == advisories
        assert [m.start_date for m in history] == starts
        assert [m.end_date for m in history] == [*starts[1:], None]
        for advisory, day in zip(advisories, starts, strict=True):
            assert Membership.objects.filter(student=student).on(day).get().advisory == advisory


class TestLeavingAnAdvisory:
    def test_a_student_leaves_and_the_membership_stays_as_history(self, world):
        membership = services.student_leave_advisory(
            student=world.student, end_date=date(2027, 6, 18), by=world.admin
        )
        membership.refresh_from_db()
        assert membership.end_date == date(2027, 6, 18)
        assert not Membership.objects.current().filter(student=world.student).exists()

    def test_leaving_before_joining_is_refused(self, world):
        with pytest.raises(ValidationError, match="cannot come before the start date"):
            services.student_leave_advisory(
                student=world.student, end_date=date(2026, 1, 1), by=world.admin
            )
        assert Membership.objects.get(student=world.student).end_date is None

    def test_a_student_not_in_an_advisory_cannot_leave_one(self, world):
        with pytest.raises(ValidationError, match="not in an advisory"):
            services.student_leave_advisory(
                student=world.unplaced, end_date=date(2027, 6, 18), by=world.admin
            )

    @pytest.mark.parametrize("role", WRONG_PEOPLE)
    def test_only_the_schools_admins_end_a_membership(self, world, role):
        with pytest.raises(PermissionDenied):
            services.student_leave_advisory(
                student=world.student, end_date=date(2027, 6, 18), by=world.person(role)
            )
        assert Membership.objects.get(student=world.student).end_date is None

    def test_the_wrong_person_learns_nothing_about_a_student_without_an_advisory(self, world):
        with pytest.raises(PermissionDenied):
            services.student_leave_advisory(
                student=world.unplaced, end_date=date(2027, 6, 18), by=world.admin2
            )
