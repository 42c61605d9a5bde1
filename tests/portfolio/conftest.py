"""A student with years of history: each past term a plan with goals (some met) and evidence,
an exhibition with the panel's feedback, both narratives, reflections on the 10 Expectations;
each year an internship with confirmed days."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from expectations.models import Reflection
from students.models import Evidence, Exhibition, Feedback, Narrative, Panelist, PlanItem
from tests import factories

TERMS_A_YEAR = 4


def past_terms(world, count: int, skip: int = 0) -> list:
    """``count`` terms before the one running today (after the ``skip`` nearest ones), oldest
    first, inside the world's year."""
    today = world.school.today()
    terms = []
    for index in range(skip + count, skip, -1):
        start = world.term.start_date - timedelta(days=91 * index)
        terms.append(
            factories.TermFactory(
                school_year=world.year,
                name=f"Term -{index}",
                start_date=start,
                end_date=min(start + timedelta(days=85), today),
            )
        )
    return terms


def at(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def term_history(world, term, number: int) -> None:
    """One term of the world's student: a plan, its goals and evidence, an exhibition with
    feedback, the student's narrative and the advisor's (published), reflections."""
    student, advisor = world.student, world.advisor
    plan = factories.PlanFactory(student=student, term=term, status="approved")
    met = factories.PlanItemFactory(
        plan=plan,
        title=f"Build a hull {number}",
        progress=PlanItem.Progress.MET,
        goals=["empirical"],
    )
    factories.PlanItemFactory(plan=plan, title=f"Read {number}", goals=["communication"])
    Evidence.objects.create(
        item=met,
        title=f"Hull drawings {number}",
        url="https://example.org/hull",
        added_by=student.user,
    )
    exhibition = factories.ExhibitionFactory(
        student=student,
        term=term,
        title=f"Exhibition {number}",
        starts_at=at(term.end_date - timedelta(days=3)),
        status=Exhibition.Status.HELD,
        summary="Clear and confident.",
        created_by=advisor,
    )
    for role, level in ((Panelist.Role.ADVISOR, 3), (Panelist.Role.OUTSIDE, 4)):
        panelist = Panelist.objects.create(
            exhibition=exhibition,
            role=role,
            person=advisor if role == Panelist.Role.ADVISOR else None,
            name="" if role == Panelist.Role.ADVISOR else "Ms Reed",
        )
        Feedback.objects.create(
            exhibition=exhibition,
            panelist=panelist,
            ratings={"empirical": level, "communication": 2},
            recorded_by=advisor,
        )
    factories.NarrativeFactory(
        student=student,
        term=term,
        kind=Narrative.Kind.ADVISOR,
        author=advisor,
        sections={"empirical": f"Tested every hull {number}."},
        published_at=timezone.now(),
    )
    factories.NarrativeFactory(
        student=student,
        term=term,
        kind=Narrative.Kind.STUDENT,
        author=student.user,
        sections={"communication": f"I spoke up {number}."},
    )
    own = factories.ReflectionFactory(student=student, term=term)
    factories.RatingFactory(reflection=own, score=4)
    family = factories.ReflectionFactory(
        student=student, term=term, author=world.guardian, perspective=Reflection.Perspective.FAMILY
    )
    factories.RatingFactory(reflection=family, score=3)


def year_internship(world, first_term, number: int) -> None:
    placement = factories.PlacementFactory(
        student=world.student,
        site=world.mentor_profile.site,
        mentor=world.mentor_profile,
        status="completed",
        project=f"Restore dinghy {number}",
        start_on=first_term.start_date,
        end_on=first_term.end_date,
    )
    for day in range(3):
        factories.DailyLogFactory(
            placement=placement,
            on=first_term.start_date + timedelta(days=day + 1),
            checked_out_at=timezone.now(),
            review="confirmed",
            confirmed_hours=4,
        )


def history(world, years: int, before: int = 0) -> list:
    """``years`` years (four terms each) of the world's student's history, before the
    ``before`` years already made; the terms are numbered from the oldest of these."""
    terms = past_terms(world, years * TERMS_A_YEAR, skip=before * TERMS_A_YEAR)
    for number, term in enumerate(terms, start=1):
        term_history(world, term, number + 100 * before)
    for number in range(years):
        year_internship(world, terms[number * TERMS_A_YEAR], number + 1 + 100 * before)
    return terms


@pytest.fixture
def one_year(world):
    return history(world, 1)
