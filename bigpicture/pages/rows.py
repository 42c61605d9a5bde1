"""Rows of the homes' tables made in one pass, for the tables people open many times a day.

A table row in a template costs a tag per cell (a variable's look-up, its escaping, an
``if``, a ``with``); the advisor's roster is read on every visit to the home. Here each row is
written with plain string formatting, every value escaped (the standard library's
``html.escape``, which Django's ``escape`` calls for a string), its words read once per page:
the same HTML as the template it replaces (``advisories/_dashboard.html`` keeps the table
around the rows).
"""

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from bigpicture.links import link
from bigpicture.templatetags.shown import when

DASH = "—"


def roster_rows(roster) -> SafeString:
    """The advisor's roster as table rows: each student with their year level, this term's
    plan and goals met, their next meeting and exhibition, and what needs attention."""
    none_yet, nothing = escape(gettext("None yet")), escape(gettext("Nothing"))
    rows = "\n".join(_row(row.student, none_yet, nothing) for row in roster)
    return mark_safe(rows)  # noqa: S308 - every value escaped in _row


def _row(student, none_yet: str, nothing: str) -> str:
    plan = student.plan
    if plan is not None:
        plan_cell = f'<a href="{escape(plan.url)}">{escape(str(plan.status_label))}</a>'
        progress = escape(str(plan.progress))
    else:
        plan_list = escape(link("students:plan-list", student.pk))
        plan_cell, progress = f'<a href="{plan_list}">{none_yet}</a>', DASH
    if student.flags:
        flags = "".join(
            f'<span class="badge text-bg-warning me-1">{escape(str(flag))}</span>'
            for flag in student.flags
        )
    else:
        flags = f'<span class="visually-hidden">{nothing}</span>'
    return (
        f'<tr><th scope="row"><a href="{escape(student.url)}">{escape(student.display_name)}'
        f"</a></th><td>{escape(str(student.year_level or DASH))}</td><td>{plan_cell}</td>"
        f"<td>{progress}</td><td>{_moment(student.next_meeting)}</td>"
        f"<td>{_moment(student.next_exhibition)}</td><td>{flags}</td></tr>"
    )


def _moment(shown) -> str:
    """A meeting's or an exhibition's time, linked to it; a dash for none."""
    if shown is None:
        return DASH
    moment = escape(when(shown.starts_at, "SHORT_DATETIME_FORMAT"))
    return f'<a href="{escape(shown.url)}">{moment}</a>'
