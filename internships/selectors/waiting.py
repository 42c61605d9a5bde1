"""What waits for someone in the internships app, for the homes' "waiting for you" list and
the count in the navigation: each a queryset (nothing read until it is used), so the home
reads its rows and the navigation counts them from the same filters."""

from datetime import date, timedelta

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery

from bigpicture.models import SchoolYear, User
from internships.models import DailyLog, Evaluation, Mentor, Message, Placement
from students.selectors.waiting import advised_students

Status = Placement.Status
# A mentor is asked for the semester's evaluation once the intern has been with them a while.
EVALUATION_AFTER = timedelta(days=28)
CHECK_WARNING = timedelta(days=30)


def proposals_to_approve(user: User) -> QuerySet:
    """Internships proposed for the advisor's students, waiting for their approval."""
    placements = Placement.objects.filter(
        student__in=advised_students(user), status=Status.PROPOSED
    )
    return placements.order_by("proposed_at", "pk")


def messages_to_answer(user: User) -> QuerySet:
    """For each internship of the advisor's students, the mentor's message when it is the
    last of the conversation (nobody answered it yet)."""
    last = Message.objects.filter(placement_id=OuterRef("placement_id")).order_by(
        "-created_at", "-pk"
    )
    messages = Message.objects.filter(
        placement__student__in=advised_students(user),
        pk=Subquery(last.values("pk")[:1]),
        author_id=F("placement__mentor__user_id"),
    )
    return messages.order_by("created_at", "pk")


def days_to_confirm(user: User) -> QuerySet:
    """The mentor's internships with checked-out days waiting for their confirmation: how
    many (``waiting``) and since which day (``since``)."""
    waiting = Q(logs__review=DailyLog.Review.CLAIMED, logs__checked_out_at__isnull=False)
    placements = (
        Placement.objects.mentored_by(user)
        .filter(waiting)
        .annotate(waiting=Count("logs"), since=Min("logs__on"))
    )
    return placements.order_by("since", "pk")


def evaluations_due(user: User, year: SchoolYear | None, semester: int, today: date) -> QuerySet:
    """The mentor's active internships, a month or more under way, without this semester's
    evaluation."""
    if year is None:
        return Placement.objects.none()
    written = Evaluation.objects.filter(
        placement_id=OuterRef("pk"), school_year_id=year.pk, semester=semester
    )
    placements = Placement.objects.mentored_by(user).filter(
        ~Exists(written), status=Status.ACTIVE, start_on__lte=today - EVALUATION_AFTER
    )
    return placements.order_by("start_on", "pk")


def semester_of(year: SchoolYear | None, today: date) -> int:
    """The semester a day falls in: the first half of the school year, or the second."""
    if year is None:
        return Evaluation.Semester.FIRST
    middle = year.start_date + (year.end_date - year.start_date) / 2
    return Evaluation.Semester.FIRST if today <= middle else Evaluation.Semester.SECOND


def consents_to_give(user: User) -> QuerySet:
    """Internships of a guardian's children approved by the advisor, waiting for consent."""
    placements = Placement.objects.filter(
        student__guardian_links__guardian_id=user.pk, status=Status.APPROVED
    )
    return placements.order_by("approved_at", "pk")


def check_out_today(user: User, today: date) -> QuerySet:
    """The student's day at their active internship checked in today and not out yet."""
    logs = DailyLog.objects.filter(
        placement__student__user_id=user.pk,
        placement__status=Status.ACTIVE,
        on=today,
        checked_out_at__isnull=True,
    )
    return logs.order_by("pk")


def checks_expiring(school_id: int, today: date) -> QuerySet:
    """A school's mentors whose cleared background check runs out within a month, or has
    run out while they still have an internship under way or on its way."""
    open_internship = Placement.objects.filter(mentor=OuterRef("pk"), status__in=Placement.OPEN)
    mentors = Mentor.objects.filter(
        Q(check_expires_on__gte=today) | Exists(open_internship),
        site__school_id=school_id,
        user__is_active=True,
        background_check=Mentor.Check.CLEARED,
        check_expires_on__lte=today + CHECK_WARNING,
    )
    return mentors.order_by("check_expires_on", "pk")
