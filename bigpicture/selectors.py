"""Reads behind the core pages: home sections, the school overview, the people list."""

from django.db.models import Count, Q

from advisories.models import Advisory
from bigpicture.models import School, SchoolYear, User
from students.models import Student

UNPLACED_SHOWN = 25


def current_year(school: School | None) -> SchoolYear | None:
    """The school year running now in a school (or the nearest one)."""
    if school is None:
        return None
    return SchoolYear.objects.current_for(school)


def with_year_levels(students, year: SchoolYear | None):
    """Attach each student's year level (101-401) for the given school year."""
    students = list(students)
    for student in students:
        student.year_level = year.year_level(student.graduating_class) if year else None
    return students


def school_overview(school: School) -> dict:
    """Advisories with their sizes (over capacity flagged), unplaced students, head counts."""
    year = current_year(school)
    advisories = list(
        Advisory.objects.filter(school=school).with_size().select_related("advisor", "school")
    )
    unplaced = Student.objects.filter(school=school).without_advisory().select_related("user")
    counts = User.objects.filter(school=school, is_active=True).aggregate(
        admins=Count("pk", filter=Q(is_school_admin=True)),
        advisors=Count("pk", filter=Q(is_advisor=True)),
        students=Count("pk", filter=Q(is_student=True)),
        guardians=Count("pk", filter=Q(is_guardian=True)),
        mentors=Count("pk", filter=Q(is_mentor=True)),
    )
    return {
        "school": school,
        "year": year,
        "advisories": advisories,
        "over_capacity": [a for a in advisories if a.is_over_capacity],
        "placed_count": sum(a.size for a in advisories),
        "unplaced": with_year_levels(unplaced[:UNPLACED_SHOWN], year),
        "unplaced_count": unplaced.count(),
        "counts": counts,
    }


def people_in(school: School, *, search: str = "", role: str = ""):
    """People of a school for the admin's directory, filtered by a search and a role."""
    from bigpicture.access import ROLE_FIELDS

    people = User.objects.filter(school=school)
    if role in ROLE_FIELDS:
        people = people.filter(**{ROLE_FIELDS[role]: True})
    for word in search.split():
        people = people.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
        )
    return people.order_by("last_name", "first_name", "pk")
