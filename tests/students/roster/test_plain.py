"""The plain CSV of students and their families, for schools without OneRoster."""

import csv
import io

import pytest

from advisories.models import Membership
from bigpicture.models import User
from students import roster
from students.models import GuardianLink, RosterKey, Student


def _csv(*rows: dict, bom: bool = False, encoding: str = "utf-8") -> io.BytesIO:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=roster.PLAIN_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return io.BytesIO((("\ufeff" if bom else "") + out.getvalue()).encode(encoding))


def _row(**changes) -> dict:
    template = list(csv.reader(io.StringIO(roster.plain_template().lstrip("\ufeff"))))
    return dict(zip(template[0], template[1], strict=True)) | changes


def test_the_template_is_the_columns_and_an_example():
    text = roster.plain_template()
    assert text.startswith("\ufeff")
    header, example = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert header == roster.PLAIN_COLUMNS and len(example) == len(header)


def test_the_template_example_imports(world):
    dataset = roster.read_plain(_csv(_row(), bom=True))
    assert dataset.errors == [] and dataset.format == "plain"
    report = roster.check(dataset, world.school)
    assert report.ok, report.errors
    roster.run(dataset, world.school, actor=world.admin)
    marisol = Student.objects.get(user__email="marisol.vega@example.org")
    assert marisol.graduating_class == 2030 and marisol.school == world.school
    membership = Membership.objects.get(student=marisol)
    assert membership.advisory == world.advisory and str(membership.start_date) == "2026-08-24"
    link = GuardianLink.objects.get(student=marisol)
    assert (link.guardian.email, link.relationship, str(link.guardian.phone)) == (
        "ana.vega@example.org",
        "mother",
        "+14015550123",
    )
    assert RosterKey.objects.filter(kind="user", sourced_id="S1024").exists()
    assert not RosterKey.objects.filter(sourced_id__startswith="#").exists()
    again = roster.run(roster.read_plain(_csv(_row())), world.school, actor=world.admin)
    assert all(c["created"] == c["updated"] == c["ended"] == 0 for c in again.counts.values())


def test_siblings_share_one_guardian(world):
    rows = [
        _row(),
        _row(student_id="S1025", first_name="Tomás", email="tomas.vega@example.org"),
    ]
    roster.run(roster.read_plain(_csv(*rows)), world.school, actor=world.admin)
    ana = User.objects.get(email="ana.vega@example.org")
    assert GuardianLink.objects.filter(guardian=ana).count() == 2


def test_plain_errors_name_the_plain_columns(world):
    rows = [
        _row(advisory="Nowhere"),
        _row(student_id="S2", email="b@example.org", graduating_class="soon"),
        _row(student_id="S3", email="c@example.org", guardian1_relationship="neighbour"),
        _row(student_id="S3", email="d@example.org"),
    ]
    dataset = roster.read_plain(_csv(*rows))
    report = roster.check(dataset, world.school)
    where = sorted((e.file, e.line, e.column) for e in report.errors)
    assert where == [
        ("students.csv", 2, "advisory"),
        ("students.csv", 3, "graduating_class"),
        ("students.csv", 4, "guardian1_relationship"),
        ("students.csv", 5, "student_id"),
    ]
    people = User.objects.count()
    with pytest.raises(roster.RosterRefused):
        roster.run(dataset, world.school, actor=world.admin)
    assert User.objects.count() == people


def test_plain_latin_1_and_headers(world):
    latin = roster.read_plain(_csv(_row(first_name="José"), encoding="latin-1"))
    assert [(e.file, e.line) for e in latin.errors] == [("students.csv", 2)]
    wrong = roster.read_plain(io.BytesIO(b"id,name\n1,Ana\n"))
    assert {e.column for e in wrong.errors} >= {"id", "student_id", "first_name"}
