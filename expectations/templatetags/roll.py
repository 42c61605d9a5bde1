"""The roll's rows made in one pass: the advisor's home shows today's roll at every visit.

Each student's row (a fieldset with the four answers, a note, and the version of the saved
answer the page shows) is written with plain string formatting, the values people typed or
posted (the student's name, the note, the version) escaped and the roll's words escaped
once per roll (the standard library's ``html.escape``, which Django's ``escape`` calls for a
string): the same HTML a template loop would make, for a fraction of its cost.
``{% roll_rows roll %}`` in ``expectations/_attendance_sheet.html``.
"""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def roll_rows(roll) -> SafeString:
    """Every student's row of a roll (``expectations.selectors.attendance.Roll``)."""
    words = _Words(roll.choices)
    return mark_safe("\n".join(_row(roll.advisory_id, row, words) for row in roll.rows))  # noqa: S308 - every value escaped above


class _Words:
    """What every row of a roll says, escaped once: the answers, the note's label and hint."""

    def __init__(self, choices):
        self.choices = [(value, escape(str(label)), colour) for value, label, colour in choices]
        self.note_about = gettext("Note about %(name)s")
        self.placeholder = escape(gettext("Note (kept when absent, late or excused)"))


def _row(advisory_id: int, row, words: _Words) -> str:
    student = int(row.student_id)
    key = f"roll-{int(advisory_id)}-{student}"
    name = escape(row.name)
    buttons = "".join(
        f'<input type="radio" class="btn-check" name="status-{student}" id="{key}-{value}" '
        f'value="{value}" autocomplete="off"{" checked" if row.status == value else ""}>'
        f'<label class="btn btn-outline-{colour} flex-fill px-1 py-2" for="{key}-{value}">'
        f"{label}</label>"
        for value, label, colour in words.choices
    )
    invalid, described, errors = "", "", ""
    if row.errors:
        invalid, described = " is-invalid", f' aria-describedby="{key}-errors"'
        said = escape(" ".join(str(error) for error in row.errors))
        errors = f'<div class="invalid-feedback d-block" id="{key}-errors">{said}</div>'
    return (
        f'<fieldset class="border rounded p-2 mb-2{" border-danger" if row.errors else ""}">'
        f'<legend class="float-none w-auto fs-6 fw-semibold text-break px-1 mb-1">{name}</legend>'
        f'<input type="hidden" name="student" value="{student}">'
        f'<input type="hidden" name="seen-{student}" value="{escape(row.seen)}">'
        f'<div class="btn-group d-flex">{buttons}</div>'
        f'<label class="visually-hidden" for="{key}-note">'
        f"{escape(words.note_about % {'name': row.name})}</label>"
        f'<input type="text" class="form-control form-control-sm mt-2{invalid}" '
        f'name="note-{student}" id="{key}-note" value="{escape(row.note)}" maxlength="300" '
        f'placeholder="{words.placeholder}"{described}>{errors}</fieldset>'
    )
