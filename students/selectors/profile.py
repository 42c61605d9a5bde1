"""Reads behind the student pages and the student's and guardian's homes."""

import phonenumbers
from django.conf import settings
from django.db.models import F, FilteredRelation, Q

from advisories.models import Membership
from bigpicture.links import link
from bigpicture.names import display_name
from bigpicture.prepared import Rows, instance, prepared, within_reach
from bigpicture.selectors import current_term, current_year
from students.models import GuardianLink, LearningPlan, Student
from students.selectors.plans import with_progress_counts

_PK = 9_876_543_210  # stands in for each row's number: the link reversed once per page
CURRENT = Q(memberships__end_date__isnull=True)  # as ``Membership.objects.current()``


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
            display_name(preferred, first, last),
            graduating_class,
            year.year_level(graduating_class) if year else None,
            (advisory_pk, advisory_name),
        )
        for pk, graduating_class, preferred, first, last, advisory_pk, advisory_name in rows
    ]


def _students_seen(person):
    students = (
        Student.objects.visible_to(person)
        # The advisory now (at most one current membership each): its pk and name joined
        # in, no second read.
        .annotate(current=FilteredRelation("memberships", condition=CURRENT))
        .annotate(advisory_pk=F("current__advisory_id"), advisory_name=F("current__advisory__name"))
    )
    if person.school_id:
        # Naming the school on the person too lets the database walk the people-by-name
        # index and stop after one page, instead of sorting the whole school.
        students = students.filter(user__school_id=person.school_id)
    return students.order_by("user__last_name", "user__first_name", "user_id")


@within_reach
def _student_list(person):
    return _students_seen(person).values_list(*STUDENT_LIST_ROW)


@within_reach
def _unplaced_list(person):
    return _students_seen(person).without_advisory().values_list(*STUDENT_LIST_ROW)


def student_list(user, *, search: str = "", unplaced: bool = False):
    """Students a person may see, with their current advisory, for the list page (paged):
    rows of ``STUDENT_LIST_ROW`` (made into ``StudentListRow`` by ``list_rows`` once the
    page is cut): their name, link, class and year level, not their profile. Prepared
    (``Rows``) but for a search, whose words make each query another."""
    if not search.split():
        return Rows(_unplaced_list if unplaced else _student_list, user)
    students = _students_seen(user)
    if unplaced:
        students = students.without_advisory()
    for word in search.split():
        students = students.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(preferred_name__icontains=word)
            | Q(user__email__icontains=word)
        )
    return students.values_list(*STUDENT_LIST_ROW)


# What the profile page shows of a student, their advisories over time and their family.
PROFILE_COLUMNS = (
    *("user_id", "school_id", "graduating_class", "preferred_name"),
    *("interests", "talents", "needs", "learning_style", "motivation"),
    *("user__first_name", "user__last_name", "user__email"),
)
HISTORY_COLUMNS = (
    *("advisory_id", "student_id", "start_date", "end_date"),
    *("over_capacity_override", "override_reason"),
    *("advisory__name", "advisory__advisor_id", "advisory__advisor__first_name"),
    *("advisory__advisor__last_name", "advisory__advisor__email"),
)
FAMILY_COLUMNS = (
    *("student_id", "guardian_id", "relationship"),
    *("is_primary_contact", "lives_with_student", "receives_reminders"),
    *("guardian__first_name", "guardian__last_name", "guardian__email", "guardian__language"),
    *("guardian__phone", "guardian__is_active"),
)


@within_reach
def _profile(person, student: int):
    students = Student.objects.visible_to(person).filter(pk=student)
    return students.values_list("pk", *PROFILE_COLUMNS)


@prepared
def _advisory_history(student: int):
    memberships = Membership.objects.filter(student_id=student).order_by("-start_date", "-pk")
    return memberships.values_list("pk", *HISTORY_COLUMNS)


@prepared
def _family(student: int):
    links = GuardianLink.objects.filter(student_id=student)
    links = links.order_by("-is_primary_contact", "guardian__last_name", "pk")
    return links.values_list("pk", *FAMILY_COLUMNS)


def profile_in_reach(user, pk: int) -> Student | None:
    """A student as their profile page shows them if the person may see them
    (``visible_to``), else None: with their person; the other columns load on access."""
    rows = _profile(user, pk)
    return instance(Student, PROFILE_COLUMNS, rows[0]) if rows else None


class Contact:
    """How to reach a family member, as a page shows it: the email address (for a mailto:
    link) and the phone, shown in the school country's way with its E.164 form for a tel:
    link. ``by_email``: whether email reaches them (an address, an account not switched off)."""

    __slots__ = ("by_email", "email", "phone", "phone_href")

    def __init__(self, email, phone, is_active=True):
        self.email = email or ""
        self.by_email = bool(email) and is_active
        self.phone, self.phone_href = phone_shown(phone), phone.as_e164 if phone else ""


def phone_shown(phone) -> str:
    """A phone number as people of the school's country dial it: in the national format for
    a number of that country, else with its country code."""
    if not phone:
        return ""
    if not phone.is_valid():
        return str(phone.raw_input or phone)
    region = phonenumbers.region_code_for_number(phone)
    if region == settings.PHONENUMBER_DEFAULT_REGION:
        return phone.as_national
    return phone.as_international


def with_contacts(links: list, viewer, *, leads: bool) -> list:
    """Give each guardian link the ``contact`` the viewer may read: every guardian's for whoever
    runs the student's learning (advisor, admin); a guardian only their own (another
    family member's phone is not theirs to read); None otherwise."""
    for link_ in links:
        guardian = link_.guardian
        mine = viewer.is_authenticated and guardian.pk == viewer.pk
        link_.contact = (
            Contact(guardian.email, guardian.phone, guardian.is_active) if leads or mine else None
        )
    return links


def student_detail(student: Student, viewer=None, *, leads: bool = False) -> dict:
    """A student's profile page: advisory history (each with its advisory and advisor),
    guardians (each with their person, and the contacts the viewer may read:
    ``with_contacts``), year level: two reads of the columns shown."""
    year = current_year(student.school)
    history = [instance(Membership, HISTORY_COLUMNS, row) for row in _advisory_history(student.pk)]
    links = [instance(GuardianLink, FAMILY_COLUMNS, row) for row in _family(student.pk)]
    if viewer is not None:
        with_contacts(links, viewer, leads=leads)
    return {
        "year": year,
        "year_level": year.year_level(student.graduating_class) if year else None,
        "current_membership": next((m for m in history if m.is_current), None),
        "history": history,
        "guardian_links": links,
    }


CURRENT_COLUMNS = {  # what the homes show of the advisory now and its advisor
    "current_advisory_id": "advisory_id",
    "current_advisory_name": "advisory__name",
    "current_advisor_first_name": "advisory__advisor__first_name",
    "current_advisor_last_name": "advisory__advisor__last_name",
    "current_advisor_email": "advisory__advisor__email",
}


@prepared
def _children(guardian: int, school: int):
    # each child with their current membership (one at most), its advisory and advisor
    return (
        Student.objects.filter(guardian_links__guardian_id=guardian, school_id=school)
        .annotate(current=FilteredRelation("memberships", condition=CURRENT))
        .order_by("user__first_name", "pk")
        .values_list(
            *("pk", "graduating_class", "preferred_name", "user__first_name", "user__last_name"),
            *(f"current__{path}" for path in CURRENT_COLUMNS.values()),
        )
    )


class Child:
    """A guardian's child as their home shows them: plain attributes, read once."""

    __slots__ = (
        *("pk", "graduating_class", "display_name", "url", "year_level"),
        *("current_membership", "current_term", "current_plan"),
    )

    def __init__(self, pk, graduating_class, display_name, url, year_level, membership):
        self.pk, self.graduating_class, self.display_name = pk, graduating_class, display_name
        self.url, self.year_level, self.current_membership = url, year_level, membership
        self.current_term = self.current_plan = None

    def get_absolute_url(self) -> str:
        return self.url


def children_of(guardian) -> list[Child]:
    """A guardian's children with their advisory, advisor, year level and this term's plan
    (only what the home shows of each; their school is the guardian's): two reads."""
    year = current_year(guardian.school)
    url = link("students:student-detail", _PK).partition(str(_PK))
    children = []
    for pk, graduating_class, preferred, first, last, *advisory in _children(
        guardian.pk, guardian.school_id
    ):
        children.append(
            Child(
                pk,
                graduating_class,
                display_name(preferred, first, last),
                f"{url[0]}{pk}{url[2]}",
                year.year_level(graduating_class) if year else None,
                _membership(*advisory),
            )
        )
    return with_current_plans(children, guardian.school)


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


def _membership(advisory_id, name, first_name, last_name, email) -> CurrentMembership | None:
    """A current membership as the homes show it (``CURRENT_COLUMNS``), or None."""
    if advisory_id is None:
        return None
    advisor = CurrentAdvisor(first_name, last_name, email)
    return CurrentMembership(CurrentAdvisory(advisory_id, name, advisor))


class CurrentPlan:
    """A student's plan for the term running now as the homes show it: its status and
    goals met of total."""

    __slots__ = ("items_met", "items_total", "pk", "status", "status_label", "student_id", "url")

    def __init__(self, pk, student_id, status, status_label, items_total, items_met, url):
        self.pk, self.student_id, self.status, self.status_label = (
            pk,
            student_id,
            status,
            status_label,
        )
        self.items_total, self.items_met, self.url = items_total, items_met, url

    def get_absolute_url(self) -> str:
        return self.url


@prepared
def _plans_this_term(students: list[int], term: int):
    plans = LearningPlan.objects.filter(student_id__in=students, term_id=term)
    return with_progress_counts(plans).values_list(
        "pk", "student_id", "status", "items_total", "items_met"
    )


def with_current_plans(students: list, school) -> list:
    """Attach each student's plan for the term running now (a ``CurrentPlan``, or None) and
    the term, in one query."""
    term = current_term(school)
    plans = {}
    if term is not None and students:
        url = link("students:plan-detail", _PK).partition(str(_PK))
        labels = {value: str(label) for value, label in LearningPlan.Status.choices}
        for pk, student_id, status, total, met in _plans_this_term(
            [student.pk for student in students], term.pk
        ):
            plans[student_id] = CurrentPlan(
                pk, student_id, status, labels[status], total, met, f"{url[0]}{pk}{url[2]}"
            )
    for student in students:
        student.current_term = term
        student.current_plan = plans.get(student.pk)
    return students


@prepared
def _current_advisories(students: list[int]):
    return (
        Membership.objects.current()
        .filter(student_id__in=students)
        .values_list("student_id", *CURRENT_COLUMNS.values())
    )


def _with_current_memberships(students: list[Student]) -> None:
    """What the homes show of the few students' advisory now (``CURRENT_COLUMNS``): one flat
    read of their current memberships (one at most each), as ``current_memberships``."""
    by_pk = {student.pk: student for student in students}
    for student in students:
        student.current_memberships = []
    if by_pk:
        for student_id, *advisory in _current_advisories(list(by_pk)):
            by_pk[student_id].current_memberships.append(_membership(*advisory))


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
