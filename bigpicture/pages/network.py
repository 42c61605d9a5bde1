"""The network admin's overview: one row per school with what a network leader compares
across schools, every figure counted in the database, each query grouped by school (a fixed
number of queries, whatever the number of schools).

Each figure keeps the definition of the page a school's own people read it on, so a school's
row agrees with that page (tests/bigpicture/test_network_overview.py holds them together):

- Students: students now in an advisory of the school (an open membership), the school
  overview's "students placed".
- Advisories: the school's advisories, the school overview's count.
- Active internships: internships of those students the mentor took on and whose first day
  has come (the internships report's "active"); "in an internship" is the share of the
  students with at least one.
- Plans waiting: those students' learning plans submitted and waiting for their advisor's
  review (the advisors' "waiting for you" lists, every term); "over 7 days" counts those
  submitted before the school's day seven days ago began (the plans report's bands).
- Attendance: over the school's last 30 school days (the days any of its advisories took
  the roll, within the last half year), the share of student-days on a roll with no absent,
  late or excused mark (the expectations report's "present rate"). A student-day is a
  student on an advisory's roll the day it was taken.
- Early warning: those students whose last computed status is "watch" or "act" (the early
  warning page's counts).
- Mentor checks: mentors whose cleared background check runs out within 30 days, or has run
  out while an internship of theirs is open (the admin's "waiting for you" list).

"Today" is each school's own day, in its time zone.
"""

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date, timedelta

from django.db.models import (
    Case,
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from advisories.models import Advisory, Membership
from bigpicture.models import School
from bigpicture.pages.reports.tables import share
from expectations.models import AttendanceMark, AttendanceSheet
from expectations.selectors.engagement import WATCHED
from internships.models import Mentor, Placement
from internships.report import active_on
from internships.selectors.waiting import CHECK_WARNING
from students.models import LearningPlan
from students.report import waiting_since

SCHOOL_DAYS = 30  # the attendance window: the school's last 30 days with a roll taken ...
LOOK_BACK = timedelta(days=183)  # ... within the last half year (a summer break included)
LATE_AFTER_DAYS = 7  # a plan waiting longer than this is late


@dataclass
class Figures:
    """A school's figures (or the network's, summed), each counted in the database."""

    students: int = 0
    advisories: int = 0
    internships: int = 0
    interns: int = 0
    plans_waiting: int = 0
    plans_late: int = 0
    student_days: int = 0
    marked: int = 0
    flagged: int = 0
    checks_due: int = 0

    @property
    def interns_share(self) -> str:
        """The share of the students with an active internship."""
        return share(self.interns, self.students).text

    @property
    def attendance(self) -> str:
        """The share of student-days with no mark (a dash without a roll taken)."""
        return share(max(self.student_days - self.marked, 0), self.student_days).text


FIGURES = tuple(field.name for field in fields(Figures))


@dataclass
class SchoolRow(Figures):
    """A school's row: the school (to name and link) and its figures."""

    school: School | None = None


@dataclass
class Days:
    """Each school's days the figures count from, by school id, in the school's time zone."""

    today: dict[int, date]
    checks_until: dict[int, date]  # the last expiry day a background check is due by
    late_before: dict  # the moment a plan submitted before has waited over 7 days
    since: dict[int, date]  # the attendance window's first day

    def of(self, key: str, path: str, output_field) -> Case:
        """A day per row, by the school ``path`` leads to (one branch per distinct day)."""
        schools = defaultdict(list)
        for school, day in getattr(self, key).items():
            schools[day].append(school)
        whens = [When(**{f"{path}__in": ids}, then=Value(day)) for day, ids in schools.items()]
        return Case(*whens, default=Value(None), output_field=output_field)


def network_overview(schools: QuerySet[School]) -> dict:
    """Each of ``schools`` (by name) with its figures, and their totals (nine queries at
    most)."""
    schools = list(schools.order_by("name"))
    days = _days(schools)
    rows = {school.pk: SchoolRow(school=school) for school in schools}
    ids = list(rows)
    for counted in (_members, _advisories, _internships, _plans, _rolls, _marks, _checks):
        for school_id, found in counted(ids, days).items():
            for name, value in found.items():
                setattr(rows[school_id], name, value)
    totals = Figures(**{name: sum(getattr(row, name) for row in rows.values()) for name in FIGURES})
    return {"rows": list(rows.values()), "totals": totals}


def _days(schools: list[School]) -> Days:
    """Each school's today and what follows from it, and the first of its last 30 days with
    a roll taken (one query)."""
    today = {school.pk: school.today() for school in schools}
    days = Days(
        today=today,
        checks_until={pk: day + CHECK_WARNING for pk, day in today.items()},
        late_before={
            school.pk: waiting_since(today[school.pk], LATE_AFTER_DAYS, school.zone)
            for school in schools
        },
        since={},
    )
    if not schools:
        return days
    rolls = defaultdict(list)
    taken = AttendanceSheet.objects.filter(
        advisory__school_id__in=today,
        on__gt=min(today.values()) - LOOK_BACK,
        on__lte=days.of("today", "advisory__school_id", DateField()),
    )
    for school_id, day in (
        taken.order_by("advisory__school_id", "-on").values_list("advisory__school_id", "on")
    ).distinct():
        rolls[school_id].append(day)
    days.since = {school_id: found[:SCHOOL_DAYS][-1] for school_id, found in rolls.items()}
    return days


def _grouped(rows: QuerySet, school: str, **counts) -> dict[int, dict]:
    """``counts`` of ``rows`` per school (``school``: the path to the school's id)."""
    found = rows.order_by().values(school).annotate(**counts)
    return {row.pop(school): row for row in found}


def _in_advisory() -> Exists:
    """The row's student is in an advisory now (of their own school: memberships hold it)."""
    return Exists(Membership.objects.current().filter(student_id=OuterRef("student_id")))


# --- the figures, one query each ---------------------------------------------------------------


def _members(ids: list[int], days: Days) -> dict:
    """The students now in an advisory, and those of them on watch or to act."""
    members = Membership.objects.current().filter(advisory__school_id__in=ids)
    return _grouped(
        members,
        "advisory__school_id",
        students=Count("pk"),
        flagged=Count("pk", filter=Q(student__engagement__status__in=WATCHED)),
    )


def _advisories(ids: list[int], days: Days) -> dict:
    return _grouped(Advisory.objects.filter(school_id__in=ids), "school_id", advisories=Count("pk"))


def _internships(ids: list[int], days: Days) -> dict:
    """Active internships of the students now in an advisory, and how many students hold
    one."""
    placements = Placement.objects.filter(
        active_on(days.of("today", "student__school_id", DateField())),
        _in_advisory(),
        student__school_id__in=ids,
    )
    return _grouped(
        placements,
        "student__school_id",
        internships=Count("pk"),
        interns=Count("student_id", distinct=True),
    )


def _plans(ids: list[int], days: Days) -> dict:
    """Plans of the students now in an advisory waiting for review, and those waiting long."""
    plans = LearningPlan.objects.filter(
        _in_advisory(),
        status=LearningPlan.Status.SUBMITTED,
        student__school_id__in=ids,
    )
    late = days.of("late_before", "student__school_id", DateTimeField())
    return _grouped(
        plans,
        "student__school_id",
        plans_waiting=Count("pk"),
        plans_late=Count("pk", filter=Q(submitted_at__lt=late)),
    )


def _rolls(ids: list[int], days: Days) -> dict:
    """The student-days of the attendance window: each membership running on the day of a
    roll of its advisory."""
    if not days.since:
        return {}
    sheet = "advisory__attendance_sheets__on"
    path = "advisory__school_id"
    on_rolls = Membership.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=F(sheet)),
        advisory__school_id__in=days.since,
        start_date__lte=F(sheet),
        **{
            f"{sheet}__gte": days.of("since", path, DateField()),
            f"{sheet}__lte": days.of("today", path, DateField()),
            # the same bounds for every school, so the index on the day narrows the scan
            f"{sheet}__range": (min(days.since.values()), max(days.today.values())),
        },
    )
    return _grouped(on_rolls, path, student_days=Count("pk"))


def _marks(ids: list[int], days: Days) -> dict:
    """The absent, late and excused marks on the attendance window's rolls."""
    if not days.since:
        return {}
    path = "sheet__advisory__school_id"
    marks = AttendanceMark.objects.filter(
        sheet__advisory__school_id__in=days.since,
        sheet__on__gte=days.of("since", path, DateField()),
        sheet__on__lte=days.of("today", path, DateField()),
        sheet__on__range=(min(days.since.values()), max(days.today.values())),
    )
    return _grouped(marks, path, marked=Count("pk"))


def _checks(ids: list[int], days: Days) -> dict:
    """``checks_expiring`` of the internships' waiting selectors, for every school at once."""
    open_internship = Placement.objects.filter(mentor=OuterRef("pk"), status__in=Placement.OPEN)
    path = "site__school_id"
    mentors = Mentor.objects.filter(
        Q(check_expires_on__gte=days.of("today", path, DateField())) | Exists(open_internship),
        site__school_id__in=ids,
        user__is_active=True,
        background_check=Mentor.Check.CLEARED,
        check_expires_on__lte=days.of("checks_until", path, DateField()),
    )
    return _grouped(mentors, path, checks_due=Count("pk"))
