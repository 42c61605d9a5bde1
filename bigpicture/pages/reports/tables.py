"""A report's pieces: tables of cells (each number linking to the students behind it),
sections pairing a chart with its table, and the report itself."""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Expression, QuerySet
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.safestring import SafeString

from bigpicture.pages.reports.scope import Scope
from students.models import Student


@dataclass
class Cell:
    text: str
    href: str = ""  # the students behind the number
    value: object = None  # what a spreadsheet gets (a number stays a number)

    @property
    def raw(self):
        return self.text if self.value is None else self.value


def number(value, href: str = "", decimals: int = 0) -> Cell:
    """A count or a measure, written the reader's way, linked to the students behind it."""
    if value is None:
        return Cell("\u2013")
    shown = number_format(round(value, decimals), decimal_pos=decimals if decimals else None)
    return Cell(shown, href if value else "", value)


def share(part: int, whole: int) -> Cell:
    """A percentage of a whole (a dash when there is no whole)."""
    if not whole:
        return Cell("\u2013")
    value = round(100 * part / whole, 1)
    return Cell(f"{number_format(value, decimal_pos=1)} %", "", value)


@dataclass
class Table:
    slug: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]  # each row starts with its own header cell

    def values(self):
        """The table as plain rows, headers first (for CSV and XLSX)."""
        yield [str(header) for header in self.headers]
        for row in self.rows:
            yield [cell.raw for cell in row]


@dataclass
class Section:
    title: str
    table: Table
    chart: SafeString | None = None
    text: str = ""  # what the section shows and how to read it


@dataclass
class Column:
    """An extra per-student column of a report's list of students, computed in SQL."""

    header: str
    expression: Expression


class Report:
    """One subject of the reports area. A subclass names itself, builds its sections from a
    scope, and says which students stand behind each number (``drill``)."""

    slug = ""
    title = ""
    summary = ""

    @cached_property
    def path(self) -> str:
        return reverse("reports:report", args=[self.slug])

    def sections(self, scope: Scope) -> list[Section]:
        raise NotImplementedError

    def drill(self, scope: Scope, measure: str, params: dict) -> tuple[str, QuerySet]:
        """The students behind one number: a caption and a queryset of students within the
        scope. ``params`` are the number's own (given to ``link``). An unknown measure or
        parameter is a 404."""
        raise Http404("No such number in this report.")

    def columns(self, scope: Scope) -> list[Column]:
        """The report's own columns in its list of students (after name, advisory, level)."""
        return []


# A number's own parameters travel prefixed, apart from the report's filters of the same
# name (the advisory whose students a number counts is not the advisory filter).
PARAMETER = "of_"


def link(scope: Scope, report: Report, measure: str, **params) -> str:
    """The list of students behind a number of a report."""
    own = {f"{PARAMETER}{key}": value for key, value in params.items()}
    return scope.with_query(f"{report.path}students/", measure=measure, **own)


def parameters(query: QueryDict) -> dict[str, str]:
    """A number's own parameters from a query string (``link``'s, unprefixed)."""
    return {
        key.removeprefix(PARAMETER): value
        for key, value in query.items()
        if key.startswith(PARAMETER)
    }


def in_scope(scope: Scope, students: QuerySet) -> QuerySet:
    return students.filter(pk__in=scope.members.values("student_id"))


def everyone(scope: Scope) -> QuerySet:
    return Student.objects.filter(pk__in=scope.members.values("student_id"))
