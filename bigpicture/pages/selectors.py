"""Reads behind the pages that gather every app: the homes' sections that join apps, the
school overview."""

from django.core.cache import cache
from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import translation

from advisories.models import Advisory, Membership
from advisories.selectors import advisories_led_by
from bigpicture.models import School, SchoolYear, User
from bigpicture.selectors import current_year, with_year_levels
from expectations.selectors.attendance import today_sheets
from internships.selectors import home as internships_home
from students.models import Student
from students.selectors import own_profile
from students.selectors.roster import with_learning

UNPLACED_SHOWN = 25
OVER_CAPACITY_SHOWN = 50


def advisor_home(user) -> list[Advisory]:
    """The advisories a person leads (advisories), each roster student with their learning
    this term and what needs the advisor's attention (students), and today's attendance
    roll (expectations)."""
    advisories = advisories_led_by(user)
    memberships = [membership for advisory in advisories for membership in advisory.roster]
    if memberships:
        with_learning(memberships, user.school)
        # Today's roll of each advisory (expectations), taken from the home on a phone.
        rolls = today_sheets(advisories, user.school.today())
        for advisory, roll in zip(advisories, rolls, strict=True):
            advisory.roll = roll
    return advisories


def student_home(user) -> Student | None:
    """The signed-in student's profile, advisory and plan (students) with their internship
    now (internships)."""
    student = own_profile(user)
    if student is not None:
        student.internship = internships_home.student_home(student)
    return student


# Shared by everyone in a school and fine a minute old: kept that long, never per viewer.
OVERVIEW_CACHE_SECONDS = 60


def school_overview(school: School) -> dict:
    """The admin's view of a school: its summary is the same for every admin of it and may
    be a minute old, so it is kept for a minute (per school and language, never per viewer).
    """
    key = f"bigpicture:school:{school.pk}:overview:{translation.get_language()}"
    overview = cache.get(key)
    if overview is None:
        overview = _school_overview(school)
        cache.set(key, overview, OVERVIEW_CACHE_SECONDS)
    return {**overview, "school": school}


def _school_overview(school: School) -> dict:
    """Per graduating class: advisories, seats and students placed; every advisory over
    capacity; the students without an advisory; head counts per role. A fixed number of
    aggregate queries at any size."""
    year = current_year(school)
    unplaced = Student.objects.filter(school=school).without_advisory().select_related("user")
    counts = User.objects.filter(school=school, is_active=True).aggregate(
        admins=Count("pk", filter=Q(is_school_admin=True)),
        advisors=Count("pk", filter=Q(is_advisor=True)),
        students=Count("pk", filter=Q(is_student=True)),
        guardians=Count("pk", filter=Q(is_guardian=True)),
        mentors=Count("pk", filter=Q(is_mentor=True)),
    )
    over_capacity = list(
        Advisory.objects.filter(school=school)
        .over_capacity()
        .select_related("advisor", "school")
        .order_by("graduating_class", "name")[:OVER_CAPACITY_SHOWN]
    )
    classes = _classes(school, year)
    return {
        "year": year,
        "classes": classes,
        "advisory_count": sum(c["advisories"] for c in classes),
        "seat_count": sum(c["seats"] for c in classes),
        "placed_count": sum(c["placed"] for c in classes),
        "over_capacity": over_capacity,
        "unplaced": with_year_levels(unplaced[:UNPLACED_SHOWN], year),
        "unplaced_count": unplaced.count(),
        "counts": counts,
    }


def _classes(school: School, year: SchoolYear | None) -> list[dict]:
    """Per graduating class: advisories, their seats, and the students now placed in them."""
    seats = (
        Advisory.objects.filter(school=school)
        .values("graduating_class")
        .annotate(
            advisories=Count("pk"),
            seats=Sum(Coalesce("capacity", Value(school.advisory_capacity))),
        )
        .order_by("graduating_class")
    )
    placed = dict(
        Membership.objects.current()
        .filter(advisory__school=school)
        .values_list("advisory__graduating_class")
        .annotate(n=Count("pk"))
    )
    return [
        {
            **row,
            "placed": placed.get(row["graduating_class"], 0),
            "year_level": year.year_level(row["graduating_class"]) if year else None,
        }
        for row in seats
    ]
