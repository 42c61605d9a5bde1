"""The reflection reminders: students a week before the due date (once a term, the days
tunable), advisors after it with their students still missing (one message a term)."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bigpicture import notifications
from bigpicture.models import Notification, ReminderSetting
from expectations.models import ReflectionWindow
from expectations.reminders.reflections import reflections_due, reflections_overdue
from tests import factories


def due_in(world, days):
    ReflectionWindow.objects.update_or_create(
        term=world.term, defaults={"due_on": world.school.today() + timedelta(days=days)}
    )


def reflect(world, student):
    reflection = factories.ReflectionFactory(student=student, term=world.term)
    factories.RatingFactory(reflection=reflection)


def rows(rule):
    return Notification.objects.filter(rule=rule)


class TestDueSoon:
    def test_each_student_without_a_reflection_hears_once_a_term(self, world):
        due_in(world, 5)
        reflect(world, world.other_student)
        notifications.scan(schools=[world.school])
        notifications.scan(schools=[world.school])
        assert [row.recipient for row in rows("reflection_due")] == [world.student.user]
        row = rows("reflection_due").get()
        assert row.kind == "learning"
        assert (
            row.context["path"]
            == f"/expectations/students/{world.student.pk}/reflection/{world.term.pk}/"
        )

    def test_not_before_the_schools_number_of_days(self, world):
        due_in(world, 10)
        notifications.scan(schools=[world.school])
        assert not rows("reflection_due").exists()
        ReminderSetting.objects.create(school=world.school, rule="reflection_due", days=12)
        notifications.scan(schools=[world.school])
        assert rows("reflection_due").count() == 2  # the two students in an advisory

    def test_a_family_or_advisor_reflection_is_not_the_students(self, world):
        due_in(world, 3)
        reflection = factories.ReflectionFactory(
            student=world.student, term=world.term, author=world.guardian, perspective="family"
        )
        factories.RatingFactory(reflection=reflection)
        drafts = reflections_due(world.school, world.school.today(), 7)
        assert world.student.user.pk in {draft.recipient_id for draft in drafts}

    def test_the_email(self, world):
        due_in(world, 2)
        notifications.scan(schools=[world.school])
        message = notifications.render_email(rows("reflection_due").first())
        assert "This term" in message.subject
        assert "/reflection/" in message.body


class TestOverdue:
    def test_each_advisor_hears_of_their_students_missing_once(self, world):
        due_in(world, -1)
        notifications.scan(schools=[world.school])
        notifications.scan(schools=[world.school])
        told = {row.recipient: row.context for row in rows("reflection_overdue")}
        assert set(told) == {world.advisor, world.other_advisor}
        assert [s["name"] for s in told[world.advisor]["students"]] == [world.student.display_name]
        message = notifications.render_email(
            rows("reflection_overdue").get(recipient=world.advisor)
        )
        assert "1 student did not reflect on This term" in message.subject
        assert world.student.display_name in message.body

    def test_students_who_reflected_are_left_out(self, world):
        due_in(world, -2)
        reflect(world, world.student)
        notifications.scan(schools=[world.school])
        assert [row.recipient for row in rows("reflection_overdue")] == [world.other_advisor]

    def test_not_before_the_due_date_nor_long_after(self, world):
        due_in(world, 0)
        notifications.scan(schools=[world.school])
        assert not rows("reflection_overdue").exists()
        today = world.school.today()
        assert reflections_overdue(world.school, today + timedelta(days=30), 1) == []


def test_each_scan_costs_the_same_queries_whatever_the_school(world):
    due_in(world, 3)
    counts = []
    for more in (0, 8):
        for _ in range(more):
            factories.MembershipFactory(advisory=factories.AdvisoryFactory(school=world.school))
        today = world.school.today()
        with CaptureQueriesContext(connection) as due:
            assert reflections_due(world.school, today, 7)
        with CaptureQueriesContext(connection) as overdue:
            assert reflections_overdue(world.school, today + timedelta(days=4), 1)
        counts.append((len(due), len(overdue)))
    assert counts[0] == counts[1] == (2, 2), counts
