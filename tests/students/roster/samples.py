"""OneRoster 1.1 CSV files shaped as the specification's samples, built for the tests: a
small district with one school, a school year in two semesters, two homerooms and a
scheduled class, three teachers' and students' worth of people, and their parents."""

import csv
import io
import zipfile
from datetime import date

from students.roster.oneroster import COLUMNS


def school_year(today: date) -> tuple[date, date]:
    """The school year running today (late August to mid June; the summer belongs to the
    year about to start)."""
    first = today.year if today.month >= 7 else today.year - 1
    return date(first, 8, 24), date(first + 1, 6, 11)


def district(today: date) -> dict[str, list[dict]]:
    """The sample's rows per file (dicts by column; missing columns are empty)."""
    start, end = school_year(today)
    fall_end, spring_start = date(start.year + 1, 1, 15), date(start.year + 1, 1, 19)
    y = str(end.year)
    return {
        "orgs": [
            {"sourcedId": "d1", "name": "Providence Public Schools", "type": "district"},
            {"sourcedId": "s1", "name": "Lincoln High", "type": "school", "parentSourcedId": "d1"},
        ],
        "academicSessions": [
            {
                "sourcedId": "y1",
                "title": f"{start.year}-{end.year}",
                "type": "schoolYear",
                "startDate": str(start),
                "endDate": str(end),
                "schoolYear": y,
            },
            {
                "sourcedId": "t1",
                "title": "Fall",
                "type": "semester",
                "startDate": str(start),
                "endDate": str(fall_end),
                "parentSourcedId": "y1",
                "schoolYear": y,
            },
            {
                "sourcedId": "t2",
                "title": "Spring",
                "type": "semester",
                "startDate": str(spring_start),
                "endDate": str(end),
                "parentSourcedId": "y1",
                "schoolYear": y,
            },
        ],
        "courses": [
            {
                "sourcedId": "c1",
                "title": "Advisory",
                "orgSourcedId": "s1",
                "schoolYearSourcedId": "y1",
            },
            {"sourcedId": "c2", "title": "Biology", "orgSourcedId": "s1", "grades": "09"},
        ],
        "classes": [
            {
                "sourcedId": "h1",
                "title": "Harbor",
                "grades": "09",
                "courseSourcedId": "c1",
                "classType": "homeroom",
                "schoolSourcedId": "s1",
                "termSourcedIds": "t1,t2",
            },
            {
                "sourcedId": "h2",
                "title": "Summit",
                "grades": "12",
                "courseSourcedId": "c1",
                "classType": "homeroom",
                "schoolSourcedId": "s1",
                "termSourcedIds": "t1,t2",
            },
            {
                "sourcedId": "k1",
                "title": "Biology 9",
                "grades": "09",
                "courseSourcedId": "c2",
                "classType": "scheduled",
                "schoolSourcedId": "s1",
                "termSourcedIds": "t1",
                "periods": "3",
            },
        ],
        "users": [
            _user("u-t1", "teacher", "Jordan", "Lee", "jordan.lee@lincoln.example.org"),
            _user("u-t2", "teacher", "Maria", "Rivera", "maria.rivera@lincoln.example.org"),
            _user(
                "u-s1", "student", "Avery", "Smith", "avery.smith@students.example.org", grades="09"
            ),
            _user(
                "u-s2",
                "student",
                "Marco",
                "Fernández",
                "marco.fernandez@students.example.org",
                grades="09",
            ),
            _user(
                "u-s3", "student", "Penny", "Cook", "penny.cook@students.example.org", grades="12"
            ),
            _user(
                "u-p1",
                "parent",
                "Dana",
                "Smith",
                "dana.smith@example.org",
                agents="u-s1",
                orgs="d1",
            ),
            _user(
                "u-p2", "guardian", "Luis", "Fernández", "", agents="u-s2", phone="+1 401 555 0111"
            ),
            _user("u-p3", "relative", "Ruth", "Cook", "ruth.cook@example.org", agents="u-s3"),
        ],
        "enrollments": [
            _enrol("e-t1", "h1", "u-t1", "teacher", primary="true"),
            _enrol("e-t2", "h2", "u-t2", "teacher", primary="true"),
            _enrol("e-t3", "k1", "u-t1", "teacher", primary="true"),
            _enrol("e-s1", "h1", "u-s1", "student", begin=str(start)),
            _enrol("e-s2", "h1", "u-s2", "student", begin=str(start)),
            _enrol("e-s3", "h2", "u-s3", "student"),
            _enrol("e-k1", "k1", "u-s1", "student"),
        ],
        "demographics": [{"sourcedId": "u-s1", "birthDate": "2011-03-02", "sex": "female"}],
    }


def _user(sid, role, given, family, email, *, grades="", agents="", phone="", orgs="s1"):
    return {
        "sourcedId": sid,
        "status": "active",
        "dateLastModified": "2026-07-28T00:00:00Z",
        "enabledUser": "true",
        "orgSourcedIds": orgs,
        "role": role,
        "username": email or sid,
        "givenName": given,
        "familyName": family,
        "email": email,
        "phone": phone,
        "agentSourcedIds": agents,
        "grades": grades,
    }


def _enrol(sid, klass, user, role, *, primary="false", begin="", end=""):
    return {
        "sourcedId": sid,
        "classSourcedId": klass,
        "schoolSourcedId": "s1",
        "userSourcedId": user,
        "role": role,
        "primary": primary,
        "beginDate": begin,
        "endDate": end,
    }


def csv_text(kind: str, rows: list[dict], columns: list[str] | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = columns or list(COLUMNS[kind])
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return out.getvalue()


def zipped(
    files: dict[str, list[dict]],
    *,
    modes: dict[str, str] | None = None,
    texts: dict[str, bytes] | None = None,
    manifest: bool = True,
) -> io.BytesIO:
    """A zip of the files (every one listed in the manifest as bulk unless ``modes`` says
    otherwise); ``texts`` gives a file's bytes outright (a bad encoding, a wrong header)."""
    modes = {kind: "bulk" for kind in files} | (modes or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if manifest:
            lines = ["propertyName,value", "manifest.version,1.0", "oneroster.version,1.1"]
            lines += [f"file.{kind},{mode}" for kind, mode in modes.items()]
            lines += ["source.systemName,Sample SIS"]
            archive.writestr("manifest.csv", "\r\n".join(lines) + "\r\n")
        for kind, rows in files.items():
            if modes.get(kind) != "absent" and f"{kind}.csv" not in (texts or {}):
                archive.writestr(f"{kind}.csv", csv_text(kind, rows))
        for name, data in (texts or {}).items():
            archive.writestr(name, data)
    out.seek(0)
    return out
