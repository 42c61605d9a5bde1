"""The expectations' section of the school-wide report: the students' own ratings by term,
advisory and expectation, early-warning statuses and advisory attendance, each aggregated
in the database from a queryset of memberships (the students a report is about, in the
advisory they were in on the report's day).

Ratings are grouped by the advisory a reflection recorded when it was written (students
move), as the school's own expectations pages group them; the privacy rule (no number from
fewer than five students for anyone but the advisory's advisor) is the pages' to apply,
with ``MIN_GROUP`` and ``average`` of the insight selectors."""

from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from advisories.models import Advisory, Membership
from expectations.models import AttendanceMark, Engagement, Rating, Reflection
from expectations.selectors.insight import SCORES, Counts

STUDENT = Reflection.Perspective.STUDENT
NOT_COMPUTED = "unknown"  # a student whose status the periodic task has not computed yet
STATUSES = (*Engagement.Status.values, NOT_COMPUTED)
MARKS = tuple(AttendanceMark.Status.values)  # absent, late, excused

Key = tuple[int, int]  # (term, advisory at writing)


# --- the students' own ratings ----------------------------------------------------------------


def student_reflections(
    members: QuerySet[Membership], advisories: QuerySet[Advisory], *, year_level: int | None
) -> QuerySet[Reflection]:
    """The own reflections of the students of ``members``, written while they were in one of
    ``advisories`` (and at ``year_level``, when one is given)."""
    reflections = Reflection.objects.filter(
        perspective=STUDENT,
        student_id__in=members.values("student_id"),
        advisory_id__in=advisories.values("pk"),
    )
    if year_level is not None:
        reflections = reflections.filter(year_level=year_level)
    return reflections.order_by()


def student_ratings(
    members: QuerySet[Membership], advisories: QuerySet[Advisory], *, year_level: int | None
) -> QuerySet[Rating]:
    """The own ratings of the students of ``members``, written while they were in one of
    ``advisories`` (and at ``year_level``, when one is given)."""
    ratings = Rating.objects.filter(
        reflection__perspective=STUDENT,
        reflection__student_id__in=members.values("student_id"),
        reflection__advisory_id__in=advisories.values("pk"),
    )
    if year_level is not None:
        ratings = ratings.filter(reflection__year_level=year_level)
    return ratings.order_by()


def rating_counts(ratings: QuerySet[Rating], term_ids: list[int]) -> dict[Key, dict[int, Counts]]:
    """Per term and advisory at writing, per expectation, how many gave each score from 1 to
    5 (one query)."""
    rows = (
        ratings.filter(reflection__term_id__in=term_ids)
        .values_list("reflection__term_id", "reflection__advisory_id", "expectation_id")
        .annotate(**{f"n{score}": Count("pk", filter=Q(score=score)) for score in SCORES})
    )
    found: dict[Key, dict[int, Counts]] = {}
    for term_id, advisory_id, expectation_id, *counts in rows:
        found.setdefault((term_id, advisory_id), {})[expectation_id] = counts
    return found


def respondents(reflections: QuerySet[Reflection], term_ids: list[int]) -> dict[Key, int]:
    """Per term and advisory at writing, how many students rated at least one expectation
    (one query; a student writes one reflection of their own a term)."""
    # Counting reflections that have a rating probes the ratings' index once per reflection,
    # where counting distinct reflections over their ratings reads every rating of the years.
    rows = (
        reflections.filter(
            Exists(Rating.objects.filter(reflection_id=OuterRef("pk"))), term_id__in=term_ids
        )
        .values_list("term_id", "advisory_id")
        .annotate(students=Count("pk"))
    )
    return {(term_id, advisory_id): students for term_id, advisory_id, students in rows}


def added(first: Counts | None, second: Counts | None) -> Counts:
    """Two distributions of scores as one."""
    return [a + b for a, b in zip(first or [0] * 5, second or [0] * 5, strict=True)]


def who_reflected(members: QuerySet[Membership], ratings: QuerySet[Rating]) -> QuerySet[Membership]:
    """The memberships of the students with one of ``ratings``: who reflected, never what
    they gave."""
    return members.filter(
        Exists(ratings.filter(reflection__student_id=OuterRef("student_id")).values("pk"))
    )


# --- early warning ------------------------------------------------------------------------------


def status_counts(members: QuerySet[Membership]) -> dict[int, dict[str, int]]:
    """Per advisory, how many students are on track, on watch, to act, or not computed yet
    (one query; the status is the one last computed, whatever the report's period)."""
    status = "student__engagement__status"
    rows = (
        members.order_by()
        .values("advisory_id")
        .annotate(
            **{
                value: Count("pk", filter=Q(**{status: value}))
                for value in Engagement.Status.values
            },
            **{NOT_COMPUTED: Count("pk", filter=Q(student__engagement__isnull=True))},
        )
    )
    return {row.pop("advisory_id"): row for row in rows}


def with_status(members: QuerySet[Membership], status: str) -> QuerySet[Membership]:
    """The memberships of the students with a status (``NOT_COMPUTED``: without one)."""
    if status == NOT_COMPUTED:
        return members.filter(student__engagement__isnull=True)
    return members.filter(student__engagement__status=status)


# --- attendance ---------------------------------------------------------------------------------


def attendance(members: QuerySet[Membership], start: date, end: date) -> dict[int, dict]:
    """Per advisory of ``members``: the days the roll was taken in it, the student-days (each
    day a roll was taken in an advisory a student was in that day) and the students' absent,
    late and excused marks, from ``start`` to ``end`` (two queries)."""
    sheet = "student__memberships__advisory__attendance_sheets"
    stint = "student__memberships"
    days = (
        members.order_by()
        .filter(
            Q(**{f"{stint}__end_date__isnull": True})
            | Q(**{f"{stint}__end_date__gt": F(f"{sheet}__on")}),
            **{
                f"{sheet}__on__gte": start,
                f"{sheet}__on__lte": end,
                f"{stint}__start_date__lte": F(f"{sheet}__on"),
            },
        )
        .values("advisory_id")
        .annotate(
            student_days=Count("pk"),
            days=Count(
                f"{sheet}__pk",
                distinct=True,
                filter=Q(**{f"{stint}__advisory_id": F("advisory_id")}),
            ),
        )
    )
    found = {
        row["advisory_id"]: {"days": row["days"], "student_days": row["student_days"]}
        | dict.fromkeys(MARKS, 0)
        for row in days
    }
    marks = (
        members.order_by()
        .filter(student__attendance__sheet__on__gte=start, student__attendance__sheet__on__lte=end)
        .values("advisory_id")
        .annotate(
            **{
                status: Count("pk", filter=Q(student__attendance__status=status))
                for status in MARKS
            }
        )
    )
    for row in marks:
        into = found.setdefault(row.pop("advisory_id"), {"days": 0, "student_days": 0})
        into.update(row)
    return found


def with_mark(
    members: QuerySet[Membership], status: str, start: date, end: date
) -> QuerySet[Membership]:
    """The memberships of the students marked ``status`` at least once from start to end."""
    marked = AttendanceMark.objects.filter(
        student_id=OuterRef("student_id"),
        status=status,
        sheet__on__gte=start,
        sheet__on__lte=end,
    )
    return members.filter(Exists(marked))
