"""The roll page: who may open it, what it shows, and saving a whole day in one request."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bigpicture.models import Notification
from expectations.models import AttendanceMark, AttendanceSheet
from tests import factories


def url(advisory, **query):
    base = reverse("expectations:attendance-take", args=[advisory.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def fill(advisory, count):
    """``count`` more students in the advisory, members for the last two months."""
    start = advisory.school.today() - timedelta(days=60)
    return [
        factories.MembershipFactory(advisory=advisory, start_date=start).student
        for _ in range(count)
    ]


def roll_post(students, *, day, **statuses):
    """A posted roll: everyone listed, present unless ``statuses`` (by pk) says otherwise."""
    data = {"day": day.isoformat(), "student": [str(s.pk) for s in students]}
    for student in students:
        data[f"status-{student.pk}"] = statuses.get(str(student.pk), "present")
        data[f"note-{student.pk}"] = ""
    return data


def checked(html, student, value):
    """Whether the page's radio for a student's answer is checked."""
    pattern = rf'<input[^>]*name="status-{student.pk}"[^>]*value="{value}"[^>]*>'
    tag = re.search(pattern, html)
    assert tag, f"no {value} choice for {student}"
    return " checked" in tag.group(0)


class TestWhoMayOpen:
    def test_the_advisor_sees_the_roll(self, world, client_as):
        response = client_as("advisor").get(url(world.advisory))
        assert response.status_code == 200
        assert response.context["roll"].day == world.school.today()

    def test_an_admin_of_the_school_sees_any_advisorys_roll(self, world, client_as):
        assert client_as("admin").get(url(world.other_advisory)).status_code == 200

    def test_another_advisor_gets_a_404(self, world, client):
        client.force_login(world.other_advisor)
        assert client.get(url(world.advisory)).status_code == 404

    @pytest.mark.parametrize("role", ["student", "guardian", "mentor"])
    def test_other_roles_get_a_403(self, world, client_as, role):
        assert client_as(role).get(url(world.advisory)).status_code == 403
        assert client_as(role).post(url(world.advisory), {}).status_code == 403

    def test_another_advisor_cannot_post_either(self, world, client):
        client.force_login(world.other_advisor)
        data = roll_post(
            [world.student], day=world.school.today(), **{str(world.student.pk): "absent"}
        )
        assert client.post(url(world.advisory), data).status_code == 404
        assert not AttendanceSheet.objects.exists()


class TestTheRollPage:
    def test_each_student_is_a_fieldset_with_four_choices_present_by_default(
        self, world, client_as
    ):
        html = client_as("advisor").get(url(world.advisory)).content.decode()
        assert "<legend" in html and world.student.display_name in html
        assert checked(html, world.student, "present")
        for value in ("absent", "late", "excused"):
            assert not checked(html, world.student, value)
        assert 'class="btn-check"' in html
        assert f'name="note-{world.student.pk}"' in html
        assert "Save attendance" in html
        assert "Not taken yet" in html

    def test_a_saved_roll_shows_as_recorded(self, world, client_as):
        sheet = factories.AttendanceSheetFactory(advisory=world.advisory)
        factories.AttendanceMarkFactory(
            sheet=sheet, student=world.student, status="excused", note="Dentist"
        )
        html = client_as("advisor").get(url(world.advisory)).content.decode()
        assert checked(html, world.student, "excused")
        assert not checked(html, world.student, "present")
        assert 'value="Dentist"' in html
        assert "Taken" in html

    def test_an_earlier_day_can_be_opened_to_correct_it(self, world, client_as):
        yesterday = world.school.today() - timedelta(days=1)
        sheet = factories.AttendanceSheetFactory(advisory=world.advisory, on=yesterday)
        factories.AttendanceMarkFactory(sheet=sheet, student=world.student, status="late")
        response = client_as("advisor").get(url(world.advisory, day=yesterday.isoformat()))
        assert response.context["roll"].day == yesterday
        assert checked(response.content.decode(), world.student, "late")
        assert f'name="day" value="{yesterday.isoformat()}"' in response.content.decode()

    @pytest.mark.parametrize("asked", ["future", "2026-13-45", "0001-01-01"])
    def test_a_day_that_cannot_be_shown_says_why_and_shows_today(self, world, client_as, asked):
        if asked == "future":
            asked = (world.school.today() + timedelta(days=1)).isoformat()
        response = client_as("advisor").get(url(world.advisory, day=asked))
        assert response.status_code == 200
        assert response.context["roll"].day == world.school.today()
        assert response.context["roll"].errors

    def test_a_student_who_left_is_not_on_todays_roll(self, world, client_as):
        (gone,) = fill(world.advisory, 1)
        gone.memberships.update(end_date=world.school.today())
        html = client_as("advisor").get(url(world.advisory)).content.decode()
        assert f'name="status-{gone.pk}"' not in html


class TestSaving:
    @pytest.mark.parametrize("size", [5, 15])
    def test_a_whole_roll_is_one_post_with_a_fixed_number_of_queries(
        self, world, client_as, size, django_assert_max_num_queries
    ):
        students = [world.student, *fill(world.advisory, size - 1)]
        absent, late = students[1], students[2]
        factories.GuardianLinkFactory(student=absent)  # whose family gets a notice
        data = roll_post(
            students,
            day=world.school.today(),
            **{str(absent.pk): "absent", str(late.pk): "late"},
        )
        client = client_as("advisor")
        with django_assert_max_num_queries(21):
            response = client.post(url(world.advisory), data)
        assert response.status_code == 302
        assert response.url == url(world.advisory, day=world.school.today().isoformat())
        (message,) = [str(m) for m in get_messages(response.wsgi_request)]
        assert message == f"Attendance saved: {size - 2} present, 1 absent, 1 late, 0 excused."
        marks = AttendanceMark.objects.filter(sheet__advisory=world.advisory)
        assert {(m.student_id, m.status) for m in marks} == {
            (absent.pk, "absent"),
            (late.pk, "late"),
        }

    def test_the_queries_do_not_grow_with_the_roll(self, world, client_as):
        """The same count at 5 and at 15 students (each roll with an absent student whose
        family gets a notice)."""
        counts = []
        client = client_as("admin")
        for advisory, first, size in (
            (world.advisory, world.student, 5),
            (world.other_advisory, world.other_student, 15),
        ):
            students = [first, *fill(advisory, size - 1)]
            data = roll_post(students, day=world.school.today(), **{str(first.pk): "absent"})
            with CaptureQueriesContext(connection) as queries:
                assert client.post(url(advisory), data).status_code == 302
            counts.append(len(queries))
        assert Notification.objects.count() == 2
        assert counts[0] == counts[1]

    def test_the_form_on_the_home_page_comes_back_to_it(self, world, client_as):
        data = roll_post([world.student], day=world.school.today())
        response = client_as("advisor").post(url(world.advisory), {**data, "next": "/"})
        assert response.url == "/"

    def test_another_site_is_never_where_it_comes_back_to(self, world, client_as):
        data = roll_post([world.student], day=world.school.today())
        response = client_as("advisor").post(
            url(world.advisory), {**data, "next": "https://example.com/"}
        )
        assert response.url.startswith(url(world.advisory))

    def test_a_day_in_the_future_is_refused_and_nothing_written(self, world, client_as):
        tomorrow = world.school.today() + timedelta(days=1)
        data = roll_post([world.student], day=tomorrow, **{str(world.student.pk): "absent"})
        response = client_as("advisor").post(url(world.advisory), data)
        assert response.status_code == 200
        assert "cannot be taken for a day in the future" in response.content.decode()
        assert not AttendanceSheet.objects.exists()
        assert not Notification.objects.exists()

    def test_a_tampered_student_is_refused_and_nothing_written(self, world, client_as):
        data = roll_post(
            [world.student, world.other_student],
            day=world.school.today(),
            **{str(world.student.pk): "absent", str(world.other_student.pk): "absent"},
        )
        response = client_as("advisor").post(url(world.advisory), data)
        assert response.status_code == 200
        assert "was not in this advisory on that day" in response.content.decode()
        assert world.other_student.display_name not in response.content.decode()
        assert not AttendanceSheet.objects.exists()
        assert not Notification.objects.exists()

    def test_an_unknown_answer_is_refused_and_what_was_typed_is_kept(self, world, client_as):
        (other,) = fill(world.advisory, 1)
        data = roll_post(
            [world.student, other],
            day=world.school.today(),
            **{str(world.student.pk): "asleep", str(other.pk): "late"},
        )
        data[f"note-{other.pk}"] = "Missed the bus"
        response = client_as("advisor").post(url(world.advisory), data)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Choose present, absent, late or excused." in html
        assert checked(html, other, "late")
        assert 'value="Missed the bus"' in html
        assert not AttendanceSheet.objects.exists()

    def test_a_damaged_list_of_students_is_refused(self, world, client_as):
        data = roll_post([world.student], day=world.school.today())
        data["student"] = [*data["student"], "x1"]
        response = client_as("advisor").post(url(world.advisory), data)
        assert response.status_code == 200
        assert "The roll is damaged" in response.content.decode()
        assert not AttendanceSheet.objects.exists()
