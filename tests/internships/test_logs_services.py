"""The daily log's writes: check-in, check-out, the mentor's review and the hour targets,
each with the bad input the issue names refused next to its field and nothing half-written."""

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bigpicture.models import Notification
from internships.models import DailyLog, HoursTarget, Placement
from internships.services import logs as services
from tests import factories

Review = DailyLog.Review


@pytest.fixture
def placement(world):
    return factories.PlacementFactory(
        student=world.student, mentor=world.mentor_profile, site=world.mentor_profile.site
    )


@pytest.fixture
def today(world):
    return world.school.today()


def check_in(world, placement, **fields):
    fields.setdefault("goal", "Learn to weld a seam")
    return services.log_check_in(placement=placement, by=world.student.user, **fields)


def check_out(world, log, **fields):
    data = {"did": "Welded two seams", "hours": Decimal("6.5"), "learning": 4}
    data.update(engagement=5, support=3, reflection="Steady hands matter")
    data.update(fields)
    return services.log_check_out(log=log, by=world.student.user, **data)


def review(world, log, decision=Review.CONFIRMED, **fields):
    return services.log_review(log=log, by=world.mentor, decision=decision, **fields)


def error_of(excinfo, field):
    return excinfo.value.message_dict[field][0]


class TestCheckIn:
    def test_the_day_defaults_to_today_in_the_schools_time_zone(self, world, placement, today):
        log = check_in(world, placement)
        assert log.on == today
        assert log.goal == "Learn to weld a seam"
        assert not log.checked_out
        assert log.review == Review.CLAIMED

    def test_an_earlier_day_of_the_internship(self, world, placement, today):
        log = check_in(world, placement, on=today - timedelta(days=3))
        assert log.on == today - timedelta(days=3)

    def test_a_future_day_is_refused(self, world, placement, today):
        with pytest.raises(ValidationError) as excinfo:
            check_in(world, placement, on=today + timedelta(days=1))
        assert "future" in error_of(excinfo, "on")
        assert not DailyLog.objects.exists()

    @pytest.mark.parametrize("shift", ["before", "after"])
    def test_a_day_outside_the_internship_is_refused(self, world, placement, today, shift):
        if shift == "before":
            day = placement.start_on - timedelta(days=1)
        else:  # an internship that ended yesterday (but is still marked active)
            placement.end_on = today - timedelta(days=1)
            placement.save()
            day = today
        with pytest.raises(ValidationError) as excinfo:
            check_in(world, placement, on=day)
        assert "Choose a day of the internship" in error_of(excinfo, "on")
        assert not DailyLog.objects.exists()

    def test_two_logs_for_one_day_are_refused(self, world, placement, today):
        check_in(world, placement)
        with pytest.raises(ValidationError) as excinfo:
            check_in(world, placement, goal="Again")
        assert "already a log for this day" in error_of(excinfo, "on")
        assert DailyLog.objects.get().goal == "Learn to weld a seam"

    def test_a_race_for_the_same_day_gets_the_same_message(self, world, placement, today):
        real_save, raced = DailyLog.save, []

        def racing_save(log, *args, **kwargs):
            if not raced:  # another request logs the day between the check and the insert
                raced.append(True)
                DailyLog.objects.create(placement=log.placement, on=log.on, goal="The other")
            return real_save(log, *args, **kwargs)

        with (
            mock.patch.object(DailyLog, "save", racing_save),
            pytest.raises(ValidationError) as excinfo,
        ):
            check_in(world, placement)
        assert "already a log for this day" in error_of(excinfo, "on")
        assert not DailyLog.objects.filter(goal="Learn to weld a seam").exists()

    def test_only_an_active_internship_is_logged(self, world, placement):
        placement.status = Placement.Status.CONSENTED
        placement.save()
        with pytest.raises(ValidationError) as excinfo:
            check_in(world, placement)
        assert "active" in excinfo.value.messages[0]

    @pytest.mark.parametrize("who", ["advisor", "guardian", "mentor", "admin", "other"])
    def test_only_the_student_of_the_placement_writes_it(self, world, placement, who):
        person = world.other_student.user if who == "other" else world.person(who)
        with pytest.raises(PermissionDenied):
            services.log_check_in(placement=placement, by=person, goal="Not mine")
        assert not DailyLog.objects.exists()


class TestCheckOut:
    @pytest.fixture
    def log(self, world, placement):
        return check_in(world, placement)

    def test_the_day_is_recorded(self, world, log):
        log = check_out(world, log)
        assert log.checked_out_at is not None
        assert (log.did, log.hours, log.learning, log.engagement, log.support) == (
            "Welded two seams",
            Decimal("6.5"),
            4,
            5,
            3,
        )

    @pytest.mark.parametrize(
        ("hours", "message"),
        [
            (Decimal("-2"), "Hours cannot be negative."),
            (Decimal("0"), "Hours must be more than 0."),
            (Decimal("24.5"), "A day has at most 24 hours."),
            (Decimal("100"), "A day has at most 24 hours."),
            (None, "Enter the hours."),
        ],
    )
    def test_impossible_hours_are_refused_next_to_the_field(self, world, log, hours, message):
        with pytest.raises(ValidationError) as excinfo:
            check_out(world, log, hours=hours)
        assert error_of(excinfo, "hours") == message
        log.refresh_from_db()
        assert log.hours is None and log.did == "" and not log.checked_out

    def test_a_full_day_of_24_hours_is_allowed(self, world, log):
        assert check_out(world, log, hours=Decimal("24")).hours == Decimal("24")

    def test_a_rating_outside_1_to_5_is_refused(self, world, log):
        with pytest.raises(ValidationError) as excinfo:
            check_out(world, log, support=6)
        assert "support" in excinfo.value.message_dict

    def test_the_student_corrects_it_until_the_mentor_reviews_it(self, world, log):
        first = check_out(world, log)
        checked_out_at = first.checked_out_at
        corrected = check_out(world, log, hours=Decimal("5"), did="Welded one seam")
        assert corrected.hours == Decimal("5")
        assert corrected.checked_out_at == checked_out_at  # the first check-out time stays
        review(world, corrected)
        with pytest.raises(ValidationError) as excinfo:
            check_out(world, log, hours=Decimal("8"))
        assert "already reviewed" in excinfo.value.messages[0]
        assert DailyLog.objects.get().hours == Decimal("5")

    def test_only_the_student_of_the_placement_checks_out(self, world, log):
        with pytest.raises(PermissionDenied):
            services.log_check_out(
                log=log,
                by=world.other_student.user,
                did="x",
                hours=Decimal(1),
                learning=1,
                engagement=1,
                support=1,
            )


class TestMentorReview:
    @pytest.fixture
    def log(self, world, placement):
        return check_out(world, check_in(world, placement))

    def test_the_mentor_confirms_the_claimed_hours_by_default(self, world, log):
        log = review(world, log)
        assert log.review == Review.CONFIRMED
        assert log.confirmed_hours == Decimal("6.5")
        assert log.reviewed_at is not None

    def test_the_mentor_may_confirm_fewer_hours(self, world, log):
        assert review(world, log, confirmed_hours=Decimal("5")).confirmed_hours == Decimal("5")

    @pytest.mark.parametrize(
        ("hours", "message"),
        [
            (Decimal("25"), "A day has at most 24 hours."),
            (Decimal("-1"), "Hours cannot be negative."),
            (Decimal("0"), "Confirm the hours the student worked, or dispute the day."),
        ],
    )
    def test_impossible_confirmed_hours_are_refused(self, world, log, hours, message):
        with pytest.raises(ValidationError) as excinfo:
            review(world, log, confirmed_hours=hours)
        assert error_of(excinfo, "confirmed_hours") == message
        assert DailyLog.objects.get().review == Review.CLAIMED

    def test_a_dispute_needs_a_comment(self, world, log):
        with pytest.raises(ValidationError) as excinfo:
            review(world, log, Review.DISPUTED, confirmed_hours=Decimal("2"), comment="  ")
        assert "comment" in excinfo.value.message_dict
        assert DailyLog.objects.get().review == Review.CLAIMED

    def test_a_dispute_tells_the_student_and_the_advisor(self, world, log, mailoutbox, sent):
        with sent():
            review(world, log, Review.DISPUTED, confirmed_hours=Decimal("0"), comment="Not here")
        log.refresh_from_db()
        assert (log.review, log.confirmed_hours) == (Review.DISPUTED, Decimal("0"))
        rows = Notification.objects.filter(rule="log_disputed")
        assert {row.recipient_id for row in rows} == {world.student.user_id, world.advisor.pk}
        assert {row.kind for row in rows} == {"internships"}
        by_address = {message.to[0]: message for message in mailoutbox}
        assert set(by_address) == {world.student.user.email, world.advisor.email}
        to_student = by_address[world.student.user.email]
        assert "Your mentor disputed your internship day" in to_student.subject
        assert "Not here" in to_student.body
        assert world.student.display_name in by_address[world.advisor.email].subject

    def test_a_confirmation_sends_nothing(self, world, log, mailoutbox, sent):
        with sent():
            review(world, log)
        assert mailoutbox == []

    def test_a_day_not_checked_out_is_not_reviewed(self, world, placement, today):
        log = check_in(world, placement, on=today - timedelta(days=1))
        with pytest.raises(ValidationError) as excinfo:
            review(world, log)
        assert "not checked out" in excinfo.value.messages[0]

    def test_a_mentor_cannot_confirm_someone_elses_intern(self, world, log):
        stranger = factories.MentorProfileFactory(site=world.mentor_profile.site).user
        with pytest.raises(PermissionDenied):
            services.log_review(log=log, by=stranger, decision=Review.CONFIRMED)
        with pytest.raises(PermissionDenied):
            services.log_review(log=log, by=world.advisor, decision=Review.CONFIRMED)
        assert DailyLog.objects.get().review == Review.CLAIMED

    def test_the_mentor_may_change_their_review(self, world, log):
        review(world, log, Review.DISPUTED, confirmed_hours=Decimal("3"), comment="Left at noon")
        log = review(world, log, confirmed_hours=Decimal("6.5"))
        assert (log.review, log.confirmed_hours) == (Review.CONFIRMED, Decimal("6.5"))


class TestHoursTargets:
    def test_admins_set_and_clear_targets(self, world):
        services.hours_targets_set(
            school=world.school, by=world.admin, targets={101: 100, 201: 150, 301: None, 401: 0}
        )
        rows = dict(
            HoursTarget.objects.filter(school=world.school).values_list("year_level", "hours")
        )
        assert rows == {101: 100, 201: 150, 401: 0}
        services.hours_targets_set(
            school=world.school, by=world.admin, targets={101: 120, 201: None, 301: 90, 401: 0}
        )
        rows = dict(
            HoursTarget.objects.filter(school=world.school).values_list("year_level", "hours")
        )
        assert rows == {101: 120, 301: 90, 401: 0}

    @pytest.mark.parametrize(
        ("hours", "message"), [(-5, "Hours cannot be negative."), (2001, "at most 2000")]
    )
    def test_negative_or_absurd_targets_are_refused(self, world, hours, message):
        with pytest.raises(ValidationError) as excinfo:
            services.hours_targets_set(
                school=world.school, by=world.admin, targets={101: 100, 301: hours}
            )
        assert message in error_of(excinfo, "y301")
        assert not HoursTarget.objects.exists()  # nothing half-written

    @pytest.mark.parametrize("who", ["advisor", "admin2"])
    def test_only_the_schools_admins_set_them(self, world, who):
        with pytest.raises(PermissionDenied):
            services.hours_targets_set(
                school=world.school, by=world.person(who), targets={101: 100}
            )


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run an action and deliver what it wrote to the outbox, as after its commit."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def test_reviewed_at_is_now(world, placement):
    log = review(world, check_out(world, check_in(world, placement)))
    assert timezone.now() - log.reviewed_at < timedelta(minutes=1)
