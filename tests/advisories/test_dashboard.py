"""The advisor's home: each student's plan this term, what comes next, and the flags."""

from datetime import timedelta

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bigpicture.pages.selectors import advisor_home
from students.models import LearningPlan, PlanItem
from tests import factories


def roster_students(advisor):
    (advisory,) = advisor_home(advisor)
    return {m.student.pk: m.student for m in advisory.roster}


def test_each_student_shows_plan_progress_and_what_comes_next(world):
    plan = factories.PlanFactory(
        student=world.student,
        term=world.term,
        status=LearningPlan.Status.SUBMITTED,
        submitted_at=timezone.now() - timedelta(days=9),
    )
    factories.PlanItemFactory(plan=plan, progress=PlanItem.Progress.MET, goals=["social"])
    factories.PlanItemFactory(plan=plan, goals=["social"])
    meeting = factories.MeetingFactory(
        student=world.student, term=world.term, advisor=world.advisor
    )
    exhibition = factories.ExhibitionFactory(student=world.student, term=world.term)
    student = roster_students(world.advisor)[world.student.pk]
    assert (student.plan.pk, student.plan.url) == (plan.pk, plan.get_absolute_url())
    assert (student.plan.items_met, student.plan.items_total) == (1, 2)
    assert student.plan.progress == "1 of 2"
    assert (student.next_meeting.pk, student.next_meeting.url) == (
        meeting.pk,
        meeting.get_absolute_url(),
    )
    assert student.next_meeting.starts_at == meeting.starts_at
    assert (student.next_exhibition.pk, student.next_exhibition.url) == (
        exhibition.pk,
        exhibition.get_absolute_url(),
    )
    assert student.flags == ["Waiting for review over 7 days"]


def test_a_student_without_plan_or_meeting_is_flagged(world):
    student = roster_students(world.advisor)[world.student.pk]
    assert student.plan is None
    assert student.flags == ["No plan this term", "No meeting scheduled this term"]


def test_a_recent_submission_and_a_cancelled_meeting(world):
    factories.PlanFactory(
        student=world.student,
        term=world.term,
        status=LearningPlan.Status.SUBMITTED,
        submitted_at=timezone.now() - timedelta(days=2),
    )
    factories.MeetingFactory(
        student=world.student, term=world.term, advisor=world.advisor, status="cancelled"
    )
    student = roster_students(world.advisor)[world.student.pk]
    assert student.flags == ["No meeting scheduled this term"]
    assert student.next_meeting is None


def test_the_home_costs_the_same_queries_for_a_small_and_a_large_advisory(client, world):
    def fill(advisory, size):
        for _number in range(size):
            student = factories.MembershipFactory(advisory=advisory).student
            plan = factories.PlanFactory(student=student, term=world.term)
            factories.PlanItemFactory(plan=plan, goals=["empirical"])
            factories.MeetingFactory(student=student, term=world.term, advisor=advisory.advisor)
            factories.ExhibitionFactory(student=student, term=world.term)

    small = factories.AdvisoryFactory(school=world.school)
    large = factories.AdvisoryFactory(school=world.school)
    fill(small, 2)
    fill(large, 15)
    counts = []
    for advisory in (small, large):
        client.force_login(advisory.advisor)
        cache.clear()  # the school's shared data read afresh
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("bigpicture:home")).content.decode()
        counts.append(len(queries))
        assert page.count("0 of 1") == advisory.memberships.count()  # goals met of total
    assert counts[0] == counts[1]
