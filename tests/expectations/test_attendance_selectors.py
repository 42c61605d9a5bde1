"""Today's rolls for the advisor's home, and the sheet form they render in."""

from datetime import timedelta

from django.template.loader import render_to_string
from django.urls import reverse

from advisories.selectors import current_roster
from expectations.selectors.attendance import roll_of, today_sheets
from tests import factories


def led(*advisories):
    """Advisories as the advisor's home has them: each with its current roster."""
    for advisory in advisories:
        advisory.roster = current_roster([advisory.pk], None)
    return list(advisories)


def advisory_of(advisor, size):
    """A new advisory of an advisor with ``size`` students, members for a month."""
    advisory = factories.AdvisoryFactory(school=advisor.school, advisor=advisor)
    start = advisor.school.today() - timedelta(days=30)
    for _ in range(size):
        factories.MembershipFactory(advisory=advisory, start_date=start)
    return advisory


class TestTodaySheets:
    def test_each_advisory_in_order_with_its_students_and_marks(self, world):
        second = advisory_of(world.advisor, 2)
        today = world.school.today()
        sheet = factories.AttendanceSheetFactory(advisory=world.advisory, on=today)
        factories.AttendanceMarkFactory(
            sheet=sheet, student=world.student, status="late", note="Bus"
        )
        first_roll, second_roll = today_sheets(led(world.advisory, second), today)
        assert (first_roll.advisory_id, first_roll.taken) == (world.advisory.pk, True)
        assert first_roll.taken_by == world.advisor.get_full_name()
        [row] = first_roll.rows
        assert (row.student_id, row.name, row.status, row.note) == (
            world.student.pk,
            world.student.display_name,
            "late",
            "Bus",
        )
        assert (second_roll.advisory_id, second_roll.taken) == (second.pk, False)
        assert [row.status for row in second_roll.rows] == ["present", "present"]
        assert second_roll.counts() == {"present": 2, "absent": 0, "late": 0, "excused": 0}

    def test_yesterdays_sheet_is_not_todays(self, world):
        yesterday = world.school.today() - timedelta(days=1)
        sheet = factories.AttendanceSheetFactory(advisory=world.advisory, on=yesterday)
        factories.AttendanceMarkFactory(sheet=sheet, student=world.student)
        (roll,) = today_sheets(led(world.advisory), world.school.today())
        assert not roll.taken
        assert roll.rows[0].status == "present"

    def test_students_by_name_and_only_those_in_the_advisory_that_day(self, world):
        advisory = factories.AdvisoryFactory(school=world.school, advisor=world.advisor)
        today = world.school.today()
        names = ["Zed", "Ana", "Mia"]
        for last in names:
            student = factories.StudentFactory(school=world.school, user__last_name=last)
            factories.MembershipFactory(
                advisory=advisory, student=student, start_date=today - timedelta(days=9)
            )
        gone = factories.StudentFactory(school=world.school)
        factories.MembershipFactory(
            advisory=advisory, student=gone, start_date=today - timedelta(days=9), end_date=today
        )
        rows = roll_of(advisory, today).rows
        assert [row.name.split()[-1] for row in rows] == sorted(names)
        past = roll_of(advisory, today - timedelta(days=1)).rows
        assert gone.pk in {row.student_id for row in past}

    def test_one_query_for_any_number_of_advisories(self, world, django_assert_num_queries):
        advisories = led(world.advisory, *(advisory_of(world.advisor, 15) for _ in range(3)))
        today = world.school.today()
        for advisory in advisories:
            sheet = factories.AttendanceSheetFactory(advisory=advisory, on=today)
            factories.AttendanceMarkFactory(sheet=sheet, student_id=advisory.roster[0].student_id)
        with django_assert_num_queries(1):
            assert len(today_sheets(advisories[:1], today)) == 1
        with django_assert_num_queries(1):
            rolls = today_sheets(advisories, today)
        assert [len(roll.rows) for roll in rolls] == [1, 15, 15, 15]
        assert [roll.counts()["absent"] for roll in rolls] == [1, 1, 1, 1]

    def test_a_student_who_joins_tomorrow_is_not_on_todays_roll(self, world):
        today = world.school.today()
        joining = factories.MembershipFactory(
            advisory=world.advisory, start_date=today + timedelta(days=1)
        )
        (roll,) = today_sheets(led(world.advisory), today)
        assert joining.student_id not in {row.student_id for row in roll.rows}
        assert [row.student_id for row in roll.rows] == [world.student.pk]

    def test_no_advisories_no_queries(self, world, django_assert_num_queries):
        with django_assert_num_queries(0):
            assert today_sheets([], world.school.today()) == []


class TestTheSheetInclude:
    def test_it_renders_the_roll_as_a_form_posting_to_the_roll_page(self, world, rf):
        (roll,) = today_sheets(led(world.advisory), world.school.today())
        request = rf.get("/")
        html = render_to_string(
            "expectations/_attendance_sheet.html", {"roll": roll, "next": "/"}, request=request
        )
        action = reverse("expectations:attendance-take", args=[world.advisory.pk])
        assert f'action="{action}"' in html
        assert 'name="csrfmiddlewaretoken"' in html
        assert f'<input type="hidden" name="day" value="{roll.day.isoformat()}">' in html
        assert '<input type="hidden" name="next" value="/">' in html
        assert f"{world.student.display_name}</legend>" in html
        assert html.count('type="radio"') == 4
        assert html.count("<fieldset") == 1

    def test_an_empty_advisory_says_so_and_has_no_save_button(self, world, rf):
        empty = factories.AdvisoryFactory(school=world.school, advisor=world.advisor)
        (roll,) = today_sheets(led(empty), world.school.today())
        html = render_to_string("expectations/_attendance_sheet.html", {"roll": roll})
        assert "No student was in this advisory on that day." in html
        assert "Save attendance" not in html
