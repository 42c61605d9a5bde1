"""Export: the demo school out, into an empty deployment, out again: the same files."""

import csv
import io
import zipfile

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bigpicture.demo import DEMO_SLUG, _delete_demo_school, build_demo_school
from bigpicture.models import School
from students import roster
from students.models import RosterKey
from tests import factories
from tests.students.roster.samples import district, zipped


def _files(data: bytes) -> dict[str, list[list[str]]]:
    """Each file's rows, sorted, without dateLastModified (a row's order is no promise)."""
    files = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            rows = list(csv.reader(io.TextIOWrapper(archive.open(name), encoding="utf-8")))
            header, body = rows[0], rows[1:]
            keep = [i for i, column in enumerate(header) if column != "dateLastModified"]
            rows = sorted([row[i] for i in keep] for row in body)
            files[name] = [[header[i] for i in keep], *rows]
    return files


def _export(school) -> bytes:
    out = io.BytesIO()
    roster.export_oneroster(school, out)
    return out.getvalue()


def test_the_demo_school_round_trips(db):
    build_demo_school(students=40, seed=2026)
    demo = School.objects.get(slug=DEMO_SLUG)
    first = _export(demo)
    name = demo.name
    _delete_demo_school()  # an empty deployment: no one of the demo is left
    empty = factories.SchoolFactory(name=name, slug="imported")
    admin = factories.AdminFactory(school=empty)
    dataset = roster.read_oneroster(io.BytesIO(first))
    assert dataset.errors == []
    report = roster.run(dataset, empty, actor=admin)
    assert report.ok
    assert report.counts["students"]["created"] == 40
    assert report.counts["enrollments"]["created"] > 37  # one moved last year: two rows
    second = _export(empty)
    assert _files(second) == _files(first)
    assert set(_files(first)) == {
        "manifest.csv",
        "orgs.csv",
        "academicSessions.csv",
        "courses.csv",
        "classes.csv",
        "users.csv",
        "enrollments.csv",
    }
    # and importing the export back into the school it came from changes nothing
    again = roster.check(roster.read_oneroster(io.BytesIO(second)), empty)
    assert again.ok
    assert all(
        counts["created"] == counts["updated"] == counts["ended"] == 0
        for counts in again.counts.values()
    )


def test_an_export_names_its_rows_once_and_keeps_the_names(school, admin):
    roster.run(roster.read_oneroster(zipped(district(school.today()))), school, actor=admin)
    factories.StudentFactory(school=school)  # made here: named on its first export
    keys = RosterKey.objects.count()
    first = _export(school)
    assert RosterKey.objects.count() == keys + 1
    assert _files(_export(school)) == _files(first)
    assert RosterKey.objects.count() == keys + 1
    users = _files(first)["users.csv"]
    assert {row[0] for row in users[1:]} >= {"u-s1", "u-p2", "u-t1"}


def test_an_export_costs_the_same_queries_whatever_the_size(
    school, admin, django_assert_num_queries
):
    roster.run(roster.read_oneroster(zipped(district(school.today()))), school, actor=admin)
    _export(school)
    with CaptureQueriesContext(connection) as small:
        _export(school)
    for _n in range(5):
        factories.GuardianLinkFactory(student=factories.StudentFactory(school=school))
    _export(school)  # names the new rows
    with django_assert_num_queries(len(small)):
        _export(school)
