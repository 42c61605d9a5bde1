"""The record of access: append-only rows, one INSERT per request, views and changes noted
where they happen, a student's own views left out, exports in one statement."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bigpicture import records
from bigpicture.models import AccessRecord
from expectations.services.attendance import attendance_take
from students.models import Student
from students.services.plans import plan_comment
from students.services.profile import student_profile_update
from tests import factories

Area, Action = AccessRecord.Area, AccessRecord.Action


def row(student, **kw):
    return AccessRecord.objects.create(
        school_id=student.school_id,
        student_id=student.pk,
        person_name="Ada <ada@met.test>",
        action=Action.VIEW,
        area=Area.PLAN,
        **kw,
    )


def views_of(student):
    return AccessRecord.objects.filter(student_id=student.pk, action=Action.VIEW)


# --- append-only -------------------------------------------------------------------------------


def test_a_row_is_never_changed_or_deleted(world):
    kept = row(world.student)
    kept.person_name = "Someone else"
    with pytest.raises(PermissionDenied):
        kept.save()
    with pytest.raises(PermissionDenied):
        kept.delete()
    with pytest.raises(PermissionDenied):
        AccessRecord.objects.filter(pk=kept.pk).update(person_name="x")
    with pytest.raises(PermissionDenied):
        AccessRecord.objects.filter(pk=kept.pk).delete()
    assert AccessRecord.objects.get(pk=kept.pk).person_name == "Ada <ada@met.test>"


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE bigpicture_accessrecord SET person_name = 'x'",
        "DELETE FROM bigpicture_accessrecord",
    ],
)
def test_the_database_refuses_a_raw_update_or_delete(world, sql):
    row(world.student)
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AccessRecord.objects.count() == 1


@pytest.mark.postgres
def test_purge_removes_only_rows_past_the_schools_period(world):
    world.school.access_record_days = 30
    world.school.save()
    old = row(world.student, at=timezone.now() - timedelta(days=31))
    recent = row(world.student, at=timezone.now() - timedelta(days=29))
    elsewhere = row(world.student2, at=timezone.now() - timedelta(days=31))  # a longer period
    assert records.purge() == 1
    left = set(AccessRecord.objects.values_list("pk", flat=True))
    assert left == {recent.pk, elsewhere.pk}
    assert old.pk not in left


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_rows_commit_alone_and_a_failure_leaves_the_connection_usable(
    world,
):
    """As after a request: the rows go in one statement with their own commit; if it fails,
    the connection is rolled back and serves the next request."""
    assert not connection.in_atomic_block
    visit = records.visit_of(world.advisor, path="/somewhere/")
    visit.add(school_id=world.school.pk, student_id=world.student.pk, action="view", area="plan")
    with CaptureQueriesContext(connection) as written:
        visit.write()
    assert len(written) == 1
    assert written[0]["sql"].startswith("BEGIN; SET LOCAL synchronous_commit TO OFF; INSERT")
    assert AccessRecord.objects.get().person_id == world.advisor.pk
    broken = records.visit_of(world.advisor)
    broken.add(school_id=-1, student_id=world.student.pk, action="view", area="plan")
    with pytest.raises(IntegrityError):
        broken.write()
    assert AccessRecord.objects.count() == 1  # and the connection still answers


def test_the_admin_back_office_is_read_only(world, rf):
    model_admin = admin.site._registry[AccessRecord]
    request = rf.get("/")
    request.user = world.admin
    kept = row(world.student)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, kept)
    assert not model_admin.has_delete_permission(request, kept)


# --- one INSERT per request --------------------------------------------------------------------


def test_a_page_costs_exactly_one_more_query_with_the_record(world, client_as, settings):
    client = client_as("advisor")
    url = reverse("students:student-detail", args=[world.student.pk])
    client.get(url)  # warm: the session, caches
    settings.ACCESS_RECORD = False
    with CaptureQueriesContext(connection) as off:
        client.get(url)
    settings.ACCESS_RECORD = True
    with CaptureQueriesContext(connection) as on:
        client.get(url)
    assert len(on) == len(off) + 1
    assert 'INSERT INTO "bigpicture_accessrecord"' in on.captured_queries[-1]["sql"]


AREA_PAGES = [
    ("students:student-detail", Area.PROFILE),
    ("students:plan-list", Area.PLAN),
    ("students:meeting-list", Area.MEETING),
    ("students:narrative-list", Area.NARRATIVE),
    ("students:exhibition-list", Area.EXHIBITION),
    ("internships:student-internships", Area.INTERNSHIP),
    ("expectations:reflection", Area.REFLECTION),
    ("expectations:attendance-student", Area.ATTENDANCE),
    ("expectations:engagement-student", Area.ENGAGEMENT),
]


@pytest.mark.parametrize(("name", "area"), AREA_PAGES)
def test_each_areas_page_records_a_view(world, client_as, name, area):
    response = client_as("advisor").get(reverse(name, args=[world.student.pk]))
    assert response.status_code == 200
    seen = views_of(world.student).get()
    assert (seen.area, seen.source, seen.person_id) == (area, name, world.advisor.pk)
    assert seen.roles == "advisor"
    assert seen.path == reverse(name, args=[world.student.pk])


def test_a_plan_and_an_internship_record_their_student(world, client_as):
    plan = factories.PlanFactory(student=world.student, term=world.term)
    placement = factories.PlacementFactory(student=world.student, mentor=world.mentor_profile)
    client = client_as("admin")
    client.get(reverse("students:plan-detail", args=[plan.pk]))
    client.get(reverse("students:plan-history", args=[plan.pk]))
    client.get(reverse("internships:placement-detail", args=[placement.pk]))
    client.get(reverse("internships:placement-logs", args=[placement.pk]))
    assert list(views_of(world.student).order_by("id").values_list("area", "source")) == [
        (Area.PLAN, "students:plan-detail"),
        (Area.PLAN, "students:plan-history"),
        (Area.INTERNSHIP, "internships:placement-detail"),
        (Area.INTERNSHIP, "internships:placement-logs"),
    ]


def test_a_page_out_of_reach_records_nothing(world, client_as):
    response = client_as("advisor").get(
        reverse("students:student-detail", args=[world.student2.pk])
    )
    assert response.status_code == 404
    assert not AccessRecord.objects.exists()


@pytest.mark.parametrize("role", ["student", "guardian"])
def test_the_students_and_familys_own_views_are_not_recorded(world, client_as, role):
    client = client_as(role)
    for name in ("students:student-detail", "students:plan-list", "students:narrative-list"):
        assert client.get(reverse(name, args=[world.student.pk])).status_code == 200
    assert not AccessRecord.objects.exists()


def test_a_guardian_who_is_staff_is_recorded(world, client_as):
    world.guardian.is_advisor = True
    world.guardian.save()
    client_as("guardian").get(reverse("students:student-detail", args=[world.student.pk]))
    assert views_of(world.student).count() == 1


# --- changes -----------------------------------------------------------------------------------


def test_a_service_records_a_change_with_its_name(world, django_capture_on_commit_callbacks):
    plan = factories.PlanFactory(student=world.student, term=world.term)
    with django_capture_on_commit_callbacks(execute=True):
        plan_comment(plan=plan, by=world.advisor, body="Good start")
        student_profile_update(student=world.student, by=world.student.user, talents="Drawing")
    changes = AccessRecord.objects.filter(action=Action.CHANGE).order_by("id")
    assert list(changes.values_list("student_id", "area", "source", "person_id")) == [
        (world.student.pk, Area.PLAN, "students.services.plans.plan_comment", world.advisor.pk),
        (
            world.student.pk,
            Area.PROFILE,
            "students.services.profile.student_profile_update",
            world.student.user.pk,
        ),
    ]


def test_a_change_costs_no_query_to_find_its_student(world, settings):
    plan = factories.PlanFactory(student=world.student, term=world.term)
    settings.ACCESS_RECORD = False
    with CaptureQueriesContext(connection) as off:
        plan_comment(plan=plan, by=world.advisor, body="One")
    settings.ACCESS_RECORD = True
    with CaptureQueriesContext(connection) as on:
        plan_comment(plan=plan, by=world.advisor, body="Two")
    assert len(on) == len(off)


def test_a_refused_or_rolled_back_change_is_not_recorded(world, django_capture_on_commit_callbacks):
    plan = factories.PlanFactory(student=world.student, term=world.term)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(PermissionDenied):
            plan_comment(plan=plan, by=world.advisor2, body="Not mine")
        with pytest.raises(RuntimeError), transaction.atomic():
            plan_comment(plan=plan, by=world.advisor, body="Undone")
            raise RuntimeError
    assert not AccessRecord.objects.exists()


# Committed for real: the change joins the request's rows when the view's transaction commits.
@pytest.mark.django_db(transaction=True)
def test_a_change_through_a_page_is_written_with_the_request(world, client_as):
    plan = factories.PlanFactory(student=world.student, term=world.term)
    url = reverse("students:plan-comment", args=[plan.pk])
    client_as("advisor").post(url, {"body": "Looks good"})
    change = AccessRecord.objects.get(action=Action.CHANGE)
    assert (change.source, change.path) == ("students.services.plans.plan_comment", url)


def test_the_roll_records_each_student_marked(world, django_capture_on_commit_callbacks):
    other = factories.MembershipFactory(
        advisory=world.advisory, start_date=world.school.today() - timedelta(days=60)
    ).student
    with django_capture_on_commit_callbacks(execute=True):
        attendance_take(
            advisory=world.advisory,
            day=world.school.today(),
            marks={world.student.pk: ("absent", ""), other.pk: ("present", "")},
            by=world.advisor,
        )
    changes = AccessRecord.objects.filter(action=Action.CHANGE)
    assert list(changes.values_list("student_id", "area")) == [(world.student.pk, Area.ATTENDANCE)]


# --- exports -----------------------------------------------------------------------------------


def test_an_export_writes_a_row_per_student_in_one_statement(world):
    request = RequestFactory().get("/reports/students.csv")
    request.user = world.admin
    students = Student.objects.filter(school=world.school)
    with CaptureQueriesContext(connection) as queries:
        records.exported(request, Area.REPORT, students)
    assert len(queries) == 1
    exported = AccessRecord.objects.filter(action=Action.EXPORT)
    assert set(exported.values_list("student_id", flat=True)) == set(
        students.values_list("pk", flat=True)
    )
    assert {row.person_id for row in exported} == {world.admin.pk}


@pytest.mark.parametrize("nobody", ["none", "empty list"])
def test_an_export_of_nobody_writes_nothing_and_does_not_fail(world, nobody):
    request = RequestFactory().get("/portfolios/batch.zip")
    request.user = world.admin
    students = Student.objects.none() if nobody == "none" else Student.objects.filter(pk__in=[])
    with CaptureQueriesContext(connection) as queries:
        records.exported(request, Area.PROFILE, students)
    assert len(queries) == 0
    assert not AccessRecord.objects.filter(action=Action.EXPORT).exists()
