"""Downloads of a report's tables and lists: CSV streamed row by row, and XLSX written
through openpyxl's write-only workbook (rows go to a temporary file, not to memory)."""

import csv
import tempfile
from collections.abc import Iterable
from datetime import date

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook

FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell a spreadsheet would read as a formula (CSV injection): shown as text instead.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


class _Line:
    """What csv.writer writes to: hands the line back instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return f"'{value}"
    return value


def csv_lines(rows: Iterable[Iterable]):
    writer = csv.writer(_Line())
    yield "\ufeff"  # the byte order mark, so that Excel reads the file as UTF-8
    for row in rows:
        yield writer.writerow([safe(value) for value in row])


def filename(*parts: str, ext: str) -> str:
    stem = "-".join(part for part in parts if part)
    return f"{stem}-{date.today():%Y-%m-%d}.{ext}"


def csv_response(name: str, rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """Stream rows as a CSV file: the first bytes leave before the last row is read."""
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def xlsx_response(name: str, title: str, rows: Iterable[Iterable]) -> FileResponse:
    """Write rows into a one-sheet workbook on disk and send it."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title.translate(SHEET_FORBIDDEN)[:31] or "Report")
    for row in rows:
        sheet.append([safe(value) for value in row])
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    book.save(out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)


def download(format: str, name: str, title: str, rows: Iterable[Iterable]):
    """The rows as a file in the chosen format."""
    if format == "xlsx":
        return xlsx_response(filename(name, ext="xlsx"), title, rows)
    return csv_response(filename(name, ext="csv"), rows)
