"""Reading a OneRoster 1.1 CSV zip: its manifest, then each file it names, streamed.

The columns are the 1.1 CSV binding's, in its order (True: the spec requires the column).
Nothing here touches the database; references between rows are checked by the planner,
which also knows the rows of earlier imports (a delta file names them without repeating them).
"""

import io
import zipfile
from pathlib import Path

from django.utils.translation import gettext as _

from students.roster.dataset import (
    ABSENT,
    ACTIVE,
    BULK,
    DELTA,
    MAX_UPLOAD_BYTES,
    TOBEDELETED,
    Dataset,
    Enrollment,
    FileTooBig,
    Klass,
    Org,
    Person,
    Session,
    check_modified,
    csv_rows,
    decoded_lines,
    parse_date,
    split_list,
    too_big_message,
)

UNPACKED_LIMIT = 500 * 1024 * 1024  # bytes an archive may declare it holds once unpacked
RATIO_LIMIT = 200  # and at most this many times its packed size...
RATIO_MINIMUM = 10 * 1024 * 1024  # ...once it declares more than this
READ_LIMIT = UNPACKED_LIMIT  # bytes really read, counted as they come, whatever was declared

_BASE = {"sourcedId": True, "status": False, "dateLastModified": False}
COLUMNS: dict[str, dict[str, bool]] = {
    "orgs": {**_BASE, "name": True, "type": True, "identifier": False, "parentSourcedId": False},
    "academicSessions": {
        **_BASE,
        "title": True,
        "type": True,
        "startDate": True,
        "endDate": True,
        "parentSourcedId": False,
        "schoolYear": True,
    },
    "courses": {
        **_BASE,
        "schoolYearSourcedId": False,
        "title": True,
        "courseCode": False,
        "grades": False,
        "orgSourcedId": True,
        "subjects": False,
        "subjectCodes": False,
    },
    "classes": {
        **_BASE,
        "title": True,
        "grades": False,
        "courseSourcedId": True,
        "classCode": False,
        "classType": True,
        "location": False,
        "schoolSourcedId": True,
        "termSourcedIds": True,
        "subjects": False,
        "subjectCodes": False,
        "periods": False,
    },
    "users": {
        **_BASE,
        "enabledUser": True,
        "orgSourcedIds": True,
        "role": True,
        "username": True,
        "userIds": False,
        "givenName": True,
        "familyName": True,
        "middleName": False,
        "identifier": False,
        "email": False,
        "sms": False,
        "phone": False,
        "agentSourcedIds": False,
        "grades": False,
        "password": False,
    },
    "enrollments": {
        **_BASE,
        "classSourcedId": True,
        "schoolSourcedId": True,
        "userSourcedId": True,
        "role": True,
        "primary": False,
        "beginDate": False,
        "endDate": False,
    },
    "demographics": {
        **_BASE,
        "birthDate": False,
        "sex": False,
        "americanIndianOrAlaskaNative": False,
        "asian": False,
        "blackOrAfricanAmerican": False,
        "nativeHawaiianOrOtherPacificIslander": False,
        "white": False,
        "demographicRaceTwoOrMoreRaces": False,
        "hispanicOrLatinoEthnicity": False,
        "countryOfBirthCode": False,
        "stateOfBirthAbbreviation": False,
        "cityOfBirth": False,
        "publicSchoolResidenceStatus": False,
    },
}
# Files of the 1.1 binding this import does not use: named in a manifest, they are skipped.
OTHER_FILES = (
    "categories",
    "classResources",
    "courseResources",
    "lineItems",
    "resources",
    "results",
)
REQUIRED_FILES = ("orgs", "academicSessions", "classes", "users", "enrollments")
ORG_TYPES = {"department", "school", "district", "local", "state", "national"}
SESSION_TYPES = {"schoolYear", "term", "semester", "gradingPeriod"}
CLASS_TYPES = {"homeroom", "scheduled"}
ROLES = {"administrator", "aide", "guardian", "parent", "proctor", "relative", "student", "teacher"}
ENROLLMENT_ROLES = {"administrator", "proctor", "student", "teacher", "aide"}
GUARDIAN_ROLES = {"guardian", "parent", "relative"}
ZIP = "(zip)"


def read_oneroster(file) -> Dataset:
    """Read a OneRoster 1.1 CSV zip (a path or a binary file object); never raises for bad
    input: everything wrong becomes ``Dataset.errors``."""
    dataset = Dataset(format="oneroster")
    archive = _open(file, dataset)
    if archive is None:
        return dataset
    with archive:
        members = _members(archive, dataset)
        if members is None:
            return dataset
        budget = [0]
        try:
            if not _manifest(archive, members, dataset, budget):
                return dataset
            for kind, reader in READERS.items():
                if dataset.mode(kind) != ABSENT:
                    _read(archive, members[f"{kind}.csv"], kind, reader, dataset, budget)
        except FileTooBig:
            pass
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as error:
            dataset.error(ZIP, None, "", _("The zip file is damaged: %(e)s") % {"e": error})
    return dataset


def _open(file, dataset: Dataset) -> zipfile.ZipFile | None:
    try:
        if isinstance(file, str | Path):
            size = Path(file).stat().st_size
        else:
            size = file.seek(0, io.SEEK_END)
            file.seek(0)
        if size > MAX_UPLOAD_BYTES:
            dataset.error(
                ZIP,
                None,
                "",
                _("The file is larger than %(mb)s MB, the largest roster accepted.")
                % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            )
            return None
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        dataset.error(
            ZIP,
            None,
            "",
            _("This is not a zip file. Export the roster as OneRoster 1.1 CSV: a .zip file."),
        )
        return None
    archive.packed_size = size  # type: ignore[attr-defined]
    return archive


def _members(archive: zipfile.ZipFile, dataset: Dataset) -> dict | None:
    """The archive's files by name (in a folder or not), refused whole when what it declares
    unpacked is too large for a roster (a zip bomb says so before it is opened)."""
    infos = archive.infolist()
    declared = sum(info.file_size for info in infos)
    packed = max(archive.packed_size, 1)  # type: ignore[attr-defined]
    if declared > UNPACKED_LIMIT or (declared > RATIO_MINIMUM and declared / packed > RATIO_LIMIT):
        dataset.error(ZIP, None, "", too_big_message(UNPACKED_LIMIT))
        return None
    members = {}
    for info in infos:
        if not info.is_dir():
            members.setdefault(info.filename.rsplit("/", 1)[-1], info)
    return members


def _lines(archive, info, dataset, name, budget):
    with archive.open(info) as raw:
        yield from decoded_lines(io.BufferedReader(raw), dataset, name, budget, READ_LIMIT)


def _manifest(archive, members: dict, dataset: Dataset, budget: list[int]) -> bool:
    info = members.get("manifest.csv")
    if info is None:
        dataset.error(
            ZIP,
            None,
            "manifest.csv",
            _("The zip has no manifest.csv: it is not a OneRoster 1.1 CSV export."),
        )
        return False
    values = {}
    columns = {"propertyName": True, "value": True}
    rows = csv_rows(
        _lines(archive, info, dataset, "manifest.csv", budget), dataset, "manifest.csv", columns
    )
    for line, row in rows:
        values[row["propertyName"]] = (line, row["value"])
    ok = not dataset.errors
    version = values.get("oneroster.version", (None, ""))
    if version[1] and version[1] not in {"1.1", "1.0"}:
        dataset.error(
            "manifest.csv",
            version[0],
            "value",
            _("This is OneRoster %(v)s; this import reads OneRoster 1.1 CSV.") % {"v": version[1]},
        )
        ok = False
    for kind in (*COLUMNS, *OTHER_FILES):
        line, mode = values.get(f"file.{kind}", (None, ABSENT))
        mode = mode.lower()
        if mode not in {BULK, DELTA, ABSENT}:
            dataset.error(
                "manifest.csv",
                line,
                "value",
                _("file.%(kind)s must be bulk, delta or absent.") % {"kind": kind},
            )
            ok = False
            continue
        if kind in COLUMNS:
            dataset.modes[kind] = mode
        if kind in COLUMNS and mode != ABSENT and f"{kind}.csv" not in members:
            dataset.error(
                ZIP,
                None,
                f"{kind}.csv",
                _("The manifest lists %(file)s but the zip does not hold it.")
                % {"file": f"{kind}.csv"},
            )
            ok = False
    if ok and all(dataset.mode(kind) == ABSENT for kind in REQUIRED_FILES):
        dataset.error("manifest.csv", None, "", _("The manifest lists no roster file to read."))
        ok = False
    return ok


def _read(archive, info, kind: str, reader, dataset: Dataset, budget: list[int]) -> None:
    name = f"{kind}.csv"
    seen: set[str] = set()
    for line, row in csv_rows(
        _lines(archive, info, dataset, name, budget), dataset, name, COLUMNS[kind]
    ):
        told = len(dataset.errors) + dataset.dropped
        if _common(row, line, name, dataset, seen):
            reader(row, line, dataset)
        if len(dataset.errors) + dataset.dropped > told and row["sourcedId"]:
            dataset.refused.add(row["sourcedId"])  # its references are not told again


def _common(row: dict, line: int, name: str, dataset: Dataset, seen: set[str]) -> bool:
    """sourcedId present and unique in its file, status known, dateLastModified readable."""
    sid = row["sourcedId"]
    ok = True
    if not sid:
        dataset.error(name, line, "sourcedId", _("Every row needs a sourcedId."))
        ok = False
    elif sid in seen:
        dataset.error(
            name,
            line,
            "sourcedId",
            _("The sourcedId “%(sid)s” appears on an earlier line of this file.") % {"sid": sid},
        )
        ok = False
    seen.add(sid)
    status = row.get("status", "")
    if status not in {"", ACTIVE, TOBEDELETED}:
        dataset.error(name, line, "status", _("The status must be active or tobedeleted."))
        ok = False
    row["status"] = status or ACTIVE
    check_modified(row.get("dateLastModified", ""), dataset, name, line)
    return ok


def _choice(row, line, dataset, name, column, allowed) -> str | None:
    value = row[column]
    if value in allowed or value.startswith("ext:"):
        return value
    dataset.error(
        name,
        line,
        column,
        _("“%(value)s” is not one of: %(allowed)s.")
        % {"value": value, "allowed": ", ".join(sorted(allowed))},
    )
    return None


def _boolean(row, line, dataset, name, column, default: bool) -> bool | None:
    value = row.get(column, "").lower()
    if not value:
        return default
    if value in {"true", "false"}:
        return value == "true"
    dataset.error(name, line, column, _("Write true or false."))
    return None


def _org(row, line, dataset):
    kind = _choice(row, line, dataset, "orgs.csv", "type", ORG_TYPES)
    if not row["name"]:
        dataset.error("orgs.csv", line, "name", _("Enter the organization's name."))
        return
    if kind:
        dataset.orgs.append(Org(row["sourcedId"], line, row["status"], row["name"], kind))


def _session(row, line, dataset):
    name = "academicSessions.csv"
    kind = _choice(row, line, dataset, name, "type", SESSION_TYPES)
    start = parse_date(row["startDate"], dataset, name, line, "startDate", required=True)
    end = parse_date(row["endDate"], dataset, name, line, "endDate", required=True)
    year = row["schoolYear"]
    if year and not (year.isdigit() and len(year) == 4):
        dataset.error(name, line, "schoolYear", _("Write the school year as its last year: 2027."))
        return
    if not row["title"]:
        dataset.error(name, line, "title", _("Enter the session's title."))
        return
    if start and end and end <= start:
        dataset.error(name, line, "endDate", _("The last day must come after the first day."))
        return
    if kind and start and end:
        dataset.sessions.append(
            Session(
                row["sourcedId"],
                line,
                row["status"],
                row["title"][:40],
                kind,
                start,
                end,
                row.get("parentSourcedId", ""),
                int(year) if year else None,
            )
        )


def _class(row, line, dataset):
    kind = _choice(row, line, dataset, "classes.csv", "classType", CLASS_TYPES)
    if not row["title"]:
        dataset.error("classes.csv", line, "title", _("Enter the class's title."))
        return
    if not row["schoolSourcedId"]:
        dataset.error("classes.csv", line, "schoolSourcedId", _("Name the class's school."))
        return
    if kind:
        dataset.classes.append(
            Klass(
                row["sourcedId"],
                line,
                row["status"],
                row["title"],
                split_list(row.get("grades", "")),
                kind,
                row["schoolSourcedId"],
                split_list(row["termSourcedIds"]),
            )
        )


def _user(row, line, dataset):
    name = "users.csv"
    role = _choice(row, line, dataset, name, "role", ROLES)
    enabled = _boolean(row, line, dataset, name, "enabledUser", True)
    if not (row["givenName"] and row["familyName"]):
        column = "givenName" if not row["givenName"] else "familyName"
        dataset.error(name, line, column, _("Enter the person's given and family names."))
        return
    if role is None or enabled is None:
        return
    dataset.people.append(
        Person(
            sid=row["sourcedId"],
            line=line,
            status=row["status"],
            enabled=enabled,
            orgs=split_list(row["orgSourcedIds"]),
            role=role,
            given=row["givenName"],
            family=row["familyName"],
            email=row.get("email", "").lower(),
            phone=row.get("phone", "") or row.get("sms", ""),
            agents=split_list(row.get("agentSourcedIds", "")),
            grades=split_list(row.get("grades", "")),
        )
    )


def _enrollment(row, line, dataset):
    name = "enrollments.csv"
    role = _choice(row, line, dataset, name, "role", ENROLLMENT_ROLES)
    primary = _boolean(row, line, dataset, name, "primary", False)
    begin = parse_date(row.get("beginDate", ""), dataset, name, line, "beginDate")
    end = parse_date(row.get("endDate", ""), dataset, name, line, "endDate")
    if (row.get("beginDate") and begin is None) or (row.get("endDate") and end is None):
        return
    if begin and end and end < begin:
        dataset.error(name, line, "endDate", _("The end date cannot come before the begin date."))
        return
    if role is None or primary is None:
        return
    dataset.enrollments.append(
        Enrollment(
            row["sourcedId"],
            line,
            row["status"],
            row["classSourcedId"],
            row["schoolSourcedId"],
            row["userSourcedId"],
            role,
            primary,
            begin,
            end,
        )
    )


def _skip(row, line, dataset):
    """courses.csv and demographics.csv: read and checked, nothing of them is kept."""


READERS = {
    "orgs": _org,
    "academicSessions": _session,
    "courses": _skip,
    "classes": _class,
    "users": _user,
    "enrollments": _enrollment,
    "demographics": _skip,
}
