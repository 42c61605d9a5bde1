"""A report's pieces: tables of cells (each number linking to the students behind it),
sections pairing a chart with its table, and the report itself."""

from dataclasses import dataclass
from functools import cached_property
from html import escape
from urllib.parse import quote

from django.db.models import Expression, QuerySet
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe

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
    return Cell(decimal(value, decimals), href if value else "", value)


def decimal(value, decimals: int = 1) -> str:
    """A number with ``decimals`` places and the reader's decimal separator (no thousands
    separator, as the rest of the app writes numbers): one format call, not Django's
    number_format per cell of a 300-row table."""
    text = f"{value:.{decimals}f}"
    separator = get_format("DECIMAL_SEPARATOR")
    return text if not decimals or separator == "." else text.replace(".", separator)


def share(part: int, whole: int) -> Cell:
    """A percentage of a whole (a dash when there is no whole)."""
    if not whole:
        return Cell("\u2013")
    value = round(100 * part / whole, 1)
    return Cell(f"{decimal(value)} %", "", value)


@dataclass
class Table:
    slug: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]  # each row starts with its own header cell

    def body(self) -> SafeString:
        """The table's rows as HTML, written in one pass (a school of 5,000 students has over
        300 advisories: a template loop over their cells would cost more than the queries).
        Every text is escaped here."""
        parts = []
        for head, *cells in self.rows:
            parts.append(f'<tr><th scope="row" class="text-break">{escape(str(head.text))}</th>')
            for cell in cells:
                align = "" if cell.value is None else ' class="text-end"'
                text = escape(str(cell.text))
                if cell.href:
                    text = f'<a href="{escape(cell.href)}">{text}</a>'
                parts.append(f"<td{align}>{text}</td>")
            parts.append("</tr>\n")
        return mark_safe("".join(parts))  # noqa: S308 - every text escaped above

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
    """The list of students behind a number of a report (written without urlencode: a
    report has thousands of numbers)."""
    own = "".join(
        f"&{PARAMETER}{key}={value if isinstance(value, int) else quote(str(value), safe='')}"
        for key, value in params.items()
        if value not in ("", None)
    )
    filters = f"{scope.query}&" if scope.query else ""
    return f"{report.path}students/?{filters}measure={quote(measure, safe='')}{own}"


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
