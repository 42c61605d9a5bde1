"""The demo school: deterministic, realistic, and rebuilt cleanly on every run."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import RequestFactory

from advisories.models import Advisory, Membership
from bigpicture.demo import DEMO_PASSWORD, build_demo_school
from bigpicture.models import School, SchoolYear, Term, User
from students.models import GuardianLink, Student

pytestmark = pytest.mark.django_db


def _snapshot():
    people = User.objects.filter(school__slug="demo").values_list("email", "first_name", "phone")
    return sorted((email or "", first, str(phone)) for email, first, phone in people)


def test_same_seed_builds_the_same_school():
    build_demo_school(students=60, seed=7)
    first = _snapshot()
    build_demo_school(students=60, seed=7)
    assert _snapshot() == first
    assert School.objects.filter(slug="demo").count() == 1


def test_every_family_has_a_phone_and_a_few_are_reached_only_by_phone():
    build_demo_school(students=120, seed=2026)
    families = User.objects.filter(school__slug="demo", is_guardian=True)
    assert not families.filter(phone="").exists()
    by_phone = families.filter(email__isnull=True)
    assert 1 <= by_phone.count() <= families.count() // 10
    assert not any(person.has_usable_password() for person in by_phone)
    assert all(str(person.phone).startswith("+1401555") for person in families)


def test_demo_school_has_what_the_pages_need():
    logins = build_demo_school(students=120, seed=2026)
    school = School.objects.get(slug="demo")
    assert SchoolYear.objects.filter(school=school).count() == 4
    classes = set(Student.objects.filter(school=school).values_list("graduating_class", flat=True))
    assert len(classes) == 4
    year = SchoolYear.objects.current_for(school)
    assert {year.year_level(c) for c in classes} == {101, 201, 301, 401}

    advisories = list(Advisory.objects.filter(school=school).with_size().select_related("school"))
    assert all(11 <= a.size <= 17 for a in advisories)
    assert len({a.advisor_id for a in advisories}) == len(advisories)
    over = [a for a in advisories if a.is_over_capacity]
    assert len(over) == 1
    overrides = Membership.objects.filter(advisory=over[0], over_capacity_override=True)
    assert overrides.exists()
    assert all(m.override_reason and m.created_by_id for m in overrides)

    transferred = (
        Membership.objects.filter(advisory__school=school)
        .values("student")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert transferred.count() == 1
    assert Student.objects.filter(school=school).without_advisory().count() >= 1

    guardians = User.objects.filter(school=school, is_guardian=True)
    assert guardians.filter(language="es").exists()
    assert guardians.filter(language="en").exists()
    assert (
        GuardianLink.objects.filter(student__school=school)
        .values("guardian")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .exists()
    ), "some families have two children at the school"

    for role in ("admin", "advisor", "student", "guardian", "mentor"):
        request = RequestFactory().post("/accounts/login/")
        user = authenticate(request, username=getattr(logins, role), password=DEMO_PASSWORD)
        assert user is not None, role
        assert role in user.roles
    guardian = User.objects.get(email=logins.guardian)
    assert guardian.language == "es"
    assert guardian.guardian_links.count() == 2


def test_command_prints_one_login_per_role():
    out = StringIO()
    call_command("seed_demo", students=40, stdout=out)
    text = out.getvalue()
    for role in ("admin", "advisor", "student", "guardian", "mentor"):
        assert f"{role}@demo.bigpicture.school" in text
    assert DEMO_PASSWORD in text


def test_command_refuses_a_tiny_school():
    with pytest.raises(CommandError):
        call_command("seed_demo", students=3, stdout=StringIO())


def test_demo_school_has_learning_history_and_this_term_in_every_state():
    from bigpicture.selectors import current_term
    from students.models import (
        Evidence,
        Exhibition,
        LearningPlan,
        Narrative,
        PlanMeeting,
        PlanRevision,
    )

    build_demo_school(students=60, seed=2026)
    school = School.objects.get(slug="demo")
    term = current_term(school)
    senior = Student.objects.get(user__email__startswith="student@")
    plans = LearningPlan.objects.filter(student=senior)
    assert plans.count() >= 12  # a senior: three years and more of plans, term by term
    assert plans.get(term=term).status == LearningPlan.Status.DRAFT
    this_term = set(
        LearningPlan.objects.filter(student__school=school, term=term).values_list(
            "status", flat=True
        )
    )
    assert this_term == set(LearningPlan.Status.values)
    placed = Student.objects.filter(school=school).exclude(
        pk__in=Student.objects.filter(school=school).without_advisory()
    )
    assert placed.exclude(plans__term=term).exists()  # some have no plan yet: flagged
    assert PlanRevision.objects.filter(plan__student=senior, action="approved").exists()
    assert Evidence.objects.filter(item__plan__student=senior).exclude(file="").count() == 1
    assert PlanMeeting.objects.filter(student__school=school, status="held").exists()
    assert PlanMeeting.objects.filter(student__school=school, status="scheduled").exists()
    assert Narrative.objects.filter(student=senior, published_at__isnull=False).exists()
    held = Exhibition.objects.filter(student__school=school, status="held")
    assert held.filter(feedback__isnull=False).exists()
    assert held.filter(gateway="year_two").exclude(outcome="").exists()


def test_demo_school_has_internships_in_every_state_with_months_of_logs():
    from internships.models import DailyLog, Mentor, Placement, Site

    logins = build_demo_school(students=120, seed=2026)
    school = School.objects.get(slug="demo")
    statuses = set(
        Placement.objects.filter(student__school=school).values_list("status", flat=True)
    )
    assert statuses == set(Placement.Status.values)
    mine = Placement.objects.get(student__user__email=logins.student)
    assert (mine.status, mine.mentor.user.email) == ("active", logins.mentor)
    assert mine.logs.filter(review=DailyLog.Review.CLAIMED).exists()  # for the mentor to confirm
    first, last = (mine.logs.order_by(o).first().on for o in ("on", "-on"))
    assert (last - first).days > 40  # months of logs
    waiting = Placement.objects.filter(
        student__guardian_links__guardian__email=logins.guardian, status="approved"
    )
    assert waiting.exists()  # the demo family has a consent to give
    today = school.today()
    refusals = [m.placement_refusal(today) for m in Mentor.objects.filter(site__school=school)]
    assert any("expired" in r for r in refusals)
    assert Site.objects.filter(school=school).count() >= 10


def _expectations_of_the_demo(logins):
    """What the demo promises of the 10 Expectations, on the day it was built."""
    from expectations.models import (
        AttendanceMark,
        AttendanceSheet,
        CheckIn,
        Engagement,
        Rating,
        Reflection,
        ReflectionWindow,
        WorkTag,
    )

    school = School.objects.get(slug="demo")
    today = school.today()
    terms = Term.objects.of_school(school.pk).select_related("school_year", "reflection_window")
    assert all(t.reflection_window.due_on == t.end_date - timedelta(days=7) for t in terms)
    assert ReflectionWindow.objects.filter(term__school_year__school=school).count() == 16

    # The demo student: their own reflection on every term closed since they came, each
    # with the ten ratings, written in their advisory and year level of the term.
    student = Student.objects.get(user__email=logins.student)
    closed = [
        t for t in terms if t.reflection_window.due_on < today and t.end_date >= student.enrolled_on
    ]
    assert len(closed) >= 8  # a senior: years of reflections
    own = Reflection.objects.filter(student=student, perspective="student")
    by_term = {r.term_id: r for r in own.annotate(n=Count("ratings"))}
    for term in closed:
        reflection = by_term[term.pk]
        assert reflection.n == 10
        assert reflection.advisory_id is not None
        assert reflection.year_level == term.school_year.year_level(student.graduating_class)
    assert Reflection.objects.filter(student=student, perspective="advisor").exists()

    ratings = Rating.objects.filter(reflection__student__school=school)
    scores = dict(ratings.values_list("score").annotate(n=Count("pk")))
    assert set(scores) >= {2, 3, 4, 5}
    assert scores[3] + scores[4] + scores[5] > 0.9 * sum(scores.values())
    assert ratings.filter(reflection__perspective="student", shared=True).exclude(comment="")
    assert ratings.filter(reflection__perspective="family").exists()

    # Attendance: the demo advisor's roll taken every school day before today (not today's:
    # theirs to take), a few marks of each kind, excused ones with a note.
    advisor = User.objects.get(email=logins.advisor)
    sheets = AttendanceSheet.objects.filter(advisory__advisor=advisor)
    assert sheets.count() > 100
    assert not sheets.filter(on__gte=today).exists()
    marks = AttendanceMark.objects.filter(sheet__advisory__school=school)
    assert set(marks.values_list("status", flat=True)) == {"absent", "late", "excused"}
    assert not marks.filter(status="excused", note="").exists()
    rolls = AttendanceSheet.objects.filter(advisory__school=school).count()
    assert 0.03 * rolls * 15 < marks.count() < 0.15 * rolls * 15  # most mornings present

    # Work tagged with the expectations it serves, of every kind; a few check-ins.
    tags = WorkTag.objects.filter(student__school=school)
    for kind in ("item", "placement", "exhibition"):
        assert tags.filter(**{f"{kind}__isnull": False}).exists(), kind
    assert tags.filter(student=student).exists()
    assert CheckIn.objects.filter(student__school=school).exists()

    # The early warning, computed: some on watch, and a student of the demo advisor's who
    # calls them to act.
    statuses = Engagement.objects.filter(student__school=school)
    assert statuses.filter(status="watch").exists()
    mine = statuses.filter(
        student__memberships__advisory__advisor=advisor, student__memberships__end_date=None
    )
    assert mine.filter(status="act").exists()
    return school, today


def test_demo_school_has_reflections_attendance_tags_and_an_early_warning():
    from expectations.models import Reflection

    logins = build_demo_school(students=120, seed=2026)
    school, today = _expectations_of_the_demo(logins)
    # This term's reflections only partly done while they are open.
    term = Term.objects.current_for(school, today=today)
    placed = Student.objects.filter(school=school).exclude(
        pk__in=Student.objects.filter(school=school).without_advisory()
    )
    written = Reflection.objects.filter(term=term, perspective="student")
    if term.start_date < today <= term.reflection_window.due_on:
        assert 0 < written.count() < placed.count()
    # Spanish-speaking families answer in Spanish.
    assert written.model.objects.filter(
        student__school=school, perspective="family", author__language="es"
    ).filter(ratings__comment__startswith="Nuestro")


def test_demo_reflections_are_the_same_with_the_same_seed():
    from expectations.models import AttendanceMark, Rating

    def ratings():
        rows = Rating.objects.filter(reflection__student__school__slug="demo")
        marks = AttendanceMark.objects.filter(student__school__slug="demo")
        return (
            sorted(rows.values_list("reflection__student__user__email", "score", "comment")),
            sorted(marks.values_list("student__user__email", "sheet__on", "status")),
        )

    build_demo_school(students=40, seed=5)
    first = ratings()
    build_demo_school(students=40, seed=5)
    assert ratings() == first


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2027, 1, 24, 5, 0, tzinfo=UTC),  # a term's first day, just after midnight
        datetime(2027, 7, 15, 16, 0, tzinfo=UTC),  # the summer break
        datetime(2027, 8, 25, 12, 0, tzinfo=UTC),  # the school year's first day
    ],
    ids=lambda moment: f"{moment:%Y-%m-%d}",
)
def test_demo_expectations_hold_in_term_and_in_the_break(moment):
    with time_machine.travel(moment, tick=False):
        _expectations_of_the_demo(build_demo_school(students=40, seed=2026))
