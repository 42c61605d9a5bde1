"""Input shape of a day's roll: for each student listed, an answer and a note."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from expectations.models import AttendanceMark
from expectations.selectors.attendance import CHOICES, PRESENT, Roll, mark_version

NOTE_LENGTH = AttendanceMark._meta.get_field("note").max_length


class StudentIdsField(forms.Field):
    """The ids of the students the roll lists, one hidden input each."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        try:
            return [int(pk) for pk in value or []]
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("The roll is damaged. Reload the page.")) from exc


def status_field(pk: int) -> str:
    return f"status-{pk}"


def note_field(pk: int) -> str:
    return f"note-{pk}"


def seen_field(pk: int) -> str:
    return f"seen-{pk}"


class RollForm(forms.Form):
    """A day's roll: the day, the students listed, and for each an answer (present when
    none is given), an optional note and the version of the saved answer the page showed
    (``seen-<pk>``). The fields follow the students posted, so a student the page did not
    show still reaches the service, which refuses them."""

    day = forms.DateField(label=_("Day"), widget=forms.HiddenInput)
    student = StudentIdsField(
        label=_("Students"),
        error_messages={"required": _("Nobody is on this roll.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for pk in self.posted_ids():
            self.fields[status_field(pk)] = forms.ChoiceField(
                label=_("Attendance"),
                choices=[(value, label) for value, label, _colour in CHOICES],
                required=False,
                error_messages={"invalid_choice": _("Choose present, absent, late or excused.")},
            )
            self.fields[note_field(pk)] = forms.CharField(
                label=_("Note"), max_length=NOTE_LENGTH, required=False
            )
            self.fields[seen_field(pk)] = forms.CharField(
                required=False, max_length=32, widget=forms.HiddenInput
            )

    def posted_ids(self) -> list[int]:
        """The students the posted roll lists (whole numbers only; others are an error)."""
        if not self.is_bound:
            return []
        ids = [value for value in self.data.getlist("student") if value.isdigit()]
        return list(dict.fromkeys(int(value) for value in ids))

    def marks(self) -> dict[int, tuple[str, str]]:
        """Student id -> (status, note), from the cleaned roll."""
        data = self.cleaned_data
        return {
            pk: (data.get(status_field(pk)) or PRESENT, data.get(note_field(pk), ""))
            for pk in data["student"]
        }

    def seen(self) -> dict[int, str] | None:
        """Student id -> the version of the answer the page showed, from the cleaned roll;
        None from a roll that carries no versions (saved whole, as it is)."""
        data = self.cleaned_data
        versions = {pk: data.get(seen_field(pk), "") for pk in data["student"]}
        return versions if any(versions.values()) else None

    def show_on(self, roll: Roll, changed: frozenset[int] = frozenset()) -> Roll:
        """Put what was posted, and its errors, back on the roll shown again (the roll as
        saved now): an answer the page did not change shows the saved one, with its
        version; one it changed shows what was typed, with the version the page showed,
        unless the student is among ``changed`` (saved differently meanwhile: the error
        beside it shows the saved answer, so saving again replaces it on purpose)."""
        rows = {row.student_id: row for row in roll.rows}
        for pk in self.posted_ids():
            row = rows.get(pk)
            if row is None:
                continue
            status = self.data.get(status_field(pk)) or PRESENT
            note = self.data.get(note_field(pk), "")
            was = self.data.get(seen_field(pk), "")
            errors = [*self.errors.get(status_field(pk), []), *self.errors.get(note_field(pk), [])]
            if was and mark_version(status, note) == was and not errors:
                continue  # not changed on this page: the saved answer, as saved now
            row.status, row.note, row.errors = status, note, errors
            if was and pk not in changed:
                row.seen = was
        shown = {status_field(pk) for pk in rows} | {note_field(pk) for pk in rows}
        others = [
            message
            for name, messages in self.errors.items()
            if name not in shown
            for message in messages
        ]
        roll.errors = list(dict.fromkeys(others))
        return roll
