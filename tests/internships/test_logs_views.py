"""The daily log pages through the client: check-in and check-out by the student, the
mentor's review and waiting list, the placement's days and totals, the advisor's view and
the hour targets; bad input shown next to its field, others' rows a 404."""

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from internships.models import DailyLog, HoursTarget, Placement
from tests import factories

Review = DailyLog.Review
INLINE_CODE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|javascript:", re.IGNORECASE
)


def field_html(response, name: str) -> str:
    """The rendered block of one form field: its label, input and the error shown by it."""
    blocks = response.content.decode().split('<div id="div_id_')
    return next(block for block in blocks[1:] if block.startswith(f'{name}"'))


def assert_error_by_field(response, name: str, message: str) -> None:
    assert response.status_code == 200
    block = field_html(response, name)
    assert "is-invalid" in block, block
    assert html.escape(message) in block, block


@pytest.fixture
def today(world):
    return world.school.today()


@pytest.fixture
def placement(world):
    return factories.PlacementFactory(
        student=world.student, mentor=world.mentor_profile, site=world.mentor_profile.site
    )


@pytest.fixture
def log(placement, today):
    return factories.DailyLogFactory(
        placement=placement, on=today - timedelta(days=1), hours=Decimal("5")
    )


@pytest.fixture
def checked_out(log):
    log.checked_out_at = timezone.now()
    log.save()
    return log


CHECK_OUT = {
    "did": "Sanded the hull",
    "reflection": "Slow is smooth",
    "hours": "5.5",
    "learning": "4",
    "engagement": "5",
    "support": "3",
}


class TestCheckIn:
    def test_the_form_starts_on_today(self, client_as, placement, today):
        response = client_as("student").get(
            reverse("internships:log-check-in", args=[placement.pk])
        )
        assert f'value="{today.isoformat()}"' in field_html(response, "on")

    def test_checking_in(self, client_as, placement, today):
        url = reverse("internships:log-check-in", args=[placement.pk])
        response = client_as("student").post(url, {"on": today.isoformat(), "goal": "Sand it"})
        assert response.status_code == 302
        assert response.url == reverse("internships:placement-logs", args=[placement.pk])
        assert DailyLog.objects.get(placement=placement).goal == "Sand it"

    @pytest.mark.parametrize(
        ("shift", "message"),
        [
            (1, "You can log today or an earlier day, not a future one."),
            (-31, "Choose a day of the internship"),
        ],
    )
    def test_a_future_day_or_one_outside_the_internship(
        self, client_as, placement, today, shift, message
    ):
        url = reverse("internships:log-check-in", args=[placement.pk])
        day = (today + timedelta(days=shift)).isoformat()
        if shift < 0:
            day = (placement.start_on - timedelta(days=1)).isoformat()
        response = client_as("student").post(url, {"on": day, "goal": "Sand it"})
        assert_error_by_field(response, "on", message)
        assert not DailyLog.objects.exists()

    def test_two_logs_for_one_day(self, client_as, log):
        url = reverse("internships:log-check-in", args=[log.placement_id])
        response = client_as("student").post(url, {"on": log.on.isoformat(), "goal": "Again"})
        assert_error_by_field(response, "on", "There is already a log for this day.")
        assert DailyLog.objects.count() == 1

    def test_an_internship_not_active(self, client_as, placement, today):
        placement.status = Placement.Status.COMPLETED
        placement.save()
        url = reverse("internships:log-check-in", args=[placement.pk])
        client = client_as("student")
        assert 'name="goal"' not in client.get(url).content.decode()
        response = client.post(url, {"on": today.isoformat(), "goal": "Sand it"})
        assert response.status_code == 200
        assert "Days are logged while the internship is active." in response.content.decode()
        assert not DailyLog.objects.exists()

    def test_another_students_internship_is_a_404(self, client, world, placement, today):
        client.force_login(world.other_student.user)
        url = reverse("internships:log-check-in", args=[placement.pk])
        response = client.post(url, {"on": today.isoformat(), "goal": "Not mine"})
        assert response.status_code == 404


class TestCheckOut:
    def test_checking_out(self, client_as, log):
        url = reverse("internships:log-check-out", args=[log.pk])
        response = client_as("student").post(url, CHECK_OUT)
        assert response.status_code == 302
        log.refresh_from_db()
        assert log.hours == Decimal("5.5") and log.checked_out
        assert (log.learning, log.engagement, log.support) == (4, 5, 3)

    @pytest.mark.parametrize(
        ("hours", "message"),
        [
            ("-3", "Hours cannot be negative."),
            ("0", "Hours must be more than 0."),
            ("25", "A day has at most 24 hours."),
            ("", "This field is required."),
        ],
    )
    def test_impossible_hours_next_to_the_field(self, client_as, log, hours, message):
        url = reverse("internships:log-check-out", args=[log.pk])
        response = client_as("student").post(url, {**CHECK_OUT, "hours": hours})
        assert_error_by_field(response, "hours", message)
        assert 'value="Sanded the hull"' not in field_html(response, "hours")
        assert "Sanded the hull" in field_html(response, "did")  # what was typed is kept
        log.refresh_from_db()
        assert not log.checked_out

    def test_a_reviewed_day_is_shown_not_offered_for_change(self, client_as, checked_out):
        checked_out.review = Review.CONFIRMED
        checked_out.confirmed_hours = Decimal("5")
        checked_out.save()
        url = reverse("internships:log-check-out", args=[checked_out.pk])
        client = client_as("student")
        page = client.get(url).content.decode()
        assert "can no longer be changed" in page
        assert 'name="hours"' not in page
        response = client.post(url, {**CHECK_OUT, "hours": "9"})
        assert "can no longer be changed" in response.content.decode()
        checked_out.refresh_from_db()
        assert checked_out.hours == Decimal("5")

    def test_another_students_log_is_a_404(self, client, world, log):
        client.force_login(world.other_student.user)
        url = reverse("internships:log-check-out", args=[log.pk])
        assert client.post(url, CHECK_OUT).status_code == 404


class TestMentorReview:
    def test_confirming_with_the_claimed_hours_offered(self, client_as, checked_out):
        url = reverse("internships:log-review", args=[checked_out.pk])
        client = client_as("mentor")
        assert 'value="5.00"' in field_html(client.get(url), "confirmed_hours")
        response = client.post(url, {"decision": "confirmed", "confirmed_hours": "4.5"})
        assert response.status_code == 302
        assert response.url == reverse("internships:mentor-logs")
        checked_out.refresh_from_db()
        assert (checked_out.review, checked_out.confirmed_hours) == ("confirmed", Decimal("4.5"))

    def test_disputing_needs_a_comment(self, client_as, checked_out):
        url = reverse("internships:log-review", args=[checked_out.pk])
        response = client_as("mentor").post(url, {"decision": "disputed", "confirmed_hours": "1"})
        assert_error_by_field(response, "comment", "Say what is wrong")
        checked_out.refresh_from_db()
        assert checked_out.review == Review.CLAIMED

    def test_more_than_24_confirmed_hours(self, client_as, checked_out):
        url = reverse("internships:log-review", args=[checked_out.pk])
        response = client_as("mentor").post(url, {"decision": "confirmed", "confirmed_hours": "30"})
        assert_error_by_field(response, "confirmed_hours", "A day has at most 24 hours.")

    def test_a_day_not_checked_out_waits(self, client_as, log):
        url = reverse("internships:log-review", args=[log.pk])
        client = client_as("mentor")
        page = client.get(url).content.decode()
        assert "has not checked out of this day yet" in page
        assert 'name="decision"' not in page
        response = client.post(url, {"decision": "confirmed"})
        assert "has not checked out of this day yet" in response.content.decode()
        log.refresh_from_db()
        assert log.review == Review.CLAIMED

    def test_a_mentor_confirming_someone_elses_intern_gets_a_404(self, client, world, checked_out):
        stranger = factories.MentorProfileFactory(site=world.mentor_profile.site).user
        client.force_login(stranger)
        url = reverse("internships:log-review", args=[checked_out.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"decision": "confirmed"}).status_code == 404
        checked_out.refresh_from_db()
        assert checked_out.review == Review.CLAIMED

    def test_the_waiting_list_oldest_first_and_only_mine(self, client_as, world, placement, today):
        def waiting(on, placement=placement):
            return factories.DailyLogFactory(
                placement=placement, on=on, checked_out_at=timezone.now()
            )

        newer = waiting(today - timedelta(days=1))
        older = waiting(today - timedelta(days=5))
        factories.DailyLogFactory(placement=placement, on=today)  # not checked out
        reviewed = waiting(today - timedelta(days=3))
        DailyLog.objects.filter(pk=reviewed.pk).update(review=Review.CONFIRMED, confirmed_hours=4)
        waiting(today - timedelta(days=2), factories.PlacementFactory(student=world.other_student))
        response = client_as("mentor").get(reverse("internships:mentor-logs"))
        assert [log.pk for log in response.context["logs"]] == [older.pk, newer.pk]
        assert reverse("internships:log-review", args=[older.pk]) in response.content.decode()


class TestPlacementLogs:
    def url(self, placement):
        return reverse("internships:placement-logs", args=[placement.pk])

    def test_the_days_newest_first_with_the_review(self, client_as, placement, today):
        old = factories.DailyLogFactory(
            placement=placement,
            on=today - timedelta(days=3),
            checked_out_at=timezone.now(),
            review=Review.DISPUTED,
            confirmed_hours=2,
            mentor_comment="Left at noon",
        )
        new = factories.DailyLogFactory(placement=placement, on=today - timedelta(days=1))
        response = client_as("guardian").get(self.url(placement))
        assert [log.pk for log in response.context["logs"]] == [new.pk, old.pk]
        page = response.content.decode()
        assert "Left at noon" in page and "Disputed" in page
        assert "Not checked out" in page

    def test_buttons_for_what_each_viewer_may_do(self, client_as, placement, checked_out, today):
        check_in = reverse("internships:log-check-in", args=[placement.pk])
        check_out = reverse("internships:log-check-out", args=[checked_out.pk])
        review = reverse("internships:log-review", args=[checked_out.pk])
        pages = {
            role: client_as(role).get(self.url(placement)).content.decode()
            for role in ("student", "mentor", "advisor", "guardian")
        }
        assert check_in in pages["student"] and check_out in pages["student"]
        assert review not in pages["student"]
        assert review in pages["mentor"] and check_in not in pages["mentor"]
        for role in ("advisor", "guardian"):
            assert check_in not in pages[role] and review not in pages[role]

    def test_totals_and_the_target_for_the_student_year_level(self, client_as, world, placement):
        world.student.graduating_class = 2041  # 301
        world.student.save()
        factories.DailyLogFactory(
            placement=placement,
            on=world.school.today(),
            checked_out_at=timezone.now(),
            hours=6,
            review=Review.CONFIRMED,
            confirmed_hours=5,
        )
        client = client_as("advisor")
        page = client.get(self.url(placement)).content.decode()
        assert "No target set" in page
        HoursTarget.objects.create(school=world.school, year_level=301, hours=100)
        response = client.get(self.url(placement))
        totals = response.context["totals"]
        assert totals.week == {"claimed": Decimal("6"), "confirmed": Decimal("5")}
        assert response.context["progress"].target == 100
        assert "5 of 100 hours confirmed this school year" in response.content.decode()

    def test_the_mentor_sees_the_internships_hours_not_the_students_year(
        self, client_as, placement
    ):
        response = client_as("mentor").get(self.url(placement))
        assert not response.context["progress"]  # (read lazily: a falsy proxy of None)
        assert response.context["totals"].year_totals is not None

    def test_an_admin_is_offered_to_set_the_targets(self, client_as, world, placement):
        page = client_as("admin").get(self.url(placement)).content.decode()
        assert reverse("internships:hours-targets", args=[world.school.pk]) in page

    @pytest.mark.parametrize("language", ["en", "es"])
    def test_days_and_hours_read_as_djangos_filters_show_them(
        self, client_as, world, placement, today, language
    ):
        # The page formats its rows with the language read once: as |date and |floatformat.
        on = today - timedelta(days=2)
        factories.DailyLogFactory(
            placement=placement,
            on=on,
            hours=Decimal("3.50"),
            checked_out_at=timezone.now(),
            review=Review.CONFIRMED,
            confirmed_hours=Decimal("3.25"),
        )
        world.student.user.language = language
        world.student.user.save()
        page = client_as("student").get(self.url(placement)).content.decode()
        with translation.override(language):
            expected = Template(
                '{{ on|date:"D" }} {{ on|date:"DATE_FORMAT" }}|{{ on|date:"DATE_FORMAT" }}|'
                '{{ week|date:"DATE_FORMAT" }}|{{ hours|floatformat:"-2" }}|'
                '{{ confirmed|floatformat:"-2" }}'
            ).render(
                Context(
                    {
                        "on": on,
                        "week": on - timedelta(days=on.weekday()),
                        "hours": Decimal("3.50"),
                        "confirmed": Decimal("3.25"),
                    }
                )
            )
        row_day, _day, week, hours, confirmed = expected.split("|")
        assert f'<th scope="row">{row_day}</th>' in page
        assert f"({week})</th>" in page
        assert f"<td>{hours}</td>" in page
        assert f'<div class="small">{confirmed} h' in page

    def test_paginated_at_50_in_a_fixed_number_of_queries(self, client_as, placement, today):
        client = client_as("student")
        factories.DailyLogFactory(placement=placement, on=today)
        cache.clear()  # the school's shared data read afresh
        with CaptureQueriesContext(connection) as few:
            client.get(self.url(placement))
        for days in range(1, 31):
            factories.DailyLogFactory(placement=placement, on=today - timedelta(days=days))
        cache.clear()  # the school's shared data read afresh
        with CaptureQueriesContext(connection) as many:
            response = client.get(self.url(placement))
        assert len(many.captured_queries) == len(few.captured_queries)
        placement.start_on = today - timedelta(days=80)
        placement.save()
        for days in range(31, 60):
            factories.DailyLogFactory(placement=placement, on=today - timedelta(days=days))
        response = client.get(self.url(placement))
        assert len(response.context["logs"]) == 50
        assert response.context["paginator"].num_pages == 2


class TestAdvisoryInternshipsPage:
    def test_flags_shown_to_the_advisor(self, client_as, world, today):
        quiet = factories.PlacementFactory(
            student=world.student, site=world.mentor_profile.site, mentor=world.mentor_profile
        )
        factories.DailyLogFactory(placement=quiet, on=today - timedelta(days=20))
        factories.MembershipFactory(advisory=world.advisory)  # no internship
        response = client_as("advisor").get(
            reverse("internships:advisory-internships", args=[world.advisory.pk])
        )
        page = response.content.decode()
        assert "No internship" in page
        assert "No log for two weeks" in page
        assert "no target set" in page
        assert response.context["without"] == 1 and response.context["quiet"] == 1
        assert reverse("internships:placement-logs", args=[quiet.pk]) in page

    def test_another_advisors_advisory_is_a_404(self, client_as, world):
        url = reverse("internships:advisory-internships", args=[world.other_advisory.pk])
        assert client_as("advisor").get(url).status_code == 404


class TestHoursTargetsPage:
    def url(self, world):
        return reverse("internships:hours-targets", args=[world.school.pk])

    def test_the_admin_sets_them(self, client_as, world):
        HoursTarget.objects.create(school=world.school, year_level=201, hours=80)
        client = client_as("admin")
        assert 'value="80"' in field_html(client.get(self.url(world)), "y201")
        data = {"y101": "100", "y201": "", "y301": "150", "y401": "200"}
        response = client.post(self.url(world), data)
        assert response.status_code == 302
        targets = dict(
            HoursTarget.objects.filter(school=world.school).values_list("year_level", "hours")
        )
        assert targets == {101: 100, 301: 150, 401: 200}

    @pytest.mark.parametrize(
        ("value", "message"), [("-10", "Hours cannot be negative."), ("5000", "at most 2000")]
    )
    def test_negative_or_absurd_values_next_to_the_field(self, client_as, world, value, message):
        data = {"y101": "100", "y201": value, "y301": "", "y401": ""}
        response = client_as("admin").post(self.url(world), data)
        assert_error_by_field(response, "y201", message)
        assert not HoursTarget.objects.exists()

    def test_another_schools_admin_gets_a_404(self, client_as, world):
        response = client_as("admin2").post(self.url(world), {"y101": "5"})
        assert response.status_code == 404
        assert not HoursTarget.objects.exists()


@pytest.mark.parametrize("role", ["admin", "advisor", "student", "guardian", "mentor"])
def test_no_page_carries_inline_script_or_style(client_as, world, placement, checked_out, role):
    urls = {
        "admin": [
            reverse("internships:placement-logs", args=[placement.pk]),
            reverse("internships:advisory-internships", args=[world.advisory.pk]),
            reverse("internships:hours-targets", args=[world.school.pk]),
        ],
        "advisor": [
            reverse("internships:placement-logs", args=[placement.pk]),
            reverse("internships:advisory-internships", args=[world.advisory.pk]),
        ],
        "student": [
            reverse("internships:placement-logs", args=[placement.pk]),
            reverse("internships:log-check-in", args=[placement.pk]),
            reverse("internships:log-check-out", args=[checked_out.pk]),
        ],
        "guardian": [reverse("internships:placement-logs", args=[placement.pk])],
        "mentor": [
            reverse("internships:placement-logs", args=[placement.pk]),
            reverse("internships:mentor-logs"),
            reverse("internships:log-review", args=[checked_out.pk]),
        ],
    }[role]
    client = client_as(role)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert INLINE_CODE.search(page) is None, f"{role} {url}: {INLINE_CODE.search(page)}"
        assert page.count("<h1") == 1, url
