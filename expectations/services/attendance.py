"""Writes to advisory attendance: the advisor saves a day's whole roll at once; a roll
opened before someone else saved it changes only the answers it changed, and refuses where
both changed the same student's."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from advisories.models import Advisory
from bigpicture import records
from bigpicture.dates import span_errors
from bigpicture.models import User
from bigpicture.records import Area
from expectations.models import AttendanceMark, AttendanceSheet
from expectations.reminders.attendance import notify_absences
from expectations.selectors.attendance import (
    CHOICES,
    PRESENT,
    STATUSES,
    SavedMarks,
    mark_answer,
    mark_version,
    members_on,
    saved_marks,
)

Status = AttendanceMark.Status
TAKE = "expectations.services.attendance.attendance_take"  # its name in the record of access


@dataclass(frozen=True)
class SavedRoll:
    """A saved roll: its sheet and how many students had each answer."""

    sheet: AttendanceSheet
    counts: dict[str, int]


def _check(advisory: Advisory, day: date, marks: Mapping[int, tuple[str, str]]) -> set[int]:
    """Refuse a day in the future, an unknown answer, or a student not in the advisory that
    day; return the ids of the students in it that day."""
    today = advisory.school.today()
    if day > today:
        raise ValidationError({"day": _("Attendance cannot be taken for a day in the future.")})
    if errors := span_errors(today, day=day):
        raise ValidationError(errors)
    if any(status not in STATUSES for status, _note in marks.values()):
        raise ValidationError(_("Choose present, absent, late or excused for each student."))
    members = set(members_on(advisory.pk, day))
    if not members:
        raise ValidationError({"day": _("No student was in this advisory on that day.")})
    if set(marks) - members:
        raise ValidationError(
            _("The roll names a student who was not in this advisory on that day. Reload the page.")
        )
    return members


def _merge(
    saved: SavedMarks,
    members: set[int],
    marks: Mapping[int, tuple[str, str]],
    seen: Mapping[int, str],
) -> tuple[dict[int, tuple[str, str]], list[int]]:
    """The roll to save, student by student: an answer the form did not change keeps the
    saved one (someone may have changed it since), an answer it changed replaces the saved
    one when that is still what the form was opened on (or already the same); the students
    whose answer both changed differently come back as conflicts. A student the form did
    not list keeps their saved answer; one without a version in the form takes the form's."""
    merged = {pk: saved.answer(pk) for pk in members}
    conflicts = []
    for pk, answer in marks.items():
        mine, theirs, was = mark_answer(*answer), saved.answer(pk), seen.get(pk, "")
        if was and mark_version(*mine) == was:
            continue  # not changed here: the saved answer stands
        untouched = mark_version(*theirs) == was or saved.updated_at is None
        if not was or untouched or mark_answer(*theirs) == mine:
            merged[pk] = mine
        else:
            conflicts.append(pk)
    return merged, conflicts


def _conflict_error(advisory: Advisory, saved: SavedMarks, conflicts: list[int]):
    """Refuse the roll, with the saved answer next to each student changed on both sides."""
    labels = {value: label for value, label, _colour in CHOICES}
    errors = {}
    for pk in conflicts:
        status, note = saved.answer(pk)
        said = {"answer": labels[status], "note": note}
        message = (
            gettext("Saved meanwhile as %(answer)s, with the note “%(note)s”.") % said
            if note
            else gettext("Saved meanwhile as %(answer)s.") % said
        )
        keep = gettext("Your answer is kept here: save again to replace the saved one.")
        # The roll form's field for the student's answer (expectations.forms.attendance).
        errors[f"status-{pk}"] = ValidationError(f"{message} {keep}", code="changed")
    when = timezone.localtime(saved.updated_at, advisory.school.zone)
    errors[NON_FIELD_ERRORS] = ValidationError(
        ngettext(
            "The roll was saved by %(person)s at %(time)s, after you opened it, with another "
            "answer for %(count)d student whose answer you changed too: see below. Nothing "
            "is saved yet. The answers you did not change now show what was saved; check the "
            "student marked below and save again.",
            "The roll was saved by %(person)s at %(time)s, after you opened it, with other "
            "answers for %(count)d students whose answers you changed too: see below. Nothing "
            "is saved yet. The answers you did not change now show what was saved; check the "
            "students marked below and save again.",
            len(conflicts),
        )
        % {
            "person": saved.taken_by or gettext("someone else"),
            "time": formats.time_format(when, "TIME_FORMAT"),
            "count": len(conflicts),
        },
        code="changed",
    )
    return ValidationError(errors)


def changed_students(error: ValidationError) -> frozenset[int]:
    """The students a refused roll names as saved differently since it was opened."""
    fields = getattr(error, "error_dict", {})
    return frozenset(
        int(name.partition("-")[2])
        for name, errors in fields.items()
        if name.startswith("status-") and any(e.code == "changed" for e in errors)
    )


def _sheet(advisory: Advisory, day: date, by: User) -> AttendanceSheet:
    """The day's sheet, made or updated (taken by whoever saved it last)."""
    sheet = AttendanceSheet.objects.filter(advisory=advisory, on=day).first()
    sheet = sheet or AttendanceSheet(advisory=advisory, on=day)
    sheet.advisory, sheet.taken_by = advisory, by
    # The advisory and the person are in hand; the one sheet a day is checked just above.
    sheet.full_clean(exclude=["advisory", "taken_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            sheet.save()
    except IntegrityError as exc:  # a concurrent save of the same day's roll won the race
        raise ValidationError(_("The roll was just saved by someone else. Try again.")) from exc
    return sheet


def _marks(sheet: AttendanceSheet, marks: Mapping[int, tuple[str, str]]) -> list[AttendanceMark]:
    """The day's marks: one for each student not simply present, with its note."""
    rows = [
        AttendanceMark(sheet=sheet, student_id=student, status=status, note=note.strip())
        for student, (status, note) in sorted(marks.items())
        if status != PRESENT
    ]
    for row in rows:
        # Per row without a query: the sheet and the students were checked above.
        row.full_clean(exclude=["sheet", "student"], validate_constraints=False)
    return rows


@transaction.atomic
def attendance_take(
    *,
    advisory: Advisory,
    day: date,
    marks: Mapping[int, tuple[str, str]],
    by: User,
    seen: Mapping[int, str] | None = None,
) -> SavedRoll:
    """Save an advisory's whole roll for a day in one go: the sheet made or updated and the
    day's marks replaced; ``marks`` maps student ids to (status, note), and a student left
    out is present. With ``seen`` (student id -> the ``mark_version`` of the answer the form
    was opened on) only the answers the form changed are saved over the day's saved roll,
    and the whole roll is refused, nothing written, when someone else changed the same
    student's answer since. Families of the students marked absent get a notice, once a day."""
    if not Advisory.objects.visible_to(by).filter(pk=advisory.pk).exists():
        raise PermissionDenied
    # Lock the advisory so two saves of its roll follow one another.
    advisory = Advisory.objects.select_for_update().select_related("school").get(pk=advisory.pk)
    members = _check(advisory, day, marks)
    if seen is not None:
        saved = saved_marks(advisory.pk, day)
        marks, conflicts = _merge(saved, members, marks, seen)
        if conflicts:
            raise _conflict_error(advisory, saved, conflicts)
    sheet = _sheet(advisory, day, by)
    rows = _marks(sheet, marks)
    AttendanceMark.objects.filter(sheet=sheet).delete()
    AttendanceMark.objects.bulk_create(rows)
    notify_absences(sheet, [row.student_id for row in rows if row.status == Status.ABSENT])
    for row in rows:  # the students marked other than present: one row each, one INSERT in all
        records.changed(
            by=by, area=Area.ATTENDANCE, student=(row.student_id, advisory.school_id), service=TAKE
        )
    counts = dict.fromkeys(STATUSES, 0)
    for row in rows:
        counts[row.status] += 1
    counts[PRESENT] = len(members) - len(rows)
    return SavedRoll(sheet=sheet, counts=counts)
