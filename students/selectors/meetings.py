"""Reads behind the meeting pages, the invitations and the calendar feeds."""

from datetime import timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone

from bigpicture.models import User
from students.models import (
    CalendarFeed,
    Exhibition,
    GuardianLink,
    MeetingInvite,
    PlanMeeting,
    Student,
)
from students.models.profile import MENTORING_NOW

FEED_HISTORY = timedelta(days=365)

INVITES = Prefetch(
    "invites",
    queryset=MeetingInvite.objects.select_related("person").order_by(
        "role", "person__last_name", "person__first_name", "pk"
    ),
)


def meetings_visible_to(user):
    """Meetings a person may open, with what their page shows (invitees prefetched)."""
    return (
        PlanMeeting.objects.visible_to(user)
        .select_related("student__user", "student__school", "term__school_year", "advisor")
        .prefetch_related(INVITES)
    )


def upcoming_invites_of(person: User) -> list[MeetingInvite]:
    """A person's invitations to meetings still to come, soonest first."""
    return list(
        MeetingInvite.objects.filter(
            person=person,
            meeting__in=PlanMeeting.objects.visible_to(person).values("pk"),
            meeting__status=PlanMeeting.Status.SCHEDULED,
            meeting__starts_at__gte=timezone.now(),
        )
        .select_related("meeting__student__user")
        .order_by("meeting__starts_at", "pk")
    )


def meetings_of(student: Student) -> list[PlanMeeting]:
    """A student's meetings, newest first, with their terms and invitees."""
    return list(
        student.meetings.select_related("term__school_year", "advisor").prefetch_related(INVITES)
    )


def guardians_of(student: Student):
    """The student's guardians, as people to choose from."""
    return User.objects.filter(guardian_links__student=student).order_by(
        "last_name", "first_name", "pk"
    )


def default_guardian_ids(student: Student) -> list[int]:
    """The guardians invited unless the advisor says otherwise: those who get reminders."""
    links = GuardianLink.objects.filter(student=student, receives_reminders=True)
    return list(links.values_list("guardian_id", flat=True))


def mentors_of(student: Student):
    """The student's own internship mentors (active, of a live internship), to choose from."""
    internships = Student.objects.filter(pk=student.pk, placements__status__in=MENTORING_NOW)
    return User.objects.filter(
        pk__in=internships.values("placements__mentor__user_id"),
        school_id=student.school_id,
        is_mentor=True,
        is_active=True,
    ).order_by("last_name", "first_name", "pk")


def advisor_meetings_near(advisor_id: int, starts_at, ends_at, *, exclude_pk=None):
    """The advisor's other meetings that may overlap a time (a meeting lasts 8 hours at most)."""
    return (
        PlanMeeting.objects.filter(
            advisor_id=advisor_id,
            starts_at__lt=ends_at,
            starts_at__gt=starts_at - timedelta(minutes=480),
        )
        .exclude(status=PlanMeeting.Status.CANCELLED)
        .exclude(pk=exclude_pk)
    )


def calendar_feed_of(person: User) -> CalendarFeed | None:
    """A person's calendar feed (its secret is not kept: only when it was made)."""
    return CalendarFeed.objects.filter(person=person).first()


def feed_since():
    return timezone.now() - FEED_HISTORY


def feed_meetings(person: User) -> list[PlanMeeting]:
    """The meetings a person is invited to, from a year back on, not cancelled."""
    return list(
        PlanMeeting.objects.filter(
            pk__in=PlanMeeting.objects.visible_to(person).values("pk"),
            invites__person=person,
            starts_at__gte=feed_since(),
        )
        .exclude(status=PlanMeeting.Status.CANCELLED)
        .select_related("student__user")
        .order_by("starts_at", "pk")
    )


def feed_exhibitions(person: User) -> list[Exhibition]:
    """Exhibitions a person sits on the panel of, gives, or whose student is their child."""
    mine = (
        Q(panelists__person=person)
        | Q(student__user=person)
        | Q(student__guardian_links__guardian=person)
    )
    ids = Exhibition.objects.visible_to(person).filter(mine).values("pk")
    return list(
        Exhibition.objects.filter(pk__in=ids, starts_at__gte=feed_since())
        .exclude(status=Exhibition.Status.CANCELLED)
        .select_related("student__user")
        .order_by("starts_at", "pk")
    )
