"""Rows of the homes' tables made in one pass, for the tables people open many times a day.

A table row in a template costs a tag per cell (a variable's look-up, its escaping, an
``if``, a ``with``); the advisor's roster is read on every visit to the home. Here each row is
made with ``format_html`` (every value escaped), its words and formats read once per page:
the same HTML as the template it replaces (``advisories/_dashboard.html`` keeps the table
around the rows).
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from bigpicture.links import link
from bigpicture.templatetags.shown import when

ROSTER_ROW = (
    '<tr><th scope="row"><a href="{}">{}</a></th><td>{}</td><td>{}</td><td>{}</td>'
    "<td>{}</td><td>{}</td><td>{}</td></tr>"
)
LINK = '<a href="{}">{}</a>'
FLAG = '<span class="badge text-bg-warning me-1">{}</span>'
NOTHING = '<span class="visually-hidden">{}</span>'
DASH = "—"


def roster_rows(roster) -> SafeString:
    """The advisor's roster as table rows: each student with their year level, this term's
    plan and goals met, their next meeting and exhibition, and what needs attention."""
    none_yet, nothing = gettext("None yet"), gettext("Nothing")
    return format_html_join("\n", "{}", ((_row(row.student, none_yet, nothing),) for row in roster))


def _row(student, none_yet: str, nothing: str) -> SafeString:
    plan, meeting, exhibition = student.plan, student.next_meeting, student.next_exhibition
    if plan is not None:
        plan_cell, progress = format_html(LINK, plan.url, plan.status_label), plan.progress
    else:
        plan_cell = format_html(LINK, link("students:plan-list", student.pk), none_yet)
        progress = DASH
    if student.flags:
        flags = format_html_join("", FLAG, ((flag,) for flag in student.flags))
    else:
        flags = format_html(NOTHING, nothing)
    return format_html(
        ROSTER_ROW,
        student.url,
        student.display_name,
        student.year_level or DASH,
        plan_cell,
        progress,
        _moment(meeting),
        _moment(exhibition),
        flags,
    )


def _moment(shown) -> str:
    """A meeting's or an exhibition's time, linked to it; a dash for none."""
    if shown is None:
        return DASH
    return format_html(LINK, shown.url, when(shown.starts_at, "SHORT_DATETIME_FORMAT"))
