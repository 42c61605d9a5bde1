"""Writes for learning plan meetings: scheduling and changes, answers, notes, calendar feeds."""

import secrets
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from advisories.models import Membership
from bigpicture import notifications
from bigpicture.dates import span_errors
from bigpicture.models import Term, User
from bigpicture.records import Area, records_change, through
from students.models import CalendarFeed, GuardianLink, MeetingInvite, PlanMeeting, Student
from students.reminders.meetings import (
    MEETING_CANCELLED,
    MEETING_INVITATION,
    cancellation_drafts,
    invitation_drafts,
)
from students.selectors.meetings import advisor_meetings_near, mentors_of

Role, Response, Status = MeetingInvite.Role, MeetingInvite.Response, PlanMeeting.Status
DETAILS = ("starts_at", "duration", "place", "video_url", "agenda")
MIN_MINUTES, MAX_MINUTES = 5, 480


# --- scheduling and changing ----------------------------------------------------------------


@records_change(Area.MEETING, student=through("student"))
@transaction.atomic
def meeting_schedule(
    *,
    student: Student,
    by: User,
    starts_at: datetime,
    duration: int = 45,
    place: str = "",
    video_url: str = "",
    agenda: str = "",
    guardians: Iterable[User] = (),
    mentor: User | None = None,
) -> PlanMeeting:
    """Schedule a student's learning plan meeting of the term and invite the learning team."""
    if not student.is_led_by(by):
        raise PermissionDenied
    meeting = PlanMeeting(student=student, advisor=_advisor_of(student, by))
    _lock_advisor(meeting)
    _apply(meeting, starts_at, duration, place, video_url, agenda)
    guardians = list(guardians)
    _check(meeting, guardians=guardians, mentor=mentor, moved=True)
    meeting.full_clean()
    meeting.save()
    team = _team(meeting, guardians, mentor)
    _invite(meeting, team.values())
    notifications.record(MEETING_INVITATION, invitation_drafts(meeting, _told(meeting, team)))
    return meeting


@records_change(Area.MEETING, student=through("meeting", "student"))
@transaction.atomic
def meeting_update(
    *,
    meeting: PlanMeeting,
    by: User,
    starts_at: datetime,
    duration: int = 45,
    place: str = "",
    video_url: str = "",
    agenda: str = "",
    guardians: Iterable[User] = (),
    mentor: User | None = None,
) -> PlanMeeting:
    """Change a meeting's time, place, agenda or team; everyone it concerns hears of it."""
    _require_editable(by, meeting)
    _require_scheduled(meeting)
    _lock_advisor(meeting)
    before = _details(meeting)
    _apply(meeting, starts_at, duration, place, video_url, agenda)
    moved = before[:2] != (meeting.starts_at, meeting.duration)
    guardians = list(guardians)
    _check(meeting, guardians=guardians, mentor=mentor, moved=moved)
    team = _team(meeting, guardians, mentor)
    invited = set(meeting.invites.values_list("person_id", flat=True))
    added = {pk: entry for pk, entry in team.items() if pk not in invited}
    removed = invited - set(team)
    changed = before != _details(meeting)
    if not (changed or added or removed):
        return meeting
    meeting.sequence += 1
    meeting.full_clean()
    meeting.save()
    meeting.invites.filter(person_id__in=removed).delete()
    _invite(meeting, added.values())
    if moved:
        meeting.invites.exclude(role=Role.ADVISOR).update(
            response=Response.PENDING, responded_at=None
        )
    told = [pk for pk in _told(meeting, team) if changed or pk in added]
    notifications.record(MEETING_INVITATION, invitation_drafts(meeting, told))
    notifications.record(MEETING_CANCELLED, cancellation_drafts(meeting, removed))
    return meeting


@records_change(Area.MEETING, student=through("meeting", "student"))
@transaction.atomic
def meeting_cancel(*, meeting: PlanMeeting, by: User) -> PlanMeeting:
    """Call a scheduled meeting off; everyone invited gets a cancellation."""
    _require_editable(by, meeting)
    _require_scheduled(meeting)
    meeting.status = Status.CANCELLED
    meeting.sequence += 1
    meeting.full_clean()
    meeting.save()
    people = meeting.invites.exclude(person_id=meeting.advisor_id)
    people = people.values_list("person_id", flat=True)
    notifications.record(MEETING_CANCELLED, cancellation_drafts(meeting, people))
    return meeting


@records_change(Area.MEETING, student=through("meeting", "student"))
def meeting_record(*, meeting: PlanMeeting, by: User, notes: str, decisions: str) -> PlanMeeting:
    """Record a meeting's notes and decisions once it has begun, which marks it held."""
    _require_editable(by, meeting)
    if meeting.status == Status.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."))
    if meeting.starts_at > timezone.now():
        raise ValidationError({"notes": _("Record the notes once the meeting has begun.")})
    notes, decisions = notes.strip(), decisions.strip()
    if not (notes or decisions):
        raise ValidationError({"notes": _("Write the notes, the decisions or both.")})
    meeting.notes, meeting.decisions, meeting.status = notes, decisions, Status.HELD
    meeting.full_clean()
    meeting.save()
    return meeting


@records_change(Area.MEETING, student=through("meeting", "student"))
def meeting_respond(*, meeting: PlanMeeting, by: User, response: str) -> MeetingInvite:
    """An invitee says whether they are coming to a meeting."""
    invite = MeetingInvite.objects.filter(meeting=meeting, person=by).first()
    if invite is None or not PlanMeeting.objects.visible_to(by).filter(pk=meeting.pk).exists():
        raise PermissionDenied
    if response not in (Response.ACCEPTED, Response.DECLINED):
        raise ValidationError({"response": _("Say whether you are coming or not.")})
    if meeting.status != Status.SCHEDULED or meeting.starts_at <= timezone.now():
        raise ValidationError(_("This meeting is no longer waiting for answers."))
    invite.response, invite.responded_at = response, timezone.now()
    invite.full_clean()
    invite.save()
    return invite


# --- the checks ---------------------------------------------------------------------------


def _advisor_of(student: Student, by: User) -> User:
    """The student's advisor; for a student without one, whoever schedules."""
    membership = (
        Membership.objects.current()
        .filter(student=student)
        .select_related("advisory__advisor")
        .first()
    )
    return membership.advisory.advisor if membership else by


def _lock_advisor(meeting: PlanMeeting) -> None:
    """Book an advisor's time one request at a time, so two meetings cannot both fit."""
    User.objects.select_for_update().filter(pk=meeting.advisor_id).first()


def _require_editable(by: User, meeting: PlanMeeting) -> None:
    if not PlanMeeting.objects.editable_by(by).filter(pk=meeting.pk).exists():
        raise PermissionDenied


def _require_scheduled(meeting: PlanMeeting) -> None:
    if meeting.status != Status.SCHEDULED:
        raise ValidationError(_("Only a meeting still to come can change."))


def _details(meeting: PlanMeeting) -> tuple:
    return tuple(getattr(meeting, name) for name in DETAILS)


def _apply(meeting, starts_at, duration, place, video_url, agenda) -> None:
    meeting.starts_at, meeting.duration = starts_at, duration
    meeting.place, meeting.video_url, meeting.agenda = place.strip(), video_url.strip(), agenda
    if starts_at is not None and not _outside_span(meeting):
        day = timezone.localtime(starts_at, meeting.student.school.zone).date()
        meeting.term = _term_on(meeting.student.school_id, day)


def _outside_span(meeting: PlanMeeting) -> dict:
    """An error by the time if its day is far from today (checked before any arithmetic on
    it: the end of a meeting at 9999-12-31 23:30 does not exist)."""
    day = meeting.starts_at.date()
    return span_errors(meeting.student.school.today(), starts_at=day)


def _term_on(school_id: int, day) -> Term | None:
    terms = Term.objects.of_school(school_id)
    return terms.filter(start_date__lte=day, end_date__gte=day).first()


def _check(meeting: PlanMeeting, *, guardians: list, mentor, moved: bool) -> None:
    errors = {
        **_time_errors(meeting, moved),
        **_place_errors(meeting),
        **_team_errors(meeting.student, guardians, mentor),
    }
    if errors:
        raise ValidationError(errors)


def _time_errors(meeting: PlanMeeting, moved: bool) -> dict:
    if meeting.starts_at is None:
        return {"starts_at": _("Choose a date and a time.")}
    if errors := _outside_span(meeting):
        return errors
    if not MIN_MINUTES <= (meeting.duration or 0) <= MAX_MINUTES:
        return {"duration": _("A meeting lasts between 5 minutes and 8 hours.")}
    if moved and meeting.starts_at <= timezone.now():
        return {"starts_at": _("This time has passed: choose one to come.")}
    if meeting.term_id is None:
        return {"starts_at": _("No term of the school covers this date.")}
    if _student_has_meeting_in_term(meeting):
        return {
            "starts_at": _("%(student)s already has a meeting in %(term)s.")
            % {"student": meeting.student.display_name, "term": meeting.term.name}
        }
    clash = _clash(meeting)
    if clash is not None:
        return {"starts_at": _double_booked(meeting, clash)}
    return {}


def _student_has_meeting_in_term(meeting: PlanMeeting) -> bool:
    others = PlanMeeting.objects.filter(student_id=meeting.student_id, term=meeting.term)
    return others.exclude(status=Status.CANCELLED).exclude(pk=meeting.pk).exists()


def _clash(meeting: PlanMeeting) -> PlanMeeting | None:
    """Another meeting of the same advisor that overlaps this one's time."""
    near = advisor_meetings_near(
        meeting.advisor_id, meeting.starts_at, meeting.ends_at, exclude_pk=meeting.pk
    )
    return next((other for other in near if other.ends_at > meeting.starts_at), None)


def _double_booked(meeting: PlanMeeting, clash: PlanMeeting) -> str:
    zone = meeting.student.school.zone
    start = timezone.localtime(clash.starts_at, zone)
    end = timezone.localtime(clash.ends_at, zone)
    return _("%(advisor)s already has a meeting from %(start)s to %(end)s.") % {
        "advisor": meeting.advisor.get_full_name(),
        "start": formats.date_format(start, "SHORT_DATETIME_FORMAT"),
        "end": formats.time_format(end, "TIME_FORMAT"),
    }


def _place_errors(meeting: PlanMeeting) -> dict:
    if meeting.place or meeting.video_url:
        return {}
    return {"place": _("Give a place, a video link or both.")}


def _team_errors(student: Student, guardians: list, mentor) -> dict:
    errors = {}
    linked = set(GuardianLink.objects.filter(student=student).values_list("guardian_id", flat=True))
    if any(guardian.pk not in linked for guardian in guardians):
        errors["guardians"] = _("Choose only guardians of this student.")
    if mentor is not None and not mentors_of(student).filter(pk=mentor.pk).exists():
        errors["mentor"] = _("Choose a mentor of this student's internship.")
    return errors


# --- the team -----------------------------------------------------------------------------


def _team(meeting: PlanMeeting, guardians: list, mentor) -> dict[int, tuple[User, str]]:
    """Who is invited, by person id: student, advisor, the chosen guardians and mentor."""
    team = {meeting.student.user_id: (meeting.student.user, Role.STUDENT)}
    team.setdefault(meeting.advisor_id, (meeting.advisor, Role.ADVISOR))
    for guardian in guardians:
        team.setdefault(guardian.pk, (guardian, Role.GUARDIAN))
    if mentor is not None:
        team.setdefault(mentor.pk, (mentor, Role.MENTOR))
    return team


def _invite(meeting: PlanMeeting, entries: Iterable[tuple[User, str]]) -> None:
    """Invite people; the advisor, who calls the meeting, is coming."""
    for person, role in entries:
        invite = MeetingInvite(meeting=meeting, person=person, role=role)
        if role == Role.ADVISOR:
            invite.response, invite.responded_at = Response.ACCEPTED, timezone.now()
        invite.full_clean()
        invite.save()


def _told(meeting: PlanMeeting, team: dict) -> list[int]:
    """Whom invitations go to: everyone but the advisor, who sent them."""
    return [pk for pk in team if pk != meeting.advisor_id]


# --- calendar feeds -----------------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def calendar_feed_open(*, person: User) -> str | None:
    """Make a person's calendar feed if they have none, and return its secret token (to show
    once); ``None`` when they have one already (only its hash is kept, so it cannot be shown)."""
    if CalendarFeed.objects.filter(person=person).exists():
        return None
    token = _new_token()
    _feed, created = CalendarFeed.objects.get_or_create(
        person=person, defaults={"token_hash": CalendarFeed.hash(token)}
    )
    if not created:
        return None  # made by a request that ran alongside: that one showed it
    return token


@transaction.atomic
def calendar_feed_reset(*, person: User) -> str:
    """Give a person's calendar feed a new secret token (making the feed if need be) and
    return it, to show once; the old address stops working."""
    token = _new_token()
    feed = CalendarFeed.objects.select_for_update().filter(person=person).first()
    feed = feed or CalendarFeed(person=person)
    feed.token_hash, feed.created_at = CalendarFeed.hash(token), timezone.now()
    feed.full_clean()
    feed.save()
    return token
