"""Reads of advisory attendance: a day's roll for one advisory or all an advisor leads, and a
student's record over a school year."""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ClassVar

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from advisories.models import Advisory, Membership
from bigpicture.models import SchoolYear
from bigpicture.names import display_name
from bigpicture.prepared import prepared
from expectations.models import AttendanceMark, AttendanceSheet
from students.models import Student

PRESENT = "present"
Status = AttendanceMark.Status
# Every answer of the roll, in the order of its buttons: (value, label, Bootstrap colour).
# The label is always written, so the colour is never the only sign.
CHOICES = (
    (PRESENT, _("Present"), "success"),
    (Status.ABSENT.value, Status.ABSENT.label, "danger"),
    (Status.LATE.value, Status.LATE.label, "primary"),
    (Status.EXCUSED.value, Status.EXCUSED.label, "secondary"),
)
STATUSES = frozenset(value for value, _label, _colour in CHOICES)


def mark_answer(status: str, note: str) -> tuple[str, str]:
    """An answer as it is kept: the note trimmed, and none for a student present."""
    return (status, "" if status == PRESENT else note.strip())


def mark_version(status: str, note: str) -> str:
    """What a roll form remembers of a student's answer when it was opened (a short digest
    of the answer and its note), so a save can tell the answers it changed from those
    changed by someone else since."""
    status, note = mark_answer(status, note)
    return hashlib.blake2s(f"{status}\n{note}".encode(), digest_size=6).hexdigest()


@dataclass
class RollRow:
    """One student on a day's roll: their answer (present unless marked) and its note, and
    the version of the saved answer the form carries (``seen``)."""

    student_id: int
    name: str
    status: str = PRESENT
    note: str = ""
    errors: list[str] = field(default_factory=list)
    seen: str = ""

    def __post_init__(self):
        self.seen = self.seen or mark_version(self.status, self.note)


@dataclass
class Roll:
    """One advisory's roll on one day, as the sheet form shows it."""

    choices: ClassVar = CHOICES

    advisory_id: int
    advisory_name: str
    day: date
    rows: list[RollRow]
    taken: bool = False  # the roll was saved for this day
    taken_by: str = ""
    updated_at: datetime | None = None
    errors: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many students have each answer (present, absent, late, excused)."""
        counts = dict.fromkeys(STATUSES, 0)
        for row in self.rows:
            counts[row.status] = counts.get(row.status, 0) + 1
        return counts


def members_on(advisory_id: int, day: date) -> QuerySet:
    """The ids of the students in an advisory on a day."""
    return (
        Membership.objects.on(day)
        .filter(advisory_id=advisory_id)
        .values_list("student_id", flat=True)
    )


@prepared
def _members(advisories: list[int], day: date):
    """The students of some advisories on a day, by name: (advisory, student, names)."""
    members = Membership.objects.on(day).filter(advisory_id__in=advisories)
    return members.order_by(
        "student__user__last_name", "student__user__first_name", "student_id"
    ).values_list(
        "advisory_id",
        "student_id",
        "student__preferred_name",
        "student__user__first_name",
        "student__user__last_name",
    )


@prepared
def _sheets(advisories: list[int], day: date):
    """The sheets of some advisories on a day with their marks: (advisory, when saved, by
    whom, then the student, status and note of a mark): a row per mark, or one without."""
    sheets = AttendanceSheet.objects.filter(advisory_id__in=advisories, on=day)
    return sheets.values_list(
        *("advisory_id", "updated_at", "taken_by__first_name", "taken_by__last_name"),
        *("marks__student_id", "marks__status", "marks__note"),
    )


def rolls(advisories: Sequence[Advisory], day: date, members=None) -> list[Roll]:
    """Each advisory's roll on a day, in the order given: its students that day by name
    (``members``: rows of advisory, student and name, when the caller has them), each
    present unless the day's sheet marks them otherwise. Two prepared reads for any number
    of advisories, one with the members given."""
    ids = [advisory.pk for advisory in advisories]
    if not ids:
        return []
    sheets, marked = {}, {}
    for advisory, updated_at, first, last, student, status, note in _sheets(ids, day):
        sheets[advisory] = (updated_at, first, last)
        if student is not None:
            marked[(advisory, student)] = (status, note)
    if members is None:
        members = (
            (advisory, student, display_name(preferred, first, last))
            for advisory, student, preferred, first, last in _members(ids, day)
        )
    by_advisory: dict[int, list[RollRow]] = {pk: [] for pk in ids}
    for advisory, student, name in members:
        status, note = marked.get((advisory, student), (PRESENT, ""))
        by_advisory[advisory].append(RollRow(student, name, status, note))
    return [
        _roll(advisory, day, by_advisory[advisory.pk], sheets.get(advisory.pk))
        for advisory in advisories
    ]


def _roll(advisory: Advisory, day: date, rows: list[RollRow], sheet) -> Roll:
    roll = Roll(advisory.pk, advisory.name, day, rows)
    if sheet is not None:
        updated_at, first, last = sheet
        roll.taken, roll.updated_at = True, updated_at
        roll.taken_by = " ".join(name for name in (first, last) if name)
    return roll


@dataclass(frozen=True)
class SavedMarks:
    """A day's roll as saved: who saved it last and when (None: not taken), and the answer
    of each student marked other than present."""

    updated_at: datetime | None
    taken_by: str
    answers: dict[int, tuple[str, str]]

    def answer(self, student_id: int) -> tuple[str, str]:
        return self.answers.get(student_id, (PRESENT, ""))


def saved_marks(advisory_id: int, day: date) -> SavedMarks:
    """An advisory's roll of a day as saved now (one query)."""
    updated_at, taken_by, answers = None, "", {}
    for _advisory, when, first, last, student, status, note in _sheets([advisory_id], day):
        updated_at, taken_by = when, " ".join(name for name in (first, last) if name)
        if student is not None:
            answers[student] = (status, note)
    return SavedMarks(updated_at, taken_by, answers)


def roll_of(advisory: Advisory, day: date) -> Roll:
    """One advisory's roll on a day (three queries)."""
    return rolls([advisory], day)[0]


def today_sheets(advisories: Sequence[Advisory], today: date) -> list[Roll]:
    """Today's roll of each advisory an advisor leads, for their home page, in the order
    given; the advisories come with their current roster (``advisories_led_by``), whose
    students since today or before are the roll's (one prepared read for any number)."""
    members = [
        (row.advisory_id, row.student_id, row.student.display_name)
        for advisory in advisories
        for row in advisory.roster
        if row.start_date is None or row.start_date <= today
    ]
    return rolls(advisories, today, members)


# --- a student's record ------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """A student's attendance over a span: the days the roll was taken in their advisory
    while they were in it, and how many of those they were present, absent, late, excused."""

    days: int
    absent: int
    late: int
    excused: int

    @property
    def present(self) -> int:
        return self.days - self.absent - self.late - self.excused

    @property
    def attended(self) -> int:
        """Days the student came to advisory: present or late."""
        return self.present + self.late

    @property
    def rate(self) -> float | None:
        """The share of the days the student came (present or late), in percent."""
        return round(100 * self.attended / self.days, 1) if self.days else None


def student_sheets(student: Student, year: SchoolYear | None) -> QuerySet:
    """The sheets of the days the roll was taken in an advisory while the student was in it,
    within a school year (every year without one)."""
    member = Membership.objects.filter(
        student_id=student.pk, advisory_id=OuterRef("advisory_id"), start_date__lte=OuterRef("on")
    ).filter(Q(end_date__isnull=True) | Q(end_date__gt=OuterRef("on")))
    advisories = Membership.objects.filter(student_id=student.pk).values("advisory_id")
    sheets = AttendanceSheet.objects.filter(advisory_id__in=advisories).filter(Exists(member))
    if year is not None:
        sheets = sheets.filter(on__gte=year.start_date, on__lte=year.end_date)
    return sheets


def _count(status: str, student_id: int) -> Count:
    return Count("marks", filter=Q(marks__student_id=student_id, marks__status=status))


def student_record(student: Student, year: SchoolYear | None) -> Record:
    """A student's attendance counts over a school year, in one aggregate query."""
    totals = student_sheets(student, year).aggregate(
        days=Count("pk", distinct=True),
        absent=_count(Status.ABSENT, student.pk),
        late=_count(Status.LATE, student.pk),
        excused=_count(Status.EXCUSED, student.pk),
    )
    return Record(**totals)


def student_marks(student: Student, year: SchoolYear | None) -> QuerySet:
    """The student's days not simply present within a school year, newest first, as plain
    values (day, status, note, advisory)."""
    sheets = student_sheets(student, year).values("pk")
    return (
        AttendanceMark.objects.filter(student_id=student.pk, sheet__in=sheets)
        .order_by("-sheet__on", "-pk")
        .values("pk", "status", "note", day=F("sheet__on"), advisory=F("sheet__advisory__name"))
    )


def school_years(school_id: int) -> list[SchoolYear]:
    """A school's years, the latest first (one query)."""
    return list(SchoolYear.objects.filter(school_id=school_id).order_by("-start_date"))


def year_of(years: Iterable[SchoolYear], today: date) -> SchoolYear | None:
    """The year running today, else the next one, else the latest (as ``current_for``),
    picked from years already read."""
    years = sorted(years, key=lambda year: year.start_date)
    running = [year for year in years if year.start_date <= today <= year.end_date]
    coming = [year for year in years if year.start_date > today]
    return (running or coming or years[-1:] or [None])[0]
