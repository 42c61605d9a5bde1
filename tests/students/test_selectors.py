"""Reads behind the student pages and the student's and guardian's homes."""

from datetime import date

import pytest

from students import selectors
from students.selectors.profile import list_rows
from tests import factories


@pytest.fixture
def school_year(world):
    """Give the world's school a real 2026-2027 year instead of its long one."""
    world.year.delete()
    return factories.SchoolYearFactory(
        school=world.school,
        name="2026-2027",
        start_date=date(2026, 8, 24),
        end_date=date(2027, 6, 18),
    )


def listed(user, **filters) -> list[int]:
    """The students of the list page (its rows' first column), in its order."""
    return [row[0] for row in selectors.student_list(user, **filters)]


class TestStudentList:
    def test_admins_see_the_school_advisors_their_advisees(self, world):
        everyone = {world.student.pk, world.other_student.pk, world.unplaced.pk}
        assert set(listed(world.admin)) == everyone
        assert listed(world.advisor) == [world.student.pk]
        assert listed(world.admin2) == [world.student2.pk]
        assert listed(world.guardian) == [world.student.pk]

    def test_each_row_carries_the_current_advisory(self, world):
        students = list_rows(selectors.student_list(world.admin), world.year)
        rows = {s.pk: s for s in students}
        assert rows[world.student.pk].advisory_pk == world.advisory.pk
        assert rows[world.student.pk].advisory_name == "Harbor"
        assert rows[world.unplaced.pk].advisory_pk is None
        assert rows[world.student.pk].year_level == world.year.year_level(
            world.student.graduating_class
        )
        assert rows[world.student.pk].url == world.student.get_absolute_url()
        assert rows[world.student.pk].display_name == world.student.display_name

    def test_a_student_who_left_shows_no_advisory(self, world):
        membership = world.student.memberships.get()
        membership.end_date = date(2027, 1, 4)
        membership.save()
        students = list_rows(selectors.student_list(world.admin), world.year)
        rows = {s.pk: s for s in students}
        assert rows[world.student.pk].advisory_pk is None
        assert world.student.pk in listed(world.admin, unplaced=True)

    def test_only_unplaced(self, world):
        assert listed(world.admin, unplaced=True) == [world.unplaced.pk]
        assert listed(world.admin, unplaced=True, search=world.unplaced.user.last_name) == [
            world.unplaced.pk
        ]

    def test_every_word_of_the_search_must_match(self, world):
        user = world.student.user
        user.first_name, user.last_name = "Quintessa", "Xolanis"
        user.save()
        world.student.preferred_name = "Zephyr"
        world.student.save()
        search = "quint xolan"
        assert listed(world.admin, search=search) == [world.student.pk]
        assert listed(world.admin, search="  ZEPHYR ") == [world.student.pk]
        assert listed(world.admin, search="quint zzz") == []
        assert listed(world.admin, search=user.email) == [world.student.pk]


class TestStudentDetail:
    def test_history_newest_first_guardians_primary_first_and_year_level(self, world, school_year):
        student = world.student
        current = student.memberships.get()
        current.start_date = date(2026, 1, 5)
        current.save()
        old = factories.MembershipFactory(
            advisory=world.other_advisory,
            student=student,
            start_date=date(2025, 8, 25),
            end_date=date(2026, 1, 5),
        )
        second = factories.GuardianLinkFactory(student=student, guardian__last_name="Aaberg")

        detail = selectors.student_detail(student)

        assert detail["history"] == [current, old]
        assert detail["current_membership"] == current
        assert detail["guardian_links"] == [world.link, second]
        assert detail["year"] == school_year
        assert detail["year_level"] == 301  # class of 2028 in 2026-2027

    def test_a_student_never_placed_has_no_current_membership(self, world):
        detail = selectors.student_detail(world.unplaced)
        assert (detail["history"], detail["current_membership"]) == ([], None)


class TestFamilyAndOwnHomes:
    def test_a_guardian_sees_only_their_own_children(self, world, school_year):
        second_child = factories.StudentFactory(school=world.school, graduating_class=2030)
        factories.GuardianLinkFactory(student=second_child, guardian=world.guardian)
        children = selectors.children_of(world.guardian)
        assert {c.pk for c in children} == {world.student.pk, second_child.pk}
        by_pk = {c.pk: c for c in children}
        advisory = by_pk[world.student.pk].current_membership.advisory
        assert (advisory.pk, advisory.name) == (world.advisory.pk, world.advisory.name)
        assert str(advisory.advisor) == str(world.advisory.advisor)
        assert advisory.advisor.email == world.advisory.advisor.email
        assert by_pk[world.student.pk].year_level == 301
        assert by_pk[second_child.pk].current_membership is None
        assert by_pk[second_child.pk].year_level == 101

    def test_a_guardian_of_no_school_sees_no_children(self, world):
        guardian = factories.GuardianFactory(school=None, is_superuser=True)  # a network admin
        assert selectors.children_of(guardian) == []

    def test_a_guardian_without_children_sees_none(self, world):
        assert selectors.children_of(factories.GuardianFactory(school=world.school)) == []

    def test_a_student_sees_their_own_profile(self, world, school_year):
        profile = selectors.own_profile(world.student.user)
        assert profile == world.student
        advisory = profile.current_membership.advisory
        assert (advisory.pk, advisory.name) == (world.advisory.pk, world.advisory.name)
        assert profile.year_level == 301
        assert list(profile.guardian_links.all()) == [world.link]

    def test_a_person_without_a_profile_gets_none(self, world):
        assert selectors.own_profile(world.advisor) is None
