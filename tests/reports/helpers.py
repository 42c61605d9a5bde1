"""What the reports' tests share: a report's scope as the filters make it, its tables, a
row's cells, and the students behind a number."""

from functools import partial
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse

from bigpicture.pages.reports.scope import ReportFilterForm, Scope


def scope_of(user, **query) -> Scope:
    """The scope the filters in ``query`` make for ``user`` (they must hold)."""
    form = ReportFilterForm(QueryDict(urlencode(query)), user=user)
    assert form.is_valid(), form.errors
    return form.scope()


def scope_for(small, user, **filters) -> Scope:
    """The small school's scope with filters given as objects (a term, an advisory)."""
    return Scope(
        user=user,
        school=small.school,
        year=small.year,
        term=filters.get("term"),
        level=None,
        advisory=filters.get("advisory"),
        today=small.school.today(),
        query="",
    )


def tables_of(report, scope) -> dict:
    """A report's tables by slug."""
    return {section.table.slug: section.table for section in report.sections(scope)}


def row_values(table, *start) -> list:
    """The cells' raw values of the row whose first cells read ``start``, after them."""
    for cells in table.rows:
        if [cell.text for cell in cells[: len(start)]] == list(start):
            return [cell.raw for cell in cells[len(start) :]]
    raise AssertionError(f"No row {start} in {table.slug}")


def row_texts(table, first: str) -> list[str]:
    """The texts of the row whose first cell reads ``first``, that one included."""
    return next([cell.text for cell in cells] for cells in table.rows if cells[0].text == first)


def drilled_ids(report, scope, measure, **params) -> set:
    """The ids of the students behind a number."""
    _caption, students = report.drill(scope, measure, {k: str(v) for k, v in params.items()})
    return set(students.values_list("pk", flat=True))


def drilled_page(slug, client, measure, **params) -> str:
    """The page of the students behind a number, as the number's link opens it."""
    query = "&".join([f"measure={measure}", *(f"of_{k}={v}" for k, v in params.items())])
    response = client.get(reverse("reports:report-students", args=[slug]) + "?" + query)
    assert response.status_code == 200
    return response.content.decode()


def for_report(report):
    """``tables(scope)`` and ``drilled(scope, measure, **params)`` of one report."""
    return partial(tables_of, report), partial(drilled_ids, report)
