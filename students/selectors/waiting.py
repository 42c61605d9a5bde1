"""What waits for someone in the students app, for the homes' "waiting for you" list and the
count in the navigation: each a queryset (nothing read until it is used), so the home reads
its rows and the navigation counts them from the same filters."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from advisories.models import Membership
from bigpicture.models import User
from students.models import (
    Exhibition,
    LearningPlan,
    MeetingInvite,
    Narrative,
    PlanMeeting,
    Student,
)

Status = LearningPlan.Status


def advised_students(user: User) -> QuerySet:
    """The ids of the students in the advisories a person leads now, as a subquery."""
    return Membership.objects.current().filter(advisory__advisor_id=user.pk).values("student_id")


def plans_to_review(user: User) -> QuerySet:
    """Plans of the advisor's students waiting for their review, oldest first."""
    plans = LearningPlan.objects.filter(student__in=advised_students(user), status=Status.SUBMITTED)
    return plans.order_by("submitted_at", "pk")


def plans_changed_after_approval(user: User) -> QuerySet:
    """Plans of the advisor's students changed since their approval and not submitted yet
    (an approved plan's change starts its next version as a draft)."""
    plans = LearningPlan.objects.filter(
        student__in=advised_students(user), status=Status.DRAFT, version__gt=1
    )
    return plans.order_by("updated_at", "pk")


def meetings_to_record(user: User) -> QuerySet:
    """Plan meetings of the advisor's students that have begun and have no notes yet."""
    meetings = PlanMeeting.objects.filter(
        student__in=advised_students(user),
        status=PlanMeeting.Status.SCHEDULED,
        starts_at__lte=timezone.now(),
    )
    return meetings.order_by("starts_at", "pk")


def plans_sent_back(user: User) -> QuerySet:
    """The student's own plans their advisor asked changes to."""
    plans = LearningPlan.objects.filter(student__user_id=user.pk, status=Status.CHANGES_REQUESTED)
    return plans.order_by("reviewed_at", "pk")


def invitations_to_answer(user: User) -> QuerySet:
    """A person's invitations to meetings still to come that they have not answered."""
    return MeetingInvite.objects.filter(
        person_id=user.pk,
        response=MeetingInvite.Response.PENDING,
        meeting__in=PlanMeeting.objects.visible_to(user).values("pk"),
        meeting__status=PlanMeeting.Status.SCHEDULED,
        meeting__starts_at__gte=timezone.now(),
    ).order_by("meeting__starts_at", "pk")


def _children(user: User) -> QuerySet:
    """A guardian's children within their reach (``Student.visible_to``: the live links).
    What a family may read of their own child's narratives and exhibitions is the published
    advisor's narrative and every exhibition (``Narrative.visible_to`` and
    ``Exhibition.visible_to``, whose other branches are staff's, the student's own and panel
    seats): the filters below are those branches, for the children only."""
    children = Student.objects.visible_to(user).filter(guardian_links__guardian_id=user.pk)
    return children.values("pk")


def narratives_new(user: User, since: datetime) -> QuerySet:
    """The advisor's narratives on a guardian's children published since a moment."""
    narratives = Narrative.objects.filter(
        student__in=_children(user),
        kind=Narrative.Kind.ADVISOR,
        published_at__isnull=False,
        published_at__gt=since,
    )
    return narratives.order_by("published_at", "pk")


def exhibition_results_new(user: User, since: datetime) -> QuerySet:
    """A guardian's children's exhibitions held since a moment, with their result."""
    exhibitions = Exhibition.objects.filter(
        student__in=_children(user),
        status=Exhibition.Status.HELD,
        starts_at__gt=since,
    )
    return exhibitions.order_by("starts_at", "pk")


def students_without_advisory(school_id: int) -> QuerySet:
    """A school's active students with no advisory now."""
    students = Student.objects.filter(school_id=school_id, user__is_active=True)
    return students.without_advisory().order_by("user__last_name", "user__first_name", "pk")
