"""iCalendar files: one meeting's invitation or cancellation, and a person's private feed.

Times are written in UTC, so every calendar program places them right whatever its own
time zone. A meeting keeps one UID for life and its SEQUENCE grows with each change the
team hears of, so calendars replace the event they hold instead of adding another.
"""

from collections.abc import Iterable
from datetime import UTC, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from bigpicture.notifications import site_url
from students.models import Exhibition, PlanMeeting

PRODUCT_ID = "-//Big Picture school platform//Meetings and exhibitions//EN"
PUBLISH, REQUEST, CANCEL = "PUBLISH", "REQUEST", "CANCEL"
PARTSTATS = {"accepted": "ACCEPTED", "declined": "DECLINED"}
STATUSES = {"scheduled": "CONFIRMED", "held": "CONFIRMED", "cancelled": "CANCELLED"}


def meeting_uid(meeting: PlanMeeting) -> str:
    return f"meeting-{meeting.pk}@{settings.EMAIL_MESSAGE_DOMAIN}"


def exhibition_uid(exhibition: Exhibition) -> str:
    return f"exhibition-{exhibition.pk}@{settings.EMAIL_MESSAGE_DOMAIN}"


def _calendar(method: str, name: str = "") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def _event(*, uid: str, starts_at, minutes: int, summary: str, status: str) -> Event:
    utc = starts_at.astimezone(UTC)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", utc)
    event.add("dtend", utc + timedelta(minutes=minutes))
    event.add("summary", summary)
    event.add("status", STATUSES[status])
    return event


def _address(person, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["cn"] = vText(person.get_full_name())
    address.params.update(params)
    return address


def meeting_summary(meeting: PlanMeeting) -> str:
    return _("Learning plan meeting: %(student)s") % {"student": meeting.student.display_name}


def meeting_event(
    meeting: PlanMeeting, *, attendee=None, response: str = "", cancelled: bool = False
) -> Event:
    """A meeting as a calendar event; for an invitation, with its organizer and attendee."""
    event = _event(
        uid=meeting_uid(meeting),
        starts_at=meeting.starts_at,
        minutes=meeting.duration,
        summary=meeting_summary(meeting),
        status=PlanMeeting.Status.CANCELLED if cancelled else meeting.status,
    )
    event.add("sequence", meeting.sequence)
    event.add("url", site_url(meeting.get_absolute_url()))
    if meeting.place or meeting.video_url:
        event.add("location", meeting.place or meeting.video_url)
    description = "\n\n".join(part for part in (meeting.agenda, meeting.video_url) if part)
    if description:
        event.add("description", description)
    if attendee is not None:
        event.add("organizer", _address(meeting.advisor))
        partstat = PARTSTATS.get(response, "NEEDS-ACTION")
        event.add("attendee", _address(attendee, partstat=partstat, rsvp="FALSE"))
    return event


def exhibition_event(exhibition: Exhibition) -> Event:
    """An exhibition as a calendar event."""
    event = _event(
        uid=exhibition_uid(exhibition),
        starts_at=exhibition.starts_at,
        minutes=exhibition.duration,
        summary=_("Exhibition: %(title)s (%(student)s)")
        % {"title": exhibition.title, "student": exhibition.student.display_name},
        status=exhibition.status,
    )
    event.add("url", site_url(exhibition.get_absolute_url()))
    if exhibition.room:
        event.add("location", exhibition.room)
    return event


def meeting_message(meeting: PlanMeeting, *, person, response: str, method: str) -> bytes:
    """The .ics sent to one invitee: the invitation (REQUEST) or its cancellation (CANCEL)."""
    calendar = _calendar(method)
    event = meeting_event(meeting, attendee=person, response=response, cancelled=method == CANCEL)
    calendar.add_component(event)
    return calendar.to_ical()


def meeting_file(meeting: PlanMeeting) -> bytes:
    """One meeting as an .ics file to download and import."""
    calendar = _calendar(PUBLISH)
    calendar.add_component(meeting_event(meeting))
    return calendar.to_ical()


def feed(*, name: str, meetings: Iterable[PlanMeeting], exhibitions: Iterable[Exhibition]) -> bytes:
    """A person's calendar feed: their meetings and exhibitions."""
    calendar = _calendar(PUBLISH, name)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting))
    for exhibition in exhibitions:
        calendar.add_component(exhibition_event(exhibition))
    return calendar.to_ical()
