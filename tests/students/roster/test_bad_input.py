"""Every bad roster file is told plainly (file, line, column, reason) and nothing is written."""

import io
import struct
import zipfile

import pytest

from bigpicture.models import SchoolYear, User
from students import roster
from students.models import RosterKey
from students.roster import oneroster
from tests.students.roster.samples import csv_text, district, zipped


def _refused(school, admin, upload):
    """The errors of a file, after checking that importing it writes nothing."""
    people = User.objects.count()
    dataset = roster.read_oneroster(upload)
    report = roster.check(dataset, school)
    assert not report.ok
    with pytest.raises(roster.RosterRefused) as refused:
        roster.run(dataset, school, actor=admin)
    assert refused.value.report.errors == report.errors
    assert User.objects.count() == people
    assert not RosterKey.objects.exists() and not SchoolYear.objects.exists()
    return [(e.file, e.line, e.column) for e in report.errors], report.errors


def test_not_a_zip(school, admin):
    where, errors = _refused(school, admin, io.BytesIO(b"sourcedId,name\n1,Lincoln\n"))
    assert where == [("(zip)", None, "")]
    assert "not a zip" in errors[0].reason


def test_no_manifest(school, admin):
    where, _errors = _refused(school, admin, zipped(district(school.today()), manifest=False))
    assert where == [("(zip)", None, "manifest.csv")]


def test_a_file_the_manifest_lists_is_missing(school, admin):
    files = district(school.today())
    upload = zipped(files, modes={"users": "bulk"}, texts={})
    data = io.BytesIO()
    with zipfile.ZipFile(upload) as source, zipfile.ZipFile(data, "w") as target:
        for info in source.infolist():
            if info.filename != "users.csv":
                target.writestr(info, source.read(info))
    data.seek(0)
    where, _errors = _refused(school, admin, data)
    assert where == [("(zip)", None, "users.csv")]


def test_missing_and_unknown_headers(school, admin):
    files = district(school.today())
    columns = [c for c in oneroster.COLUMNS["users"] if c != "givenName"] + ["firstName"]
    users = csv_text("users", files["users"], columns).encode()
    where, errors = _refused(school, admin, zipped(files, texts={"users.csv": users}))
    assert where == [("users.csv", 1, "firstName"), ("users.csv", 1, "givenName")]
    assert "missing" in errors[1].reason


def test_a_guardian_pointing_to_no_student(school, admin):
    files = district(school.today())
    files["users"][5]["agentSourcedIds"] = "u-nobody"
    where, errors = _refused(school, admin, zipped(files))
    assert where == [("users.csv", 7, "agentSourcedIds")]
    assert "u-nobody" in errors[0].reason


def test_duplicate_sourced_ids(school, admin):
    files = district(school.today())
    files["users"].append(dict(files["users"][2], email="other@example.org"))
    where, _errors = _refused(school, admin, zipped(files))
    assert where == [("users.csv", 10, "sourcedId")]


@pytest.mark.parametrize(
    ("kind", "row", "column", "value", "line"),
    [
        ("academicSessions", 1, "startDate", "2026-13-01", 3),
        ("academicSessions", 0, "endDate", "June 2027", 2),
        ("enrollments", 3, "beginDate", "24/08/2026", 5),
        ("users", 0, "dateLastModified", "yesterday", 2),
    ],
)
def test_dates_that_do_not_parse(school, admin, kind, row, column, value, line):
    files = district(school.today())
    files[kind][row][column] = value
    where, errors = _refused(school, admin, zipped(files))
    assert (f"{kind}.csv", line, column) in where
    assert value in errors[where.index((f"{kind}.csv", line, column))].reason


def test_a_class_of_an_unknown_school(school, admin):
    files = district(school.today())
    files["orgs"].append(
        {"sourcedId": "s9", "name": "Hope High", "type": "school", "parentSourcedId": "d1"}
    )
    files["classes"][1]["schoolSourcedId"] = "s9"
    # the school of the file is linked by a first import: then a class of s9 is unknown
    RosterKey.objects.create(school=school, kind="org", sourced_id="s1", object_id=school.pk)
    dataset = roster.read_oneroster(zipped(files))
    report = roster.check(dataset, school)
    assert [(e.file, e.line, e.column) for e in report.errors] == [
        ("classes.csv", 3, "schoolSourcedId")
    ]
    assert "unknown school" in report.errors[0].reason
    with pytest.raises(roster.RosterRefused):
        roster.run(dataset, school, actor=admin)
    assert User.objects.count() == 1


def test_a_file_of_several_schools_none_known(school, admin):
    files = district(school.today())
    files["orgs"].append({"sourcedId": "s9", "name": "Hope High", "type": "school"})
    where, _errors = _refused(school, admin, zipped(files))
    assert where == [("orgs.csv", None, "type")]


def test_a_zip_bomb_refused_on_its_declared_size(school, admin, monkeypatch):
    monkeypatch.setattr(oneroster, "UNPACKED_LIMIT", 50_000)
    files = district(school.today())
    padding = b"propertyName,value\r\n" + b"x" * 80_000
    where, errors = _refused(school, admin, zipped(files, texts={"padding.csv": padding}))
    assert where == [("(zip)", None, "")]
    assert "MB" in errors[0].reason


def test_a_zip_bomb_refused_on_its_ratio(school, admin, monkeypatch):
    monkeypatch.setattr(oneroster, "RATIO_MINIMUM", 10_000)
    files = district(school.today())
    where, _errors = _refused(
        school, admin, zipped(files, texts={"padding.csv": b"\0" * 2_000_000})
    )
    assert where == [("(zip)", None, "")]


def test_a_zip_bomb_refused_on_the_bytes_it_really_unpacks(school, admin, monkeypatch):
    """What is read is counted too, whatever the archive declares: past the limit, reading
    stops."""
    monkeypatch.setattr(oneroster, "READ_LIMIT", 1_500)
    where, _errors = _refused(school, admin, zipped(district(school.today())))
    assert where[-1][0] in {"users.csv", "classes.csv", "academicSessions.csv", "enrollments.csv"}
    assert len(where) == 1


def test_a_zip_lying_about_its_sizes_is_refused(school, admin):
    upload = zipped(district(school.today()))
    data = bytearray(upload.getvalue())
    # every size the central directory declares for users.csv says 10 bytes
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack("<H", data[at + 28 : at + 30])[0]
        if data[at + 46 : at + 46 + name_length] == b"users.csv":
            data[at + 24 : at + 28] = struct.pack("<I", 10)
        at = data.find(b"PK\x01\x02", at + 4)
    where, _errors = _refused(school, admin, io.BytesIO(bytes(data)))
    assert where[0][0] in {"(zip)", "users.csv"}


def test_an_upload_past_the_limit(school, admin, monkeypatch):
    monkeypatch.setattr(oneroster, "MAX_UPLOAD_BYTES", 1_000)
    where, errors = _refused(school, admin, zipped(district(school.today())))
    assert where == [("(zip)", None, "")]
    assert "larger than" in errors[0].reason


def test_latin_1_is_told_with_its_line(school, admin):
    files = district(school.today())
    users = csv_text("users", files["users"]).encode("latin-1")
    where, errors = _refused(school, admin, zipped(files, texts={"users.csv": users}))
    assert where == [("users.csv", 5, "")]  # Marco Fernández, the first accented name
    assert "UTF-8" in errors[0].reason


def test_a_byte_order_mark_is_accepted(school, admin):
    files = district(school.today())
    texts = {
        f"{kind}.csv": ("\ufeff" + csv_text(kind, rows)).encode() for kind, rows in files.items()
    }
    dataset = roster.read_oneroster(zipped(files, texts=texts))
    assert dataset.errors == []
    report = roster.run(dataset, school, actor=admin)
    assert report.counts["students"]["created"] == 3


def test_an_email_of_another_school(school, admin):
    from tests import factories

    factories.UserFactory(
        school=factories.SchoolFactory(slug="elsewhere"), email="dana.smith@example.org"
    )
    files = district(school.today())
    dataset = roster.read_oneroster(zipped(files))
    report = roster.check(dataset, school)
    assert [(e.file, e.line, e.column) for e in report.errors] == [("users.csv", 7, "email")]


@pytest.mark.parametrize(
    ("kind", "row", "column", "value"),
    [
        ("users", 2, "role", "pupil"),
        ("users", 2, "enabledUser", "yes"),
        ("users", 2, "grades", "ninth"),
        ("users", 6, "phone", "12"),
        ("users", 2, "email", "not-an-address"),
        ("users", 2, "email", ""),
        ("classes", 0, "classType", "club"),
        ("enrollments", 3, "userSourcedId", "u-p1"),
        ("enrollments", 3, "classSourcedId", "h9"),
        ("enrollments", 0, "primary", "maybe"),
        ("academicSessions", 0, "type", "year"),
        ("users", 2, "status", "gone"),
    ],
)
def test_row_errors_name_their_column(school, admin, kind, row, column, value):
    files = district(school.today())
    files[kind][row][column] = value
    where, _errors = _refused(school, admin, zipped(files))
    assert where[0][0] == f"{kind}.csv" and where[0][2] == column, where


def test_errors_are_json_safe(school):
    files = district(school.today())
    files["users"][5]["agentSourcedIds"] = "u-nobody"
    report = roster.check(roster.read_oneroster(zipped(files)), school)
    again = roster.Report.from_json(report.as_json())
    assert again.errors == report.errors and again.counts == report.counts and not again.ok
