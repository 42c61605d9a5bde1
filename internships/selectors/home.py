"""What the home page shows each role about internships, in a fixed number of queries."""

from django.db.models import Count, Q

from internships.models import DailyLog, Placement

OPEN = [Placement.Status.PROPOSED, Placement.Status.APPROVED, Placement.Status.CONSENTED]
RUNNING = [*OPEN, Placement.Status.ACTIVE]


def mentor_home(user) -> list[Placement]:
    """The internships a mentor runs now, with how many days wait for their confirmation."""
    waiting = Q(logs__review=DailyLog.Review.CLAIMED, logs__checked_out_at__isnull=False)
    return list(
        Placement.objects.mentored_by(user)
        .filter(status__in=RUNNING)
        .select_related("student__user", "site")
        .annotate(waiting=Count("logs", filter=waiting))
        .order_by("student__user__first_name", "pk")
    )


def student_home(student) -> Placement | None:
    """The student's internship now: the active one, else the one on its way."""
    placements = Placement.objects.filter(student=student, status__in=RUNNING).select_related(
        "site", "mentor__user"
    )
    return min(placements, key=lambda p: (p.status != Placement.Status.ACTIVE, p.pk), default=None)


def consents_waiting(guardian) -> list[Placement]:
    """Internships of a guardian's children that wait for the family's consent."""
    return list(
        Placement.objects.filter(
            student__guardian_links__guardian=guardian,
            student__school_id=guardian.school_id,
            status=Placement.Status.APPROVED,
        ).select_related("student__user", "site")
    )
