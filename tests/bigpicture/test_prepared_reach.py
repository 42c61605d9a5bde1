"""Prepared reads made into model instances, and prepared reads within a person's reach:
each person reads what their reach gives them."""

import pytest
from django.contrib.auth.models import AnonymousUser

from bigpicture.prepared import instance, within_reach
from internships.models import Placement
from students.models import LearningPlan, Student
from tests import factories
from tests.bigpicture.test_prepared import PLAN_WITH_PERSON, plan_with_person


def test_an_instance_has_its_related_instances_and_defers_the_rest(
    two_plans, django_assert_num_queries
):
    first = two_plans[0]
    with django_assert_num_queries(1):
        plan = instance(LearningPlan, PLAN_WITH_PERSON, plan_with_person(first.pk)[0])
        assert (plan.pk, plan.status, plan.student.pk) == (first.pk, first.status, first.student_id)
        assert plan.student.user.last_name == first.student.user.last_name
    assert plan == first and plan.get_deferred_fields() >= {"interests", "term_id"}
    with django_assert_num_queries(1):  # a field not read loads on access, as with only()
        assert plan.interests == first.interests


def test_an_instance_refuses_a_relation_whose_key_was_not_read(two_plans):
    row = LearningPlan.objects.filter(pk=two_plans[0].pk).values_list("pk", "term__name")[0]
    with pytest.raises(ValueError, match="term_id"):
        instance(LearningPlan, ("term__name",), row)


@within_reach
def students_seen(person, school: int):
    """Students a person may see, of a school (the argument after the person)."""
    students = Student.objects.visible_to(person).filter(school_id=school)
    return students.order_by("pk").values_list("pk", flat=True)


@within_reach
def placements_seen(person, student: int):
    placements = Placement.objects.visible_to(person).filter(student_id=student)
    return placements.order_by("pk").values_list("pk", flat=True)


def test_a_read_within_reach_gives_each_person_what_their_reach_gives(world):
    placement = factories.PlacementFactory(
        student=world.student, mentor=world.mentor_profile, status="active"
    )
    people = [
        *(world.admin, world.advisor, world.student.user, world.guardian, world.mentor),
        *(world.other_advisor, world.admin2, world.advisor2, AnonymousUser()),
    ]
    superuser = factories.UserFactory(school=None, is_superuser=True)
    for person in [*people, superuser]:
        for school in (world.school, world.school2):
            students = Student.objects.visible_to(person).filter(school_id=school.pk)
            expected = list(students.order_by("pk"))
            assert students_seen(person, school.pk) == [s.pk for s in expected], person
        placements = Placement.objects.visible_to(person).filter(student=world.student)
        expected = list(placements.order_by("pk"))
        assert placements_seen(person, world.student.pk) == [p.pk for p in expected], person
    assert placements_seen(world.mentor, world.student.pk) == [placement.pk]
    assert len(students_seen(world.admin, world.school.pk)) == 3  # every one of the school
    assert students_seen(world.guardian, world.school.pk) == [world.student.pk]
