"""The list of students behind a report's number: name, advisory, year level and the
report's own columns, read in one query (a page of it, or all of it row by row)."""

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from bigpicture.links import link
from bigpicture.names import display_name
from bigpicture.pages.reports.scope import Scope
from bigpicture.pages.reports.tables import Report

ORDER = ("user__last_name", "user__first_name", "pk")


def headers(scope: Scope, report: Report) -> list[str]:
    return [
        _("Student"),
        _("Advisory"),
        _("Year level"),
        *(str(column.header) for column in report.columns(scope)),
    ]


def rows(scope: Scope, report: Report, students: QuerySet):
    """The values of each student's row, in name order (a queryset of tuples)."""
    advisory = scope.members.filter(student_id=OuterRef("pk")).values("advisory__name")[:1]
    extra = {f"column_{i}": column.expression for i, column in enumerate(report.columns(scope))}
    return (
        students.annotate(advisory_name=Subquery(advisory), **extra)
        .order_by(*ORDER)
        .values_list(
            "pk",
            "school_id",
            "preferred_name",
            "user__first_name",
            "user__last_name",
            "graduating_class",
            "advisory_name",
            *extra,
        )
    )


def shown(scope: Scope, values) -> tuple:
    """One row as the page and the files show it: (student's page, name, advisory, level,
    the report's columns...)."""
    pk, _school, preferred, first, last, graduating_class, advisory, *extra = values
    return (
        link("students:student-detail", pk),
        display_name(preferred, first, last),
        advisory or "",
        scope.level_of(graduating_class) or "",
        *extra,
    )


def file_rows(scope: Scope, report: Report, students: QuerySet):
    """Headers, then every student's row, read from the database in chunks."""
    yield headers(scope, report)
    for values in rows(scope, report, students).iterator(chunk_size=2000):
        yield shown(scope, values)[1:]
