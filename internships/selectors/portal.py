"""Reads behind the mentors' portal: the internships a mentor mentors, and the conversation
between a placement's mentor and the student's advisor."""

from django.db.models import Case, Count, IntegerField, Q, Value, When

from advisories.models import Membership
from bigpicture.prepared import instance, within_reach
from internships.models import DailyLog, Placement

CLOSED = (Placement.Status.COMPLETED, Placement.Status.ENDED)


# What the mentor's list shows of each internship (templates/internships/portal/
# mentor_internships.html): the student's names, the site, the agreement's days and hours.
MENTOR_LIST_COLUMNS = (
    *("student_id", "site_id", "status", "project", "days", "starts_at_time", "ends_at_time"),
    *("start_on", "end_on", "student__user_id", "student__preferred_name"),
    *("student__user__first_name", "student__user__last_name", "site__organization"),
)


@within_reach
def _mentored(person):
    waiting = Q(logs__review=DailyLog.Review.CLAIMED, logs__checked_out_at__isnull=False)
    return (
        Placement.objects.mentored_by(person)
        .annotate(
            waiting=Count("logs", filter=waiting),
            closed=Case(
                When(status__in=CLOSED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("closed", "-start_on", "pk")
        .values_list("pk", *MENTOR_LIST_COLUMNS, "waiting")
    )


def mentor_placements(user) -> list[Placement]:
    """The internships a person mentors, running ones first, each with the number of
    checked-out days waiting for their confirmation (one prepared read; instances with only
    the columns the list shows)."""
    placements = []
    for *row, waiting in _mentored(user):
        placement = instance(Placement, MENTOR_LIST_COLUMNS, row)
        placement.waiting = waiting
        placements.append(placement)
    return placements


def placements_reached_by(user):
    """Internships whose conversation a person takes part in: their mentor, the student's
    advisor and the school's admins."""
    return Placement.objects.mentored_by(user) | Placement.objects.led_by(user)


def placement_thread(placement: Placement) -> dict:
    """A placement's conversation and who is on each side of it."""
    advisors = Membership.objects.current().filter(student_id=placement.student_id)
    membership = advisors.select_related("advisory__advisor").first()
    return {
        "thread": list(placement.messages.select_related("author").order_by("created_at", "pk")),
        "advisor": membership.advisory.advisor if membership else None,
    }
