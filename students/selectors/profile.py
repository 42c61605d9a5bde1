"""Reads behind the student pages and the student's and guardian's homes."""

from django.db.models import Prefetch, Q

from advisories.models import Membership
from bigpicture.selectors import current_term, current_year
from students.models import GuardianLink, LearningPlan, Student
from students.selectors.plans import with_progress_counts

# The advisory now and its advisor, with only what the pages show of them (the advisory's
# name, the advisor's name and email).
CURRENT_ADVISORY = Prefetch(
    "memberships",
    queryset=Membership.objects.current()
    .select_related("advisory__advisor")
    .only(
        "student_id",
        "advisory__name",
        "advisory__advisor__first_name",
        "advisory__advisor__last_name",
        "advisory__advisor__email",
    ),
    to_attr="current_memberships",
)
GUARDIANS = Prefetch(
    "guardian_links",
    queryset=GuardianLink.objects.select_related("guardian").order_by(
        "-is_primary_contact", "guardian__last_name", "pk"
    ),
)


def with_levels_and_advisory(students, year):
    """Attach each student's year level and current membership (prefetched) for display."""
    students = list(students)
    for student in students:
        student.year_level = year.year_level(student.graduating_class) if year else None
        current = getattr(student, "current_memberships", None)
        student.current_membership = current[0] if current else None
    return students


def student_list(user, *, search: str = "", unplaced: bool = False):
    """Students a person may see, with their current advisory, for the list page (paged):
    their name, link, class and year level, not their profile."""
    students = (
        Student.objects.visible_to(user)
        .select_related("user")
        .only(
            *("school_id", "user_id", "graduating_class", "preferred_name"),
            *("user__first_name", "user__last_name"),
        )
        .prefetch_related(CURRENT_ADVISORY)
    )
    if unplaced:
        students = students.without_advisory()
    for word in search.split():
        students = students.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(preferred_name__icontains=word)
            | Q(user__email__icontains=word)
        )
    if user.school_id:
        # Naming the school on the person too lets the database walk the people-by-name
        # index and stop after one page, instead of sorting the whole school.
        students = students.filter(user__school_id=user.school_id)
    return students.order_by("user__last_name", "user__first_name", "user_id")


STUDENT_DETAIL = ("year", "year_level", "current_membership", "history", "guardian_links")


def student_detail(student: Student) -> dict:
    """A student's profile page: advisory history, guardians, year level."""
    year = current_year(student.school)
    history = list(
        student.memberships.select_related("advisory__advisor").order_by("-start_date", "-pk")
    )
    current = next((m for m in history if m.is_current), None)
    return {
        "year": year,
        "year_level": year.year_level(student.graduating_class) if year else None,
        "current_membership": current,
        "history": history,
        "guardian_links": list(
            student.guardian_links.select_related("guardian").order_by(
                "-is_primary_contact", "guardian__last_name", "pk"
            )
        ),
    }


def children_of(guardian) -> list[Student]:
    """A guardian's children with their advisory, advisor and year level (and only what the
    home shows of each: their name, class and link; their school is the guardian's)."""
    students = list(
        Student.objects.filter(guardian_links__guardian=guardian, school_id=guardian.school_id)
        .select_related("user")
        .only(
            "pk",
            "school_id",
            "graduating_class",
            "preferred_name",
            "user__first_name",
            "user__last_name",
        )
        .order_by("user__first_name", "pk")
    )
    for student in students:
        student.school = guardian.school
    _with_current_memberships(students)
    return with_current_plans(
        with_levels_and_advisory(students, current_year(guardian.school)), guardian.school
    )


def with_current_plans(students: list[Student], school) -> list[Student]:
    """Attach each student's plan for the term running now (or None), in one query."""
    term = current_term(school)
    plans = {}
    if term is not None and students:
        this_term = LearningPlan.objects.filter(
            student_id__in=[student.pk for student in students], term=term
        ).only("pk", "student_id", "term_id", "status")  # what the homes show of it
        plans = {plan.student_id: plan for plan in with_progress_counts(this_term)}
    for student in students:
        student.current_term = term
        student.current_plan = plans.get(student.pk)
    return students


def _with_current_memberships(students: list[Student]) -> None:
    """``CURRENT_ADVISORY`` for the homes' few students: one flat read of their current
    memberships (one at most each), without the prefetch machinery."""
    by_pk = {student.pk: student for student in students}
    for student in students:
        student.current_memberships = []
    if by_pk:
        memberships = CURRENT_ADVISORY.queryset.filter(student_id__in=by_pk)
        for membership in memberships:
            by_pk[membership.student_id].current_memberships.append(membership)


def own_profile(user) -> Student | None:
    """The student profile of the signed-in student (read with the person at sign-in), with
    their advisory and this term's plan (their internship is added by the home page, which
    gathers every app). The home shows no guardians."""
    try:
        student = user.student_profile
    except Student.DoesNotExist:
        return None
    if student.school_id == user.school_id:
        student.school = user.school  # already loaded with the person
    _with_current_memberships([student])
    students = with_levels_and_advisory([student], current_year(user.school))
    return with_current_plans(students, user.school)[0]
