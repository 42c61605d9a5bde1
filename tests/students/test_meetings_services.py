"""Meeting services: scheduling with its checks, changes, cancellation, answers and notes."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bigpicture.models import Notification
from students.models import MeetingInvite, PlanMeeting
from students.services import meetings as services
from tests import factories
from tests.students.matrix_meetings import details_of, mentoring, schedule


@pytest.fixture(autouse=True)
def _the_students_mentor(world):
    """The world's mentor mentors the student's internship: only a student's own mentor is
    invited to their meetings or seated on their panels."""
    mentoring(world)


Response = MeetingInvite.Response


def _errors(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def _nothing_written():
    assert PlanMeeting.objects.count() == 0
    assert MeetingInvite.objects.count() == 0
    assert Notification.objects.filter(kind="learning").count() == 0


def _invitations(meeting) -> list[tuple[int, str]]:
    rows = Notification.objects.filter(rule="meeting_invitation", key__contains=f":{meeting.pk}:")
    return sorted(rows.values_list("recipient_id", "key"))


class TestScheduling:
    def test_the_advisor_schedules_and_the_team_is_invited(self, world):
        meeting = schedule(world, mentor=world.mentor)
        assert (meeting.term, meeting.advisor, meeting.sequence) == (world.term, world.advisor, 0)
        invites = {i.person_id: (i.role, i.response) for i in meeting.invites.all()}
        assert invites == {
            world.student.user_id: ("student", Response.PENDING),
            world.guardian.pk: ("guardian", Response.PENDING),
            world.mentor.pk: ("mentor", Response.PENDING),
            world.advisor.pk: ("advisor", Response.ACCEPTED),
        }

    def test_invitations_are_written_with_the_meeting_for_all_but_the_advisor(self, world):
        meeting = schedule(world, mentor=world.mentor)
        recipients = [recipient for recipient, _key in _invitations(meeting)]
        assert sorted(recipients) == sorted(
            [world.student.user_id, world.guardian.pk, world.mentor.pk]
        )
        assert set(Notification.objects.values_list("kind", flat=True)) == {"learning"}

    def test_an_admin_schedules_for_the_students_advisor(self, world):
        meeting = schedule(world, by=world.admin)
        assert meeting.advisor == world.advisor
        assert meeting.invites.get(person=world.advisor).response == Response.ACCEPTED

    @pytest.mark.parametrize("who", ["other_advisor", "guardian", "admin2"])
    def test_people_who_do_not_lead_the_student_may_not(self, world, who):
        by = world.student.user if who == "student" else getattr(world, who)
        with pytest.raises(PermissionDenied):
            schedule(world, by=by)
        _nothing_written()

    def test_a_time_in_the_past_is_refused(self, world):
        errors = _errors(lambda: schedule(world, starts_at=timezone.now() - timedelta(hours=1)))
        assert errors == {"starts_at": ["This time has passed: choose one to come."]}
        _nothing_written()

    def test_a_date_no_term_covers_is_refused(self, world):
        errors = _errors(lambda: schedule(world, starts_at=factories.soon(120, 15)))
        assert errors == {"starts_at": ["No term of the school covers this date."]}
        _nothing_written()

    def test_a_place_or_a_video_link_is_needed(self, world):
        assert _errors(lambda: schedule(world, place=""))["place"] == [
            "Give a place, a video link or both."
        ]
        _nothing_written()
        meeting = schedule(world, place="", video_url="https://meet.example.org/ana")
        assert meeting.video_url == "https://meet.example.org/ana"

    def test_a_second_meeting_in_the_same_term_is_refused(self, world):
        schedule(world)
        errors = _errors(lambda: schedule(world, starts_at=factories.soon(9, 15)))
        assert errors["starts_at"] == [
            f"{world.student.display_name} already has a meeting in {world.term.name}."
        ]
        assert PlanMeeting.objects.count() == 1

    def test_a_cancelled_meeting_leaves_the_term_free(self, world):
        services.meeting_cancel(meeting=schedule(world), by=world.advisor)
        assert schedule(world, starts_at=factories.soon(9, 15)).status == "scheduled"

    def test_the_advisor_cannot_be_in_two_meetings_at_once(self, world):
        classmate = factories.student_with_family(world.advisory, guardians=1)
        starts_at = factories.soon(7, 15)
        schedule(world, student=classmate, starts_at=starts_at, guardians=[])
        errors = _errors(lambda: schedule(world, starts_at=starts_at + timedelta(minutes=30)))
        assert "already has a meeting from" in errors["starts_at"][0]
        assert PlanMeeting.objects.count() == 1

    def test_back_to_back_meetings_fit(self, world):
        classmate = factories.student_with_family(world.advisory, guardians=1)
        starts_at = factories.soon(7, 15)
        schedule(world, student=classmate, starts_at=starts_at, guardians=[])
        after = schedule(world, starts_at=starts_at + timedelta(minutes=45))
        before = factories.student_with_family(world.advisory, guardians=0)
        schedule(world, student=before, starts_at=starts_at - timedelta(minutes=45), guardians=[])
        assert after.pk and PlanMeeting.objects.count() == 3

    def test_a_cancelled_meeting_frees_the_advisors_time(self, world):
        classmate = factories.student_with_family(world.advisory, guardians=1)
        starts_at = factories.soon(7, 15)
        other = schedule(world, student=classmate, starts_at=starts_at, guardians=[])
        services.meeting_cancel(meeting=other, by=world.advisor)
        assert schedule(world, starts_at=starts_at).pk

    def test_a_guardian_of_another_student_is_refused(self, world):
        errors = _errors(lambda: schedule(world, guardians=[world.other_link.guardian]))
        assert errors == {"guardians": ["Choose only guardians of this student."]}
        _nothing_written()

    @pytest.mark.parametrize("who", ["guardian", "other_advisor", "another_students_mentor"])
    def test_a_mentor_must_be_a_mentor_of_the_students_internship(self, world, who):
        someone = (
            getattr(world, who, None)
            or factories.PlacementFactory(student=world.other_student).mentor.user
        )
        errors = _errors(lambda: schedule(world, mentor=someone))
        assert errors == {"mentor": ["Choose a mentor of this student's internship."]}
        _nothing_written()

    def test_every_mistake_is_told_at_once(self, world):
        errors = _errors(
            lambda: schedule(world, place="", guardians=[world.link2.guardian], mentor=world.admin)
        )
        assert set(errors) == {"place", "guardians", "mentor"}


class TestChanging:
    def test_a_new_time_resets_the_answers_and_invites_again(self, world):
        meeting = schedule(world, mentor=world.mentor)
        services.meeting_respond(meeting=meeting, by=world.guardian, response=Response.ACCEPTED)
        before = _invitations(meeting)
        new_time = meeting.starts_at + timedelta(days=1)
        services.meeting_update(
            meeting=meeting, by=world.advisor, **details_of(meeting, starts_at=new_time)
        )
        meeting.refresh_from_db()
        assert (meeting.starts_at, meeting.sequence) == (new_time, 1)
        answers = dict(meeting.invites.values_list("person_id", "response"))
        assert answers[world.guardian.pk] == Response.PENDING
        assert answers[world.advisor.pk] == Response.ACCEPTED
        after = _invitations(meeting)
        assert len(after) == 2 * len(before)
        assert {key for _r, key in after} > {key for _r, key in before}

    def test_a_new_agenda_keeps_the_answers_and_tells_the_team(self, world):
        meeting = schedule(world)
        services.meeting_respond(meeting=meeting, by=world.guardian, response=Response.DECLINED)
        services.meeting_update(
            meeting=meeting, by=world.advisor, **details_of(meeting, agenda="New")
        )
        assert meeting.invites.get(person=world.guardian).response == Response.DECLINED
        assert len(_invitations(meeting)) == 4

    def test_saving_without_a_change_sends_nothing(self, world):
        meeting = schedule(world)
        services.meeting_update(meeting=meeting, by=world.advisor, **details_of(meeting))
        meeting.refresh_from_db()
        assert meeting.sequence == 0
        assert len(_invitations(meeting)) == 2

    def test_a_new_invitee_alone_gets_an_invitation(self, world):
        meeting = schedule(world)
        services.meeting_update(
            meeting=meeting, by=world.advisor, **details_of(meeting, mentor=world.mentor)
        )
        assert [r for r, _k in _invitations(meeting)].count(world.mentor.pk) == 1
        assert len(_invitations(meeting)) == 3

    def test_a_guardian_taken_off_the_team_hears_it_is_off_for_them(self, world):
        meeting = schedule(world)
        services.meeting_update(
            meeting=meeting, by=world.advisor, **details_of(meeting, guardians=[])
        )
        assert not meeting.invites.filter(person=world.guardian).exists()
        cancelled = Notification.objects.filter(rule="meeting_cancelled")
        assert list(cancelled.values_list("recipient_id", flat=True)) == [world.guardian.pk]

    def test_a_change_is_checked_like_a_new_meeting_and_leaves_nothing_half_done(self, world):
        classmate = factories.student_with_family(world.advisory, guardians=1)
        meeting = schedule(world)
        other = schedule(
            world, student=classmate, starts_at=meeting.starts_at + timedelta(hours=2), guardians=[]
        )
        errors = _errors(
            lambda: services.meeting_update(
                meeting=meeting,
                by=world.advisor,
                **details_of(meeting, starts_at=other.starts_at, guardians=[]),
            )
        )
        assert "starts_at" in errors
        meeting.refresh_from_db()
        assert (meeting.starts_at, meeting.sequence) == (other.starts_at - timedelta(hours=2), 0)
        assert meeting.invites.filter(person=world.guardian).exists()

    def test_a_meeting_that_passed_keeps_its_time_when_its_agenda_changes(self, world):
        meeting = schedule(world)
        PlanMeeting.objects.filter(pk=meeting.pk).update(
            starts_at=timezone.now() - timedelta(hours=1)
        )
        meeting.refresh_from_db()
        services.meeting_update(
            meeting=meeting, by=world.advisor, **details_of(meeting, agenda="Later")
        )
        assert PlanMeeting.objects.get(pk=meeting.pk).agenda == "Later"

    def test_only_the_students_staff_change_it(self, world):
        meeting = schedule(world)
        for person in (world.other_advisor, world.guardian, world.student.user, world.admin2):
            with pytest.raises(PermissionDenied):
                services.meeting_update(
                    meeting=meeting, by=person, **details_of(meeting, agenda="x")
                )


class TestCancelling:
    def test_a_cancellation_reaches_everyone_but_the_advisor(self, world):
        meeting = schedule(world, mentor=world.mentor)
        services.meeting_cancel(meeting=meeting, by=world.admin)
        meeting.refresh_from_db()
        assert (meeting.status, meeting.sequence) == ("cancelled", 1)
        told = Notification.objects.filter(rule="meeting_cancelled").values_list(
            "recipient_id", flat=True
        )
        assert sorted(told) == sorted([world.student.user_id, world.guardian.pk, world.mentor.pk])

    def test_a_cancelled_meeting_cannot_change_again(self, world):
        meeting = schedule(world)
        services.meeting_cancel(meeting=meeting, by=world.advisor)
        with pytest.raises(ValidationError):
            services.meeting_cancel(meeting=meeting, by=world.advisor)
        with pytest.raises(ValidationError):
            services.meeting_update(
                meeting=meeting, by=world.advisor, **details_of(meeting, agenda="x")
            )

    def test_only_the_students_staff_cancel(self, world):
        meeting = schedule(world)
        with pytest.raises(PermissionDenied):
            services.meeting_cancel(meeting=meeting, by=world.guardian)


class TestAnswering:
    @pytest.mark.parametrize("answer", [Response.ACCEPTED, Response.DECLINED])
    def test_an_invitee_accepts_or_declines(self, world, answer):
        meeting = schedule(world)
        invite = services.meeting_respond(meeting=meeting, by=world.student.user, response=answer)
        assert invite.response == answer
        assert invite.responded_at is not None

    def test_someone_not_invited_cannot_answer(self, world):
        meeting = schedule(world)
        with pytest.raises(PermissionDenied):
            services.meeting_respond(meeting=meeting, by=world.admin, response=Response.ACCEPTED)

    def test_an_answer_must_be_yes_or_no(self, world):
        meeting = schedule(world)
        errors = _errors(
            lambda: services.meeting_respond(meeting=meeting, by=world.guardian, response="maybe")
        )
        assert "response" in errors

    def test_a_cancelled_meeting_takes_no_answers(self, world):
        meeting = schedule(world)
        services.meeting_cancel(meeting=meeting, by=world.advisor)
        with pytest.raises(ValidationError):
            services.meeting_respond(meeting=meeting, by=world.guardian, response=Response.ACCEPTED)


class TestRecording:
    def _begun(self, world):
        meeting = schedule(world)
        PlanMeeting.objects.filter(pk=meeting.pk).update(
            starts_at=timezone.now() - timedelta(minutes=50)
        )
        meeting.refresh_from_db()
        return meeting

    def test_notes_after_the_meeting_mark_it_held(self, world):
        meeting = self._begun(world)
        services.meeting_record(meeting=meeting, by=world.advisor, notes=" Talked ", decisions="Go")
        meeting.refresh_from_db()
        assert (meeting.status, meeting.notes, meeting.decisions) == ("held", "Talked", "Go")

    def test_notes_wait_for_the_meeting(self, world):
        meeting = schedule(world)
        errors = _errors(
            lambda: services.meeting_record(
                meeting=meeting, by=world.advisor, notes="x", decisions=""
            )
        )
        assert errors == {"notes": ["Record the notes once the meeting has begun."]}

    def test_an_empty_record_is_refused(self, world):
        meeting = self._begun(world)
        errors = _errors(
            lambda: services.meeting_record(
                meeting=meeting, by=world.advisor, notes=" ", decisions=""
            )
        )
        assert "notes" in errors
        assert PlanMeeting.objects.get(pk=meeting.pk).status == "scheduled"

    def test_only_the_students_staff_record(self, world):
        meeting = self._begun(world)
        with pytest.raises(PermissionDenied):
            services.meeting_record(meeting=meeting, by=world.guardian, notes="x", decisions="")
