"""The pipeline's services: each step by the right person from the right state only,
the agreement's rules, the history of steps, explorations, site visits and evaluations."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from internships.models import (
    RUBRIC_KEYS,
    Evaluation,
    Exploration,
    Placement,
    PlacementEvent,
    SiteVisit,
)
from internships.selectors.pipeline import step_code
from internships.services import pipeline as services
from internships.services import visits
from tests import factories
from tests.internships.matrix_pipeline import agreement, placement, propose

Status = Placement.Status
RATINGS = dict.fromkeys(RUBRIC_KEYS, 3)


def _in(placement_, status, **fields):
    """Move a placement to a state directly (the steps before it are tested elsewhere)."""
    placement_.status = status
    for name, value in fields.items():
        setattr(placement_, name, value)
    placement_.save()
    return placement_


@pytest.fixture
def item(world):
    plan = factories.PlanFactory(student=world.student, term=world.term)
    return factories.PlanItemFactory(plan=plan, goals=["communication"])


@pytest.fixture
def proposed(world, item):
    return propose(world, plan_items=[item])


@pytest.fixture
def approved(world, proposed):
    return services.placement_approve(placement=proposed, by=world.advisor)


@pytest.fixture
def consented(world, approved):
    return services.placement_consent(placement=approved, by=world.guardian)


@pytest.fixture
def active(world, consented):
    return services.placement_accept(placement=consented, by=world.mentor)


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


class TestPropose:
    def test_the_student_proposes_for_themself(self, world, item):
        placement_ = propose(world, plan_items=[item])
        assert placement_.status == Status.PROPOSED
        assert placement_.proposed_by == world.student.user
        assert list(placement_.plan_items.all()) == [item]
        event = placement_.events.get()
        assert (event.from_status, event.to_status, event.by) == (
            "",
            "proposed",
            world.student.user,
        )

    def test_the_advisor_and_an_admin_propose_for_the_student(self, world):
        assert propose(world, by=world.advisor).proposed_by == world.advisor
        other_site = factories.MentorProfileFactory(site__school=world.school)
        made = propose(world, by=world.admin, site=other_site.site, mentor=other_site)
        assert made.proposed_by == world.admin

    @pytest.mark.parametrize("who", ["other_advisor", "guardian", "mentor", "admin2"])
    def test_others_may_not_propose(self, world, who):
        with pytest.raises(PermissionDenied):
            propose(world, by=getattr(world, who))
        assert not Placement.objects.exists()

    def test_a_student_may_not_propose_for_another(self, world):
        with pytest.raises(PermissionDenied):
            services.placement_propose(
                student=world.other_student, by=world.student.user, **agreement(world)
            )

    def test_a_mentor_with_an_expired_check_is_refused_with_the_reason(self, world):
        mentor = world.mentor_profile
        mentor.checked_on = world.school.today() - timedelta(days=400)
        mentor.check_expires_on = world.school.today() - timedelta(days=2)
        mentor.save()
        with pytest.raises(ValidationError) as excinfo:
            propose(world)
        assert "expired" in _errors(excinfo)["mentor"][0]
        assert not Placement.objects.exists()

    def test_a_mentor_whose_check_ends_before_the_first_day_is_refused(self, world):
        mentor = world.mentor_profile
        mentor.check_expires_on = world.school.today() + timedelta(days=3)
        mentor.save()
        with pytest.raises(ValidationError) as excinfo:
            propose(world)
        assert "mentor" in _errors(excinfo)

    def test_a_mentor_without_a_cleared_check_is_refused(self, world):
        mentor = factories.MentorProfileFactory(
            site=world.mentor_profile.site,
            background_check="pending",
            checked_on=None,
            check_expires_on=None,
        )
        with pytest.raises(ValidationError) as excinfo:
            propose(world, mentor=mentor)
        assert "not cleared" in _errors(excinfo)["mentor"][0]

    def test_the_mentor_must_work_at_the_site(self, world):
        elsewhere = factories.MentorProfileFactory(site__school=world.school)
        with pytest.raises(ValidationError) as excinfo:
            propose(world, mentor=elsewhere)
        assert "mentor" in _errors(excinfo)

    def test_plan_goals_of_another_student_are_refused(self, world, item):
        theirs = factories.PlanFactory(student=world.other_student, term=world.term)
        other = factories.PlanItemFactory(plan=theirs)
        with pytest.raises(ValidationError) as excinfo:
            propose(world, plan_items=[item, other])
        assert "plan_items" in _errors(excinfo)
        assert not Placement.objects.exists()

    def test_plan_goals_of_a_past_term_are_refused(self, world):
        past = factories.TermFactory(
            school_year=world.year,
            name="Past",
            start_date=world.term.start_date - timedelta(days=100),
            end_date=world.term.start_date - timedelta(days=40),
        )
        old = factories.PlanItemFactory(
            plan=factories.PlanFactory(student=world.student, term=past)
        )
        with pytest.raises(ValidationError) as excinfo:
            propose(world, plan_items=[old])
        assert "plan_items" in _errors(excinfo)

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"days": []}, "days"),
            ({"days": ["someday"]}, "days"),
            ({"ends_at_time": None}, "starts_at_time"),
            ({"starts_at_time": time(13, 0), "ends_at_time": time(9, 0)}, "ends_at_time"),
        ],
    )
    def test_the_schedule_is_checked(self, world, overrides, field):
        with pytest.raises(ValidationError) as excinfo:
            propose(world, **overrides)
        assert field in _errors(excinfo)

    def test_the_dates_are_checked(self, world):
        start = world.school.today() + timedelta(days=7)
        with pytest.raises(ValidationError) as excinfo:
            propose(world, start_on=start, end_on=start)
        assert "end_on" in _errors(excinfo)
        with pytest.raises(ValidationError) as excinfo:
            propose(world, review_on=start + timedelta(days=200))
        assert "review_on" in _errors(excinfo)

    def test_one_open_placement_per_site(self, world):
        first = propose(world)
        with pytest.raises(ValidationError) as excinfo:
            propose(world)
        assert "site" in _errors(excinfo)
        services.placement_end(placement=first, by=world.advisor, note="Wrong season")
        assert propose(world).status == Status.PROPOSED

    def test_an_inactive_site_is_refused(self, world):
        site = world.mentor_profile.site
        site.status = "inactive"
        site.save()
        with pytest.raises(ValidationError) as excinfo:
            propose(world)
        assert "site" in _errors(excinfo)


class TestApproveAndSendBack:
    def test_the_advisor_approves_and_signs(self, world, proposed):
        services.placement_approve(placement=proposed, by=world.advisor)
        proposed.refresh_from_db()
        assert proposed.status == Status.APPROVED
        assert proposed.approved_by == world.advisor
        assert proposed.approved_at is not None

    def test_an_admin_approves(self, world, proposed):
        assert services.placement_approve(placement=proposed, by=world.admin).status == "approved"

    @pytest.mark.parametrize("who", ["other_advisor", "guardian", "mentor", "admin2"])
    def test_others_may_not_approve(self, world, proposed, who):
        with pytest.raises(PermissionDenied):
            services.placement_approve(placement=proposed, by=getattr(world, who))
        proposed.refresh_from_db()
        assert proposed.status == Status.PROPOSED

    def test_the_student_may_not_approve_their_own(self, world, proposed):
        with pytest.raises(PermissionDenied):
            services.placement_approve(placement=proposed, by=world.student.user)

    def test_only_a_proposal_is_approved(self, world, approved):
        with pytest.raises(ValidationError):
            services.placement_approve(placement=approved, by=world.advisor)

    def test_approval_is_refused_once_the_check_expired(self, world, proposed):
        world.mentor_profile.check_expires_on = world.school.today() + timedelta(days=1)
        world.mentor_profile.save()
        with pytest.raises(ValidationError):
            services.placement_approve(placement=proposed, by=world.advisor)

    def test_sending_back_needs_a_comment_and_keeps_it_proposed(self, world, proposed):
        with pytest.raises(ValidationError) as excinfo:
            services.placement_send_back(placement=proposed, by=world.advisor, note="  ")
        assert "note" in _errors(excinfo)
        services.placement_send_back(placement=proposed, by=world.advisor, note="Fewer hours")
        proposed.refresh_from_db()
        assert proposed.status == Status.PROPOSED
        event = proposed.events.last()
        assert (event.from_status, event.to_status, event.note) == (
            "proposed",
            "proposed",
            "Fewer hours",
        )
        assert step_code(event) == "sent_back"

    def test_only_the_advisor_sends_back(self, world, proposed):
        with pytest.raises(PermissionDenied):
            services.placement_send_back(placement=proposed, by=world.guardian, note="No")

    def test_an_approved_one_is_not_sent_back(self, world, approved):
        with pytest.raises(ValidationError):
            services.placement_send_back(placement=approved, by=world.advisor, note="Hm")


class TestConsent:
    def test_a_guardian_of_the_student_consents_and_signs(self, world, approved):
        services.placement_consent(placement=approved, by=world.guardian)
        approved.refresh_from_db()
        assert approved.status == Status.CONSENTED
        assert approved.consented_by == world.guardian
        assert approved.consented_at is not None

    def test_a_guardian_of_another_student_is_refused(self, world, approved):
        with pytest.raises(PermissionDenied):
            services.placement_consent(placement=approved, by=world.other_link.guardian)
        approved.refresh_from_db()
        assert approved.status == Status.APPROVED
        assert approved.consented_by is None

    @pytest.mark.parametrize("who", ["advisor", "admin", "mentor"])
    def test_staff_and_mentor_may_not_consent_for_the_family(self, world, approved, who):
        with pytest.raises(PermissionDenied):
            services.placement_consent(placement=approved, by=getattr(world, who))

    def test_consent_waits_for_the_advisors_approval(self, world, proposed):
        with pytest.raises(ValidationError):
            services.placement_consent(placement=proposed, by=world.guardian)

    def test_consent_is_given_once(self, world, consented):
        with pytest.raises(ValidationError):
            services.placement_consent(placement=consented, by=world.guardian)


class TestAccept:
    def test_the_mentor_accepts_and_it_is_active(self, world, consented):
        services.placement_accept(placement=consented, by=world.mentor)
        consented.refresh_from_db()
        assert consented.status == Status.ACTIVE
        assert consented.accepted_at is not None

    def test_another_mentor_may_not(self, world, consented):
        other = factories.MentorProfileFactory(site=world.mentor_profile.site)
        with pytest.raises(PermissionDenied):
            services.placement_accept(placement=consented, by=other.user)

    def test_the_advisor_may_not_accept_for_the_mentor(self, world, consented):
        with pytest.raises(PermissionDenied):
            services.placement_accept(placement=consented, by=world.advisor)

    def test_the_mentor_waits_for_the_family(self, world, approved):
        # Before the family's consent the internship is not the mentor's yet at all.
        with pytest.raises(PermissionDenied):
            services.placement_accept(placement=approved, by=world.mentor)

    def test_a_check_expired_since_consent_is_refused_with_the_reason(self, world, consented):
        world.mentor_profile.check_expires_on = world.school.today() - timedelta(days=1)
        world.mentor_profile.save()
        with pytest.raises(ValidationError) as excinfo:
            services.placement_accept(placement=consented, by=world.mentor)
        assert "expired" in excinfo.value.messages[0]


class TestCompleteAndEnd:
    def test_completed_on_or_after_the_last_day(self, world):
        running = placement(world, end_on=world.school.today())
        services.placement_complete(placement=running, by=world.advisor)
        running.refresh_from_db()
        assert running.status == Status.COMPLETED
        assert running.ended_at is not None

    def test_before_the_last_day_a_note_is_needed(self, world):
        running = placement(world)
        with pytest.raises(ValidationError) as excinfo:
            services.placement_complete(placement=running, by=world.advisor)
        assert "note" in _errors(excinfo)
        services.placement_complete(placement=running, by=world.advisor, note="Project done")
        assert running.status == Status.COMPLETED

    def test_only_an_active_one_is_completed(self, world, consented):
        with pytest.raises(ValidationError):
            services.placement_complete(placement=consented, by=world.advisor, note="x")

    @pytest.mark.parametrize("who", ["mentor", "guardian", "other_advisor"])
    def test_others_may_not_complete(self, world, who):
        running = placement(world, end_on=world.school.today())
        with pytest.raises(PermissionDenied):
            services.placement_complete(placement=running, by=getattr(world, who))

    def test_the_student_may_not_complete(self, world):
        running = placement(world, end_on=world.school.today())
        with pytest.raises(PermissionDenied):
            services.placement_complete(placement=running, by=world.student.user)

    @pytest.mark.parametrize("status", ["proposed", "approved", "consented", "active"])
    def test_ended_early_from_any_open_state_with_a_reason(self, world, status):
        open_one = placement(world, status=status)
        with pytest.raises(ValidationError) as excinfo:
            services.placement_end(placement=open_one, by=world.advisor, note="")
        assert "note" in _errors(excinfo)
        services.placement_end(placement=open_one, by=world.advisor, note="The shop closed")
        open_one.refresh_from_db()
        assert (open_one.status, open_one.end_reason) == ("ended", "The shop closed")
        assert open_one.events.get().from_status == status

    @pytest.mark.parametrize("status", ["completed", "ended"])
    def test_a_closed_one_does_not_end_again(self, world, status):
        closed = placement(world, status=status, end_reason="Over")
        with pytest.raises(ValidationError):
            services.placement_end(placement=closed, by=world.advisor, note="Again")

    @pytest.mark.parametrize("who", ["mentor", "guardian"])
    def test_others_may_not_end_it(self, world, who):
        with pytest.raises(PermissionDenied):
            services.placement_end(placement=placement(world), by=getattr(world, who), note="x")

    def test_the_step_by_name(self, world, proposed):
        services.placement_step(placement=proposed, by=world.advisor, step="approve")
        assert proposed.status == Status.APPROVED
        with pytest.raises(ValidationError):
            services.placement_step(placement=proposed, by=world.advisor, step="teleport")


class TestHistory:
    def test_every_step_is_kept_with_who_and_when(self, world, active):
        today = world.school.today()
        running = _in(active, Status.ACTIVE, start_on=today - timedelta(days=10), end_on=today)
        services.placement_complete(placement=running, by=world.advisor)
        steps = list(
            PlacementEvent.objects.filter(placement=running).values_list(
                "from_status", "to_status", "by"
            )
        )
        assert steps == [
            ("", "proposed", world.student.user.pk),
            ("proposed", "approved", world.advisor.pk),
            ("approved", "consented", world.guardian.pk),
            ("consented", "active", world.mentor.pk),
            ("active", "completed", world.advisor.pk),
        ]
        assert all(event.at for event in running.events.all())


class TestAgreementChanges:
    def test_the_proposer_changes_a_proposal(self, world, proposed):
        services.placement_update(placement=proposed, by=world.student.user, project="Tide clock")
        proposed.refresh_from_db()
        assert proposed.project == "Tide clock"
        assert step_code(proposed.events.last()) == "changed"

    def test_an_unchanged_save_is_no_step(self, world, proposed):
        services.placement_update(placement=proposed, by=world.student.user)
        assert proposed.events.count() == 1

    def test_the_students_change_after_approval_needs_approval_again(self, world, approved):
        services.placement_update(placement=approved, by=world.student.user, days=["mon"])
        approved.refresh_from_db()
        assert approved.status == Status.PROPOSED
        assert approved.approved_by is None
        with pytest.raises(ValidationError):
            services.placement_consent(placement=approved, by=world.guardian)

    def test_any_change_after_approval_goes_back_to_the_advisor(self, world, approved):
        # The family was asked to consent to the approved agreement, not to this one.
        services.placement_update(placement=approved, by=world.advisor, days=["mon"])
        approved.refresh_from_db()
        assert (approved.status, approved.days) == (Status.PROPOSED, ["mon"])
        assert approved.approved_by is None

    def test_no_change_after_the_family_consented(self, world, consented):
        with pytest.raises(ValidationError):
            services.placement_update(placement=consented, by=world.advisor, days=["mon"])
        consented.refresh_from_db()
        assert consented.days == ["tue", "thu"]

    @pytest.mark.parametrize("who", ["guardian", "mentor", "other_advisor"])
    def test_others_may_not_change_it(self, world, proposed, who):
        with pytest.raises(PermissionDenied):
            services.placement_update(placement=proposed, by=getattr(world, who), project="X")

    def test_a_change_is_checked_like_a_proposal(self, world, proposed):
        other = factories.PlanItemFactory(
            plan=factories.PlanFactory(student=world.other_student, term=world.term)
        )
        with pytest.raises(ValidationError) as excinfo:
            services.placement_update(placement=proposed, by=world.advisor, plan_items=[other])
        assert "plan_items" in _errors(excinfo)


class TestExplorations:
    def test_the_student_logs_a_shadow_day(self, world):
        exploration = visits.exploration_log(
            student=world.student,
            by=world.student.user,
            kind="shadow",
            on=world.school.today(),
            site=world.mentor_profile.site,
            reflection="Welding is loud and precise.",
        )
        assert exploration.kind_label == "Shadow day"

    def test_the_advisor_logs_an_interview_with_whom(self, world):
        visits.exploration_log(
            student=world.student,
            by=world.advisor,
            kind="interview",
            on=world.school.today() - timedelta(days=3),
            with_whom="A harbor pilot",
            reflection="Tides decide everything.",
        )
        assert Exploration.objects.get().with_whom == "A harbor pilot"

    def test_not_in_the_future_and_somewhere(self, world):
        with pytest.raises(ValidationError) as excinfo:
            visits.exploration_log(
                student=world.student,
                by=world.student.user,
                kind="shadow",
                on=world.school.today() + timedelta(days=1),
                reflection="Soon",
            )
        assert {"on", "with_whom"} <= set(_errors(excinfo))

    def test_a_reflection_is_needed(self, world):
        with pytest.raises(ValidationError) as excinfo:
            visits.exploration_log(
                student=world.student,
                by=world.student.user,
                kind="shadow",
                on=world.school.today(),
                with_whom="A chef",
                reflection="  ",
            )
        assert "reflection" in _errors(excinfo)

    @pytest.mark.parametrize("who", ["guardian", "mentor", "other_advisor"])
    def test_others_may_not_log(self, world, who):
        with pytest.raises(PermissionDenied):
            visits.exploration_log(
                student=world.student,
                by=getattr(world, who),
                kind="shadow",
                on=world.school.today(),
                with_whom="A chef",
                reflection="Hot kitchen",
            )


class TestVisits:
    def test_the_advisor_records_a_visit(self, world):
        running = placement(world)
        visit = visits.visit_record(
            placement=running,
            by=world.advisor,
            on=world.school.today(),
            observations="Focused, welcomed by the team.",
            follow_ups="Ask about safety gear",
        )
        assert visit.advisor == world.advisor

    def test_not_in_the_future_nor_before_the_first_day(self, world):
        running = placement(world)
        for day in (world.school.today() + timedelta(days=1), running.start_on - timedelta(days=1)):
            with pytest.raises(ValidationError) as excinfo:
                visits.visit_record(placement=running, by=world.advisor, on=day, observations="x")
            assert "on" in _errors(excinfo)
        assert not SiteVisit.objects.exists()

    def test_observations_are_needed(self, world):
        with pytest.raises(ValidationError) as excinfo:
            visits.visit_record(
                placement=placement(world),
                by=world.advisor,
                on=world.school.today(),
                observations="",
            )
        assert "observations" in _errors(excinfo)

    def test_not_before_the_internship_started(self, world, approved):
        with pytest.raises(ValidationError):
            visits.visit_record(
                placement=approved, by=world.advisor, on=world.school.today(), observations="x"
            )

    @pytest.mark.parametrize("who", ["mentor", "guardian", "other_advisor"])
    def test_only_the_advisor_or_an_admin(self, world, who):
        with pytest.raises(PermissionDenied):
            visits.visit_record(
                placement=placement(world),
                by=getattr(world, who),
                on=world.school.today(),
                observations="x",
            )


class TestEvaluations:
    def test_the_mentor_writes_then_changes_the_semesters_evaluation(self, world):
        running = placement(world)
        first = visits.evaluation_write(
            placement=running, by=world.mentor, semester=1, ratings=RATINGS, strengths="Curious"
        )
        again = visits.evaluation_write(
            placement=running,
            by=world.mentor,
            semester=1,
            ratings={**RATINGS, "initiative": 4},
            next_steps="Lead a repair",
        )
        assert first.pk == again.pk
        stored = Evaluation.objects.get()
        assert stored.ratings["initiative"] == 4
        assert stored.school_year == world.year
        assert (stored.strengths, stored.next_steps) == ("", "Lead a repair")
        visits.evaluation_write(placement=running, by=world.mentor, semester=2, ratings=RATINGS)
        assert Evaluation.objects.count() == 2

    def test_a_completed_internship_is_evaluated(self, world):
        done = placement(world, status="completed")
        visits.evaluation_write(placement=done, by=world.mentor, semester=2, ratings=RATINGS)

    @pytest.mark.parametrize(
        ("status", "refusal"),
        [
            ("proposed", PermissionDenied),  # not the mentor's before the family's consent
            ("consented", ValidationError),  # theirs, but not started
            ("ended", PermissionDenied),  # ended before any consent
        ],
    )
    def test_not_before_it_is_active_nor_once_ended(self, world, status, refusal):
        other = placement(world, status=status, end_reason="x" if status == "ended" else "")
        with pytest.raises(refusal):
            visits.evaluation_write(placement=other, by=world.mentor, semester=1, ratings=RATINGS)

    @pytest.mark.parametrize("who", ["advisor", "admin", "student"])
    def test_only_the_mentor_of_the_placement(self, world, who):
        person = world.student.user if who == "student" else getattr(world, who)
        with pytest.raises(PermissionDenied):
            visits.evaluation_write(
                placement=placement(world), by=person, semester=1, ratings=RATINGS
            )
        other_mentor = factories.MentorProfileFactory(site=world.mentor_profile.site)
        with pytest.raises(PermissionDenied):
            visits.evaluation_write(
                placement=placement(world, status="completed"),
                by=other_mentor.user,
                semester=1,
                ratings=RATINGS,
            )

    def test_the_rubric_is_checked(self, world):
        running = placement(world)
        with pytest.raises(ValidationError) as excinfo:
            visits.evaluation_write(
                placement=running, by=world.mentor, semester=1, ratings={**RATINGS, "quality": 5}
            )
        assert "quality" in _errors(excinfo)
        missing = {k: v for k, v in RATINGS.items() if k != "empirical"}
        with pytest.raises(ValidationError):
            visits.evaluation_write(placement=running, by=world.mentor, semester=1, ratings=missing)
        with pytest.raises(ValidationError):
            visits.evaluation_write(placement=running, by=world.mentor, semester=3, ratings=RATINGS)
        assert not Evaluation.objects.exists()
