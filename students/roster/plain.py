"""The plain CSV, for schools without OneRoster: one row per student, with their advisory
and up to two guardians.

A student is matched by ``student_id`` (the school's own number for them, kept as their
sourcedId), a guardian by email address or else by phone and name, an advisory by its name
(it must exist: the file names no advisor). The file lists students to add or update; a
student left out of it is left as they are.
"""

import csv
import io
from pathlib import Path

from django.utils.translation import gettext as _

from students.models import GuardianLink
from students.roster.dataset import (
    ACTIVE,
    DELTA,
    MAX_UPLOAD_BYTES,
    Dataset,
    Enrollment,
    FileTooBig,
    Klass,
    Person,
    csv_rows,
    decoded_lines,
    parse_date,
)

GUARDIAN_FIELDS = ("first_name", "last_name", "email", "phone", "relationship")
PLAIN_COLUMNS = [
    "student_id",
    "first_name",
    "last_name",
    "email",
    "graduating_class",
    "advisory",
    "advisory_start",
    *(f"guardian{n}_{name}" for n in (1, 2) for name in GUARDIAN_FIELDS),
]
REQUIRED = {"student_id", "first_name", "last_name", "email", "graduating_class"}
EXAMPLE = [
    "S1024",
    "Marisol",
    "Vega",
    "marisol.vega@example.org",
    "2030",
    "Harbor",
    "2026-08-24",
    "Ana",
    "Vega",
    "ana.vega@example.org",
    "+14015550123",
    "mother",
    "",
    "",
    "",
    "",
    "",
]
NAME = "students.csv"
# The planner speaks OneRoster: its columns, as this file calls them.
COLUMN_NAMES = {
    "sourcedId": "student_id",
    "givenName": "first_name",
    "familyName": "last_name",
    "grades": "graduating_class",
    "beginDate": "advisory_start",
    "classSourcedId": "advisory",
    "userSourcedId": "student_id",
    "agentSourcedIds": "student_id",
}


def plain_template() -> str:
    """The downloadable template: the header and one example row, with a byte order mark
    so that Excel opens it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(PLAIN_COLUMNS)
    writer.writerow(EXAMPLE)
    return "\ufeff" + out.getvalue()


def read_plain(file) -> Dataset:
    """Read the plain CSV (a path or a binary file object); never raises for bad input."""
    dataset = Dataset(format="plain", modes={"users": DELTA, "enrollments": DELTA})
    dataset.files = dict.fromkeys(("users", "classes", "enrollments", "orgs"), NAME)
    dataset.columns = COLUMN_NAMES
    opened = isinstance(file, str | Path)
    raw = open(file, "rb") if opened else file  # noqa: SIM115 - closed below
    try:
        size = raw.seek(0, io.SEEK_END)
        raw.seek(0)
        if size > MAX_UPLOAD_BYTES:
            dataset.error(
                NAME,
                None,
                "",
                _("The file is larger than %(mb)s MB, the largest roster accepted.")
                % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            )
            return dataset
        columns = {c: c in REQUIRED for c in PLAIN_COLUMNS}
        lines = decoded_lines(iter(raw.readline, b""), dataset, NAME, [0], MAX_UPLOAD_BYTES)
        _read(csv_rows(lines, dataset, NAME, columns), dataset)
    except FileTooBig:
        pass
    finally:
        if opened:
            raw.close()
    return dataset


def _read(rows, dataset: Dataset) -> None:
    seen: set[str] = set()
    advisories: set[str] = set()
    guardians: dict[str, Person] = {}
    for line, row in rows:
        sid = row["student_id"]
        if not sid:
            dataset.error(NAME, line, "student_id", _("Every row needs the student's id."))
            continue
        if sid in seen:
            dataset.error(NAME, line, "student_id", _("This student id is on an earlier line."))
            continue
        seen.add(sid)
        if not _student(row, line, sid, dataset):
            continue
        for n in (1, 2):
            _guardian(row, line, sid, n, dataset, guardians)
        advisory = row.get("advisory", "")
        if advisory:
            klass = f"#class:{advisory}"
            if advisory not in advisories:
                advisories.add(advisory)
                dataset.classes.append(
                    Klass(klass, line, ACTIVE, advisory, [], "homeroom", "#school", [])
                )
            start = parse_date(row.get("advisory_start", ""), dataset, NAME, line, "advisory_start")
            dataset.enrollments.append(
                Enrollment(
                    f"#place:{sid}", line, ACTIVE, klass, "", sid, "student", False, start, None
                )
            )


def _student(row: dict, line: int, sid: str, dataset: Dataset) -> bool:
    year = row["graduating_class"]
    if not (year.isdigit() and 2000 <= int(year) <= 2200):
        dataset.error(NAME, line, "graduating_class", _("Enter a graduating class such as 2029."))
        return False
    if not (row["first_name"] and row["last_name"]):
        dataset.error(NAME, line, "first_name", _("Enter the student's first and last names."))
        return False
    dataset.people.append(
        Person(
            sid=sid,
            line=line,
            status=ACTIVE,
            enabled=True,
            orgs=[],
            role="student",
            given=row["first_name"],
            family=row["last_name"],
            email=row["email"].lower(),
            phone="",
            agents=[],
            grades=[],
            graduating_class=int(year),
        )
    )
    return True


def _guardian(
    row: dict, line: int, student: str, n: int, dataset: Dataset, guardians: dict
) -> None:
    values = {name: row.get(f"guardian{n}_{name}", "") for name in GUARDIAN_FIELDS}
    if not any(values.values()):
        return
    column = f"guardian{n}_"
    if not (values["first_name"] and values["last_name"]):
        dataset.error(
            NAME, line, column + "first_name", _("Enter the guardian's first and last names.")
        )
        return
    relationship = values["relationship"].lower() or GuardianLink.Relationship.PARENT
    if relationship not in GuardianLink.Relationship.values:
        dataset.error(
            NAME,
            line,
            column + "relationship",
            _("Write one of: %(values)s.")
            % {"values": ", ".join(GuardianLink.Relationship.values)},
        )
        return
    email = values["email"].lower()
    # The same guardian on several rows (brothers and sisters) is one person.
    sid = f"#guardian:{email or values['phone'] + '/' + values['first_name'].lower()}"
    known = guardians.get(sid)
    if known is not None:
        known.agents.append(student)
        return
    guardians[sid] = Person(
        sid=sid,
        line=line,
        status=ACTIVE,
        enabled=True,
        orgs=[],
        role="guardian",
        given=values["first_name"],
        family=values["last_name"],
        email=email,
        phone=values["phone"],
        agents=[student],
        grades=[],
        relationship=relationship,
    )
    dataset.people.append(guardians[sid])
