"""Hours of the daily log: totals per week, term and school year of a placement's days, and a
student's hours this school year against the school's target for their year level. Each a
fixed number of queries whatever the number of days."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from bigpicture.models import School, SchoolYear, Term
from bigpicture.prepared import instance, prepared
from bigpicture.selectors import current_term, current_year
from internships.models import DailyLog, HoursTarget, Placement

Review = DailyLog.Review
ZERO = Decimal("0")
WEEKS_SHOWN = 53


def _hours(expression: str, condition: Q) -> Coalesce:
    return Coalesce(
        Sum(expression, filter=condition),
        Value(ZERO),
        output_field=DecimalField(max_digits=8, decimal_places=2),
    )


def _claimed(condition: Q | None = None) -> Coalesce:
    """Hours the student claimed at check-out."""
    return _hours("hours", (condition or Q()) & Q(checked_out_at__isnull=False))


def _confirmed(condition: Q | None = None) -> Coalesce:
    """Hours the mentor confirmed (a disputed day counts the hours the mentor stood by)."""
    return _hours("confirmed_hours", (condition or Q()) & ~Q(review=Review.CLAIMED))


def _between(start: date, end: date) -> Q:
    return Q(on__gte=start, on__lte=end)


# --- targets -----------------------------------------------------------------------------------


def targets_of(school: School) -> dict[int, int]:
    """Year level -> hours the school expects in a school year (levels without a target left
    out)."""
    return {level: hours for level, hours in _targets(school.pk) if hours}


@prepared
def _targets(school: int):
    return HoursTarget.objects.filter(school_id=school).values_list("year_level", "hours")


def year_share_elapsed(year: SchoolYear | None, today: date) -> float:
    """How much of the school year has gone by, from 0 to 1."""
    if year is None:
        return 0.0
    length = (year.end_date - year.start_date).days + 1
    gone = (today - year.start_date).days + 1
    return min(max(gone / length, 0.0), 1.0)


@dataclass
class Progress:
    """Hours of a school year against the target of the student's year level."""

    claimed: Decimal
    confirmed: Decimal
    target: int | None
    share: float  # of the school year elapsed

    @property
    def expected(self) -> Decimal | None:
        """The confirmed hours the student should have by now, were they on track."""
        if not self.target:
            return None
        return (Decimal(self.target) * Decimal(str(self.share))).quantize(Decimal("0.1"))

    @property
    def behind(self) -> bool:
        return self.expected is not None and self.confirmed < self.expected

    @property
    def percent(self) -> int | None:
        """Confirmed hours as a share of the target, for a progress bar."""
        if not self.target:
            return None
        return min(int(self.confirmed * 100 / self.target), 100)


# --- totals ------------------------------------------------------------------------------------


@dataclass
class Totals:
    """Claimed and confirmed hours of some logs: this week, each term and the school year."""

    week_start: date
    week: dict
    year: SchoolYear | None
    year_totals: dict
    terms: list = field(default_factory=list)  # (term, totals) for each term of the year
    term: Term | None = None
    weeks: list = field(default_factory=list)  # rows: week, claimed, confirmed, days
    days: int = 0  # every day of the logs, whenever it was
    newest_first: list = field(default_factory=list)  # the date of each day, newest first


def hours_totals(logs, school: School, *, days=None, year=False) -> Totals:
    """Totals of a set of logs per ISO week, per term and for the school year running now.

    Two queries at any number of logs: the year's terms and the logs' days. The logs are one
    placement's (a few hundred days at the most), so their hours are added up here in one
    pass: cheaper than compiling a conditional aggregate for every span and a grouping by
    week, and the same sums.
    """
    today = school.today()
    monday = today - timedelta(days=today.weekday())
    year = current_year(school) if year is False else year
    terms = [instance(Term, TERM_COLUMNS, row) for row in _terms(year.pk)] if year else []
    spans = {"week": (monday, monday + timedelta(days=6))}
    if year:
        spans["year"] = (year.start_date, year.end_date)
    for term in terms:
        spans[f"term{term.pk}"] = (term.start_date, term.end_date)
    sums = {name: {"claimed": ZERO, "confirmed": ZERO} for name in spans}
    weeks: dict[date, dict] = {}
    days = _day_hours(logs) if days is None else days
    for on, claimed, confirmed in days:
        week = on - timedelta(days=on.weekday())
        row = weeks.setdefault(week, {"claimed": ZERO, "confirmed": ZERO, "days": 0})
        row["claimed"] += claimed or ZERO
        row["confirmed"] += confirmed or ZERO
        row["days"] += 1
        if claimed is None and confirmed is None:
            continue
        for name, (start, end) in spans.items():
            if start <= on <= end:
                sums[name]["claimed"] += claimed or ZERO
                sums[name]["confirmed"] += confirmed or ZERO

    running = current_term(school)
    return Totals(
        week_start=monday,
        week=sums["week"],
        year=year,
        year_totals=sums.get("year", {"claimed": ZERO, "confirmed": ZERO}),
        terms=[(term, sums[f"term{term.pk}"]) for term in terms],
        term=running if running and any(t.pk == running.pk for t in terms) else None,
        weeks=_weekly(weeks),
        days=sum(row["days"] for row in weeks.values()),
        newest_first=sorted((day[0] for day in days), reverse=True),
    )


TERM_COLUMNS = ("start_date", "end_date", "school_year_id", "name")


@prepared
def _terms(year: int):
    terms = Term.objects.filter(school_year_id=year).order_by("start_date")
    return terms.values_list("pk", *TERM_COLUMNS)


DAY_COLUMNS = ("on", "hours", "checked_out_at", "confirmed_hours", "review")


@prepared
def _placement_days(placement: int):
    return DailyLog.objects.filter(placement_id=placement).order_by().values_list(*DAY_COLUMNS)


@prepared
def _student_days(student: int):
    days = DailyLog.objects.filter(placement__student_id=student).order_by()
    return days.values_list("placement_id", *DAY_COLUMNS)


def _day_hours(logs):
    """Each day of the logs with the hours it counts as claimed (checked out) and as
    confirmed (reviewed by the mentor), None where it counts none, as ``_claimed()`` and
    ``_confirmed()`` count them."""
    rows = logs.order_by().values_list("on", "hours", "checked_out_at", "confirmed_hours", "review")
    return [_counted(*row) for row in rows]


def _counted(on, hours, checked_out_at, confirmed_hours, review):
    claimed = hours if checked_out_at is not None else None
    confirmed = confirmed_hours if review != Review.CLAIMED else None
    return on, claimed, confirmed


def placement_hours(placement: Placement, *, with_progress: bool):
    """The placement's ``hours_totals`` and, ``with_progress``, the student's ``Progress``
    (their hours this school year, every internship together, against their target): one
    read of the student's days serves both (the student's internships are a few hundred
    days at the most), rather than a conditional aggregate."""
    student = placement.student
    school = student.school
    if not with_progress:
        days = [_counted(*row) for row in _placement_days(placement.pk)]
        return hours_totals(None, school, days=days), None
    days, everywhere = [], []
    for placement_id, *row in _student_days(student.pk):
        day = _counted(*row)
        everywhere.append(day)
        if placement_id == placement.pk:
            days.append(day)
    year = current_year(school)
    totals = hours_totals(None, school, days=days, year=year)
    target = None
    claimed = confirmed = ZERO
    if year is not None:
        level = year.year_level(student.graduating_class)
        target = targets_of(school).get(level) if level else None
        start, end = year.start_date, year.end_date
        for on, claimed_on, confirmed_on in everywhere:
            if start <= on <= end:
                claimed += claimed_on or ZERO
                confirmed += confirmed_on or ZERO
    return totals, Progress(claimed, confirmed, target, year_share_elapsed(year, school.today()))


def _weekly(weeks: dict) -> list[dict]:
    """Claimed and confirmed hours per ISO week (Monday first), newest week first."""
    rows = []
    for week in sorted(weeks, reverse=True)[:WEEKS_SHOWN]:
        iso = week.isocalendar()
        rows.append({"week": week, **weeks[week], "label": f"{iso[0]}-W{iso[1]:02d}"})
    return rows
