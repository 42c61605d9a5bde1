"""Reach over students, kept by the students app: whom each role sees and leads, and the
people they see through those students."""

import pytest

from bigpicture.models import User
from students.models import Student, people_visible_to
from tests import factories

ROLES = ["admin", "advisor", "student", "guardian", "mentor", "admin2"]


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("role", ROLES)
def test_leading_a_student_says_the_same_one_by_one_as_the_queryset(world, role):
    person = world.person(role)
    students = [world.student, world.other_student, world.unplaced, world.student2]
    led = _ids(Student.objects.led_by(person).filter(pk__in=[s.pk for s in students]))
    assert {student.pk for student in students if student.is_led_by(person)} == led


def test_an_advisor_leads_their_advisory_and_an_admin_the_school(world):
    school = _ids(Student.objects.filter(school=world.school))
    assert _ids(Student.objects.led_by(world.admin)) == school
    assert _ids(Student.objects.led_by(world.advisor)) == {world.student.pk}
    assert not Student.objects.led_by(world.guardian).exists()
    assert not Student.objects.led_by(world.student.user).exists()


def test_an_admin_leads_without_a_query_an_advisor_with_one(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert world.student.is_led_by(world.admin)
        assert not world.student.is_led_by(world.admin2)
    with django_assert_num_queries(1):
        assert world.student.is_led_by(world.advisor)


def test_a_former_advisor_no_longer_leads(world):
    moved = factories.MembershipFactory(advisory=world.other_advisory).student
    assert moved.is_led_by(world.other_advisor)
    moved.memberships.update(end_date=world.school.today())
    assert not moved.is_led_by(world.other_advisor)
    assert moved.pk not in _ids(Student.objects.led_by(world.other_advisor))


def test_people_seen_follow_the_students_seen(world):
    school = _ids(User.objects.filter(school=world.school))
    assert _ids(people_visible_to(world.admin)) == school
    advisor_sees = {world.advisor.pk, world.student.user_id, world.guardian.pk}
    assert _ids(people_visible_to(world.advisor)) == advisor_sees
    assert _ids(people_visible_to(world.guardian)) == {world.guardian.pk, world.student.user_id}
    assert _ids(people_visible_to(world.student.user)) == {world.student.user_id}
    assert _ids(people_visible_to(world.mentor)) == {world.mentor.pk}
    assert world.admin.pk not in _ids(people_visible_to(world.admin2))
