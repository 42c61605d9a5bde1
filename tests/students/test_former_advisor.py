"""Rights given by a role end with the role: a student's former advisor, and mentors.

After a student moves advisory, the former advisor no longer opens the student's meetings,
their .ics, exhibitions or the feedback form, and their calendar feed drops them; meetings
and panels still to come pass to the new advisor, and both advisors hear of it by email.
A mentor is chosen for a meeting or a panel only among the student's own internship
mentors, and an invitation or a seat opens nothing of a student they do not mentor.
"""

from datetime import timedelta

import icalendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from students import services
from students.models import Exhibition, MeetingInvite, Panelist, PlanMeeting
from students.services import assessment as assessment_services
from students.services import meetings as meeting_services
from tests import factories
from tests.students.matrix_meetings import mentoring, schedule

Role = Panelist.Role


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run an action and deliver what it wrote to the outbox, as the workers would."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def move(client, world, advisory=None):
    """Move the world's student to another advisory (the move page's service)."""
    services.student_move(
        student=world.student,
        advisory=advisory or world.other_advisory,
        start_date=world.school.today(),
        by=world.admin,
    )


def past_meeting(world) -> PlanMeeting:
    """Last term's meeting, held, the advisor invited, with notes and decisions."""
    today = world.school.today()
    last_term = factories.TermFactory(
        school_year=world.year,
        name="Last term",
        start_date=today - timedelta(days=120),
        end_date=today - timedelta(days=31),
    )
    meeting = factories.MeetingFactory(
        student=world.student,
        term=last_term,
        advisor=world.advisor,
        starts_at=timezone.now() - timedelta(days=60),
        status=PlanMeeting.Status.HELD,
        notes="Secret notes",
        decisions="Secret decisions",
    )
    MeetingInvite.objects.create(meeting=meeting, person=world.advisor, role="advisor")
    return meeting


def exhibition(world, *, started: bool, seated=((None, Role.ADVISOR),)) -> Exhibition:
    start = timezone.now() - timedelta(hours=1) if started else factories.soon(days=14)
    shown = factories.ExhibitionFactory(
        student=world.student, term=world.term, created_by=world.advisor, starts_at=start
    )
    for person, role in seated:
        Panelist.objects.create(exhibition=shown, person=person or world.advisor, role=role)
    return shown


def get(client, person, name, pk):
    client.force_login(person)
    return client.get(reverse(f"students:{name}", kwargs={"pk": pk}))


def feed_uids(client, person) -> set[str]:
    token = meeting_services.calendar_feed_reset(person=person)
    response = client.get(reverse("students:calendar-feed", kwargs={"token": token}))
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["uid"]).split("@")[0] for event in calendar.walk("VEVENT")}


class TestTheFormerAdvisor:
    def test_past_meetings_close_to_them_and_stay_open_to_who_leads_now(self, client, world):
        meeting = past_meeting(world)
        assert get(client, world.advisor, "meeting-detail", meeting.pk).status_code == 200
        move(client, world)
        for name in ("meeting-detail", "meeting-ics"):
            assert get(client, world.advisor, name, meeting.pk).status_code == 404
            assert get(client, world.other_advisor, name, meeting.pk).status_code == 200
            assert get(client, world.admin, name, meeting.pk).status_code == 200
        assert not PlanMeeting.objects.visible_to(world.advisor).filter(pk=meeting.pk).exists()

    def test_past_exhibitions_and_their_feedback_form_close_to_them(self, client, world):
        shown = exhibition(world, started=True)
        seat = shown.panelists.get()
        move(client, world)
        for name in ("exhibition-detail", "exhibition-feedback"):
            assert get(client, world.advisor, name, shown.pk).status_code == 404
        assert get(client, world.other_advisor, "exhibition-detail", shown.pk).status_code == 200
        response = client.post(
            reverse("students:exhibition-feedback", kwargs={"pk": shown.pk}),
            {"strengths": "Still grading"},
        )
        assert response.status_code == 404
        with pytest.raises(PermissionDenied):
            assessment_services.feedback_record(
                exhibition=shown, panelist=seat, by=world.advisor, ratings={}, strengths="Late"
            )
        assert not shown.feedback.exists()

    def test_their_calendar_feed_drops_the_student(self, client, world):
        meeting = past_meeting(world)
        shown = exhibition(world, started=True)
        coming = schedule(world)
        before = {f"meeting-{meeting.pk}", f"meeting-{coming.pk}", f"exhibition-{shown.pk}"}
        assert feed_uids(client, world.advisor) == before
        move(client, world)
        assert feed_uids(client, world.advisor) == set()
        assert feed_uids(client, world.other_advisor) == {f"meeting-{coming.pk}"}

    def test_meetings_to_come_pass_to_the_new_advisor_and_both_hear_of_it(
        self, client, world, sent, mailoutbox
    ):
        coming = schedule(world)
        held = past_meeting(world)
        mailoutbox.clear()
        sent(lambda: move(client, world))
        coming.refresh_from_db()
        held.refresh_from_db()
        assert coming.advisor == world.other_advisor
        advisors = coming.invites.filter(role="advisor")
        assert list(advisors.values_list("person_id", flat=True)) == [world.other_advisor.pk]
        assert held.advisor == world.advisor  # what happened stays on the record
        assert get(client, world.advisor, "meeting-detail", coming.pk).status_code == 404
        assert get(client, world.other_advisor, "meeting-detail", coming.pk).status_code == 200
        to_old = [m for m in mailoutbox if m.to == [world.advisor.email]]
        to_new = [m for m in mailoutbox if m.to == [world.other_advisor.email]]
        assert len(to_old) == 1 and len(to_new) == 1
        name = world.student.display_name
        assert name in to_old[0].subject and name in to_new[0].subject
        assert coming.get_absolute_url() in to_new[0].body
        assert coming.get_absolute_url() not in to_old[0].body  # they cannot open it any more
        family = {world.student.user.email, world.guardian.email}
        assert not [m for m in mailoutbox if set(m.to) & family]

    def test_panels_to_come_pass_to_the_new_advisor(self, client, world):
        coming = exhibition(world, started=False)
        past = exhibition(world, started=True)
        move(client, world)
        seats = Panelist.objects.filter(exhibition=coming, role=Role.ADVISOR)
        assert list(seats.values_list("person_id", flat=True)) == [world.other_advisor.pk]
        past_seats = Panelist.objects.filter(exhibition=past, role=Role.ADVISOR)
        assert list(past_seats.values_list("person_id", flat=True)) == [world.advisor.pk]
        assert get(client, world.advisor, "exhibition-detail", coming.pk).status_code == 404
        assert get(client, world.other_advisor, "exhibition-detail", coming.pk).status_code == 200

    def test_a_move_to_an_advisory_of_the_same_advisor_changes_nothing(self, client, world):
        coming = schedule(world)
        second = factories.AdvisoryFactory(school=world.school, advisor=world.advisor)
        move(client, world, advisory=second)
        coming.refresh_from_db()
        assert coming.advisor == world.advisor
        assert coming.invites.filter(person=world.advisor, role="advisor").exists()
        assert get(client, world.advisor, "meeting-detail", coming.pk).status_code == 200

    def test_the_move_page_hands_over_too(self, client, world):
        coming = schedule(world)
        client.force_login(world.admin)
        response = client.post(
            reverse("students:student-move", kwargs={"pk": world.student.pk}),
            {"advisory": world.other_advisory.pk, "start_date": world.school.today()},
        )
        assert response.status_code == 302
        assert response["Location"] == world.student.get_absolute_url()
        coming.refresh_from_db()
        assert coming.advisor == world.other_advisor

    def test_only_an_admin_of_the_school_hands_over(self, world):
        for person in (world.advisor, world.admin2):
            with pytest.raises(PermissionDenied):
                services.student_move(
                    student=world.student,
                    advisory=world.other_advisory,
                    start_date=world.school.today(),
                    by=person,
                )


class TestMentors:
    @pytest.mark.parametrize("page", ["students:meeting-create", "students:exhibition-create"])
    def test_meeting_and_panel_choices_offer_only_the_students_own_mentors(
        self, client, world, page
    ):
        url = reverse(page, kwargs={"pk": world.student.pk})
        client.force_login(world.advisor)
        offered = client.get(url).context["form"].fields["mentor"].queryset
        assert world.mentor not in offered
        mentoring(world)
        offered = client.get(url).context["form"].fields["mentor"].queryset
        assert list(offered) == [world.mentor]

    def test_the_meeting_service_refuses_a_mentor_of_someone_else(self, world):
        mentoring(world, student=world.other_student)
        with pytest.raises(ValidationError) as error:
            schedule(world, mentor=world.mentor)
        assert "mentor" in error.value.message_dict
        mentoring(world)
        meeting = schedule(world, mentor=world.mentor)
        assert meeting.invites.filter(person=world.mentor, role="mentor").exists()

    def test_the_panel_service_refuses_a_mentor_of_someone_else(self, world):
        data = {"title": "Boats", "starts_at": factories.soon(days=14, hour=10)}
        with pytest.raises(ValidationError) as error:
            assessment_services.exhibition_schedule(
                student=world.student, by=world.advisor, mentor=world.mentor, **data
            )
        assert "mentor" in error.value.message_dict
        mentoring(world)
        shown = assessment_services.exhibition_schedule(
            student=world.student, by=world.advisor, mentor=world.mentor, **data
        )
        assert shown.panelists.filter(person=world.mentor, role=Role.MENTOR).exists()

    def test_an_invitation_or_a_seat_opens_nothing_of_a_student_they_do_not_mentor(
        self, client, world
    ):
        meeting = past_meeting(world)
        MeetingInvite.objects.create(meeting=meeting, person=world.mentor, role="mentor")
        shown = exhibition(world, started=True, seated=[(world.mentor, Role.MENTOR)])
        for name, pk in (
            ("meeting-detail", meeting.pk),
            ("meeting-ics", meeting.pk),
            ("exhibition-detail", shown.pk),
            ("exhibition-feedback", shown.pk),
        ):
            assert get(client, world.mentor, name, pk).status_code == 404, name
        assert feed_uids(client, world.mentor) == set()
        placement = mentoring(world)
        for name, pk in (("meeting-detail", meeting.pk), ("exhibition-feedback", shown.pk)):
            assert get(client, world.mentor, name, pk).status_code == 200, name
        assert feed_uids(client, world.mentor) == {
            f"meeting-{meeting.pk}",
            f"exhibition-{shown.pk}",
        }
        # An internship only proposed (the family has not consented) opens nothing yet.
        placement.status = placement.Status.PROPOSED
        placement.save()
        assert get(client, world.mentor, "meeting-detail", meeting.pk).status_code == 404

    def test_an_invitation_beyond_the_role_is_not_listed_nor_answered(self, client, world):
        meeting = schedule(world)
        MeetingInvite.objects.create(meeting=meeting, person=world.mentor, role="mentor")
        client.force_login(world.mentor)
        page = client.get(reverse("students:calendar")).content.decode()
        assert meeting.get_absolute_url() not in page
        with pytest.raises(PermissionDenied):
            meeting_services.meeting_respond(meeting=meeting, by=world.mentor, response="accepted")
        mentoring(world)
        page = client.get(reverse("students:calendar")).content.decode()
        assert meeting.get_absolute_url() in page
        invite = meeting_services.meeting_respond(
            meeting=meeting, by=world.mentor, response="accepted"
        )
        assert invite.response == "accepted"
