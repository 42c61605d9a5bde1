"""What the home page shows each role about internships, in a fixed number of queries."""

from django.db.models import Count, F, FilteredRelation, Q

from internships.models import DailyLog, Placement

RUNNING = Placement.OPEN  # on its way or under way
# What the homes show of an internship (its link, project, status, site and who is in it),
# so that its agreement and the rest of its many columns are not read.
SHOWN = ("pk", "student_id", "status", "project", "site__organization")
STUDENT_SHOWN = ("student__preferred_name", "student__user__first_name", "student__user__last_name")
MENTOR_SHOWN = ("mentor__user__first_name", "mentor__user__last_name", "mentor__user__email")


def mentor_home(user) -> list[Placement]:
    """The internships a mentor runs now, with how many days wait for their confirmation."""
    waiting = Q(logs__review=DailyLog.Review.CLAIMED, logs__checked_out_at__isnull=False)
    return list(
        Placement.objects.mentored_by(user)
        .filter(status__in=RUNNING)
        .select_related("student__user", "site")
        .only(*SHOWN, *STUDENT_SHOWN)
        .annotate(waiting=Count("logs", filter=waiting))
        .order_by("student__user__first_name", "pk")
    )


def student_home(student) -> Placement | None:
    """The student's internship now (the active one, else the one on its way), with today's
    day if it is logged: ``today_log`` (its pk), ``today_checked_out`` and ``today_review``,
    so the home offers the check-out of an open day rather than a second check-in."""
    # Joined in the same read: one day per placement and date at most (a unique constraint).
    today = FilteredRelation("logs", condition=Q(logs__on=student.school.today()))
    placements = (
        Placement.objects.filter(student=student, status__in=RUNNING)
        .select_related("site", "mentor__user")
        .only(*SHOWN, *MENTOR_SHOWN)
        .alias(today=today)
        .annotate(
            today_log=F("today__pk"),
            today_checked_out=F("today__checked_out_at"),
            today_review=F("today__review"),
        )
    )
    return min(placements, key=lambda p: (p.status != Placement.Status.ACTIVE, p.pk), default=None)


def children_internships(children) -> list[Placement]:
    """For a guardian's children (already read), each child's internship whose days and
    hours the family may follow: the active one, else the latest that started; no query
    for a guardian without children."""
    by_pk = {child.pk: child for child in children}
    if not by_pk:
        return []
    started = Q(status__in=Placement.STARTED) | Q(
        status=Placement.Status.ENDED, accepted_at__isnull=False
    )
    placements = (
        Placement.objects.filter(started, student_id__in=by_pk)
        .select_related("site")
        .only(*SHOWN)
        .order_by("-start_on", "-pk")
    )
    shown: dict[int, Placement] = {}
    for placement in placements:
        kept = shown.get(placement.student_id)
        if kept is None or (
            placement.status == Placement.Status.ACTIVE and kept.status != Placement.Status.ACTIVE
        ):
            shown[placement.student_id] = placement
    for placement in shown.values():
        placement.child = by_pk[placement.student_id]
    return [shown[pk] for pk in by_pk if pk in shown]


def consents_waiting(children) -> list[Placement]:
    """Internships of a guardian's children (already read, with their names) that wait for
    the family's consent, each with its ``child``; no query for a guardian without
    children."""
    by_pk = {child.pk: child for child in children}
    if not by_pk:
        return []
    placements = list(
        Placement.objects.filter(student_id__in=by_pk, status=Placement.Status.APPROVED)
        .select_related("site")
        .only(*SHOWN)
    )
    for placement in placements:
        placement.child = by_pk[placement.student_id]
    return placements
