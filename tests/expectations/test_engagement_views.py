"""The early warning's pages: the school's list and thresholds, a student's status, the
refresh, the check-in, and the advisor's "needs a check-in" list."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from advisories.models import Membership
from expectations.models import AttendanceSheet, CheckIn, Engagement, EngagementSettings
from expectations.selectors.engagement import needs_check_in
from expectations.services import engagement as services
from students.models import Student
from tests import factories

Status = Engagement.Status


@pytest.fixture(autouse=True)
def _enrolled_last_year(world):
    """The world's students enrolled a year ago (a check-in may not come before)."""
    year_ago = world.school.today() - timedelta(days=365)
    Student.objects.filter(school=world.school).update(enrolled_on=year_ago)
    for student in (world.student, world.other_student):
        student.refresh_from_db()


def _list_url(world, query=""):
    return reverse("expectations:engagement-list", args=[world.school.pk]) + query


def _student_url(student):
    return reverse("expectations:engagement-student", args=[student.pk])


def _sheet(advisory, day):
    return AttendanceSheet.objects.get_or_create(
        advisory=advisory, on=day, defaults={"taken_by": advisory.advisor}
    )[0]


def _absent(world, student, advisory, times=3):
    for days_ago in range(times):
        sheet = _sheet(advisory, world.school.today() - timedelta(days=days_ago))
        factories.AttendanceMarkFactory(sheet=sheet, student=student)


def _fill(world, size):
    """``size`` more students in the world's advisory and a new one, some absent often."""
    other = factories.AdvisoryFactory(school=world.school, graduating_class=2038)
    for number in range(size):
        advisory = world.advisory if number % 2 else other
        student = factories.MembershipFactory(advisory=advisory).student
        if number % 3 == 0:
            _absent(world, student, advisory)
    services.compute_school(world.school)


class TestTheSchoolsList:
    def test_counts_and_students_with_their_reasons(self, client_as, world):
        _absent(world, world.student, world.advisory)
        services.compute_school(world.school)
        page = client_as("admin").get(_list_url(world)).content.decode()
        assert world.student.display_name in page
        assert "3 absences from advisory in the last 4 weeks." in page
        assert "No internship, and no step toward one lately" in page
        assert "Harbor" in page and "Summit" in page
        assert reverse("expectations:engagement-settings", args=[world.school.pk]) in page
        assert _student_url(world.student) in page

    def test_filters_by_status_advisory_and_year_level(self, client_as, world):
        services.compute_school(world.school)
        client = client_as("admin")
        harbor = client.get(_list_url(world, f"?advisory={world.advisory.pk}")).context["rows"]
        assert [row.pk for row in harbor] == [world.student.pk]
        acting = client.get(_list_url(world, "?status=act")).context["rows"]
        assert acting == []
        watched = client.get(_list_url(world, "?status=watch")).context["rows"]
        assert {row.pk for row in watched} == {world.student.pk, world.other_student.pk}
        graduates = client.get(_list_url(world, "?level=401")).context["rows"]
        assert graduates == []  # the world's students graduate in 2028

    def test_counts_by_advisory_and_year_level(self, client_as, world):
        services.compute_school(world.school)
        counts = client_as("admin").get(_list_url(world)).context["counts"]
        assert counts["totals"]["watch"] == 2
        by_advisory = {row["name"]: row for row in counts["by_advisory"]}
        assert by_advisory["Harbor"]["watch"] == 1 and by_advisory["Harbor"]["total"] == 1
        assert sum(row["total"] for row in counts["by_level"]) == 2

    def test_a_fixed_number_of_queries(self, client_as, world, django_assert_max_num_queries):
        client = client_as("admin")
        _fill(world, 4)
        with django_assert_max_num_queries(16):
            assert client.get(_list_url(world)).status_code == 200
        _fill(world, 20)
        with django_assert_max_num_queries(16):
            response = client.get(_list_url(world))
        assert len(response.context["rows"]) > 4

    def test_another_schools_admin_gets_a_404(self, client_as, world):
        assert client_as("admin2").get(_list_url(world)).status_code == 404

    def test_a_network_admin_opens_any_schools(self, client, world):
        client.force_login(factories.UserFactory(school=None, is_superuser=True, is_staff=True))
        assert client.get(_list_url(world)).status_code == 200


class TestTheThresholds:
    def _url(self, world):
        return reverse("expectations:engagement-settings", args=[world.school.pk])

    def test_the_defaults_show_before_any_save(self, client_as, world):
        form = client_as("admin").get(self._url(world)).context["form"]
        assert form["plan_quiet_weeks"].value() == 4

    def test_the_first_save_makes_the_row(self, client_as, world):
        values = {
            "low_rating": 2,
            "falling_by": 1,
            "plan_quiet_weeks": 6,
            "internship_quiet_weeks": 3,
            "absences": 4,
            "act_signals": 2,
        }
        response = client_as("admin").post(self._url(world), values)
        assert response.status_code == 302
        row = EngagementSettings.objects.get(school=world.school)
        assert (row.plan_quiet_weeks, row.falling_by, row.act_signals) == (6, 1, 2)

    @pytest.mark.parametrize(("name", "value"), [("absences", -1), ("act_signals", 0)])
    def test_a_threshold_out_of_range_is_a_field_error(self, client_as, world, name, value):
        values = {
            "low_rating": 2,
            "falling_by": 2,
            "plan_quiet_weeks": 4,
            "internship_quiet_weeks": 3,
            "absences": 3,
            "act_signals": 3,
        }
        response = client_as("admin").post(self._url(world), {**values, name: value})
        assert response.status_code == 200
        assert response.context["form"].errors[name]
        assert response.context["form"][name].value() == str(value)
        assert not EngagementSettings.objects.exists()


class TestTheStudentsPage:
    def test_status_reasons_and_check_ins(self, client_as, world):
        _absent(world, world.student, world.advisory)
        services.compute_student(world.student)
        services.check_in_record(
            student=world.student,
            by=world.advisor,
            on=world.school.today(),
            talked_about="Mornings are hard",
            follow_up="Call home on Friday",
            expectations=[factories.expectation("time")],
        )
        factories.AttendanceMarkFactory(
            sheet=_sheet(world.advisory, world.school.today() - timedelta(days=5)),
            student=world.student,
        )
        services.compute_student(world.student)  # 4 absences now: the same signal, answered
        response = client_as("advisor").get(_student_url(world.student))
        page = response.content.decode()
        assert response.context["open_reasons"] == []
        assert (
            "4 absences from advisory in the last 4 weeks." in response.context["answered_reasons"]
        )
        assert "Mornings are hard" in page and "Call home on Friday" in page
        assert "Time" in page
        assert "On track" in page

    def test_before_any_computation(self, client_as, world):
        page = client_as("admin").get(_student_url(world.student)).content.decode()
        assert "Not computed yet" in page

    def test_another_advisorys_student_is_a_404(self, client_as, world):
        assert client_as("advisor").get(_student_url(world.other_student)).status_code == 404

    def test_the_student_may_not_open_it(self, client_as, world):
        assert client_as("student").get(_student_url(world.student)).status_code == 403


class TestTheRefresh:
    def _url(self, student):
        return reverse("expectations:engagement-refresh", args=[student.pk])

    def test_a_post_computes_the_student_now(self, client_as, world):
        response = client_as("advisor").post(self._url(world.student))
        assert response.status_code == 302
        assert response.url == _student_url(world.student)
        assert Engagement.objects.get(student=world.student).status == Status.WATCH

    def test_a_get_is_refused(self, client_as, world):
        assert client_as("advisor").get(self._url(world.student)).status_code == 405
        assert not Engagement.objects.exists()

    def test_another_advisorys_student_is_a_404(self, client_as, world):
        assert client_as("advisor").post(self._url(world.other_student)).status_code == 404
        assert not Engagement.objects.exists()


class TestTheCheckIn:
    def _url(self, student):
        return reverse("expectations:check-in-create", args=[student.pk])

    def test_recording_answers_the_signals(self, client_as, world):
        services.compute_student(world.student)
        client = client_as("advisor")
        form_page = client.get(self._url(world.student)).content.decode()
        assert "No internship" in form_page
        assert f'max="{world.school.today().isoformat()}"' in form_page
        choice = factories.expectation("choice")
        response = client.post(
            self._url(world.student),
            {
                "on": world.school.today().isoformat(),
                "talked_about": "Internship ideas",
                "follow_up": "Visit the boatyard",
                "expectations": [choice.pk],
            },
        )
        assert response.status_code == 302
        assert response.url == _student_url(world.student)
        check_in = CheckIn.objects.get(student=world.student)
        assert check_in.advisor == world.advisor
        assert list(check_in.expectations.all()) == [choice]
        assert Engagement.objects.get(student=world.student).status == Status.ON_TRACK

    def test_a_day_in_the_future_is_refused_next_to_the_field(self, client_as, world):
        tomorrow = world.school.today() + timedelta(days=1)
        response = client_as("advisor").post(
            self._url(world.student), {"on": tomorrow.isoformat(), "talked_about": "Plans"}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["on"] == ["A check-in cannot be in the future."]
        assert not CheckIn.objects.exists()

    def test_what_we_talked_about_is_required(self, client_as, world):
        response = client_as("advisor").post(
            self._url(world.student), {"on": world.school.today().isoformat()}
        )
        assert response.context["form"].errors["talked_about"]
        assert not CheckIn.objects.exists()

    def test_another_advisorys_student_is_a_404(self, client_as, world):
        response = client_as("advisor").post(
            self._url(world.other_student),
            {"on": world.school.today().isoformat(), "talked_about": "Plans"},
        )
        assert response.status_code == 404
        assert not CheckIn.objects.exists()


class TestNeedsCheckIn:
    def test_the_advisors_students_on_watch_with_their_reasons(self, world):
        services.compute_school(world.school)
        rows = needs_check_in(world.advisor)
        assert [row.pk for row in rows] == [world.student.pk]
        row = rows[0]
        assert row.status == Status.WATCH
        assert row.reasons == [
            "No change to the learning plan this term for 4 weeks.",
            (
                "No internship, and no step toward one lately (an informational interview, "
                "a shadow day or a proposal)."
            ),
        ]
        assert row.url == _student_url(world.student)
        assert row.check_in_url == reverse("expectations:check-in-create", args=[world.student.pk])
        html = render_to_string("expectations/_needs_check_in.html", {"needs_check_in": rows})
        assert world.student.display_name in html and row.check_in_url in html

    def test_a_check_in_takes_the_student_off_it(self, world):
        services.compute_school(world.school)
        services.check_in_record(
            student=world.student, by=world.advisor, on=world.school.today(), talked_about="Ok"
        )
        assert needs_check_in(world.advisor) == []

    def test_a_fixed_number_of_queries(self, world, django_assert_max_num_queries):
        _fill(world, 4)
        with django_assert_max_num_queries(3):
            small = needs_check_in(world.advisor)
        _fill(world, 16)
        with django_assert_max_num_queries(3):
            large = needs_check_in(world.advisor)
        assert len(large) > len(small) > 0
        advised = Membership.objects.current().filter(advisory=world.advisory).count()
        assert len(large) == advised
