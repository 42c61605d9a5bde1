"""The daily log's reminder rules: days waiting for the mentor (once a week per mentor) and an
active internship with no day logged (once per placement in each 14-day window)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bigpicture import notifications
from bigpicture.models import Notification
from bigpicture.notifications.rules import KINDS, RULES
from internships.models import DailyLog, Placement
from internships.reminders.logs import confirmations_due, silent_placements
from tests import factories


@pytest.fixture
def today(world):
    return world.school.today()


@pytest.fixture
def placement(world, today):
    return factories.PlacementFactory(
        student=world.student,
        mentor=world.mentor_profile,
        site=world.mentor_profile.site,
        start_on=today - timedelta(days=40),
    )


def waiting(placement, on, checked_out_days_ago, **fields):
    """A day checked out some days ago, at noon in the school's time zone."""
    zone = placement.student.school.zone
    moment = timezone.now().astimezone(zone).replace(hour=12, minute=0, second=0, microsecond=0)
    return factories.DailyLogFactory(
        placement=placement,
        on=on,
        checked_out_at=moment - timedelta(days=checked_out_days_ago),
        **fields,
    )


def scan(world, day, rule):
    """Run the periodic scan for a day; return the rows the given rule wrote, in order."""
    notifications.scan(today=day, schools=[world.school])
    return list(Notification.objects.filter(rule=rule).order_by("pk"))


def test_the_rules_are_registered_with_their_kind_and_defaults():
    assert RULES["log_confirmations_due"].default_days == 3
    assert RULES["no_log_two_weeks"].default_days == 14
    assert RULES["log_disputed"].scan is None
    for key in ("log_confirmations_due", "no_log_two_weeks", "log_disputed"):
        assert RULES[key].kind == "internships" and "internships" in KINDS


class TestConfirmationsDue:
    def test_each_mentor_hears_of_days_waiting_n_days_with_the_interns(
        self, world, placement, today
    ):
        other = factories.PlacementFactory(
            student=world.other_student,
            mentor=world.mentor_profile,
            site=world.mentor_profile.site,
            start_on=today - timedelta(days=40),
        )
        waiting(placement, today - timedelta(days=6), 5)
        waiting(placement, today - timedelta(days=4), 3)  # exactly three days: due
        waiting(placement, today - timedelta(days=2), 2)  # two days: not yet
        waiting(other, today - timedelta(days=8), 8)
        waiting(other, today - timedelta(days=9), 9, review=DailyLog.Review.CONFIRMED)
        factories.DailyLogFactory(placement=other, on=today - timedelta(days=20))  # no check-out
        elsewhere = factories.PlacementFactory(student=world.student2)
        waiting(elsewhere, today - timedelta(days=6), 6)  # another school's mentor and scan
        (draft,) = confirmations_due(world.school, today, 3)
        assert draft.recipient_id == world.mentor.pk
        assert draft.occasion.startswith(f"{today.isocalendar()[0]}-W")
        interns = {intern["name"]: intern for intern in draft.context["interns"]}
        assert interns[world.student.display_name]["count"] == 2
        assert interns[world.other_student.display_name]["count"] == 1
        assert (
            interns[world.other_student.display_name]["oldest"]
            == (today - timedelta(days=8)).isoformat()
        )
        assert draft.context["count"] == 3

    def test_once_per_mentor_per_week(self, world, placement, today):
        waiting(placement, today - timedelta(days=6), 5)
        assert len(scan(world, today, "log_confirmations_due")) == 1
        assert len(scan(world, today, "log_confirmations_due")) == 1
        assert len(scan(world, today + timedelta(days=7), "log_confirmations_due")) == 2

    def test_the_number_of_days_is_tunable(self, world, placement, today):
        waiting(placement, today - timedelta(days=2), 2)
        assert confirmations_due(world.school, today, 3) == []
        assert len(confirmations_due(world.school, today, 2)) == 1

    def test_the_email_lists_the_interns(self, world, placement, today, mailoutbox, sent):
        waiting(placement, today - timedelta(days=6), 5)
        with sent():
            notifications.scan(today=today, schools=[world.school])
        (email,) = [m for m in mailoutbox if m.to == [world.mentor.email]]
        assert email.subject == "1 internship day waits for your confirmation"
        assert world.student.display_name in email.body
        assert "/internships/mentor/logs/" in email.body


class TestNoLogForTwoWeeks:
    def test_an_active_internship_gone_quiet(self, world, placement, today):
        factories.DailyLogFactory(placement=placement, on=today - timedelta(days=15))
        drafts = silent_placements(world.school, today, 14)
        assert {d.recipient_id for d in drafts} == {world.student.user_id, world.advisor.pk}
        assert {d.context["to_student"] for d in drafts} == {True, False}
        assert drafts[0].context["last_log"] == (today - timedelta(days=15)).isoformat()

    def test_one_logged_recently_or_started_recently_or_not_active_is_left_alone(
        self, world, placement, today
    ):
        factories.DailyLogFactory(placement=placement, on=today - timedelta(days=13))
        factories.PlacementFactory(student=world.other_student, start_on=today - timedelta(days=5))
        factories.PlacementFactory(
            student=world.other_student,
            start_on=today - timedelta(days=60),
            status=Placement.Status.COMPLETED,
        )
        assert silent_placements(world.school, today, 14) == []

    def test_never_logged_counts_from_the_first_day(self, world, placement, today):
        drafts = silent_placements(world.school, today, 14)
        assert len(drafts) == 2
        assert drafts[0].context["last_log"] == ""
        assert drafts[0].context["days"] == 40

    def test_once_per_placement_in_each_14_day_window(self, world, placement, today):
        factories.DailyLogFactory(placement=placement, on=today - timedelta(days=14))
        assert len(scan(world, today, "no_log_two_weeks")) == 2
        assert len(scan(world, today + timedelta(days=5), "no_log_two_weeks")) == 2
        assert len(scan(world, today + timedelta(days=13), "no_log_two_weeks")) == 2
        assert len(scan(world, today + timedelta(days=14), "no_log_two_weeks")) == 4

    def test_a_new_log_starts_the_count_again(self, world, placement, today):
        factories.DailyLogFactory(placement=placement, on=today - timedelta(days=20))
        assert len(scan(world, today, "no_log_two_weeks")) == 2
        factories.DailyLogFactory(placement=placement, on=today)
        assert len(scan(world, today + timedelta(days=13), "no_log_two_weeks")) == 2
        assert len(scan(world, today + timedelta(days=14), "no_log_two_weeks")) == 4

    def test_the_emails(self, world, placement, today, mailoutbox, sent):
        with sent():
            notifications.scan(today=today, schools=[world.school])
        by_address = {m.to[0]: m for m in mailoutbox if "logged" in m.subject}
        site = world.mentor_profile.site.organization
        assert by_address[world.student.user.email].subject == (
            f"No day logged at {site} for 40 days"
        )
        assert by_address[world.advisor.email].subject == (
            f"{world.student.display_name} has logged no internship day for 40 days"
        )


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
