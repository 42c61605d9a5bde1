"""What a roster file said, read and checked on its own (no database): its rows, made plain.

Both readers (OneRoster's zip, the plain CSV) give the same shapes, so that one planner
(plan.py) works out what an import would do, whichever file it came from.
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 100 * 1024 * 1024  # the largest roster file accepted
MAX_ERRORS = 500  # a report lists at most this many row errors, then says how many more

BULK, DELTA, ABSENT = "bulk", "delta", "absent"
ACTIVE, TOBEDELETED = "active", "tobedeleted"


@dataclass(frozen=True)
class RowError:
    """One thing wrong with a file: where (file, line, column) and why, in plain words."""

    file: str
    line: int | None
    column: str
    reason: str

    def as_json(self) -> dict:
        return asdict(self)


@dataclass
class Org:
    sid: str
    line: int
    status: str
    name: str
    type: str


@dataclass
class Session:
    sid: str
    line: int
    status: str
    title: str
    type: str
    start: date
    end: date
    parent: str
    school_year: int | None


@dataclass
class Person:
    sid: str
    line: int
    status: str
    enabled: bool
    orgs: list[str]
    role: str
    given: str
    family: str
    email: str
    phone: str
    agents: list[str]
    grades: list[str]
    graduating_class: int | None = None  # given outright by the plain CSV
    relationship: str = ""  # the plain CSV says it per guardian


@dataclass
class Klass:
    sid: str
    line: int
    status: str
    title: str
    grades: list[str]
    class_type: str
    school: str
    terms: list[str]


@dataclass
class Enrollment:
    sid: str
    line: int
    status: str
    klass: str
    school: str
    user: str
    role: str
    primary: bool
    begin: date | None
    end: date | None


@dataclass
class Dataset:
    """A roster file, read: its rows by kind, how each file is meant (bulk, delta or absent)
    and every error found without the database."""

    format: str
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    modes: dict[str, str] = field(default_factory=dict)  # "users" -> bulk | delta | absent
    orgs: list[Org] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    classes: list[Klass] = field(default_factory=list)
    enrollments: list[Enrollment] = field(default_factory=list)
    dropped: int = 0  # errors past MAX_ERRORS, counted but not listed
    cut_short: bool = False  # a file could not be read to its end (its encoding, its size)
    refused: set[str] = field(default_factory=set)  # sourcedIds of rows refused on reading
    files: dict[str, str] = field(default_factory=dict)  # kind -> file named in errors
    columns: dict[str, str] = field(default_factory=dict)  # OneRoster column -> the file's

    def error(self, file: str, line: int | None, column: str, reason: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(file, line, column, str(reason)))
        else:
            self.dropped += 1

    @property
    def whole_file_refused(self) -> bool:
        """A file or a header is refused: its rows are unknown, so nothing more is planned."""
        return self.cut_short or any(error.line in (None, 1) for error in self.errors)

    def mode(self, kind: str) -> str:
        return self.modes.get(kind, ABSENT)


def decoded_lines(
    raw: Iterable[bytes], dataset: Dataset, name: str, budget: list[int], limit: int
) -> Iterator[str]:
    """The lines of a file as text, read as UTF-8 (a byte order mark at the start dropped),
    one line at a time: a line that is not UTF-8 ends the file with an error naming it, and
    so does reading past ``limit`` bytes in all (``budget`` counts them across the files)."""
    for number, line in enumerate(raw, start=1):
        budget[0] += len(line)
        if budget[0] > limit:
            dataset.error(name, None, "", too_big_message(limit))
            dataset.cut_short = True
            raise FileTooBig
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            dataset.error(
                name,
                number,
                "",
                _(
                    "This line is not in UTF-8 (it may be Latin-1 or Windows text): open the "
                    "file in a spreadsheet or text editor and save it as UTF-8 (CSV UTF-8)."
                ),
            )
            dataset.cut_short = True
            return
        if number == 1:
            text = text.removeprefix("\ufeff")
        yield text


class FileTooBig(Exception):
    """Reading went past the size an archive may hold once unpacked."""


def too_big_message(limit: int) -> str:
    return _(
        "Unpacked, this file holds more than %(mb)s MB: it is refused. A school's roster is "
        "far smaller; check that you chose the right file."
    ) % {"mb": limit // (1024 * 1024)}


def csv_rows(
    lines: Iterable[str], dataset: Dataset, name: str, columns: dict[str, bool]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Each data row of a CSV as (line, {column: value}), after checking the header against
    ``columns`` (name -> required): a required column missing or an unknown one (other than
    ``metadata.*`` extensions) is an error, and then no row is read."""
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        dataset.error(name, 1, "", _("The header line cannot be read: %(e)s") % {"e": error})
        return
    if not header:
        dataset.error(name, 1, "", _("The file is empty: it needs a header line."))
        return
    header = [h.strip() for h in header]
    if not header_ok(header, dataset, name, columns):
        return
    line = 1
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                dataset.error(
                    name,
                    line,
                    "",
                    _("This line has %(got)s values; the header names %(want)s columns.")
                    % {"got": len(values), "want": len(header)},
                )
                continue
            dataset.rows += 1
            yield line, {h: v.strip() for h, v in zip(header, values, strict=True)}
    except csv.Error as error:
        dataset.error(name, line + 1, "", _("This line cannot be read: %(e)s") % {"e": error})


def header_ok(header: list[str], dataset: Dataset, name: str, columns: dict[str, bool]) -> bool:
    ok = True
    seen = set()
    for column in header:
        if column in seen:
            dataset.error(name, 1, column, _("This column appears twice in the header."))
            ok = False
        seen.add(column)
        if column not in columns and not column.startswith("metadata."):
            dataset.error(
                name,
                1,
                column,
                _("Unknown column. The columns of this file are: %(columns)s.")
                % {"columns": ", ".join(columns)},
            )
            ok = False
    for column, required in columns.items():
        if required and column not in seen:
            dataset.error(name, 1, column, _("This column is missing from the header."))
            ok = False
    return ok


def parse_date(
    value: str, dataset: Dataset, name: str, line: int, column: str, required: bool = False
) -> date | None:
    """A YYYY-MM-DD date (the spec's form); an error (and None) for anything else."""
    if not value:
        if required:
            dataset.error(name, line, column, _("Enter a date (YYYY-MM-DD)."))
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        dataset.error(
            name,
            line,
            column,
            _("“%(value)s” is not a date: write it as YYYY-MM-DD.") % {"value": value},
        )
        return None


def check_modified(value: str, dataset: Dataset, name: str, line: int) -> None:
    """dateLastModified, when given, must be an ISO 8601 date and time."""
    if not value:
        return
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        dataset.error(
            name,
            line,
            "dateLastModified",
            _("“%(value)s” is not a date and time: write it as 2026-08-24T12:00:00Z.")
            % {"value": value},
        )


def split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]
