"""Meeting pages through the client: scheduling, the meeting page and its actions, the list,
what the pages cost, and that no page carries inline code."""

from datetime import timedelta

import icalendar
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from students.models import MeetingInvite, PlanMeeting
from tests import factories
from tests.students.matrix_meetings import mentoring, schedule
from tests.students.test_views import assert_error_by_field, field_html
from tests.test_security import INLINE_CODE

Response = MeetingInvite.Response


def local(world, moment) -> str:
    """A time as the datetime-local field takes it: in the school's time zone."""
    return timezone.localtime(moment, world.school.zone).strftime("%Y-%m-%dT%H:%M")


def form_data(world, **changes) -> dict:
    return {
        "starts_at": local(world, factories.soon(7, 15)),
        "duration": "45",
        "place": "Room 12",
        "video_url": "",
        "agenda": "Goals for the term",
        "guardians": [world.guardian.pk],
        "mentor": "",
        **changes,
    }


def _create_url(world):
    return reverse("students:meeting-create", kwargs={"pk": world.student.pk})


class TestScheduling:
    def test_the_form_invites_the_guardians_who_get_reminders_by_default(self, client_as, world):
        mentoring(world)
        quiet = factories.GuardianLinkFactory(student=world.student, receives_reminders=False)
        page = client_as("advisor").get(_create_url(world))
        guardians = field_html(page, "guardians")
        assert f'value="{world.guardian.pk}"' in guardians
        checked = [part for part in guardians.split("<input") if "checked" in part]
        assert len(checked) == 1 and f'value="{world.guardian.pk}"' in checked[0]
        assert f'value="{quiet.guardian.pk}"' in guardians
        assert f'value="{world.mentor.pk}"' in field_html(page, "mentor")
        assert 'type="datetime-local"' in field_html(page, "starts_at")

    def test_the_advisor_schedules_and_lands_on_the_meeting(self, client_as, world):
        mentoring(world)
        data = form_data(world, mentor=str(world.mentor.pk))
        response = client_as("advisor").post(_create_url(world), data)
        meeting = PlanMeeting.objects.get()
        assert response.status_code == 302
        assert response.url == meeting.get_absolute_url()
        assert local(world, meeting.starts_at) == data["starts_at"]
        assert meeting.invites.count() == 4

    def test_a_time_in_the_past_is_shown_by_the_field_and_the_input_kept(self, client_as, world):
        past = local(world, timezone.now() - timedelta(days=1))
        response = client_as("advisor").post(
            _create_url(world), form_data(world, starts_at=past, agenda="Keep me")
        )
        assert_error_by_field(response, "starts_at", "This time has passed: choose one to come.")
        assert "Keep me" in field_html(response, "agenda")
        assert not PlanMeeting.objects.exists()

    def test_a_double_booking_is_shown_by_the_time(self, client_as, world):
        classmate = factories.student_with_family(world.advisory, guardians=0)
        taken = schedule(world, student=classmate, guardians=[])
        data = form_data(world, starts_at=local(world, taken.starts_at + timedelta(minutes=15)))
        response = client_as("advisor").post(_create_url(world), data)
        assert "already has a meeting from" in field_html(response, "starts_at")
        assert PlanMeeting.objects.count() == 1

    def test_no_place_is_shown_by_the_place(self, client_as, world):
        response = client_as("advisor").post(_create_url(world), form_data(world, place=""))
        assert_error_by_field(response, "place", "Give a place, a video link or both.")

    def test_a_guardian_of_another_student_is_not_a_choice(self, client_as, world):
        data = form_data(world, guardians=[world.other_link.guardian.pk])
        response = client_as("advisor").post(_create_url(world), data)
        assert "is-invalid" in field_html(response, "guardians")
        assert not PlanMeeting.objects.exists()


class TestTheMeetingPage:
    def test_an_invitee_sees_the_meeting_and_answers(self, client_as, world):
        meeting = schedule(world)
        client = client_as("guardian")
        page = client.get(meeting.get_absolute_url()).content.decode()
        assert "Room 12" in page and "The term&#x27;s goals" in page
        assert reverse("students:meeting-respond", args=[meeting.pk]) in page
        assert reverse("students:meeting-update", args=[meeting.pk]) not in page
        response = client.post(
            reverse("students:meeting-respond", args=[meeting.pk]), {"response": "accepted"}
        )
        assert response.status_code == 302
        assert meeting.invites.get(person=world.guardian).response == Response.ACCEPTED
        assert "Coming" in client.get(meeting.get_absolute_url()).content.decode()

    def test_a_bad_answer_is_told_and_nothing_changes(self, client_as, world):
        meeting = schedule(world)
        client = client_as("guardian")
        url = reverse("students:meeting-respond", args=[meeting.pk])
        page = client.post(url, {"response": "maybe"}, follow=True).content.decode()
        assert "Say whether you are coming or not." in page
        assert meeting.invites.get(person=world.guardian).response == Response.PENDING

    def test_the_advisor_sees_the_staff_actions(self, client_as, world):
        meeting = schedule(world)
        page = client_as("advisor").get(meeting.get_absolute_url()).content.decode()
        assert reverse("students:meeting-update", args=[meeting.pk]) in page
        assert reverse("students:meeting-cancel", args=[meeting.pk]) in page

    def test_guardians_of_other_students_and_other_schools_get_a_404(self, client, world):
        meeting = schedule(world)
        for person in (world.other_link.guardian, world.link2.guardian, world.advisor2):
            client.force_login(person)
            assert client.get(meeting.get_absolute_url()).status_code == 404
            respond = reverse("students:meeting-respond", args=[meeting.pk])
            assert client.post(respond, {"response": "accepted"}).status_code == 404

    def test_a_mentor_sees_only_meetings_they_are_invited_to(self, client_as, world):
        meeting = schedule(world)
        client = client_as("mentor")
        assert client.get(meeting.get_absolute_url()).status_code == 404
        mentee = factories.student_with_family(world.advisory)
        mentoring(world, mentee)
        invited = schedule(
            world,
            student=mentee,
            mentor=world.mentor,
            starts_at=meeting.starts_at + timedelta(hours=2),
            guardians=[],
        )
        assert client.get(invited.get_absolute_url()).status_code == 200

    def test_the_advisor_changes_the_time_and_the_answers_start_again(self, client_as, world):
        meeting = schedule(world)
        MeetingInvite.objects.filter(meeting=meeting).update(response=Response.ACCEPTED)
        new_time = local(world, meeting.starts_at + timedelta(days=1))
        client = client_as("advisor")
        url = reverse("students:meeting-update", args=[meeting.pk])
        assert local(world, meeting.starts_at) in client.get(url).content.decode()
        response = client.post(url, form_data(world, starts_at=new_time))
        assert response.status_code == 302
        meeting.refresh_from_db()
        assert local(world, meeting.starts_at) == new_time
        assert meeting.invites.get(person=world.guardian).response == Response.PENDING

    def test_the_advisor_cancels(self, client_as, world):
        meeting = schedule(world)
        client = client_as("advisor")
        response = client.post(reverse("students:meeting-cancel", args=[meeting.pk]))
        assert response.status_code == 302
        assert PlanMeeting.objects.get(pk=meeting.pk).status == "cancelled"
        again = client.post(reverse("students:meeting-cancel", args=[meeting.pk]), follow=True)
        assert "Only a meeting still to come can change." in again.content.decode()

    def test_a_student_cannot_cancel(self, client_as, world):
        meeting = schedule(world)
        url = reverse("students:meeting-cancel", args=[meeting.pk])
        assert client_as("student").post(url).status_code == 403

    def test_the_advisor_records_notes_after_the_meeting(self, client_as, world):
        meeting = schedule(world)
        url = reverse("students:meeting-record", args=[meeting.pk])
        client = client_as("advisor")
        early = client.post(url, {"notes": "Too soon", "decisions": ""})
        assert_error_by_field(early, "notes", "Record the notes once the meeting has begun.")
        PlanMeeting.objects.filter(pk=meeting.pk).update(
            starts_at=timezone.now() - timedelta(hours=1)
        )
        response = client.post(url, {"notes": "We talked", "decisions": "Two goals"})
        assert response.status_code == 302
        meeting.refresh_from_db()
        assert (meeting.status, meeting.decisions) == ("held", "Two goals")
        page = client_as("guardian").get(meeting.get_absolute_url()).content.decode()
        assert "Two goals" in page

    def test_anyone_who_sees_the_meeting_downloads_it(self, client_as, world):
        meeting = schedule(world)
        response = client_as("student").get(reverse("students:meeting-ics", args=[meeting.pk]))
        assert response["Content-Type"].startswith("text/calendar")
        assert "attachment" in response["Content-Disposition"]
        event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
        assert event.decoded("dtstart") == meeting.starts_at


class TestTheList:
    def test_the_family_sees_the_students_meetings(self, client_as, world):
        meeting = schedule(world)
        url = reverse("students:meeting-list", args=[world.student.pk])
        page = client_as("guardian").get(url).content.decode()
        assert meeting.get_absolute_url() in page
        assert _create_url(world) not in page
        assert _create_url(world) in client_as("advisor").get(url).content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


class TestQueryCounts:
    def _meeting_with(self, world, guardians: int):
        for _n in range(guardians - 1):
            factories.GuardianLinkFactory(student=world.student)
        people = [link.guardian for link in world.student.guardian_links.all()]
        if not world.student.placements.exists():
            mentoring(world)
        return schedule(world, guardians=people, mentor=world.mentor)

    def test_the_meeting_page_costs_the_same_with_one_or_five_guardians(self, client_as, world):
        client = client_as("advisor")
        small = self._meeting_with(world, 1)
        one = _queries(client, small.get_absolute_url())
        PlanMeeting.objects.all().delete()
        big = self._meeting_with(world, 5)
        assert big.invites.count() == 8
        assert _queries(client, big.get_absolute_url()) == one

    def test_the_list_costs_the_same_with_one_or_five_guardians(self, client_as, world):
        client = client_as("guardian")
        url = reverse("students:meeting-list", args=[world.student.pk])
        self._meeting_with(world, 1)
        one = _queries(client, url)
        PlanMeeting.objects.all().delete()
        self._meeting_with(world, 5)
        assert _queries(client, url) == one


def test_the_forms_refuse_a_post_without_the_csrf_token(world):
    meeting = schedule(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.advisor)
    for url in (
        _create_url(world),
        reverse("students:meeting-update", args=[meeting.pk]),
        reverse("students:meeting-cancel", args=[meeting.pk]),
        reverse("students:meeting-respond", args=[meeting.pk]),
        reverse("students:calendar-reset"),
    ):
        assert client.post(url, {"response": "accepted"}).status_code == 403, url


def test_no_meeting_page_carries_inline_script_or_style(client, world):
    mentoring(world)
    meeting = schedule(world, mentor=world.mentor)
    pages = {
        world.advisor: [
            reverse("students:meeting-list", args=[world.student.pk]),
            _create_url(world),
            meeting.get_absolute_url(),
            reverse("students:meeting-update", args=[meeting.pk]),
            reverse("students:meeting-record", args=[meeting.pk]),
            reverse("students:calendar"),
        ],
        world.guardian: [meeting.get_absolute_url(), reverse("students:calendar")],
        world.mentor: [meeting.get_absolute_url(), reverse("students:calendar")],
    }
    for person, urls in pages.items():
        client.force_login(person)
        for url in urls:
            html = client.get(url).content.decode()
            assert INLINE_CODE.search(html) is None, f"{url}: {INLINE_CODE.search(html)}"


def test_typed_markup_on_a_meeting_is_shown_as_text(client_as, world):
    payload = '<script>alert("x")</script>'
    meeting = schedule(world, place=payload, agenda=payload)
    page = client_as("guardian").get(meeting.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
