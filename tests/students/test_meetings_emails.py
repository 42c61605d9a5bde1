"""Meeting emails: invitations with an .ics file, updates, cancellations, the reminder."""

from datetime import UTC, timedelta

import icalendar
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from bigpicture import notifications
from bigpicture.models import Notification
from students.models import MeetingInvite, PlanMeeting
from students.reminders.meetings import MEETING_COMING, coming_meetings
from students.services import meetings as services
from tests import factories
from tests.students.matrix_meetings import details_of, mentoring, schedule


@pytest.fixture(autouse=True)
def _the_students_mentor(world):
    """The world's mentor mentors the student's internship: only a student's own mentor is
    invited to their meetings or seated on their panels."""
    mentoring(world)


Status = Notification.Status


def _ics(message) -> icalendar.Calendar:
    files = [a for a in message.attachments if a[0].endswith(".ics")]
    assert len(files) == 1, "one calendar file per email"
    _name, content, mimetype = files[0]
    assert mimetype.startswith("text/calendar")
    return icalendar.Calendar.from_ical(content)


def _event(message):
    calendar = _ics(message)
    return calendar, calendar.walk("VEVENT")[0]


def _to(mailoutbox, person):
    return [m for m in mailoutbox if m.to == [person.email]]


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run an action and deliver what it wrote to the outbox, as the workers would."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


class TestInvitations:
    def test_every_invitee_but_the_advisor_gets_one_in_their_language(
        self, world, sent, mailoutbox
    ):
        world.guardian.language = "es"
        world.guardian.save()
        meeting = sent(lambda: schedule(world, mentor=world.mentor))
        assert sorted(m.to[0] for m in mailoutbox) == sorted(
            [world.student.user.email, world.guardian.email, world.mentor.email]
        )
        to_guardian = _to(mailoutbox, world.guardian)[0]
        assert '<html lang="es">' in to_guardian.alternatives[0][0]
        assert world.student.display_name in to_guardian.subject
        assert meeting.get_absolute_url() in to_guardian.body

    def test_the_ics_file_holds_the_meeting(self, world, sent, mailoutbox):
        meeting = sent(lambda: schedule(world, video_url="https://meet.example.org/x"))
        calendar, event = _event(_to(mailoutbox, world.guardian)[0])
        assert str(calendar["method"]) == "REQUEST"
        assert str(event["uid"]) == f"meeting-{meeting.pk}@{settings.EMAIL_MESSAGE_DOMAIN}"
        assert event["sequence"] == 0
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert start.utcoffset() == timedelta(0)
        utc = meeting.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        assert f"DTSTART:{utc}" in calendar.to_ical().decode()  # written in UTC
        assert (start, end) == (meeting.starts_at, meeting.starts_at + timedelta(minutes=45))
        assert str(event["location"]) == "Room 12"
        assert str(event["url"]) == settings.SITE_URL + meeting.get_absolute_url()
        assert "https://meet.example.org/x" in str(event["description"])
        assert str(event["attendee"]) == f"mailto:{world.guardian.email}"
        assert str(event["organizer"]) == f"mailto:{world.advisor.email}"

    def test_a_new_time_sends_an_update_of_the_same_event(self, world, sent, mailoutbox):
        meeting = sent(lambda: schedule(world))
        first = _event(_to(mailoutbox, world.guardian)[0])[1]
        new_time = meeting.starts_at + timedelta(days=2)
        sent(
            lambda: services.meeting_update(
                meeting=meeting, by=world.advisor, **details_of(meeting, starts_at=new_time)
            )
        )
        update = _to(mailoutbox, world.guardian)[1]
        assert update.subject.startswith("Changed:")
        second = _event(update)[1]
        assert str(second["uid"]) == str(first["uid"])
        assert second["sequence"] == 1
        assert second.decoded("dtstart") == new_time

    def test_a_cancellation_takes_the_event_off_calendars(self, world, sent, mailoutbox):
        meeting = sent(lambda: schedule(world))
        sent(lambda: services.meeting_cancel(meeting=meeting, by=world.advisor))
        cancellation = _to(mailoutbox, world.guardian)[-1]
        assert cancellation.subject.startswith("Cancelled:")
        calendar, event = _event(cancellation)
        assert str(calendar["method"]) == "CANCEL"
        assert str(event["status"]) == "CANCELLED"
        assert event["sequence"] == 1
        assert str(event["uid"]) == f"meeting-{meeting.pk}@{settings.EMAIL_MESSAGE_DOMAIN}"

    def test_a_guardian_taken_off_the_team_is_told_it_is_off_for_them(
        self, world, sent, mailoutbox
    ):
        meeting = sent(lambda: schedule(world))
        sent(
            lambda: services.meeting_update(
                meeting=meeting, by=world.advisor, **details_of(meeting, guardians=[])
            )
        )
        last = _to(mailoutbox, world.guardian)[-1]
        assert "no longer invited" in last.body
        assert str(_ics(last)["method"]) == "CANCEL"

    def test_an_invitation_waiting_to_go_is_dropped_when_the_meeting_is_off(self, world):
        meeting = schedule(world)
        services.meeting_cancel(meeting=meeting, by=world.advisor)
        row = Notification.objects.get(rule="meeting_invitation", recipient=world.guardian)
        notifications.deliver([row.pk])
        row.refresh_from_db()
        assert row.status == Status.SKIPPED

    def test_nothing_goes_out_when_the_schedule_is_refused(self, world, sent, mailoutbox):
        with pytest.raises(ValidationError):
            sent(lambda: schedule(world, place=""))
        assert mailoutbox == []


class TestTheReminder:
    def _in(self, world, days: int, **kwargs):
        return schedule(world, starts_at=factories.soon(days, 15), **kwargs)

    def _today(self, world):
        return world.school.today()

    def test_everyone_who_has_not_declined_is_reminded_once(self, world):
        meeting = self._in(world, 2, mentor=world.mentor)
        services.meeting_respond(meeting=meeting, by=world.mentor, response="declined")
        drafts = coming_meetings(world.school, self._today(world), 3)
        assert sorted(d.recipient_id for d in drafts) == sorted(
            [world.student.user_id, world.guardian.pk, world.advisor.pk]
        )
        assert notifications.record(MEETING_COMING, drafts) == 3
        assert (
            notifications.record(
                MEETING_COMING, coming_meetings(world.school, self._today(world), 3)
            )
            == 0
        )

    def test_a_meeting_further_off_waits(self, world):
        self._in(world, 6)
        assert coming_meetings(world.school, self._today(world), 2) == []

    def test_a_cancelled_meeting_is_not_reminded(self, world):
        meeting = self._in(world, 1)
        services.meeting_cancel(meeting=meeting, by=world.advisor)
        assert coming_meetings(world.school, self._today(world), 2) == []

    def test_a_moved_meeting_is_reminded_again_and_the_old_reminder_dropped(self, world):
        meeting = self._in(world, 2)
        notifications.record(MEETING_COMING, coming_meetings(world.school, self._today(world), 3))
        old = Notification.objects.get(rule="meeting_coming", recipient=world.guardian)
        services.meeting_update(
            meeting=meeting,
            by=world.advisor,
            **details_of(meeting, starts_at=meeting.starts_at + timedelta(hours=3)),
        )
        assert (
            notifications.record(
                MEETING_COMING, coming_meetings(world.school, self._today(world), 3)
            )
            == 3
        )
        notifications.deliver([old.pk])
        old.refresh_from_db()
        assert old.status == Status.SKIPPED

    def test_the_periodic_scan_sends_it_with_the_meeting(self, world, mailoutbox):
        meeting = self._in(world, 1)
        Notification.objects.all().delete()
        notifications.scan(schools=[world.school])
        reminders = Notification.objects.filter(rule="meeting_coming")
        assert reminders.count() == 3
        notifications.deliver(reminders.values_list("pk", flat=True))
        to_guardian = _to(mailoutbox, world.guardian)[0]
        assert to_guardian.subject.startswith("Coming up:")
        assert meeting.get_absolute_url() in to_guardian.body
        assert "Not answered yet" in to_guardian.body

    def test_the_number_of_days_is_the_schools_choice(self, world):
        from bigpicture.models import ReminderSetting

        self._in(world, 5)
        ReminderSetting.objects.create(school=world.school, rule="meeting_coming", days=6)
        notifications.scan(schools=[world.school])
        assert Notification.objects.filter(rule="meeting_coming").count() == 3


def test_a_meeting_that_is_gone_sends_nothing(world):
    meeting = schedule(world)
    row = Notification.objects.get(rule="meeting_invitation", recipient=world.guardian)
    PlanMeeting.objects.filter(pk=meeting.pk).delete()
    notifications.deliver([row.pk])
    row.refresh_from_db()
    assert row.status == Status.SKIPPED
    assert MeetingInvite.objects.count() == 0
