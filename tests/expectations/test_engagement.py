"""The early warning's signals, the status they give, check-ins that answer them, the
school's computation and thresholds, and the tasks."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advisories.models import Membership
from expectations import tasks
from expectations.models import (
    CheckIn,
    Engagement,
    EngagementSettings,
    ReflectionWindow,
    SchoolExpectation,
    signal_id,
)
from expectations.selectors import engagement as selectors
from expectations.selectors.catalog import expectation_names
from expectations.services import engagement as services
from internships.models import DailyLog, Exploration, Placement
from students.models import Exhibition, LearningPlan, PlanMeeting, Student
from tests import factories

Status = Engagement.Status


def _enrolled_long_ago(student):
    today = student.school.today()
    Student.objects.filter(pk=student.pk).update(enrolled_on=today - timedelta(days=400))
    student.refresh_from_db()
    return student


def _make_calm(world, student):
    """A student with nothing to worry about: a plan changed today, an internship with
    hours confirmed two days ago, no absence, no reflection due."""
    _enrolled_long_ago(student)
    factories.PlanFactory(student=student, term=world.term)
    placement = factories.PlacementFactory(student=student)
    factories.DailyLogFactory(
        placement=placement,
        on=world.school.today() - timedelta(days=2),
        review=DailyLog.Review.CONFIRMED,
        confirmed_hours=4,
    )
    return student


@pytest.fixture
def calm(world):
    return _make_calm(world, world.student)


@pytest.fixture
def last_term(world):
    today = world.school.today()
    return factories.TermFactory(
        school_year=world.year,
        name="Last term",
        start_date=today - timedelta(days=120),
        end_date=today - timedelta(days=31),
    )


def signals(student):
    return services.compute_student(student).signals


def _rate(student, term, key, score):
    reflection = factories.ReflectionFactory(student=student, term=term)
    factories.RatingFactory(
        reflection=reflection, expectation=factories.expectation(key), score=score
    )
    return reflection


def _settings(world, **values):
    return EngagementSettings.objects.create(school=world.school, **values)


def test_a_calm_student_is_on_track(calm):
    engagement = services.compute_student(calm)
    assert engagement.signals == []
    assert engagement.status == Status.ON_TRACK
    assert engagement.computed_at is not None


class TestRatings:
    def test_a_low_rating_this_term_names_the_expectation(self, world, calm):
        _rate(calm, world.term, "relevance", 2)
        assert signals(calm) == [{"code": "low_rating", "key": "relevance", "value": 2}]

    def test_a_rating_above_the_threshold_is_no_signal(self, world, calm):
        _rate(calm, world.term, "relevance", 3)
        assert signals(calm) == []

    def test_the_school_threshold_counts(self, world, calm):
        _settings(world, low_rating=3)
        _rate(calm, world.term, "relevance", 3)
        assert signals(calm) == [{"code": "low_rating", "key": "relevance", "value": 3}]

    def test_without_a_reflection_this_term_the_last_terms_counts(self, world, calm, last_term):
        _rate(calm, last_term, "choice", 1)
        assert signals(calm) == [{"code": "low_rating", "key": "choice", "value": 1}]

    def test_a_family_rating_is_not_the_students_own(self, world, calm):
        reflection = factories.ReflectionFactory(
            student=calm, term=world.term, author=world.guardian, perspective="family"
        )
        factories.RatingFactory(reflection=reflection, score=1)
        assert signals(calm) == []

    def test_a_rating_fallen_since_last_term(self, world, calm, last_term):
        _rate(calm, last_term, "play", 5)
        _rate(calm, world.term, "play", 3)
        assert signals(calm) == [{"code": "falling_rating", "key": "play", "value": 2}]

    def test_a_small_fall_is_no_signal(self, world, calm, last_term):
        _rate(calm, last_term, "play", 4)
        _rate(calm, world.term, "play", 3)
        assert signals(calm) == []


class TestPlan:
    def test_no_plan_for_the_weeks_of_the_term_is_a_signal(self, world, calm):
        LearningPlan.objects.filter(student=calm).delete()
        assert signals(calm) == [{"code": "plan_quiet", "value": 4}]  # the term began 30 days ago

    def test_an_old_last_change_is_a_signal(self, world, calm):
        changed = timezone.now() - timedelta(days=29)
        LearningPlan.objects.filter(student=calm).update(updated_at=changed)
        assert signals(calm) == [{"code": "plan_quiet", "value": 4}]

    def test_fewer_weeks_than_the_school_says_is_no_signal(self, world, calm):
        _settings(world, plan_quiet_weeks=5)
        LearningPlan.objects.filter(student=calm).delete()
        assert signals(calm) == []

    def test_a_student_enrolled_lately_has_had_no_time(self, world, calm):
        LearningPlan.objects.filter(student=calm).delete()
        Student.objects.filter(pk=calm.pk).update(enrolled_on=world.school.today())
        calm.refresh_from_db()
        assert signals(calm) == []


class TestMissed:
    def _meeting(self, world, student, **fields):
        return factories.MeetingFactory(
            student=student, term=world.term, advisor=world.advisor, **fields
        )

    def test_a_meeting_days_ago_never_marked_held(self, world, calm):
        self._meeting(world, calm, starts_at=timezone.now() - timedelta(days=3))
        assert signals(calm) == [{"code": "missed", "value": 1}]

    def test_meetings_and_exhibitions_add_up(self, world, calm):
        self._meeting(world, calm, starts_at=timezone.now() - timedelta(days=3))
        factories.ExhibitionFactory(
            student=calm,
            term=world.term,
            created_by=world.advisor,
            starts_at=timezone.now() - timedelta(days=5),
        )
        assert signals(calm) == [{"code": "missed", "value": 2}]

    def test_held_cancelled_recent_and_coming_ones_are_no_signal(self, world, calm):
        long_ago = timezone.now() - timedelta(days=3)
        self._meeting(world, calm, starts_at=long_ago, status=PlanMeeting.Status.HELD)
        factories.ExhibitionFactory(
            student=calm,
            term=world.term,
            created_by=world.advisor,
            starts_at=long_ago,
            status=Exhibition.Status.CANCELLED,
        )
        factories.ExhibitionFactory(
            student=calm,
            term=world.term,
            created_by=world.advisor,
            starts_at=timezone.now() - timedelta(hours=2),
        )
        factories.ExhibitionFactory(student=calm, term=world.term, created_by=world.advisor)
        assert signals(calm) == []


class TestInternship:
    def test_no_internship(self, world, calm):
        Placement.objects.filter(student=calm).delete()
        assert signals(calm) == [{"code": "no_internship"}]

    def test_an_internship_the_family_consented_to_counts(self, world, calm):
        Placement.objects.filter(student=calm).update(status=Placement.Status.CONSENTED)
        assert signals(calm) == []

    def test_a_proposal_waiting_for_the_adults_is_a_step_toward_one(self, world, calm):
        Placement.objects.filter(student=calm).update(status=Placement.Status.PROPOSED)
        assert signals(calm) == []

    def test_an_internship_that_ended_is_none(self, world, calm):
        Placement.objects.filter(student=calm).update(status=Placement.Status.COMPLETED)
        assert signals(calm) == [{"code": "no_internship"}]

    def test_an_exploration_lately_is_a_step_toward_one(self, world, calm):
        Placement.objects.filter(student=calm).delete()
        today = world.school.today()
        step = Exploration.objects.create(
            student=calm,
            kind=Exploration.Kind.SHADOW,
            on=today - timedelta(days=20),
            reflection="A day at the boatyard",
        )
        assert signals(calm) == []
        Exploration.objects.filter(pk=step.pk).update(on=today - timedelta(days=21))
        assert signals(calm) == [{"code": "no_internship"}]  # three weeks: the school's default

    def test_no_confirmed_hours_for_weeks(self, world, calm):
        DailyLog.objects.filter(placement__student=calm).update(
            on=world.school.today() - timedelta(days=22)
        )
        assert signals(calm) == [{"code": "no_hours", "value": 3}]

    def test_days_waiting_for_the_mentor_are_not_confirmed(self, world, calm):
        DailyLog.objects.filter(placement__student=calm).update(review=DailyLog.Review.CLAIMED)
        assert signals(calm) == [{"code": "no_hours", "value": 4}]  # began 30 days ago

    def test_hours_confirmed_lately_are_no_signal(self, world, calm):
        DailyLog.objects.filter(placement__student=calm).update(
            on=world.school.today() - timedelta(days=20)
        )
        assert signals(calm) == []


class TestAbsences:
    def _absent(self, world, student, days_ago, status="absent"):
        sheet = factories.AttendanceSheetFactory(
            advisory=world.advisory, on=world.school.today() - timedelta(days=days_ago)
        )
        factories.AttendanceMarkFactory(sheet=sheet, student=student, status=status)

    def test_absences_in_the_last_four_weeks(self, world, calm):
        for days_ago in (0, 6, 27):
            self._absent(world, calm, days_ago)
        assert signals(calm) == [{"code": "absences", "value": 3}]

    def test_older_absences_and_lateness_do_not_count(self, world, calm):
        self._absent(world, calm, 1)
        self._absent(world, calm, 2, status="late")
        self._absent(world, calm, 28)
        assert signals(calm) == []


class TestReflectionDue:
    def test_last_terms_reflection_missing(self, world, calm, last_term):
        assert signals(calm) == [{"code": "reflection_due"}]

    def test_last_terms_reflection_written(self, world, calm, last_term):
        factories.ReflectionFactory(student=calm, term=last_term)
        assert signals(calm) == []

    def test_this_terms_missing_after_the_due_date_the_admin_set(self, world, calm):
        due = world.school.today() - timedelta(days=1)
        ReflectionWindow.objects.create(term=world.term, due_on=due)
        assert signals(calm) == [{"code": "reflection_due"}]

    def test_not_before_the_due_date(self, world, calm):
        ReflectionWindow.objects.create(term=world.term, due_on=world.school.today())
        assert signals(calm) == []

    def test_not_for_a_student_who_enrolled_after_it(self, world, calm, last_term):
        Student.objects.filter(pk=calm.pk).update(enrolled_on=last_term.end_date)
        calm.refresh_from_db()
        assert signals(calm) == []


class TestStatus:
    @pytest.mark.parametrize(
        ("count", "act_signals", "status"),
        [(0, 3, "on_track"), (1, 3, "watch"), (2, 3, "watch"), (3, 3, "act"), (1, 1, "act")],
    )
    def test_thresholds(self, count, act_signals, status):
        found = [{"code": "low_rating", "key": f"e{n}", "value": 1} for n in range(count)]
        assert services.status_of(found, [], act_signals) == status

    def test_answered_signals_do_not_count(self):
        found = [{"code": "absences", "value": 3}, {"code": "no_internship"}]
        assert services.status_of(found, ["absences:"], 2) == "watch"

    def test_the_schools_act_threshold(self, world, calm):
        Placement.objects.filter(student=calm).delete()
        LearningPlan.objects.filter(student=calm).delete()
        assert services.compute_student(calm).status == Status.WATCH
        _settings(world, act_signals=2)
        assert services.compute_student(calm).status == Status.ACT


class TestCheckIn:
    def _check_in(self, world, student, **fields):
        fields.setdefault("on", world.school.today())
        return services.check_in_record(
            student=student, by=world.advisor, talked_about="How it goes", **fields
        )

    def test_it_clears_the_status_until_a_new_signal(self, world, calm):
        Placement.objects.filter(student=calm).delete()
        assert services.compute_student(calm).status == Status.WATCH
        check_in = self._check_in(world, calm, expectations=[factories.expectation("choice")])
        assert check_in.answered == ["no_internship:"]
        assert [e.key for e in check_in.expectations.all()] == ["choice"]
        engagement = Engagement.objects.get(student=calm)
        assert (engagement.status, engagement.answered) == (Status.ON_TRACK, ["no_internship:"])
        assert services.compute_student(calm).status == Status.ON_TRACK  # the same signal
        for days_ago in (1, 2, 3):
            sheet = factories.AttendanceSheetFactory(
                advisory=world.advisory, on=world.school.today() - timedelta(days=days_ago)
            )
            factories.AttendanceMarkFactory(sheet=sheet, student=calm)
        engagement = services.compute_student(calm)
        assert engagement.status == Status.WATCH
        assert engagement.open_signals == [{"code": "absences", "value": 3}]

    def test_a_signal_that_goes_and_comes_back_is_new(self, world, calm):
        Placement.objects.filter(student=calm).update(status=Placement.Status.COMPLETED)
        services.compute_student(calm)
        self._check_in(world, calm)
        Placement.objects.filter(student=calm).update(status=Placement.Status.ACTIVE)
        assert services.compute_student(calm).answered == []
        Placement.objects.filter(student=calm).update(status=Placement.Status.COMPLETED)
        assert services.compute_student(calm).status == Status.WATCH

    def test_a_day_in_the_future_is_refused(self, world, calm):
        with pytest.raises(ValidationError) as error:
            self._check_in(world, calm, on=world.school.today() + timedelta(days=1))
        assert "on" in error.value.message_dict
        assert not CheckIn.objects.exists()

    def test_a_day_before_the_enrolment_is_refused(self, world, calm):
        with pytest.raises(ValidationError) as error:
            self._check_in(world, calm, on=calm.enrolled_on - timedelta(days=1))
        assert "on" in error.value.message_dict

    def test_another_advisorys_student_is_refused(self, world):
        with pytest.raises(PermissionDenied):
            self._check_in(world, world.other_student)
        assert not CheckIn.objects.exists()


class TestSchool:
    def _fill(self, world, size):
        """``size`` students in new advisories, each with some of every kind of fact."""
        today = world.school.today()
        made = []
        for number in range(size):
            advisory = factories.AdvisoryFactory(school=world.school)
            student = factories.MembershipFactory(advisory=advisory).student
            _enrolled_long_ago(student)
            _rate(student, world.term, "relevance", 1 + number % 5)
            sheet = factories.AttendanceSheetFactory(advisory=advisory, on=today)
            factories.AttendanceMarkFactory(sheet=sheet, student=student)
            if number % 2:
                _make_calm(world, student)
            made.append(student)
        return made

    def _queries(self, world):
        with CaptureQueriesContext(connection) as captured:
            counts = services.compute_school(world.school)
        return len(captured), counts

    def test_every_current_student_in_a_fixed_number_of_queries(
        self, world, django_assert_max_num_queries
    ):
        self._fill(world, 3)
        small, _counts = self._queries(world)
        self._fill(world, 12)
        with django_assert_max_num_queries(small):
            counts = services.compute_school(world.school)
        assert small <= 20
        current = Membership.objects.current().filter(advisory__school=world.school).count()
        assert current == 17
        assert Engagement.objects.filter(student__school=world.school).count() == current
        assert sum(counts.values()) == current
        assert set(counts) == {"on_track", "watch", "act"}

    def test_it_stores_what_compute_student_would(self, world, calm, last_term):
        _rate(calm, world.term, "relevance", 1)
        services.compute_school(world.school)
        stored = Engagement.objects.get(student=calm)
        alone = services.compute_student(calm)
        assert stored.signals == alone.signals
        assert stored.status == alone.status

    def test_it_keeps_what_a_check_in_answered(self, world, calm):
        Placement.objects.filter(student=calm).delete()
        services.compute_school(world.school)
        services.check_in_record(
            student=calm, by=world.advisor, on=world.school.today(), talked_about="Internships"
        )
        services.compute_school(world.school)
        engagement = Engagement.objects.get(student=calm)
        assert engagement.status == Status.ON_TRACK
        assert engagement.answered == [signal_id({"code": "no_internship"})]

    def test_a_student_who_left_drops_out(self, world):
        services.compute_school(world.school)
        assert Engagement.objects.filter(student=world.other_student).exists()
        world.other_student.memberships.update(end_date=world.school.today())
        services.compute_school(world.school)
        assert not Engagement.objects.filter(student=world.other_student).exists()
        assert not Engagement.objects.filter(student=world.unplaced).exists()

    def test_another_school_is_left_alone(self, world):
        services.compute_school(world.school)
        assert not Engagement.objects.filter(student=world.student2).exists()


class TestSettings:
    def test_the_first_save_makes_the_row(self, world):
        row = services.settings_save(school=world.school, by=world.admin, absences=5)
        assert (row.absences, row.low_rating) == (5, 2)
        services.settings_save(school=world.school, by=world.admin, absences=4)
        assert EngagementSettings.objects.get(school=world.school).absences == 4

    @pytest.mark.parametrize(
        ("name", "value"), [("absences", -1), ("act_signals", 0), ("low_rating", 5)]
    )
    def test_a_value_out_of_range_is_refused(self, world, name, value):
        with pytest.raises(ValidationError) as error:
            services.settings_save(school=world.school, by=world.admin, **{name: value})
        assert name in error.value.message_dict
        assert not EngagementSettings.objects.exists()

    def test_only_the_schools_admin(self, world):
        with pytest.raises(PermissionDenied):
            services.settings_save(school=world.school, by=world.admin2, absences=4)
        with pytest.raises(PermissionDenied):
            services.settings_save(school=world.school, by=world.advisor, absences=4)

    def test_defaults_without_a_row(self, world):
        assert selectors.thresholds(world.school.pk).plan_quiet_weeks == 4


class TestWords:
    def test_every_signal_in_words(self, world):
        found = [
            {"code": "low_rating", "key": "relevance", "value": 2},
            {"code": "falling_rating", "key": "play", "value": 1},
            {"code": "plan_quiet", "value": 5},
            {"code": "missed", "value": 2},
            {"code": "no_internship"},
            {"code": "no_hours", "value": 3},
            {"code": "absences", "value": 4},
            {"code": "reflection_due"},
        ]
        words = selectors.describe(found, expectation_names(world.school.pk))
        assert words == [
            "Rated “Relevance” 2 out of 5 in their latest reflection.",
            "Rated “Play” 1 point lower than the term before.",
            "No change to the learning plan this term for 5 weeks.",
            "2 meetings or exhibitions this term were never marked held.",
            (
                "No internship, and no step toward one lately (an informational interview, "
                "a shadow day or a proposal)."
            ),
            "No confirmed internship hours for 3 weeks.",
            "4 absences from advisory in the last 4 weeks.",
            "Their term reflection is past its due date.",
        ]

    def test_the_schools_own_name_of_an_expectation(self, world):
        SchoolExpectation.objects.create(
            school=world.school,
            expectation=factories.expectation("relevance"),
            name="Why it matters",
        )
        found = [{"code": "low_rating", "key": "relevance", "value": 1}]
        words = selectors.describe(found, expectation_names(world.school.pk))
        assert words == ["Rated “Why it matters” 1 out of 5 in their latest reflection."]


class TestTasks:
    def test_the_periodic_task_computes_every_school(self, world):
        counts = tasks.compute_engagement()
        assert Engagement.objects.filter(student=world.student).exists()
        assert Engagement.objects.filter(student=world.student2).exists()
        assert sum(counts.values()) == Engagement.objects.count()

    def test_one_student_on_demand(self, world):
        assert tasks.compute_engagement_for(world.student.pk) == Status.WATCH
        assert Engagement.objects.filter(student=world.student).exists()

    def test_a_student_gone_is_nothing_to_do(self, world):
        assert tasks.compute_engagement_for(10**9) is None
        assert not Engagement.objects.exists()

    def test_it_runs_on_a_schedule(self, settings):
        schedule = settings.CELERY_BEAT_SCHEDULE["compute-engagement"]
        assert schedule["task"] == "expectations.tasks.compute_engagement"
