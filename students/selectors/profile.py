"""Reads behind the student pages and the student's and guardian's homes."""

from django.db.models import F, FilteredRelation, Prefetch, Q

from advisories.models import Membership
from bigpicture.links import link
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
_PK = 9_876_543_210  # stands in for each row's number: the link reversed once per page
CURRENT = Q(memberships__end_date__isnull=True)  # as ``Membership.objects.current()``
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


# What the list page shows of each student (``student_list(...).values_list(*...)``).
STUDENT_LIST_ROW = (
    *("pk", "graduating_class", "preferred_name", "user__first_name", "user__last_name"),
    *("advisory_pk", "advisory_name"),
)


class StudentListRow:
    """A student as the list page shows them: plain attributes, read once (no model
    instances, no per-row method calls in the template)."""

    __slots__ = (
        *("pk", "url", "display_name", "graduating_class", "year_level"),
        *("advisory_pk", "advisory_name"),
    )

    def __init__(self, pk, url, display_name, graduating_class, year_level, advisory):
        self.pk, self.url, self.display_name = pk, url, display_name
        self.graduating_class, self.year_level = graduating_class, year_level
        self.advisory_pk, self.advisory_name = advisory


def list_rows(rows, year) -> list[StudentListRow]:
    """One page of ``student_list`` read as ``STUDENT_LIST_ROW`` values, as the list shows
    it: each student's link, name, class, year level (in ``year``) and advisory now."""
    url = link("students:student-detail", _PK).partition(str(_PK))
    return [
        StudentListRow(
            pk,
            f"{url[0]}{pk}{url[2]}",
            f"{preferred or first} {last}".strip(),  # as ``Student.display_name``
            graduating_class,
            year.year_level(graduating_class) if year else None,
            (advisory_pk, advisory_name),
        )
        for pk, graduating_class, preferred, first, last, advisory_pk, advisory_name in rows
    ]


def student_list(user, *, search: str = "", unplaced: bool = False):
    """Students a person may see, with their current advisory (``advisory_pk`` and
    ``advisory_name``, None for none), for the list page (paged): their name, link, class
    and year level, not their profile."""
    students = (
        Student.objects.visible_to(user)
        .select_related("user")
        .only(
            *("school_id", "user_id", "graduating_class", "preferred_name"),
            *("user__first_name", "user__last_name"),
        )
        # The advisory now (at most one current membership each): its pk and name joined
        # in, no second read.
        .annotate(current=FilteredRelation("memberships", condition=CURRENT))
        .annotate(advisory_pk=F("current__advisory_id"), advisory_name=F("current__advisory__name"))
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
        # The current membership (one at most each), its advisory and advisor joined in.
        .annotate(current=FilteredRelation("memberships", condition=CURRENT))
        .annotate(**{name: F(f"current__{path}") for name, path in CURRENT_COLUMNS.items()})
        .order_by("user__first_name", "pk")
    )
    for student in students:
        student.school = guardian.school
        student.current_memberships = _current_membership(student)
    return with_current_plans(
        with_levels_and_advisory(students, current_year(guardian.school)), guardian.school
    )


CURRENT_COLUMNS = {  # what the homes show of the advisory now, as ``CURRENT_ADVISORY``
    "current_advisory_id": "advisory_id",
    "current_advisory_name": "advisory__name",
    "current_advisor_first_name": "advisory__advisor__first_name",
    "current_advisor_last_name": "advisory__advisor__last_name",
    "current_advisor_email": "advisory__advisor__email",
}


class CurrentAdvisor:
    """The advisor of a child's advisory as the guardian's home shows them."""

    __slots__ = ("email", "first_name", "last_name")

    def __init__(self, first_name, last_name, email):
        self.first_name, self.last_name, self.email = first_name, last_name, email

    def __str__(self) -> str:  # as the person's str()
        return f"{self.first_name} {self.last_name}".strip() or self.email


class CurrentAdvisory:
    """A child's advisory now: its name and advisor."""

    __slots__ = ("advisor", "name", "pk")

    def __init__(self, pk, name, advisor):
        self.pk, self.name, self.advisor = pk, name, advisor


class CurrentMembership:
    """A child's current membership as the guardian's home shows it (``CURRENT_COLUMNS``)."""

    __slots__ = ("advisory",)

    def __init__(self, advisory):
        self.advisory = advisory


def _current_membership(student: Student) -> list[CurrentMembership]:
    """The joined-in current membership (``CURRENT_COLUMNS``) as plain values: a list of
    one, with its advisory and advisor, or empty."""
    if student.current_advisory_id is None:
        return []
    advisor = CurrentAdvisor(
        student.current_advisor_first_name,
        student.current_advisor_last_name,
        student.current_advisor_email,
    )
    advisory = CurrentAdvisory(student.current_advisory_id, student.current_advisory_name, advisor)
    return [CurrentMembership(advisory)]


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
