"""Hour totals per week, term and school year against the targets, and the advisor's view of
their advisory's internships: its flags and its fixed number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from internships.models import DailyLog, HoursTarget, Placement
from internships.selectors import hours
from internships.selectors import logs as selectors
from students.models import Student
from tests import factories

Review = DailyLog.Review


def day_log(placement, on, hours=None, review=Review.CLAIMED, confirmed=None, checked_out=None):
    """A day: checked in only when it has no hours; checked out ``checked_out`` ago."""
    if hours is None:
        return factories.DailyLogFactory(
            placement=placement,
            on=on,
            did="",
            reflection="",
            hours=None,
            learning=None,
            engagement=None,
            support=None,
        )
    return factories.DailyLogFactory(
        placement=placement,
        on=on,
        hours=Decimal(hours),
        checked_out_at=timezone.now() - (checked_out or timedelta(0)),
        review=review,
        confirmed_hours=None if confirmed is None else Decimal(confirmed),
        reviewed_at=None if review == Review.CLAIMED else timezone.now(),
    )


@pytest.fixture
def today(world):
    return world.school.today()


@pytest.fixture
def earlier_term(world, today):
    return factories.TermFactory(
        school_year=world.year,
        name="Earlier term",
        start_date=today - timedelta(days=120),
        end_date=world.term.start_date - timedelta(days=1),
    )


@pytest.fixture
def placement(world, today):
    return factories.PlacementFactory(
        student=world.student,
        mentor=world.mentor_profile,
        site=world.mentor_profile.site,
        start_on=today - timedelta(days=90),
    )


@pytest.fixture
def logged(placement, today):
    """This week 6 h claimed, 5 confirmed; last week 4 claimed, disputed down to 1, and a day
    not checked out; in the earlier term 3 h claimed and waiting."""
    monday = today - timedelta(days=today.weekday())
    day_log(placement, today, "6", Review.CONFIRMED, "5")
    day_log(placement, monday - timedelta(days=1), "4", Review.DISPUTED, "1")
    day_log(placement, monday - timedelta(days=2))
    day_log(placement, today - timedelta(days=60), "3")
    return placement


class TestTotals:
    def test_week_terms_and_year_confirmed_and_claimed(self, world, earlier_term, logged):
        totals = hours.hours_totals(logged.logs.all(), world.school)
        assert totals.week == {"claimed": Decimal("6"), "confirmed": Decimal("5")}
        terms = {term.name: sums for term, sums in totals.terms}
        assert terms["This term"] == {"claimed": Decimal("10"), "confirmed": Decimal("6")}
        assert terms["Earlier term"] == {"claimed": Decimal("3"), "confirmed": Decimal("0")}
        assert totals.term == world.term
        assert totals.year == world.year
        assert totals.year_totals == {"claimed": Decimal("13"), "confirmed": Decimal("6")}

    def test_hours_per_iso_week_newest_first(self, world, today, logged):
        weeks = hours.hours_totals(logged.logs.all(), world.school).weeks
        monday = today - timedelta(days=today.weekday())
        assert [w["week"] for w in weeks][:2] == [monday, monday - timedelta(days=7)]
        assert [(w["claimed"], w["confirmed"], w["days"]) for w in weeks] == [
            (Decimal("6"), Decimal("5"), 1),
            (Decimal("4"), Decimal("1"), 2),
            (Decimal("3"), Decimal("0"), 1),
        ]
        year, week, _day = monday.isocalendar()
        assert weeks[0]["label"] == f"{year}-W{week:02d}"

    def test_a_fixed_number_of_queries_whatever_the_number_of_logs(
        self, world, today, placement, django_assert_num_queries
    ):
        day_log(placement, today, "2")
        cache.clear()  # the school's shared data read afresh
        with CaptureQueriesContext(connection) as few:
            hours.hours_totals(placement.logs.all(), world.school)
        for days in range(1, 60):
            day_log(placement, today - timedelta(days=days), "2", Review.CONFIRMED, "2")
        cache.clear()  # the school's shared data read afresh
        with django_assert_num_queries(len(few.captured_queries)):
            totals = hours.hours_totals(placement.logs.all(), world.school)
        assert totals.year_totals == {"claimed": Decimal("120"), "confirmed": Decimal("118")}


def progress_of(placement):
    """The student's hours this school year against their target, as the days page reads
    them (every internship of the student's together)."""
    return hours.placement_hours(Placement.objects.get(pk=placement.pk), with_progress=True)[1]


class TestTargets:
    def test_no_target_set(self, world, logged):
        progress = progress_of(logged)
        assert progress.target is None
        assert progress.expected is None and not progress.behind
        assert (progress.claimed, progress.confirmed) == (Decimal("13"), Decimal("6"))

    def test_the_target_of_the_students_year_level(self, world, logged):
        world.student.graduating_class = 2041  # 301 in the world's school year
        world.student.save()
        HoursTarget.objects.create(school=world.school, year_level=301, hours=1000)
        HoursTarget.objects.create(school=world.school, year_level=401, hours=5)
        progress = progress_of(logged)
        share = hours.year_share_elapsed(world.year, world.school.today())
        assert progress.target == 1000
        assert progress.expected == (Decimal(1000) * Decimal(str(share))).quantize(Decimal("0.1"))
        assert progress.behind  # 6 confirmed, far below 1000 x the share of the year gone

    def test_on_track_when_confirmed_hours_keep_up_with_the_year(self, world, logged):
        world.student.graduating_class = 2041
        world.student.save()
        HoursTarget.objects.create(school=world.school, year_level=301, hours=10)
        progress = progress_of(logged)
        assert progress.expected < Decimal("6")  # the world's year is 20 years long
        assert not progress.behind
        assert progress.percent == 60

    def test_claimed_hours_do_not_count_toward_the_target(self, world, placement, today):
        world.student.graduating_class = 2041
        world.student.save()
        HoursTarget.objects.create(school=world.school, year_level=301, hours=10)
        day_log(placement, today, "12")  # claimed, not yet confirmed
        assert progress_of(placement).behind

    def test_the_share_of_the_school_year_elapsed(self, world):
        year = world.year
        assert hours.year_share_elapsed(year, year.start_date - timedelta(days=1)) == 0
        assert hours.year_share_elapsed(year, year.end_date) == 1
        assert hours.year_share_elapsed(None, year.end_date) == 0


@pytest.fixture
def advisory_rows(world, today):
    """Students of the world's advisory in every situation the advisor's view flags."""
    site, mentor = world.mentor_profile.site, world.mentor_profile

    def member(first_name, graduating_class=2041):
        return factories.MembershipFactory(
            advisory=world.advisory,
            student__graduating_class=graduating_class,
            student__user__first_name=first_name,
            student__user__last_name="Doe",
        ).student

    def placed(student, **fields):
        fields.setdefault("start_on", today - timedelta(days=30))
        return factories.PlacementFactory(student=student, site=site, mentor=mentor, **fields)

    HoursTarget.objects.create(school=world.school, year_level=301, hours=1000)
    students = {
        "on_track": member("Ona", graduating_class=2028),  # no year level: no target
        "none": member("Nia"),
        "completed_only": member("Cam"),
        "waiting": member("Wes"),
        "quiet": member("Quin"),
        "new": member("Ned"),
    }
    day_log(placed(students["on_track"]), today - timedelta(days=1), "5", Review.CONFIRMED, "5")
    placed(students["completed_only"], status=Placement.Status.COMPLETED)
    waiting = placed(students["waiting"])
    day_log(waiting, today - timedelta(days=10), "4", checked_out=timedelta(days=9))
    day_log(waiting, today - timedelta(days=2), "4", checked_out=timedelta(days=2))
    quiet = placed(students["quiet"])
    day_log(quiet, today - timedelta(days=20), "3", Review.CONFIRMED, "3")
    placed(students["new"], start_on=today - timedelta(days=5))
    rows = {row.student.pk: row for row in selectors.advisory_internships(world.advisory)}
    return {key: rows[student.pk] for key, student in students.items()}


class TestAdvisoryInternships:
    def test_one_row_per_current_student(self, world, advisory_rows):
        rows = selectors.advisory_internships(world.advisory)
        assert len(rows) == 7  # the world's student and the six above
        last_names = dict(Student.objects.values_list("pk", "user__last_name"))
        names = [last_names[row.student.pk] for row in rows]
        assert names == sorted(names)
        assert [row.student.url for row in rows] == [
            reverse("students:student-detail", args=[row.student.pk]) for row in rows
        ]

    def test_who_has_no_internship(self, advisory_rows):
        assert not advisory_rows["none"].has_internship
        assert not advisory_rows["completed_only"].has_internship
        assert advisory_rows["on_track"].has_internship

    def test_active_placements_with_site_mentor_and_last_log(self, world, today, advisory_rows):
        (placement,) = advisory_rows["on_track"].placements
        assert placement.organization == world.mentor_profile.site.organization
        assert placement.mentor == world.mentor_profile.user.get_full_name()
        assert placement.url == reverse("internships:placement-logs", args=[placement.pk])
        assert placement.last_log == today - timedelta(days=1)
        assert not placement.quiet

    def test_hours_this_year_against_the_target(self, advisory_rows):
        on_track, waiting = advisory_rows["on_track"], advisory_rows["waiting"]
        assert on_track.progress.target is None and not on_track.progress.behind
        assert (waiting.progress.claimed, waiting.progress.confirmed) == (8, 0)
        assert waiting.progress.target == 1000 and waiting.progress.behind
        assert waiting.year_level == 301

    def test_days_unconfirmed_for_over_a_week(self, advisory_rows):
        assert advisory_rows["waiting"].unconfirmed == 1  # the one waiting 9 days, not 2
        assert advisory_rows["on_track"].unconfirmed == 0

    def test_no_log_for_two_weeks(self, advisory_rows):
        assert advisory_rows["quiet"].quiet
        assert not advisory_rows["waiting"].quiet
        assert not advisory_rows["new"].quiet  # started five days ago: nothing is late yet


def _advisory_of(world, size: int):
    """An advisory of ``size`` students, each with an active internship and logs."""
    advisory = factories.AdvisoryFactory(school=world.school, graduating_class=2041)
    site, mentor = world.mentor_profile.site, world.mentor_profile
    today = world.school.today()
    for _n in range(size):
        student = factories.MembershipFactory(
            advisory=advisory, student__graduating_class=2041
        ).student
        placement = factories.PlacementFactory(student=student, site=site, mentor=mentor)
        day_log(placement, today - timedelta(days=1), "4", Review.CONFIRMED, "4")
        day_log(placement, today - timedelta(days=9), "4", checked_out=timedelta(days=8))
    return advisory


def test_the_advisors_view_costs_the_same_queries_for_15_and_150_students(client, world):
    HoursTarget.objects.create(school=world.school, year_level=301, hours=100)
    costs = {}
    for size in (15, 150):
        advisory = _advisory_of(world, size)
        client.force_login(advisory.advisor)
        url = reverse("internships:advisory-internships", args=[advisory.pk])
        cache.clear()  # the school's shared data read afresh
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert len(response.context["rows"]) == size
        assert response.context["unconfirmed"] == size
        costs[size] = len(queries.captured_queries)
    assert costs[15] == costs[150], costs
