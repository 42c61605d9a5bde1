"""Assessment services, called directly: narratives, exhibitions and their panels, feedback,
results; every bad input refused with its message next to the right field, nothing written."""

from datetime import timedelta

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import timezone

from bigpicture.models import Notification
from students.goals import PERSONAL
from students.models import Exhibition, Feedback, Narrative, Panelist
from students.services import assessment as services
from tests import factories
from tests.students.matrix_meetings import mentoring


@pytest.fixture(autouse=True)
def _the_students_mentor(world):
    """The world's mentor mentors the student's internship: only a student's own mentor is
    invited to their meetings or seated on their panels."""
    mentoring(world)


Kind = Narrative.Kind
Role = Panelist.Role


def messages_of(error: ValidationError, field: str = NON_FIELD_ERRORS) -> list[str]:
    return [m for e in error.error_dict.get(field, []) for m in e.messages]


def started(world, *, gateway="", hours_ago=1, **fields) -> Exhibition:
    """An exhibition of the world's student that began a while ago (the services refuse to
    schedule one in the past, so the factory makes it)."""
    return factories.ExhibitionFactory(
        student=world.student,
        term=world.term,
        created_by=world.advisor,
        starts_at=timezone.now() - timedelta(hours=hours_ago),
        gateway=gateway,
        **fields,
    )


def seat(exhibition, person=None, role=Role.ADVISOR, name="") -> Panelist:
    return Panelist.objects.create(exhibition=exhibition, person=person, role=role, name=name)


def plan_item(world, student=None, term=None, **fields):
    plan = factories.PlanFactory(student=student or world.student, term=term or world.term)
    return factories.PlanItemFactory(plan=plan, goals=["communication"], **fields)


# --- narratives --------------------------------------------------------------------------------


class TestNarratives:
    def write(self, world, by, kind=Kind.STUDENT, **sections):
        sections = sections or {"empirical": "  I tested three hull shapes.  "}
        return services.narrative_create(
            student=world.student, term=world.term, kind=kind, by=by, sections=sections
        )

    def test_the_student_writes_their_own_by_learning_goal(self, world):
        narrative = self.write(
            world, world.student.user, empirical=" Tested hulls ", social="", **{PERSONAL: "Ran"}
        )
        assert (narrative.kind, narrative.author) == (Kind.STUDENT, world.student.user)
        assert narrative.sections == {"empirical": "Tested hulls", PERSONAL: "Ran"}
        assert not narrative.is_published

    @pytest.mark.parametrize("role", ["advisor", "admin"])
    def test_the_advisor_or_an_admin_writes_the_advisors(self, world, role):
        narrative = self.write(world, world.person(role), Kind.ADVISOR)
        assert narrative.author == world.person(role)

    @pytest.mark.parametrize(
        ("role", "kind"),
        [
            ("student", Kind.ADVISOR),
            ("advisor", Kind.STUDENT),
            ("admin", Kind.STUDENT),
            ("guardian", Kind.ADVISOR),
            ("mentor", Kind.ADVISOR),
            ("admin2", Kind.ADVISOR),
        ],
    )
    def test_nobody_writes_the_other_side(self, world, role, kind):
        with pytest.raises(PermissionDenied):
            self.write(world, world.person(role), kind)
        assert not Narrative.objects.exists()

    def test_another_advisor_cannot_write_about_the_student(self, world):
        with pytest.raises(PermissionDenied):
            self.write(world, world.other_advisor, Kind.ADVISOR)

    def test_an_empty_narrative_is_refused(self, world):
        with pytest.raises(ValidationError) as refused:
            self.write(world, world.student.user, empirical="   ", social="")
        assert messages_of(refused.value) == ["The narrative is empty: write at least one section."]
        assert not Narrative.objects.exists()

    def test_one_per_term_and_kind(self, world):
        self.write(world, world.student.user)
        self.write(world, world.advisor, Kind.ADVISOR)  # the other kind is fine
        with pytest.raises(ValidationError) as refused:
            self.write(world, world.student.user)
        assert messages_of(refused.value, "term") == [
            "This narrative is already written for this term."
        ]
        assert Narrative.objects.count() == 2

    def test_a_term_of_another_school_is_refused(self, world):
        foreign = factories.TermFactory(school_year__school=world.school2)
        with pytest.raises(ValidationError) as refused:
            services.narrative_create(
                student=world.student,
                term=foreign,
                kind=Kind.STUDENT,
                by=world.student.user,
                sections={"social": "x"},
            )
        assert messages_of(refused.value, "term") == ["Choose a term of the student's school."]

    def test_the_author_side_rewrites_it_and_an_empty_rewrite_changes_nothing(self, world):
        narrative = self.write(world, world.student.user)
        services.narrative_update(
            narrative=narrative, by=world.student.user, sections={"social": "Interviewed"}
        )
        assert narrative.sections == {"social": "Interviewed"}
        with pytest.raises(ValidationError):
            services.narrative_update(
                narrative=narrative, by=world.student.user, sections={"social": " "}
            )
        narrative.refresh_from_db()
        assert narrative.sections == {"social": "Interviewed"}
        with pytest.raises(PermissionDenied):
            services.narrative_update(narrative=narrative, by=world.advisor, sections={"a": "b"})

    def test_publishing_shows_it_to_the_family_and_tells_them_once(self, world):
        quiet = factories.GuardianLinkFactory(student=world.student, receives_reminders=False)
        narrative = self.write(world, world.advisor, Kind.ADVISOR)
        assert not Narrative.objects.visible_to(world.guardian).exists()
        services.narrative_publish(narrative=narrative, by=world.advisor)
        services.narrative_publish(narrative=narrative, by=world.advisor)
        assert narrative.is_published
        assert list(Narrative.objects.visible_to(world.guardian)) == [narrative]
        assert list(Narrative.objects.visible_to(quiet.guardian)) == [narrative]
        rows = Notification.objects.filter(rule="narrative_published")
        assert [row.recipient for row in rows] == [world.guardian]  # the quiet one hears nothing
        assert rows.get().context["student"] == world.student.display_name
        assert not Narrative.objects.visible_to(world.other_link.guardian).exists()

    def test_taking_it_back_hides_it_again(self, world):
        narrative = self.write(world, world.advisor, Kind.ADVISOR)
        services.narrative_publish(narrative=narrative, by=world.admin)
        services.narrative_unpublish(narrative=narrative, by=world.advisor)
        narrative.refresh_from_db()
        assert narrative.published_at is None
        assert not Narrative.objects.visible_to(world.guardian).exists()

    def test_only_the_advisors_narrative_is_published_and_only_by_the_staff(self, world):
        own = self.write(world, world.student.user)
        with pytest.raises(ValidationError):
            services.narrative_publish(narrative=own, by=world.advisor)
        advisors = self.write(world, world.advisor, Kind.ADVISOR)
        for person in (world.student.user, world.guardian, world.other_advisor, world.admin2):
            with pytest.raises(PermissionDenied):
                services.narrative_publish(narrative=advisors, by=person)
        assert not Notification.objects.filter(rule="narrative_published").exists()


# --- exhibitions -------------------------------------------------------------------------------


class TestScheduling:
    def schedule(self, world, by=None, **fields):
        values = {
            "title": " Why boats float ",
            "starts_at": factories.soon(days=10, hour=14),
            "room": "Commons",
            **fields,
        }
        return services.exhibition_schedule(student=world.student, by=by or world.advisor, **values)

    def refused(self, world, field, **fields) -> list[str]:
        with pytest.raises(ValidationError) as refused:
            self.schedule(world, **fields)
        assert not Exhibition.objects.exists()
        assert not Panelist.objects.exists()
        return messages_of(refused.value, field)

    def test_the_advisor_schedules_it_with_work_and_a_whole_panel(self, world):
        item = plan_item(world)
        peer = factories.MembershipFactory(advisory=world.advisory).student
        exhibition = self.schedule(
            world,
            work=[item],
            guardians=[world.guardian],
            mentor=world.mentor,
            peers=[peer],
            outside=["Ada Park", " ", "Ada Park", "Lu Chen"],
            gateway=Exhibition.Gateway.YEAR_TWO,
        )
        assert (exhibition.title, exhibition.term) == ("Why boats float", world.term)
        assert list(exhibition.work.all()) == [item]
        panel = {(p.person, p.name, p.role) for p in exhibition.panelists.all()}
        assert panel == {
            (world.advisor, "", Role.ADVISOR),
            (world.guardian, "", Role.GUARDIAN),
            (world.mentor, "", Role.MENTOR),
            (peer.user, "", Role.PEER),
            (None, "Ada Park", Role.OUTSIDE),
            (None, "Lu Chen", Role.OUTSIDE),
        }
        assert exhibition.created_by == world.advisor

    def test_an_admin_schedules_it_and_the_advisor_is_still_on_the_panel(self, world):
        exhibition = self.schedule(world, by=world.admin)
        assert [p.person for p in exhibition.panelists.all()] == [world.advisor]

    @pytest.mark.parametrize("role", ["student", "guardian", "mentor", "admin2"])
    def test_nobody_else_schedules_one(self, world, role):
        with pytest.raises(PermissionDenied):
            self.schedule(world, by=world.person(role))

    def test_another_advisor_cannot(self, world):
        with pytest.raises(PermissionDenied):
            self.schedule(world, by=world.other_advisor)

    def test_a_time_in_the_past_is_refused(self, world):
        past = timezone.now() - timedelta(minutes=5)
        assert self.refused(world, "starts_at", starts_at=past) == [
            "Choose a time that is not in the past."
        ]

    def test_a_day_outside_every_term_is_refused(self, world):
        later = factories.soon(days=100)
        [message] = self.refused(world, "starts_at", starts_at=later)
        assert message.startswith("No term of the school covers ")

    def test_the_term_is_the_one_covering_the_day(self, world):
        next_term = factories.TermFactory(
            school_year=world.year,
            name="Next term",
            start_date=world.term.end_date + timedelta(days=1),
            end_date=world.term.end_date + timedelta(days=80),
        )
        exhibition = self.schedule(world, starts_at=factories.soon(days=70))
        assert exhibition.term == next_term

    def test_another_students_work_is_refused(self, world):
        theirs = plan_item(world, student=world.other_student)
        assert self.refused(world, "work", work=[theirs]) == [
            f"Choose work from this student's plan for {world.term}."
        ]

    def test_work_from_another_terms_plan_is_refused(self, world):
        old_term = factories.TermFactory(
            school_year=world.year,
            name="Old term",
            start_date=world.term.start_date - timedelta(days=90),
            end_date=world.term.start_date - timedelta(days=1),
        )
        old = plan_item(world, term=old_term)
        assert self.refused(world, "work", work=[old])

    def test_someone_elses_guardian_is_refused(self, world):
        assert self.refused(world, "guardians", guardians=[world.other_link.guardian]) == [
            "Choose only this student's guardians."
        ]

    def test_a_mentor_must_be_an_active_mentor_of_the_school(self, world):
        assert self.refused(world, "mentor", mentor=world.guardian)
        world.mentor.is_active = False
        world.mentor.save()
        assert self.refused(world, "mentor", mentor=world.mentor)
        foreign = factories.MentorFactory(school=world.school2)
        assert self.refused(world, "mentor", mentor=foreign)

    def test_peers_are_other_students_of_the_school(self, world):
        assert self.refused(world, "peers", peers=[world.student2])
        assert self.refused(world, "peers", peers=[world.student]) == [
            "Choose other students of the same school."
        ]

    def test_an_overlong_outside_name_is_refused(self, world):
        assert self.refused(world, "outside", outside=["x" * 151])

    def test_a_length_out_of_bounds_is_refused(self, world):
        assert self.refused(world, NON_FIELD_ERRORS, duration=2) == [
            "An exhibition lasts between 5 minutes and 8 hours."
        ]

    def test_a_title_is_needed(self, world):
        assert self.refused(world, "title", title="  ")


class TestChanging:
    def scheduled(self, world):
        return services.exhibition_schedule(
            student=world.student,
            by=world.advisor,
            title="Why boats float",
            starts_at=factories.soon(days=10),
            guardians=[world.guardian],
            mentor=world.mentor,
            outside=["Ada Park"],
        )

    def change(self, exhibition, world, **fields):
        values = {"title": exhibition.title, "starts_at": exhibition.starts_at, **fields}
        return services.exhibition_update(exhibition=exhibition, by=world.advisor, **values)

    def test_a_new_time_and_a_smaller_panel(self, world):
        exhibition = self.scheduled(world)
        later = factories.soon(days=12)
        self.change(exhibition, world, starts_at=later, guardians=[world.guardian])
        exhibition.refresh_from_db()
        assert exhibition.starts_at == later
        people = {p.person for p in exhibition.panelists.all()}
        assert people == {world.advisor, world.guardian}

    def test_a_panelist_who_gave_feedback_stays(self, world):
        exhibition = self.scheduled(world)
        mentor = exhibition.panelists.get(person=world.mentor)
        Feedback.objects.create(
            exhibition=exhibition, panelist=mentor, strengths="Clear", recorded_by=world.mentor
        )
        self.change(exhibition, world)
        assert exhibition.panelists.filter(person=world.mentor).exists()
        assert not exhibition.panelists.filter(name="Ada Park").exists()

    def test_moving_it_into_the_past_is_refused_and_nothing_changes(self, world):
        exhibition = self.scheduled(world)
        with pytest.raises(ValidationError):
            self.change(exhibition, world, starts_at=timezone.now() - timedelta(days=1))
        assert exhibition.panelists.count() == 4

    def test_it_can_be_called_off_but_a_held_one_is_not_changed(self, world):
        exhibition = self.scheduled(world)
        self.change(exhibition, world, cancelled=True, guardians=[world.guardian])
        assert exhibition.status == Exhibition.Status.CANCELLED
        with pytest.raises(ValidationError):
            self.change(exhibition, world)

    def test_only_the_staff_change_it(self, world):
        exhibition = self.scheduled(world)
        with pytest.raises(PermissionDenied):
            services.exhibition_update(
                exhibition=exhibition,
                by=world.student.user,
                title="Mine",
                starts_at=exhibition.starts_at,
            )


class TestFeedback:
    def give(self, exhibition, panelist, by, ratings=None, **comments):
        return services.feedback_record(
            exhibition=exhibition,
            panelist=panelist,
            by=by,
            ratings={"empirical": 3, "social": ""} if ratings is None else ratings,
            **comments,
        )

    def test_a_panelist_records_their_own_rubric_and_changes_it(self, world):
        exhibition = started(world)
        mentor = seat(exhibition, world.mentor, Role.MENTOR)
        self.give(exhibition, mentor, world.mentor, strengths=" Clear ")
        feedback = self.give(exhibition, mentor, world.mentor, {"quantitative": "4"})
        assert Feedback.objects.count() == 1
        assert feedback.ratings == {"quantitative": 4}
        assert feedback.recorded_by == world.mentor

    def test_the_advisor_records_an_outside_adults(self, world):
        exhibition = started(world)
        outside = seat(exhibition, name="Ada Park", role=Role.OUTSIDE)
        feedback = self.give(exhibition, outside, world.advisor, suggestions="More data")
        assert (feedback.panelist, feedback.recorded_by) == (outside, world.advisor)

    def test_nobody_records_someone_elses(self, world):
        exhibition = started(world)
        guardian = seat(exhibition, world.guardian, Role.GUARDIAN)
        outside = seat(exhibition, name="Ada Park", role=Role.OUTSIDE)
        seat(exhibition, world.mentor, Role.MENTOR)
        for panelist, person in [
            (guardian, world.mentor),  # another panelist's
            (guardian, world.advisor),  # a panelist with an account records their own
            (outside, world.mentor),  # only the staff record an outside adult's
            (outside, world.guardian),
        ]:
            with pytest.raises(PermissionDenied):
                self.give(exhibition, panelist, person)
        elsewhere = started(world)
        with pytest.raises(PermissionDenied):
            self.give(elsewhere, guardian, world.guardian)
        assert not Feedback.objects.exists()

    def test_not_before_the_start(self, world):
        exhibition = started(world, hours_ago=-2)
        mentor = seat(exhibition, world.mentor, Role.MENTOR)
        with pytest.raises(ValidationError) as refused:
            self.give(exhibition, mentor, world.mentor)
        assert "Feedback opens when the exhibition starts" in refused.value.messages[0]

    def test_not_on_a_cancelled_exhibition(self, world):
        exhibition = started(world, status=Exhibition.Status.CANCELLED)
        mentor = seat(exhibition, world.mentor, Role.MENTOR)
        with pytest.raises(ValidationError):
            self.give(exhibition, mentor, world.mentor)

    @pytest.mark.parametrize("level", [0, 5, "x", -1])
    def test_a_level_outside_one_to_four_is_refused_by_its_goal(self, world, level):
        exhibition = started(world)
        mentor = seat(exhibition, world.mentor, Role.MENTOR)
        with pytest.raises(ValidationError) as refused:
            self.give(exhibition, mentor, world.mentor, {"social": level, "empirical": 2})
        assert messages_of(refused.value, "social") == ["Choose a level from 1 to 4."]
        assert not Feedback.objects.exists()

    def test_an_unknown_goal_is_refused(self, world):
        exhibition = started(world)
        mentor = seat(exhibition, world.mentor, Role.MENTOR)
        with pytest.raises(ValidationError):
            self.give(exhibition, mentor, world.mentor, {"astrology": 3})

    def test_empty_feedback_is_refused(self, world):
        exhibition = started(world)
        mentor = seat(exhibition, world.mentor, Role.MENTOR)
        with pytest.raises(ValidationError):
            self.give(exhibition, mentor, world.mentor, {"social": None}, strengths="  ")


class TestResult:
    def test_a_gateway_is_passed(self, world):
        exhibition = started(world, gateway=Exhibition.Gateway.GRADUATION)
        services.exhibition_result(
            exhibition=exhibition, by=world.advisor, summary=" Strong ", outcome="passed"
        )
        exhibition.refresh_from_db()
        assert (exhibition.status, exhibition.outcome, exhibition.summary) == (
            Exhibition.Status.HELD,
            Exhibition.Outcome.PASSED,
            "Strong",
        )

    def test_only_a_gateway_has_an_outcome(self, world):
        exhibition = started(world)
        with pytest.raises(ValidationError) as refused:
            services.exhibition_result(exhibition=exhibition, by=world.admin, outcome="passed")
        assert messages_of(refused.value, "outcome") == [
            "Only a gateway exhibition has an outcome."
        ]
        exhibition.refresh_from_db()
        assert exhibition.status == Exhibition.Status.SCHEDULED

    def test_not_before_the_start_nor_when_cancelled(self, world):
        for exhibition in (
            started(world, hours_ago=-1),
            started(world, status=Exhibition.Status.CANCELLED),
        ):
            with pytest.raises(ValidationError):
                services.exhibition_result(exhibition=exhibition, by=world.advisor)

    @pytest.mark.parametrize("role", ["student", "guardian", "mentor", "admin2"])
    def test_only_the_staff(self, world, role):
        with pytest.raises(PermissionDenied):
            services.exhibition_result(exhibition=started(world), by=world.person(role))
