"""The students app's section of the school-wide report: learning plans, plan meetings,
narratives, exhibitions and gateways, each aggregated in the database from a queryset of
memberships (the students a report is about, in the advisory they were in on the report's
day) and the report's terms: a queryset, or the terms' ids when the page has them already
(a list of ids lets PostgreSQL read only those terms' rows through the term index, where a
subquery of terms has it scan every year's).

Grouping by advisory joins through ``student__memberships__in=members`` in the same
``filter()`` call that groups by ``student__memberships__advisory_id``, so the join is the
one the filter made and a student counts once, in their advisory of the report's day.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet

from advisories.models import Membership
from bigpicture.models import Term
from students.models import (
    FIVE_GOALS,
    Exhibition,
    Feedback,
    LearningGoal,
    LearningPlan,
    Narrative,
    PlanItem,
    PlanMeeting,
    Student,
)

ADVISORY = "student__memberships__advisory_id"
NONE = "none"  # a student of the report without a plan that term
# Days a plan has waited for review: the upper bound of each band (None: no bound).
WAITING_BANDS = (7, 14, 30, None)
LEVELS = tuple(Feedback.Level.values)
GATEWAYS = (Exhibition.Gateway.YEAR_TWO, Exhibition.Gateway.GRADUATION)
Terms = QuerySet[Term] | list[int]


def in_advisories(queryset: QuerySet, members: QuerySet[Membership], **filters) -> QuerySet:
    """Rows of the students in ``members`` (with ``filters``), ready to group by advisory."""
    return queryset.filter(student__memberships__in=members, **filters).order_by()


def term_sizes(members: QuerySet[Membership]) -> dict[int, int]:
    """Per advisory, the number of students in the report."""
    rows = members.order_by().values("advisory_id").annotate(size=Count("pk"))
    return {row["advisory_id"]: row["size"] for row in rows}


def terms_of(terms: QuerySet[Term]) -> list[tuple[int, str]]:
    """The report's terms as (pk, name), in date order."""
    return list(terms.order_by("start_date").values_list("pk", "name"))


# --- learning plans ----------------------------------------------------------------------------


def plan_statuses(members: QuerySet[Membership], terms: Terms) -> dict:
    """Per (term, advisory), how many plans of each status."""
    rows = (
        in_advisories(LearningPlan.objects, members, term__in=terms)
        .values("term_id", ADVISORY, "status")
        .annotate(count=Count("pk"))
        .values_list("term_id", ADVISORY, "status", "count")
    )
    counts: dict = {}
    for term, advisory, status, count in rows:
        counts.setdefault((term, advisory), {})[status] = count
    return counts


def waiting_since(today: date, days: int, zone: ZoneInfo) -> datetime:
    """The first moment of the school's day ``days`` before ``today``."""
    return datetime.combine(today - timedelta(days=days), time.min, tzinfo=zone)


def waiting(members: QuerySet[Membership], terms: Terms, today: date, zone: ZoneInfo):
    """Per advisory, the plans waiting for review in each band of days waited, and when the
    longest-waiting one was submitted."""
    bands, lower = {}, None
    for index, upper in enumerate(WAITING_BANDS):
        band = Q()
        if upper is not None:
            # Waited at most ``upper`` days: submitted on or after that day began.
            band &= Q(submitted_at__gte=waiting_since(today, upper, zone))
        if lower is not None:
            band &= Q(submitted_at__lt=waiting_since(today, lower, zone))
        bands[f"band_{index}"] = Count("pk", filter=band)
        lower = upper
    rows = (
        in_advisories(
            LearningPlan.objects,
            members,
            term__in=terms,
            status=LearningPlan.Status.SUBMITTED,
            submitted_at__isnull=False,
        )
        .values(ADVISORY)
        .annotate(oldest=Min("submitted_at"), **bands)
    )
    return {
        row[ADVISORY]: (
            [row[f"band_{index}"] for index in range(len(WAITING_BANDS))],
            row["oldest"],
        )
        for row in rows
    }


def waiting_band(plans: QuerySet, band: int, today: date, zone: ZoneInfo) -> QuerySet:
    """Plans waiting for review in one band of days waited."""
    upper = WAITING_BANDS[band]
    lower = WAITING_BANDS[band - 1] if band else None
    plans = plans.filter(status=LearningPlan.Status.SUBMITTED, submitted_at__isnull=False)
    if upper is not None:
        plans = plans.filter(submitted_at__gte=waiting_since(today, upper, zone))
    if lower is not None:
        plans = plans.filter(submitted_at__lt=waiting_since(today, lower, zone))
    return plans


def learning_goals() -> list[tuple[int, str, str]]:
    """The learning goals as (pk, code, name), in order."""
    return list(LearningGoal.objects.values_list("pk", "code", "name"))


def goals_met(members: QuerySet[Membership], terms: Terms) -> dict:
    """Per learning goal (None for goals tied to none: personal ones, or not yet tied), the
    goals of the report's plans, those met and the students with one met."""
    met = Q(progress=PlanItem.Progress.MET)
    rows = (
        PlanItem.objects.filter(
            kind=PlanItem.Kind.GOAL,
            plan__term__in=terms,
            plan__student_id__in=members.values("student_id"),
        )
        .order_by()
        .values("learning_goals__id", "is_personal")
        .annotate(
            goals=Count("pk"),
            met=Count("pk", filter=met),
            students=Count("plan__student_id", filter=met, distinct=True),
        )
        .values_list("learning_goals__id", "is_personal", "goals", "met", "students")
    )
    return {
        (goal, personal): (goals, met, students) for goal, personal, goals, met, students in rows
    }


def carried(members: QuerySet[Membership], terms: Terms) -> dict:
    """Per advisory: goals and projects of the report's plans, those carried over to a later
    term, those carried in from an earlier one, and the students with either."""
    out = Q(progress=PlanItem.Progress.CARRIED_OVER)
    into = Q(carried_from__isnull=False)
    rows = (
        PlanItem.objects.filter(plan__term__in=terms, plan__student__memberships__in=members)
        .order_by()
        .values("plan__student__memberships__advisory_id")
        .annotate(
            items=Count("pk"),
            out=Count("pk", filter=out),
            into=Count("pk", filter=into),
            students=Count("plan__student_id", filter=out | into, distinct=True),
        )
        .values_list("plan__student__memberships__advisory_id", "items", "out", "into", "students")
    )
    return {advisory: rest for advisory, *rest in rows}


def items_of(members: QuerySet[Membership], terms: Terms) -> QuerySet[PlanItem]:
    """Goals and projects of the report's plans."""
    return PlanItem.objects.filter(
        plan__term__in=terms, plan__student_id__in=members.values("student_id")
    )


def carried_items(items: QuerySet[PlanItem], way: str) -> QuerySet[PlanItem]:
    """Items carried ``out`` to a later term, ``in`` from an earlier one, or ``either``."""
    out = Q(progress=PlanItem.Progress.CARRIED_OVER)
    into = Q(carried_from__isnull=False)
    return items.filter({"out": out, "in": into, "either": out | into}[way])


# --- meetings, narratives, exhibitions ---------------------------------------------------------

HELD_OR_SCHEDULED = (PlanMeeting.Status.HELD, PlanMeeting.Status.SCHEDULED)


def meetings(members: QuerySet[Membership], terms: Terms) -> dict:
    """Per (term, advisory), the plan meetings held and scheduled (a student has at most one
    that is not cancelled per term)."""
    rows = (
        in_advisories(PlanMeeting.objects, members, term__in=terms, status__in=HELD_OR_SCHEDULED)
        .values("term_id", ADVISORY)
        .annotate(
            held=Count("pk", filter=Q(status=PlanMeeting.Status.HELD)),
            scheduled=Count("pk", filter=Q(status=PlanMeeting.Status.SCHEDULED)),
        )
        .values_list("term_id", ADVISORY, "held", "scheduled")
    )
    return {(term, advisory): (held, scheduled) for term, advisory, held, scheduled in rows}


def narratives(members: QuerySet[Membership], terms: Terms) -> dict:
    """Per (term, advisory): students' narratives written, advisors' narratives written and
    advisors' narratives published to the family."""
    student = Q(kind=Narrative.Kind.STUDENT)
    advisor = Q(kind=Narrative.Kind.ADVISOR)
    rows = (
        in_advisories(Narrative.objects, members, term__in=terms)
        .values("term_id", ADVISORY)
        .annotate(
            by_student=Count("pk", filter=student),
            by_advisor=Count("pk", filter=advisor),
            published=Count("pk", filter=advisor & Q(published_at__isnull=False)),
        )
        .values_list("term_id", ADVISORY, "by_student", "by_advisor", "published")
    )
    return {(term, advisory): rest for term, advisory, *rest in rows}


def exhibitions(members: QuerySet[Membership], terms: Terms) -> dict:
    """Per (term, advisory): exhibitions held, students who held one, students with one
    scheduled and none held."""
    held = Q(status=Exhibition.Status.HELD)
    rows = (
        in_advisories(Exhibition.objects, members, term__in=terms)
        .values("term_id", ADVISORY)
        .annotate(
            held=Count("pk", filter=held),
            exhibited=Count("student_id", filter=held, distinct=True),
            scheduled=Count(
                "student_id", filter=Q(status=Exhibition.Status.SCHEDULED), distinct=True
            ),
        )
        .values_list("term_id", ADVISORY, "held", "exhibited", "scheduled")
    )
    return {(term, advisory): rest for term, advisory, *rest in rows}


def rated(code: str, level: int) -> Q:
    """A panelist's rubric gave this level on this learning goal (a key of the JSON)."""
    return Q(**{f"ratings__{code}": level})


def ratings(members: QuerySet[Membership], terms: Terms) -> dict[tuple[str, int], int]:
    """Per (learning goal code, level), the panelists' ratings of the report's held
    exhibitions: one query counting each distinct rubric (a few hundred at most, whatever
    the school's size), each then tallied under the levels it gives."""
    counts = dict.fromkeys(((code, level) for code in FIVE_GOALS for level in LEVELS), 0)
    rubrics = feedback_of(members, terms).values("ratings").annotate(count=Count("pk"))
    for rubric, count in rubrics.values_list("ratings", "count"):
        for code, level in rubric.items():
            # As the filter on the JSON key would: true or a list is no level.
            if not isinstance(level, bool | list | dict) and (code, level) in counts:
                counts[(code, level)] += count
    return counts


def feedback_of(members: QuerySet[Membership], terms: Terms) -> QuerySet[Feedback]:
    """Panelists' feedback on the report's students' exhibitions held in its terms."""
    return Feedback.objects.filter(
        exhibition__status=Exhibition.Status.HELD,
        exhibition__term__in=terms,
        exhibition__student_id__in=members.values("student_id"),
    ).order_by()


def gateways(members: QuerySet[Membership], end: date) -> dict:
    """Per graduating class and gateway: students who had passed it by ``end``, and those
    who presented it by then without passing it yet."""
    rows = (
        Exhibition.objects.filter(
            student_id__in=members.values("student_id"),
            gateway__in=GATEWAYS,
            status=Exhibition.Status.HELD,
            term__start_date__lte=end,
        )
        .order_by()
        .values("student__graduating_class", "gateway")
        .annotate(
            passed=Count("student_id", filter=Q(outcome=Exhibition.Outcome.PASSED), distinct=True),
            presented=Count("student_id", distinct=True),
        )
        .values_list("student__graduating_class", "gateway", "passed", "presented")
    )
    return {(gc, gateway): (passed, presented) for gc, gateway, passed, presented in rows}


def class_sizes(members: QuerySet[Membership]) -> dict[int, int]:
    """Per graduating class, the number of students in the report."""
    rows = (
        members.order_by()
        .values("student__graduating_class")
        .annotate(size=Count("pk"))
        .values_list("student__graduating_class", "size")
    )
    return dict(rows)


def passed_gateway(gateway: str, end: date) -> Exists:
    """The student (the outer row) had passed this gateway by ``end``."""
    return Exists(
        Exhibition.objects.filter(
            student_id=OuterRef("pk"),
            gateway=gateway,
            status=Exhibition.Status.HELD,
            outcome=Exhibition.Outcome.PASSED,
            term__start_date__lte=end,
        )
    )


def students_of(rows: QuerySet, field: str = "student_id") -> QuerySet[Student]:
    """The students behind some rows (plans, meetings, ...)."""
    return Student.objects.filter(pk__in=rows.values(field))
