"""A student's attendance over a school year: the counts, the days not present, the years."""

from datetime import timedelta

import pytest
from django.urls import reverse

from expectations.selectors.attendance import student_record
from tests import factories


def url(student, **query):
    base = reverse("expectations:attendance-student", args=[student.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def moved(world):
    """A student of the world's advisory for a while (80 to 20 days ago), then of the other
    one, with rolls taken before, during and after each stay; the school's current year began
    40 days ago and the one before it holds the earlier days."""
    today = world.school.today()
    ago = lambda days: today - timedelta(days=days)  # noqa: E731
    world.year.start_date = ago(40)
    world.year.save()
    earlier = factories.SchoolYearFactory(
        school=world.school, start_date=ago(400), end_date=ago(41), name="Last year"
    )
    student = factories.StudentFactory(school=world.school)
    factories.MembershipFactory(
        advisory=world.advisory, student=student, start_date=ago(80), end_date=ago(20)
    )
    factories.MembershipFactory(advisory=world.other_advisory, student=student, start_date=ago(20))

    def roll(advisory, days, status=None, note=""):
        sheet = factories.AttendanceSheetFactory(advisory=advisory, on=ago(days))
        if status:
            factories.AttendanceMarkFactory(sheet=sheet, student=student, status=status, note=note)
        return sheet

    roll(world.advisory, 90)  # before they joined
    roll(world.advisory, 50, "absent")
    roll(world.advisory, 45)
    roll(world.advisory, 25, "late", "Bus")
    after = roll(world.advisory, 10)  # after they left, another student absent
    factories.AttendanceMarkFactory(sheet=after, student=world.student, status="absent")
    roll(world.other_advisory, 15, "excused", "Dentist")
    roll(world.other_advisory, 5, "absent")
    roll(world.other_advisory, 0)
    return student, earlier


class TestTheRecord:
    def test_only_the_days_they_were_in_the_advisory_count(self, world, moved):
        student, _earlier = moved
        record = student_record(student, None)
        assert (record.days, record.present, record.absent, record.late, record.excused) == (
            6,
            2,
            2,
            1,
            1,
        )
        assert record.attended == 3
        assert record.rate == 50.0

    def test_a_school_year_bounds_the_days(self, world, moved):
        student, earlier = moved
        this_year = student_record(student, world.year)
        assert (this_year.days, this_year.absent, this_year.late, this_year.excused) == (4, 1, 1, 1)
        last_year = student_record(student, earlier)
        assert (last_year.days, last_year.present, last_year.absent) == (2, 1, 1)

    def test_no_roll_no_rate(self, world):
        record = student_record(world.unplaced, world.year)
        assert (record.days, record.rate) == (0, None)


class TestThePage:
    def test_the_current_year_with_its_days_not_present_newest_first(self, world, moved, client_as):
        student, _earlier = moved
        response = client_as("admin").get(url(student))
        assert response.status_code == 200
        assert response.context["year"] == world.year
        record = response.context["record"]
        assert (record.days, record.rate) == (4, 50.0)
        marks = response.context["marks"]
        assert [(m["status"], m["note"]) for m in marks] == [
            ("absent", ""),
            ("excused", "Dentist"),
            ("late", "Bus"),
        ]
        html = response.content.decode()
        assert "50%" in html
        assert "Dentist" in html and "Excused" in html
        assert "Last year" in html  # the choice of another year

    def test_an_earlier_year_is_a_choice(self, world, moved, client_as):
        student, earlier = moved
        response = client_as("admin").get(url(student, year=earlier.pk))
        assert response.context["year"] == earlier
        assert [m["status"] for m in response.context["marks"]] == ["absent"]

    @pytest.mark.parametrize("year", ["999999", "abc"])
    def test_a_year_not_of_the_school_is_a_404(self, world, client_as, year):
        assert client_as("admin").get(url(world.student, year=year)).status_code == 404

    def test_another_schools_year_is_a_404(self, world, client_as):
        other = factories.SchoolYearFactory(school=world.school2, name="Theirs")
        assert client_as("admin").get(url(world.student, year=other.pk)).status_code == 404

    @pytest.mark.parametrize("role", ["student", "guardian", "advisor"])
    def test_the_student_their_family_and_advisor_see_it(self, world, client_as, role):
        sheet = factories.AttendanceSheetFactory(advisory=world.advisory)
        factories.AttendanceMarkFactory(sheet=sheet, student=world.student, note="Flu")
        response = client_as(role).get(url(world.student))
        assert response.status_code == 200
        assert "Flu" in response.content.decode()

    def test_a_student_never_on_a_roll(self, world, client_as):
        html = client_as("admin").get(url(world.unplaced)).content.decode()
        assert "No roll was taken" in html

    @pytest.mark.parametrize("days", [3, 45])
    def test_a_fixed_number_of_queries_whatever_the_history(
        self, world, client_as, days, django_assert_max_num_queries
    ):
        today = world.school.today()
        world.student.memberships.update(start_date=today - timedelta(days=days + 1))
        for back in range(days):
            sheet = factories.AttendanceSheetFactory(
                advisory=world.advisory, on=today - timedelta(days=back)
            )
            factories.AttendanceMarkFactory(
                sheet=sheet, student=world.student, status=["absent", "late", "excused"][back % 3]
            )
        client = client_as("guardian")
        # 8 since the navigation counts what waits for the person (one query on every page).
        with django_assert_max_num_queries(8):
            response = client.get(url(world.student))
        assert response.context["record"].days == days
        assert len(response.context["marks"]) == min(days, 30)
        assert response.context["paginator"].count == days
