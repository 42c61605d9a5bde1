"""Importing OneRoster 1.1 CSV: the sample district's files, a second run, changes, ends."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advisories.models import Advisory, Membership
from bigpicture.models import SchoolYear, Term, User
from students import roster
from students.models import GuardianLink, RosterKey, Student
from tests.students.roster.samples import district, school_year, zipped

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|COPY)", re.IGNORECASE)


def _import(school, admin, files, **zip_args):
    dataset = roster.read_oneroster(zipped(files, **zip_args))
    return roster.run(dataset, school, actor=admin)


def _by(kind, outcome, report):
    return report.counts[kind][outcome]


def test_the_sample_imports_cleanly(school, admin):
    files = district(school.today())
    dataset = roster.read_oneroster(zipped(files))
    assert dataset.errors == []
    dry = roster.check(dataset, school)
    assert dry.ok, dry.errors
    assert User.objects.filter(school=school).count() == 1  # the dry run wrote nothing
    report = roster.run(dataset, school, actor=admin)
    assert report.as_json() == dry.as_json()
    created = {kind: counts["created"] for kind, counts in report.counts.items()}
    assert created == {
        "schools": 0,
        "years": 1,
        "terms": 2,
        "students": 3,
        "guardians": 3,
        "advisors": 2,
        "advisories": 2,
        "enrollments": 3,
        "family links": 3,
    }
    start, end = school_year(school.today())
    year = SchoolYear.objects.get(school=school)
    assert (year.start_date, year.end_date) == (start, end)
    assert sorted(Term.objects.filter(school_year=year).values_list("name", flat=True)) == [
        "Fall",
        "Spring",
    ]
    avery = Student.objects.get(user__email="avery.smith@students.example.org")
    penny = Student.objects.get(user__email="penny.cook@students.example.org")
    # grade 9 this year graduates three school years after this one ends; grade 12 this June
    assert (avery.graduating_class, penny.graduating_class) == (end.year + 3, end.year)
    harbor = Advisory.objects.get(school=school, name="Harbor")
    assert harbor.advisor.email == "jordan.lee@lincoln.example.org"
    assert harbor.advisor.is_advisor and harbor.graduating_class == end.year + 3
    assert not Advisory.objects.filter(name="Biology 9").exists()  # a scheduled class
    placed = Membership.objects.get(student=avery)
    assert (placed.advisory, placed.start_date, placed.end_date) == (harbor, start, None)
    assert placed.created_by == admin
    # Penny's enrolment has no beginDate: it starts with its class's first term
    assert Membership.objects.get(student=penny).start_date == start
    luis = User.objects.get(first_name="Luis")
    assert luis.email is None and str(luis.phone) == "+14015550111" and luis.is_guardian
    links = {
        (link.guardian.first_name, link.student.user.first_name): link.relationship
        for link in GuardianLink.objects.all()
    }
    assert links == {
        ("Dana", "Avery"): "parent",
        ("Luis", "Marco"): "guardian",
        ("Ruth", "Penny"): "other",
    }
    assert GuardianLink.objects.get(guardian=luis).is_primary_contact
    assert set(
        RosterKey.objects.filter(school=school, kind="org").values_list("sourced_id", flat=True)
    ) == {"s1"}


def test_a_second_run_changes_nothing_and_writes_nothing(school, admin):
    files = district(school.today())
    _import(school, admin, files)
    dataset = roster.read_oneroster(zipped(files))
    with CaptureQueriesContext(connection) as queries:
        report = roster.run(dataset, school, actor=admin)
    writes = [q["sql"] for q in queries if WRITE.match(q["sql"])]
    assert writes == []
    assert all(
        counts["created"] == counts["updated"] == counts["ended"] == 0
        for counts in report.counts.values()
    )
    assert report.counts["students"]["unchanged"] == 3
    assert User.objects.filter(school=school).count() == 1 + 8


def test_a_changed_file_updates(school, admin):
    files = district(school.today())
    _import(school, admin, files)
    files["users"][2]["givenName"] = "Avery Jo"
    files["users"][4]["grades"] = "11"
    files["classes"][0]["title"] = "Harbor Lights"
    files["enrollments"][0]["userSourcedId"] = "u-t2"  # Maria leads Harbor now
    report = _import(school, admin, files)
    assert _by("students", "updated", report) == 2
    assert _by("advisories", "updated", report) == 1
    assert _by("students", "created", report) == 0
    avery = User.objects.get(email="avery.smith@students.example.org")
    assert avery.first_name == "Avery Jo"
    end = school_year(school.today())[1]
    assert Student.objects.get(user__first_name="Penny").graduating_class == end.year + 1
    harbor = Advisory.objects.get(name="Harbor Lights")
    assert harbor.advisor.first_name == "Maria"
    assert Advisory.objects.filter(school=school).count() == 2


def test_tobedeleted_ends_the_enrolment_and_keeps_the_person(school, admin):
    files = district(school.today())
    _import(school, admin, files)
    files["enrollments"][3]["status"] = "tobedeleted"  # Avery leaves Harbor
    report = _import(school, admin, files)
    assert _by("enrollments", "ended", report) == 1
    avery = Student.objects.get(user__first_name="Avery")
    membership = Membership.objects.get(student=avery)
    assert membership.end_date == max(school.today(), membership.start_date)
    assert User.objects.filter(pk=avery.user_id, is_active=True).exists()


def test_a_row_missing_from_a_bulk_file_ends_the_enrolment(school, admin):
    files = district(school.today())
    _import(school, admin, files)
    files["users"] = [u for u in files["users"] if u["sourcedId"] not in {"u-s3", "u-p3"}]
    files["enrollments"] = [e for e in files["enrollments"] if e["userSourcedId"] != "u-s3"]
    report = _import(school, admin, files)
    assert _by("enrollments", "ended", report) == 1
    penny = Student.objects.get(user__first_name="Penny")  # kept, with her family
    assert Membership.objects.get(student=penny).end_date is not None
    assert GuardianLink.objects.filter(student=penny).exists()
    # a third run: the ended enrolment stays ended, nothing else moves
    again = _import(school, admin, files)
    assert _by("enrollments", "ended", again) == 0


def test_a_delta_file_touches_only_its_rows(school, admin):
    files = district(school.today())
    _import(school, admin, files)
    # the last day: today, or the first day when the enrolment begins later (in the summer
    # break, between two school years, it begins with the coming year)
    enrollment = files["enrollments"][4]
    begins = enrollment.get("beginDate") or ""
    last_day = max(school.today(), date.fromisoformat(begins) if begins else school.today())
    delta = {
        "users": [dict(files["users"][3], familyName="Fernández-Ruiz")],
        "enrollments": [dict(enrollment, endDate=str(last_day))],
    }
    absent = {kind: "absent" for kind in ("orgs", "academicSessions", "classes")}
    report = _import(
        school, admin, delta, modes={"users": "delta", "enrollments": "delta", **absent}
    )
    assert _by("students", "updated", report) == 1
    assert _by("enrollments", "updated", report) == 1
    marco = Student.objects.get(user__first_name="Marco")
    assert marco.user.last_name == "Fernández-Ruiz"
    assert Membership.objects.get(student=marco).end_date == last_day + timedelta(days=1)
    assert Membership.objects.filter(end_date__isnull=True).count() == 2


def test_people_matched_by_email_are_adopted_not_doubled(school, admin):
    teacher = User.objects.create(
        school=school, email="jordan.lee@lincoln.example.org", first_name="J", last_name="Lee"
    )
    report = _import(school, admin, district(school.today()))
    assert _by("advisors", "updated", report) == 1
    teacher.refresh_from_db()
    assert teacher.is_advisor and teacher.first_name == "Jordan"
    assert RosterKey.objects.get(kind="user", sourced_id="u-t1").object_id == teacher.pk


def _bigger(today, students):
    files = district(today)
    for n in range(students):
        files["users"].append(
            {**files["users"][2], "sourcedId": f"x{n}", "email": f"x{n}@students.example.org"}
        )
        files["users"].append(
            {
                **files["users"][5],
                "sourcedId": f"xp{n}",
                "email": f"xp{n}@example.org",
                "agentSourcedIds": f"x{n}",
            }
        )
        files["enrollments"].append(
            {**files["enrollments"][3], "sourcedId": f"xe{n}", "userSourcedId": f"x{n}"}
        )
    return files


def test_the_dry_run_costs_the_same_queries_whatever_the_size(
    school, admin, django_assert_num_queries
):
    small = roster.read_oneroster(zipped(district(school.today())))
    large = roster.read_oneroster(zipped(_bigger(school.today(), 40)))
    with CaptureQueriesContext(connection) as first:
        roster.check(small, school)
    with django_assert_num_queries(len(first)):
        assert roster.check(large, school).ok
    roster.run(large, school, actor=admin)
    with CaptureQueriesContext(connection) as second:
        roster.check(small, school)
    with django_assert_num_queries(len(second)):
        roster.check(large, school)


def test_progress_is_told(school, admin):
    seen = []
    dataset = roster.read_oneroster(zipped(district(school.today())))
    roster.run(
        dataset, school, actor=admin, progress=lambda done, total: seen.append((done, total))
    )
    assert seen and seen[-1][0] == seen[-1][1] and len(seen) <= 100


def test_overlapping_memberships_are_refused_before_the_database_does(school, admin):
    files = district(school.today())
    start = school_year(school.today())[0]
    files["enrollments"].append(
        dict(
            files["enrollments"][3],
            sourcedId="e-s1b",
            classSourcedId="h2",
            beginDate=str(start + timedelta(days=3)),
        )
    )
    report = roster.check(roster.read_oneroster(zipped(files)), school)
    assert [(e.file, e.line, e.column) for e in report.errors] == [
        ("enrollments.csv", 9, "beginDate")
    ]
    with pytest.raises(roster.RosterRefused):
        _import(school, admin, files)
    assert not Membership.objects.exists()


def test_a_hand_made_membership_ends_when_the_file_moves_the_student(school, admin):
    files = district(school.today())
    _import(school, admin, files)
    avery = Student.objects.get(user__first_name="Avery")
    Membership.objects.filter(student=avery).delete()
    RosterKey.objects.filter(kind="enrollment", sourced_id="e-s1").delete()
    start = school_year(school.today())[0]
    summit = Advisory.objects.get(name="Summit")
    Membership.objects.create(student=avery, advisory=summit, start_date=start - timedelta(days=30))
    report = _import(school, admin, files)
    assert _by("enrollments", "ended", report) == 1 and _by("enrollments", "created", report) == 1
    spans = list(
        Membership.objects.filter(student=avery)
        .order_by("start_date")
        .values_list("advisory__name", "end_date")
    )
    assert spans == [("Summit", start), ("Harbor", None)]
