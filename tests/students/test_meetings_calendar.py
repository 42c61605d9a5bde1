"""Each person's private calendar feed: its address, what it holds, and a new secret."""

import re
from datetime import timedelta

import icalendar
from django.urls import reverse
from django.utils import timezone

from students.models import CalendarFeed, Exhibition, Panelist, PlanMeeting
from students.services import meetings as services
from tests import factories
from tests.students.matrix_meetings import mentoring, schedule


def _feed_url(person) -> str:
    """A new private address of a person's calendar (the one before stops working)."""
    token = services.calendar_feed_reset(person=person)
    return reverse("students:calendar-feed", kwargs={"token": token})


def _uids(client, url) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["uid"]).split("@")[0] for event in calendar.walk("VEVENT")}


def _exhibition(world, student=None, **kwargs):
    return factories.ExhibitionFactory(
        student=student or world.student, term=world.term, created_by=world.advisor, **kwargs
    )


class TestThePage:
    def test_the_first_visit_makes_a_private_address_that_stays(self, client_as, world):
        client = client_as("mentor")
        page = client.get(reverse("students:calendar")).content.decode()
        feed = CalendarFeed.objects.get(person=world.mentor)
        token = re.search(r"/students/calendar/([\w-]+)\.ics", page).group(1)
        assert len(token) >= 43  # 32 random bytes
        assert feed.token_hash == CalendarFeed.hash(token)
        assert "webcal://" in page
        client.get(reverse("students:calendar"))
        assert CalendarFeed.objects.get(person=world.mentor).token_hash == feed.token_hash

    def test_a_new_address_closes_the_old_one(self, client_as, world, client):
        old_url = _feed_url(world.guardian)
        signed_in = client_as("guardian")
        response = signed_in.post(reverse("students:calendar-reset"))
        assert response.status_code == 200  # the new address, shown this once
        new_url = _feed_url(world.guardian)
        assert new_url != old_url
        signed_in.logout()
        assert client.get(old_url).status_code == 404
        assert client.get(new_url).status_code == 200

    def test_the_page_lists_the_meetings_to_come(self, client_as, world):
        meeting = schedule(world)
        page = client_as("guardian").get(reverse("students:calendar")).content.decode()
        assert meeting.get_absolute_url() in page


class TestTheFeed:
    def test_it_opens_without_signing_in_and_holds_the_persons_meetings(self, client, world):
        mine = schedule(world)
        classmate = factories.student_with_family(world.advisory, guardians=1)
        not_mine = schedule(
            world, student=classmate, starts_at=mine.starts_at + timedelta(hours=2), guardians=[]
        )
        assert _uids(client, _feed_url(world.guardian)) == {f"meeting-{mine.pk}"}
        advisor_feed = _uids(client, _feed_url(world.advisor))
        assert advisor_feed == {f"meeting-{mine.pk}", f"meeting-{not_mine.pk}"}

    def test_cancelled_and_old_meetings_are_left_out(self, client, world):
        cancelled = schedule(world)
        services.meeting_cancel(meeting=cancelled, by=world.advisor)
        old = schedule(world, starts_at=factories.soon(9, 15))
        PlanMeeting.objects.filter(pk=old.pk).update(starts_at=timezone.now() - timedelta(days=400))
        assert _uids(client, _feed_url(world.student.user)) == set()

    def test_exhibitions_of_the_student_their_family_and_their_panel(self, client, world):
        own = _exhibition(world)
        other = _exhibition(world, student=world.other_student)
        mentoring(world, world.other_student)
        Panelist.objects.create(exhibition=other, person=world.mentor, role="mentor")
        _exhibition(world, status=Exhibition.Status.CANCELLED)
        _exhibition(world, starts_at=timezone.now() - timedelta(days=400))
        assert _uids(client, _feed_url(world.student.user)) == {f"exhibition-{own.pk}"}
        assert _uids(client, _feed_url(world.guardian)) == {f"exhibition-{own.pk}"}
        assert _uids(client, _feed_url(world.mentor)) == {f"exhibition-{other.pk}"}
        assert _uids(client, _feed_url(world.other_link.guardian)) == {f"exhibition-{other.pk}"}

    def test_the_events_carry_times_in_utc_places_and_links(self, client, world):
        meeting = schedule(world, place="Library")
        response = client.get(_feed_url(world.guardian))
        text = response.content.decode()
        utc = meeting.starts_at.strftime("%Y%m%dT%H%M%SZ")
        assert f"DTSTART:{utc}" in text
        assert "LOCATION:Library" in text
        assert f"URL:http://127.0.0.1:8000{meeting.get_absolute_url()}" in text.replace("\r\n ", "")

    def test_a_bogus_token_reveals_nothing(self, client, world):
        schedule(world)
        response = client.get(reverse("students:calendar-feed", kwargs={"token": "nope"}))
        assert response.status_code == 404
        assert b"VCALENDAR" not in response.content

    def test_a_deactivated_persons_feed_is_closed(self, client, world):
        url = _feed_url(world.guardian)
        world.guardian.is_active = False
        world.guardian.save()
        assert client.get(url).status_code == 404
