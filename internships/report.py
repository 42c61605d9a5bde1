"""The internships' section of the school-wide report: participation, confirmed hours against
the year level's target, hours by site and career cluster, mentors' background checks, days
waiting for the mentor, internships gone quiet and how long a family takes to consent. Each
is aggregated in the database from the students a report is about (a queryset of their ids,
or their memberships on the report's day)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from internships.models import DailyLog, HoursTarget, Mentor, Placement
from internships.selectors.logs import QUIET_AFTER_DAYS

Status = Placement.Status
Review = DailyLog.Review
ZERO = Decimal("0")
HOURS = DecimalField(max_digits=10, decimal_places=2)

# A mentor's check that ends within this many days of the report's day is "expiring".
EXPIRING_WITHIN = timedelta(days=30)

# Shares of the year level's target: (key, from, below); None is open-ended.
HOUR_BANDS = (
    ("none", None, None),
    ("quarter", Decimal("0"), Decimal("0.25")),
    ("half", Decimal("0.25"), Decimal("0.5")),
    ("three_quarters", Decimal("0.5"), Decimal("0.75")),
    ("almost", Decimal("0.75"), Decimal("1")),
    ("met", Decimal("1"), None),
)

# Age of a day waiting for the mentor, in days since the day: (key, from, to) inclusive.
AGE_BANDS = (("week", 0, 7), ("fortnight", 8, 14), ("month", 15, 30), ("older", 31, None))

# Days between the advisor's approval and the family's consent: (key, from, below).
CONSENT_BANDS = (
    ("day", timedelta(0), timedelta(days=1)),
    ("three", timedelta(days=1), timedelta(days=3)),
    ("week", timedelta(days=3), timedelta(days=7)),
    ("fortnight", timedelta(days=7), timedelta(days=14)),
    ("longer", timedelta(days=14), None),
)


# --- participation -----------------------------------------------------------------------------


def ran(start: date, end: date, prefix: str = "") -> Q:
    """The internship ran in the period: the mentor took the intern on (active, completed,
    or ended early after it started) and its days overlap the period."""
    started = Q(**{f"{prefix}status__in": Placement.STARTED}) | Q(
        **{f"{prefix}status": Status.ENDED, f"{prefix}accepted_at__isnull": False}
    )
    return started & Q(**{f"{prefix}start_on__lte": end, f"{prefix}end_on__gte": start})


def participation(members: QuerySet, start: date, end: date) -> dict[int, tuple[int, int]]:
    """Per graduating class: (students, students with an internship that ran in the period)."""
    rows = (
        members.order_by()
        .values("student__graduating_class")
        .annotate(
            students=Count("student_id", distinct=True),
            interns=Count(
                "student_id", distinct=True, filter=ran(start, end, "student__placements__")
            ),
        )
        .values_list("student__graduating_class", "students", "interns")
    )
    return {graduating_class: (students, interns) for graduating_class, students, interns in rows}


def interns(students: QuerySet, start: date, end: date) -> QuerySet:
    """The students with an internship that ran in the period."""
    return students.filter(pk__in=Placement.objects.filter(ran(start, end)).values("student_id"))


# --- hours -------------------------------------------------------------------------------------


def counted(start: date, end: date, prefix: str = "") -> Q:
    """A day's confirmed hours count in the period: the mentor reviewed the day (a disputed
    day counts the hours the mentor stood by, as on the student's own pages)."""
    return ~Q(**{f"{prefix}review": Review.CLAIMED}) & Q(
        **{f"{prefix}on__gte": start, f"{prefix}on__lte": end}
    )


def targets(school_id: int) -> dict[int, int]:
    """Year level -> the school's hours target (levels without one left out)."""
    rows = HoursTarget.objects.filter(school_id=school_id).values_list("year_level", "hours")
    return {level: hours for level, hours in rows if hours}


def with_hours(students: QuerySet, start: date, end: date) -> QuerySet:
    """The students, each with ``confirmed``: their hours confirmed in the period."""
    return students.annotate(
        confirmed=Coalesce(
            Sum(
                "placements__logs__confirmed_hours",
                filter=counted(start, end, "placements__logs__"),
            ),
            Value(ZERO),
            output_field=HOURS,
        )
    )


def band(key: str, target: int) -> Q:
    """The students whose confirmed hours fall in a band of the target (see HOUR_BANDS)."""
    if key == "none":
        return Q(confirmed=0)
    _key, low, below = next(entry for entry in HOUR_BANDS if entry[0] == key)
    condition = Q(confirmed__gt=0, confirmed__gte=low * target)
    if below is not None:
        condition &= Q(confirmed__lt=below * target)
    return condition


def hours_bands(
    students: QuerySet, start: date, end: date, classes: dict[int, int]
) -> dict[int, dict]:
    """Per graduating class (``classes``: class -> its target, 0 when none): the students in
    each band of the target, their number and their mean confirmed hours. One query."""
    sums = {}
    for graduating_class, target in classes.items():
        mine = Q(graduating_class=graduating_class)
        sums[f"n{graduating_class}"] = Count("pk", filter=mine)
        sums[f"m{graduating_class}"] = Avg("confirmed", filter=mine)
        if target:
            for key, *_range in HOUR_BANDS:
                sums[f"b{graduating_class}_{key}"] = Count("pk", filter=mine & band(key, target))
    if not sums:
        return {}
    totals = with_hours(students, start, end).aggregate(**sums)
    return {
        graduating_class: {
            "students": totals[f"n{graduating_class}"],
            "mean": totals[f"m{graduating_class}"],
            "bands": {
                key: totals.get(f"b{graduating_class}_{key}", 0) for key, *_range in HOUR_BANDS
            },
        }
        for graduating_class in classes
    }


def students_in_band(students: QuerySet, start: date, end: date, key: str, target: int):
    return with_hours(students, start, end).filter(band(key, target))


def hours_by(students: QuerySet, start: date, end: date, *fields: str) -> list[tuple]:
    """Confirmed hours in the period grouped by fields of the placement's site (its id and
    name, or its cluster): (*fields, hours, days, students), most hours first."""
    grouped = [f"placement__site__{field}" for field in fields]
    return list(
        DailyLog.objects.filter(
            counted(start, end),
            placement__student_id__in=students.values("pk"),
            confirmed_hours__isnull=False,
        )
        .order_by()
        .values(*grouped)
        .annotate(
            hours=Sum("confirmed_hours"),
            days=Count("pk"),
            students=Count("placement__student_id", distinct=True),
        )
        .order_by("-hours", *grouped)
        .values_list(*grouped, "hours", "days", "students")
    )


def students_with_hours_at(students: QuerySet, start: date, end: date, **site) -> QuerySet:
    """The students with confirmed hours in the period at a site or in a cluster."""
    days = DailyLog.objects.filter(
        counted(start, end),
        confirmed_hours__isnull=False,
        **{f"placement__site__{key}": value for key, value in site.items()},
    )
    return students.filter(pk__in=days.values("placement__student_id"))


def confirmed_column(start: date, end: date) -> Coalesce:
    """A student's confirmed hours in the period, as a column of the list of students."""
    days = (
        DailyLog.objects.filter(counted(start, end), placement__student_id=OuterRef("pk"))
        .order_by()
        .values("placement__student_id")
        .annotate(total=Sum("confirmed_hours"))
        .values("total")
    )
    return Coalesce(Subquery(days, output_field=HOURS), Value(ZERO), output_field=HOURS)


# --- mentors' checks ---------------------------------------------------------------------------


def working(students: QuerySet, day: date) -> QuerySet:
    """Placements of the students that are signed or running on the day and not over."""
    return Placement.objects.filter(
        student_id__in=students.values("pk"),
        status__in=(Status.APPROVED, Status.CONSENTED, Status.ACTIVE),
        end_on__gte=day,
    )


def check_due(day: date) -> Q:
    """The mentor's background check has expired, ends within EXPIRING_WITHIN, or has no
    expiry date on file."""
    return Q(check_expires_on__lte=day + EXPIRING_WITHIN) | Q(check_expires_on__isnull=True)


def mentors_to_check(students: QuerySet, day: date) -> list[tuple]:
    """Mentors of the students' internships under way whose check is due: (pk, first name,
    last name, email, site, check status, expires on, interns), soonest expiry first."""
    return list(
        Mentor.objects.filter(check_due(day), placements__in=working(students, day))
        .order_by()
        .values(
            "pk",
            "user__first_name",
            "user__last_name",
            "user__email",
            "site__organization",
            "background_check",
            "check_expires_on",
        )
        .annotate(interns=Count("placements__student_id", distinct=True))
        .order_by(F("check_expires_on").asc(nulls_first=True), "user__last_name", "pk")
        .values_list(
            "pk",
            "user__first_name",
            "user__last_name",
            "user__email",
            "site__organization",
            "background_check",
            "check_expires_on",
            "interns",
        )
    )


def mentored(students: QuerySet, day: date, mentor: int) -> QuerySet:
    """The students whose internship under way is with a mentor whose check is due."""
    placements = working(students, day).filter(
        mentor__in=Mentor.objects.filter(check_due(day), pk=mentor)
    )
    return students.filter(pk__in=placements.values("student_id"))


# --- days unconfirmed and internships gone quiet -----------------------------------------------


def waiting(start: date, day: date, prefix: str = "") -> Q:
    """A day of the period (up to the report's day) the student checked out of and the
    mentor has not reviewed."""
    return Q(
        **{
            f"{prefix}review": Review.CLAIMED,
            f"{prefix}checked_out_at__isnull": False,
            f"{prefix}on__gte": start,
            f"{prefix}on__lte": day,
        }
    )


def aged(day: date, key: str) -> Q:
    """Days waiting whose age (days since the day logged) falls in an AGE_BANDS band."""
    _key, low, high = next(entry for entry in AGE_BANDS if entry[0] == key)
    condition = Q(on__lte=day - timedelta(days=low))
    if high is not None:
        condition &= Q(on__gte=day - timedelta(days=high))
    return condition


def unconfirmed(members: QuerySet, start: date, day: date) -> dict[int, dict]:
    """Per advisory: days waiting for the mentor, by age, their students and the oldest
    day."""
    rows = (
        DailyLog.objects.filter(waiting(start, day), placement__student__memberships__in=members)
        .order_by()
        .values("placement__student__memberships__advisory_id")
        .annotate(
            days=Count("pk"),
            students=Count("placement__student_id", distinct=True),
            oldest=Min("on"),
            **{key: Count("pk", filter=aged(day, key)) for key, *_range in AGE_BANDS},
        )
    )
    return {row.pop("placement__student__memberships__advisory_id"): row for row in rows}


def students_waiting(students: QuerySet, start: date, day: date, key: str = "") -> QuerySet:
    days = DailyLog.objects.filter(waiting(start, day))
    if key:
        days = days.filter(aged(day, key))
    return students.filter(pk__in=days.values("placement__student_id"))


def unconfirmed_column(start: date, day: date) -> Coalesce:
    """A student's days of the period waiting for the mentor, as a column."""
    days = (
        DailyLog.objects.filter(waiting(start, day), placement__student_id=OuterRef("pk"))
        .order_by()
        .values("placement__student_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(days), Value(0))


def gone_quiet(day: date) -> Q:
    """An active internship with no day logged in the QUIET_AFTER_DAYS days before the
    report's day (nor since its first day): the advisor's internship view's rule."""
    before = day - timedelta(days=QUIET_AFTER_DAYS)
    recent = DailyLog.objects.filter(placement_id=OuterRef("pk"), on__gt=before, on__lte=day)
    return Q(start_on__lte=before) & ~Exists(recent)


def active_on(day: date) -> Q:
    return Q(status=Status.ACTIVE, start_on__lte=day)


def quiet(members: QuerySet, day: date) -> dict[int, tuple[int, int]]:
    """Per advisory: (active internships, those gone quiet)."""
    rows = (
        Placement.objects.filter(active_on(day), student__memberships__in=members)
        .order_by()
        .values("student__memberships__advisory_id")
        .annotate(active=Count("pk"), quiet=Count("pk", filter=gone_quiet(day)))
        .values_list("student__memberships__advisory_id", "active", "quiet")
    )
    return {advisory: (active, silent) for advisory, active, silent in rows}


def students_quiet(students: QuerySet, day: date, *, only_quiet: bool = True) -> QuerySet:
    placements = Placement.objects.filter(active_on(day))
    if only_quiet:
        placements = placements.filter(gone_quiet(day))
    return students.filter(pk__in=placements.values("student_id"))


def quiet_column(day: date) -> Exists:
    """The student has an internship gone quiet, as a column."""
    return Exists(
        Placement.objects.filter(active_on(day), gone_quiet(day), student_id=OuterRef("pk"))
    )


# --- families' consent -------------------------------------------------------------------------


def turnaround() -> ExpressionWrapper:
    return ExpressionWrapper(F("consented_at") - F("approved_at"), output_field=DurationField())


def consents(students: QuerySet, start: datetime, end: datetime) -> QuerySet:
    """Placements of the students consented to in [start, end) after the advisor approved
    them, each with ``turnaround``: the time from approval to consent."""
    return Placement.objects.filter(
        student_id__in=students.values("pk"),
        approved_at__isnull=False,
        consented_at__gte=start,
        consented_at__lt=end,
    ).annotate(turnaround=turnaround())


def in_band(key: str) -> Q:
    _key, low, below = next(entry for entry in CONSENT_BANDS if entry[0] == key)
    condition = Q(turnaround__gte=low)
    if below is not None:
        condition &= Q(turnaround__lt=below)
    return condition


def awaiting_consent(students: QuerySet, end: datetime) -> QuerySet:
    """Placements approved by the advisor before ``end`` and still waiting for the family."""
    return Placement.objects.filter(
        student_id__in=students.values("pk"),
        status=Status.APPROVED,
        approved_at__lt=end,
        consented_at__isnull=True,
    )


def consent_turnaround(students: QuerySet, start: datetime, end: datetime) -> dict:
    """Consents given in [start, end): how many in each band of days after approval, their
    median and mean in days, and the approvals still waiting for a family. Three queries at
    most (the median reads the one or two middle values, sorted by the database)."""
    given = consents(students, start, end)
    sums = given.aggregate(
        mean=Avg("turnaround"),
        **{key: Count("pk", filter=in_band(key)) for key, *_range in CONSENT_BANDS},
    )
    count = sum(sums[key] for key, *_range in CONSENT_BANDS)
    median = None
    if count:
        middle = list(
            given.order_by("turnaround", "pk").values_list("turnaround", flat=True)[
                (count - 1) // 2 : count // 2 + 1
            ]
        )
        median = sum(middle, timedelta(0)) / len(middle)
    return {
        "bands": {key: sums[key] for key, *_range in CONSENT_BANDS},
        "count": count,
        "median": days_of(median),
        "mean": days_of(sums["mean"]),
        "waiting": awaiting_consent(students, end).count(),
    }


def days_of(span: timedelta | None) -> float | None:
    return None if span is None else span.total_seconds() / 86400


def students_consented(students: QuerySet, start: datetime, end: datetime, key: str):
    placements = consents(students, start, end).filter(in_band(key))
    return students.filter(pk__in=placements.values("student_id"))


def students_awaiting_consent(students: QuerySet, end: datetime) -> QuerySet:
    return students.filter(pk__in=awaiting_consent(students, end).values("student_id"))
