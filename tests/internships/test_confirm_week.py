"""The mentor confirms a week of an intern's days in one action: only their own interns'
checked-out days still claimed, with the hours claimed, and never a day changed since the
page was read; the days-to-confirm page groups the days per intern and week at a fixed cost."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from bigpicture.models import AccessRecord
from internships.models import DailyLog
from internships.selectors.logs import claim_version
from internships.services import logs as services
from tests import factories

Review = DailyLog.Review
PAGE = reverse("internships:mentor-logs")
CONFIRM = reverse("internships:mentor-logs-confirm")


@pytest.fixture
def monday(world):
    """The Monday of a week well inside the internships' span (a month ago to two ahead)."""
    day = world.school.today() - timedelta(days=20)
    return day - timedelta(days=day.weekday())


def placement_of(world, student):
    return factories.PlacementFactory(
        student=student, mentor=world.mentor_profile, site=world.mentor_profile.site
    )


@pytest.fixture
def placement(world):
    return placement_of(world, world.student)


def waiting(placement, on, hours="6.5", **fields):
    fields.setdefault("checked_out_at", timezone.now())
    return factories.DailyLogFactory(placement=placement, on=on, hours=Decimal(hours), **fields)


def version(log) -> str:
    log.refresh_from_db()
    return claim_version(log.pk, log.hours, log.did)


@pytest.fixture
def week(placement, monday):
    """Three days of one week waiting for the mentor."""
    return [waiting(placement, monday + timedelta(days=n), hours=f"{5 + n}") for n in range(3)]


def confirm(world, logs, by=None):
    return services.logs_confirm(by=by or world.mentor, versions=[version(log) for log in logs])


class TestService:
    def test_confirms_every_day_shown_with_the_hours_claimed(self, world, week):
        before = timezone.now()
        assert confirm(world, week) == 3
        for log in week:
            log.refresh_from_db()
            assert log.review == Review.CONFIRMED
            assert log.confirmed_hours == log.hours
            assert log.reviewed_at >= before
            assert log.mentor_comment == ""
        assert [log.confirmed_hours for log in week] == [Decimal(5), Decimal(6), Decimal(7)]

    def test_a_day_the_student_corrected_since_the_page_was_read_is_left(self, world, week):
        shown = [version(log) for log in week]
        DailyLog.objects.filter(pk=week[1].pk).update(hours=Decimal("9"))
        DailyLog.objects.filter(pk=week[2].pk).update(did="Something else entirely")
        assert services.logs_confirm(by=world.mentor, versions=shown) == 1
        reviews = [DailyLog.objects.get(pk=log.pk).review for log in week]
        assert reviews == [Review.CONFIRMED, Review.CLAIMED, Review.CLAIMED]

    def test_a_day_reviewed_since_keeps_its_review(self, world, week):
        shown = [version(log) for log in week]
        services.log_review(
            log=week[0],
            by=world.mentor,
            decision=Review.DISPUTED,
            confirmed_hours=Decimal("1"),
            comment="Left after an hour",
        )
        assert services.logs_confirm(by=world.mentor, versions=shown) == 2
        week[0].refresh_from_db()
        assert (week[0].review, week[0].confirmed_hours) == (Review.DISPUTED, Decimal("1"))

    def test_days_not_checked_out_are_not_confirmed(self, world, placement, monday):
        open_day = waiting(placement, monday, checked_out_at=None)
        assert confirm(world, [open_day]) == 0
        open_day.refresh_from_db()
        assert open_day.review == Review.CLAIMED and open_day.confirmed_hours is None

    def test_another_mentors_interns_days_are_untouched(self, world, monday):
        elsewhere = factories.PlacementFactory(student=world.other_student)
        theirs = waiting(elsewhere, monday)
        assert confirm(world, [theirs]) == 0
        theirs.refresh_from_db()
        assert theirs.review == Review.CLAIMED

    def test_only_a_mentor_confirms(self, world, week):
        with pytest.raises(PermissionDenied):
            confirm(world, week, by=world.advisor)
        world.mentor.is_active = False
        world.mentor.save()
        with pytest.raises(PermissionDenied):
            confirm(world, week)
        assert not DailyLog.objects.filter(review=Review.CONFIRMED).exists()

    def test_nothing_chosen_is_refused(self, world):
        with pytest.raises(ValidationError, match="Choose the days to confirm"):
            services.logs_confirm(by=world.mentor, versions=["", "x:1:2"])

    def test_recorded_as_a_change_of_each_interns_records(
        self, world, week, monday, django_capture_on_commit_callbacks
    ):
        other = waiting(placement_of(world, world.other_student), monday)
        with django_capture_on_commit_callbacks(execute=True):
            assert confirm(world, [*week, other]) == 4
        changes = AccessRecord.objects.filter(action=AccessRecord.Action.CHANGE)
        assert sorted(changes.values_list("student_id", flat=True)) == sorted(
            [world.student.pk, world.other_student.pk]
        )
        assert {row.person_id for row in changes} == {world.mentor.pk}
        assert {row.source for row in changes} == {"internships.services.logs.logs_confirm"}


class TestPage:
    def test_one_button_per_intern_and_week_with_the_days_shown(
        self, client_as, world, week, monday
    ):
        later = waiting(week[0].placement, monday + timedelta(days=7))
        other = waiting(placement_of(world, world.other_student), monday + timedelta(days=1))
        response = client_as("mentor").get(PAGE)
        groups = response.context["weeks"]
        assert [[log.pk for log in group.days] for group in groups] == [
            [log.pk for log in week],
            [other.pk],
            [later.pk],
        ]
        assert [group.hours for group in groups] == [Decimal(18), Decimal("6.5"), Decimal("6.5")]
        page = response.content.decode()
        assert "Confirm these 3 days" in page
        assert page.count("Confirm this day") == 2
        assert page.count(f'action="{CONFIRM}"') == 3
        for log in [*week, other, later]:
            assert f'name="day" value="{version(log)}"' in page

    def test_confirming_a_week_from_the_page(self, client_as, world, week, monday):
        other = waiting(placement_of(world, world.other_student), monday + timedelta(days=1))
        client = client_as("mentor")
        shown = client.get(PAGE).context["weeks"][0].versions
        response = client.post(CONFIRM, {"day": shown})
        assert response.status_code == 302 and response.url == PAGE
        assert [str(m) for m in get_messages(response.wsgi_request)] == ["3 days confirmed."]
        assert set(DailyLog.objects.filter(review=Review.CONFIRMED)) == set(week)
        other.refresh_from_db()
        assert other.review == Review.CLAIMED
        assert [log.pk for log in client.get(PAGE).context["logs"]] == [other.pk]

    def test_says_how_many_were_left_because_they_changed(self, client_as, week):
        client = client_as("mentor")
        shown = client.get(PAGE).context["weeks"][0].versions
        DailyLog.objects.filter(pk=week[2].pk).update(hours=Decimal("8.5"))
        response = client.post(CONFIRM, {"day": shown}, follow=True)
        said = [str(m) for m in response.context["messages"]]
        assert said[0] == "2 days confirmed."
        assert said[1].startswith("1 day was not confirmed: it was changed or reviewed")
        assert [log.pk for log in response.context["logs"]] == [week[2].pk]
        assert "8.5" in response.content.decode()

    def test_nothing_posted_says_so(self, client_as, week):
        response = client_as("mentor").post(CONFIRM, {}, follow=True)
        assert [str(m) for m in response.context["messages"]] == ["Choose the days to confirm."]
        assert not DailyLog.objects.filter(review=Review.CONFIRMED).exists()

    @pytest.mark.parametrize("role", ["advisor", "student", "guardian", "admin"])
    def test_other_roles_may_not(self, client_as, role, week):
        versions = [version(log) for log in week]
        assert client_as(role).post(CONFIRM, {"day": versions}).status_code == 403
        assert not DailyLog.objects.filter(review=Review.CONFIRMED).exists()

    def test_the_page_costs_the_same_for_many_interns_and_weeks(
        self, client_as, world, monday, django_assert_max_num_queries
    ):
        client = client_as("mentor")
        placement = placement_of(world, world.student)
        waiting(placement, monday)
        client.get(PAGE)  # warm: the session, caches
        with django_assert_max_num_queries(50) as few:
            client.get(PAGE)
        for student in (world.other_student, factories.StudentFactory(school=world.school)):
            other = placement_of(world, student)
            for n in range(9):
                waiting(other, monday + timedelta(days=n))
        for n in range(1, 9):
            waiting(placement, monday + timedelta(days=n))
        with django_assert_max_num_queries(len(few.captured_queries)) as many:
            response = client.get(PAGE)
        assert len(response.context["weeks"]) == 6
        assert len(many.captured_queries) == len(few.captured_queries)
