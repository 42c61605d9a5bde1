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


# --- what the reports share to read a number's parameters and write their cells -----


def pick_advisory(scope: Scope, params):
    """The advisory named in the query string, among the report's; else a 404."""
    pk = params.get("advisory", "")
    advisory = scope.advisories.filter(pk=pk).first() if pk.isdigit() else None
    if advisory is None:
        raise Http404("No such advisory in this report.")
    return advisory


def pick_term(scope: Scope, params):
    """The term named in the query string, among the report's; else a 404."""
    pk = params.get("term", "")
    term = scope.terms.filter(pk=pk).first() if pk.isdigit() else None
    if term is None:
        raise Http404("No such term in this report.")
    return term


def pick(params, name: str, choices) -> str:
    """A parameter that must be one of ``choices``; else a 404."""
    value = params.get(name, "")
    if value not in choices:
        raise Http404("No such choice in this report.")
    return value


def of(members):
    return Student.objects.filter(pk__in=members.values("student_id"))


def linker(scope: Scope, report: Report, measure: str):
    """``link`` for one measure, its common part written once: a big school's report has
    thousands of numbers whose links differ only in their own parameters, here ids and
    choice keys, which a URL takes as they are."""
    start = link(scope, report, measure)

    def linked(**params) -> str:
        return start + "".join(f"&{PARAMETER}{key}={value}" for key, value in params.items())

    return linked


def numbers():
    """``number`` with each distinct count written once: a big school's report has
    thousands of cells, mostly the same few small counts, and writing one the reader's way
    (a locale lookup each time) costs more than the rest of its cell."""
    written = {}

    def counted(value, href: str = "") -> Cell:
        cell = written.get(value)
        if cell is None:
            cell = written[value] = number(value)
        return Cell(cell.text, href if value else "", cell.value)

    return counted


def row_label(term_name: str, advisory_name: str, terms: list) -> str:
    """A chart's label for a term's advisory (the term only when the report has several)."""
    return f"{advisory_name} \u00b7 {term_name}" if len(terms) > 1 else advisory_name
