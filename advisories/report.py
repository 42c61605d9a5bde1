"""The advisories' section of the school-wide report: sizes, year levels, advisors' load,
continuity and moves, each aggregated in the database from a queryset of memberships (the
students a report is about, in the advisory they were in on the report's day)."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from advisories.models import Advisory, Membership


def changed_advisor() -> Exists:
    """The student was at some time with another advisor than their advisory's now."""
    return Exists(
        Membership.objects.filter(student_id=OuterRef("student_id")).exclude(
            advisory__advisor_id=OuterRef("advisory__advisor_id")
        )
    )


def moved_in(start: date) -> Exists:
    """The membership began on or after ``start`` and the student was in an advisory before:
    a move, not an enrolment."""
    return Q(start_date__gte=start) & Exists(
        Membership.objects.filter(
            student_id=OuterRef("student_id"), start_date__lt=OuterRef("start_date")
        )
    )


def advisory_rows(advisories: QuerySet[Advisory]) -> list[tuple]:
    """Each advisory: pk, name, advisor id and name, graduating class, capacity (its own or
    the school's)."""
    return list(
        advisories.annotate(seats=Coalesce("capacity", "school__advisory_capacity")).values_list(
            "pk",
            "name",
            "advisor_id",
            "advisor__first_name",
            "advisor__last_name",
            "advisor__email",
            "graduating_class",
            "seats",
        )
    )


def sizes(members: QuerySet[Membership], start: date) -> dict[int, tuple[int, int, int]]:
    """Per advisory: (students, students who kept their advisor, students moved in since
    ``start``)."""
    rows = (
        members.order_by()
        .values("advisory_id")
        .annotate(
            size=Count("pk"),
            changed=Count("pk", filter=changed_advisor()),
            moved=Count("pk", filter=moved_in(start)),
        )
        .values_list("advisory_id", "size", "changed", "moved")
    )
    return {pk: (size, size - changed, moved) for pk, size, changed, moved in rows}


def classes(members: QuerySet[Membership]) -> dict[int, dict[int, int]]:
    """Per advisory, how many students of each graduating class."""
    mix: dict[int, dict[int, int]] = {}
    rows = (
        members.order_by()
        .values("advisory_id", "student__graduating_class")
        .annotate(count=Count("pk"))
        .values_list("advisory_id", "student__graduating_class", "count")
    )
    for advisory, graduating_class, count in rows:
        mix.setdefault(advisory, {})[graduating_class] = count
    return mix


def students_kept(members: QuerySet[Membership]) -> QuerySet[Membership]:
    return members.exclude(changed_advisor())


def students_changed(members: QuerySet[Membership]) -> QuerySet[Membership]:
    return members.filter(changed_advisor())


def students_moved(members: QuerySet[Membership], start: date) -> QuerySet[Membership]:
    return members.filter(moved_in(start))
