"""Reminder rules about learning plan meetings: invitations, cancellations, the day coming.

Invitations and cancellations are written with the change that causes them; each carries
the meeting as an .ics file, made when the email leaves so it always holds the meeting as
it is then.
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bigpicture.models import School
from bigpicture.notifications import NothingToSend, site_url
from bigpicture.notifications.rules import Draft, Rule, register
from students import calendar
from students.models import MeetingInvite, PlanMeeting

ICS_MIMETYPE = "text/calendar; method=%s"


def _meeting(notification) -> PlanMeeting:
    meeting = (
        PlanMeeting.objects.select_related("student__user", "student__school", "advisor")
        .filter(pk=notification.context.get("meeting_id"))
        .first()
    )
    if meeting is None:
        raise NothingToSend("The meeting is gone.")
    return meeting


def _invite(meeting: PlanMeeting, person_id: int) -> MeetingInvite | None:
    return meeting.invites.filter(person_id=person_id).first()


def _described(meeting: PlanMeeting, invite: MeetingInvite | None) -> dict:
    return {
        "meeting": meeting,
        "invite": invite,
        "zone": meeting.student.school.time_zone,
        "meeting_url": site_url(meeting.get_absolute_url()),
    }


def invitation_context(notification) -> dict:
    """The meeting as it is now; nothing to send once it is off or the person is not invited."""
    meeting = _meeting(notification)
    invite = _invite(meeting, notification.recipient_id)
    if meeting.status != PlanMeeting.Status.SCHEDULED or invite is None:
        raise NothingToSend("The meeting is off, or this person is no longer invited.")
    return _described(meeting, invite)


def invitation_file(notification) -> list[tuple[str, bytes, str]]:
    """The invitation as an .ics file (METHOD:REQUEST) for the recipient."""
    meeting = _meeting(notification)
    invite = _invite(meeting, notification.recipient_id)
    content = calendar.meeting_message(
        meeting,
        person=notification.recipient,
        response=invite.response if invite else "",
        method=calendar.REQUEST,
    )
    return [("invitation.ics", content, ICS_MIMETYPE % calendar.REQUEST)]


def cancellation_context(notification) -> dict:
    """The meeting called off (or the person taken off its team), unless invited again."""
    meeting = _meeting(notification)
    invited = _invite(meeting, notification.recipient_id) is not None
    if meeting.status == PlanMeeting.Status.SCHEDULED and invited:
        raise NothingToSend("This person is invited again.")
    return {**_described(meeting, None), "removed": meeting.status == PlanMeeting.Status.SCHEDULED}


def cancellation_file(notification) -> list[tuple[str, bytes, str]]:
    """The cancellation as an .ics file (METHOD:CANCEL) for the recipient."""
    meeting = _meeting(notification)
    content = calendar.meeting_message(
        meeting, person=notification.recipient, response="", method=calendar.CANCEL
    )
    return [("cancellation.ics", content, ICS_MIMETYPE % calendar.CANCEL)]


def coming_context(notification) -> dict:
    """The meeting, if it is still on at the same time and the person is still coming."""
    meeting = _meeting(notification)
    invite = _invite(meeting, notification.recipient_id)
    still_on = meeting.status == PlanMeeting.Status.SCHEDULED and (
        meeting.starts_at.isoformat() == notification.context.get("starts_at")
    )
    if not still_on or invite is None or invite.response == MeetingInvite.Response.DECLINED:
        raise NothingToSend("The meeting moved or is off, or this person is not coming.")
    return _described(meeting, invite)


def _draft(meeting: PlanMeeting, person_id: int, occasion: str, **context) -> Draft:
    return Draft(
        recipient_id=person_id,
        school_id=meeting.student.school_id,
        subject_key=f"meeting:{meeting.pk}",
        subject=meeting.student.display_name,
        occasion=occasion,
        context={
            "meeting_id": meeting.pk,
            "student": meeting.student.display_name,
            "path": meeting.get_absolute_url(),
            **context,
        },
    )


def invitation_drafts(meeting: PlanMeeting, person_ids: Iterable[int]) -> list[Draft]:
    """An invitation to the meeting as it is now, for each person (a new one per revision)."""
    return [
        _draft(meeting, pk, f"v{meeting.sequence}", updated=meeting.sequence > 0)
        for pk in person_ids
    ]


def cancellation_drafts(meeting: PlanMeeting, person_ids: Iterable[int]) -> list[Draft]:
    """A cancellation of the meeting for each person."""
    return [_draft(meeting, pk, f"cancelled-v{meeting.sequence}") for pk in person_ids]


def _midnight(day: date, zone) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def coming_meetings(school: School, today: date, days: int) -> list[Draft]:
    """Each invitee who has not declined, ``days`` days ahead, once per meeting and time."""
    start = max(_midnight(today, school.zone), timezone.now())
    end = _midnight(today + timedelta(days=days + 1), school.zone)
    invites = (
        MeetingInvite.objects.filter(
            meeting__student__school=school,
            meeting__status=PlanMeeting.Status.SCHEDULED,
            meeting__starts_at__gte=start,
            meeting__starts_at__lt=end,
        )
        .exclude(response=MeetingInvite.Response.DECLINED)
        .select_related("meeting__student__user")
        .order_by("meeting_id", "pk")
    )
    return [
        _draft(
            invite.meeting,
            invite.person_id,
            f"at-{invite.meeting.starts_at.isoformat()}",
            starts_at=invite.meeting.starts_at.isoformat(),
        )
        for invite in invites
    ]


MEETING_INVITATION = register(
    Rule(
        key="meeting_invitation",
        kind="learning",
        label=_("Learning plan meeting invitation"),
        description=_(
            "The learning team is invited to a meeting, and hears again when it changes."
        ),
        live_context=invitation_context,
        attachments=invitation_file,
    )
)

MEETING_CANCELLED = register(
    Rule(
        key="meeting_cancelled",
        kind="learning",
        label=_("Learning plan meeting cancelled"),
        description=_("The learning team hears when a meeting is called off."),
        live_context=cancellation_context,
        attachments=cancellation_file,
    )
)

MEETING_COMING = register(
    Rule(
        key="meeting_coming",
        kind="learning",
        label=_("Learning plan meeting coming"),
        description=_("Everyone invited who has not declined is reminded before the meeting."),
        days_label=_("Days before the meeting"),
        default_days=2,
        max_days=30,
        scan=coming_meetings,
        live_context=coming_context,
    )
)
