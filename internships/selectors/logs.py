"""Reads behind the daily log pages: the logs, hour totals per week, term and school year
against the school's targets, the mentor's waiting list and the advisor's internship view.
Each is a fixed number of queries (database aggregation) whatever the number of logs."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, Max, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from advisories.models import Advisory
from advisories.selectors import current_roster
from bigpicture.links import link
from bigpicture.models import School, SchoolYear, Term
from bigpicture.selectors import current_term, current_year
from internships.models import DailyLog, HoursTarget, Placement
from students.models import Student

Review = DailyLog.Review
ZERO = Decimal("0")
WEEKS_SHOWN = 53
UNCONFIRMED_AFTER = timedelta(days=7)
QUIET_AFTER_DAYS = 14
_MARK = 9_876_543_210  # stands in for a placement's number in its link


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
    rows = HoursTarget.objects.filter(school=school).values_list("year_level", "hours")
    return {level: hours for level, hours in rows if hours}


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
    terms = list(year.terms.order_by("start_date")) if year else []
    spans = {"week": (monday, monday + timedelta(days=6))}
    if year:
        spans["year"] = (year.start_date, year.end_date)
    for term in terms:
        spans[f"term{term.pk}"] = (term.start_date, term.end_date)
    sums = {name: {"claimed": ZERO, "confirmed": ZERO} for name in spans}
    weeks: dict[date, dict] = {}
    for on, claimed, confirmed in _day_hours(logs) if days is None else days:
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
    )


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
    """The placement's ``hours_totals`` and, ``with_progress``, the student's
    ``student_progress``: one read of the student's days serves both (the student's
    internships are a few hundred days at the most), rather than a conditional aggregate."""
    student = placement.student
    school = student.school
    if not with_progress:
        return hours_totals(placement.logs.all(), school), None
    rows = DailyLog.objects.filter(placement__student_id=student.pk).values_list(
        "placement_id", "on", "hours", "checked_out_at", "confirmed_hours", "review"
    )
    days, everywhere = [], []
    for placement_id, *row in rows:
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


def student_progress(student: Student, *, year: SchoolYear | None = None) -> Progress:
    """A student's hours this school year, all internships together, against their target."""
    school = student.school
    year = year or current_year(school)
    target = None
    claimed = confirmed = ZERO
    if year is not None:
        level = year.year_level(student.graduating_class)
        target = targets_of(school).get(level) if level else None
        span = _between(year.start_date, year.end_date)
        values = DailyLog.objects.filter(placement__student=student).aggregate(
            claimed=_claimed(span), confirmed=_confirmed(span)
        )
        claimed, confirmed = values["claimed"], values["confirmed"]
    return Progress(claimed, confirmed, target, year_share_elapsed(year, school.today()))


# --- the pages ---------------------------------------------------------------------------------


LOG_COLUMNS = (
    *("id", "on", "goal", "did", "reflection", "hours", "learning", "engagement", "support"),
    *("review", "confirmed_hours", "mentor_comment", "checked_out_at"),
)


def placement_logs(placement: Placement):
    """A placement's days, newest first: only the columns the page shows, as dicts (see
    ``logs_shown`` for the rows of one page)."""
    return (
        DailyLog.objects.filter(placement_id=placement.pk)
        .order_by("-on", "-pk")
        .values(*LOG_COLUMNS)
    )


class Row(dict):
    """A row read as values: its columns are keys (for templates) and attributes."""

    __slots__ = ()

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def logs_shown(rows) -> list[Row]:
    """A page of ``placement_logs`` rows as the page shows them: with ``pk``, ``checked_out``
    and the review's label, each label resolved once per request into a plain str."""
    labels = {value: str(label) for value, label in Review.choices}
    shown = [Row(row) for row in rows]
    for row in shown:
        row["pk"] = row["id"]
        row["checked_out"] = row["checked_out_at"] is not None
        row["review_label"] = labels.get(row["review"], row["review"])
    return shown


def waiting_for(user):
    """Days checked out and waiting for a mentor's review, across their interns, oldest first
    (with only what the list shows of each, as values: the day, what was done, the hours,
    the intern's names and the site; ``waiting_shown`` finishes a page of them)."""
    return (
        DailyLog.objects.filter(
            placement__in=Placement.objects.mentored_by(user),
            checked_out_at__isnull=False,
            review=Review.CLAIMED,
        )
        .order_by("on", "pk")
        .values_list(
            *("id", "placement_id", "on", "did", "hours", "placement__site__organization"),
            "placement__student__preferred_name",
            "placement__student__user__first_name",
            "placement__student__user__last_name",
        )
    )


def waiting_shown(rows) -> list[Row]:
    """A page of ``waiting_for`` rows as the list shows them: the intern's name as
    ``Student.display_name`` gives it, the site's name."""
    shown = []
    for pk, placement_id, on, did, hours, site, preferred, first, last in rows:
        name = f"{preferred or first} {last}".strip()
        shown.append(
            Row(pk=pk, placement_id=placement_id, on=on, did=did, hours=hours, site=site, name=name)
        )
    return shown


class PlacementShown:
    """One active internship of a student on the advisor's internship view, as it shows:
    its link, the site's and the mentor's names, and the last day logged (shown)."""

    __slots__ = ("last_log", "last_shown", "mentor", "organization", "pk", "quiet", "url")

    def __init__(self, pk, url, organization, mentor, last_log, last_shown, quiet):
        self.pk, self.url, self.organization, self.mentor = pk, url, organization, mentor
        self.last_log, self.last_shown, self.quiet = last_log, last_shown, quiet


class InternshipRow:
    """One student of an advisory on the advisor's internship view."""

    __slots__ = (
        *("behind", "has_internship", "placements", "progress", "quiet", "student"),
        *("unconfirmed", "year_level"),
    )

    def __init__(self, student, year_level, placements, progress, unconfirmed):
        self.student, self.year_level, self.placements = student, year_level, placements
        self.progress, self.unconfirmed = progress, unconfirmed  # days waiting over a week
        self.has_internship = bool(placements)
        self.quiet = any(placement.quiet for placement in placements)
        self.behind = progress.behind  # worked out once, for the badge and the count


def advisory_internships(advisory: Advisory) -> list[InternshipRow]:
    """The advisory's current students, each with their active internships (site, mentor,
    last day logged), their hours this school year against their target, and the days
    unconfirmed for over a week. Four queries whatever the number of students."""
    school = advisory.school
    today = school.today()
    year = current_year(school)
    memberships = current_roster([advisory.pk], year)  # plain values: name, link, year level
    ids = [membership.student_id for membership in memberships]
    active = _active_placements(ids, today)
    hours = _hours_by_student(ids, year, timezone.now() - UNCONFIRMED_AFTER)
    targets = targets_of(school)
    share = year_share_elapsed(year, today)
    rows = []
    none = (ZERO, ZERO, 0)
    for membership in memberships:
        student = membership.student
        level = student.year_level
        claimed, confirmed, unconfirmed = hours.get(student.pk, none)
        progress = Progress(claimed, confirmed, targets.get(level) if level else None, share)
        placements = active.get(student.pk, [])
        rows.append(InternshipRow(student, level, placements, progress, unconfirmed))
    return rows


def _active_placements(student_ids: list[int], today: date) -> dict[int, list[PlacementShown]]:
    """Student id -> their active placements with site, mentor and last day logged: one flat
    read of plain values, the labels translated and the dates shown once per page."""
    rows = (
        Placement.objects.filter(student_id__in=student_ids, status=Placement.Status.ACTIVE)
        .annotate(last_log=Max("logs__on"))
        .order_by("start_on", "pk")
        .values_list(
            *("pk", "student_id", "start_on", "last_log", "site__organization"),
            *("mentor__user__first_name", "mentor__user__last_name"),
        )
    )
    by_student: dict[int, list[PlacementShown]] = {}
    quiet_before = today - timedelta(days=QUIET_AFTER_DAYS)
    url = link("internships:placement-logs", _MARK).partition(str(_MARK))
    none_yet = None
    days: dict[date, str] = {}
    for pk, student_id, start_on, last_log, organization, first, last in rows:
        if last_log is None:
            if none_yet is None:
                none_yet = gettext("none yet")
            shown = none_yet
        else:
            shown = days.get(last_log)
            if shown is None:
                shown = days[last_log] = date_format(last_log, "DATE_FORMAT")
        placement = PlacementShown(
            pk,
            f"{url[0]}{pk}{url[2]}",
            organization,
            f"{first} {last}".strip(),  # as the mentor's get_full_name() shows them
            last_log,
            shown,
            (last_log or start_on) <= quiet_before,
        )
        by_student.setdefault(student_id, []).append(placement)
    return by_student


def _hours_by_student(student_ids: list[int], year: SchoolYear | None, stale_before) -> dict:
    """Student id -> hours claimed and confirmed this school year and days left unconfirmed
    since before ``stale_before``."""
    span = _between(year.start_date, year.end_date) if year else Q(on__isnull=True)
    stale = Q(review=Review.CLAIMED, checked_out_at__lt=stale_before)
    rows = (
        DailyLog.objects.filter(placement__student_id__in=student_ids)
        .values("placement__student_id")
        .annotate(
            claimed=_claimed(span),
            confirmed=_confirmed(span),
            unconfirmed=Count("pk", filter=stale),
        )
        .order_by()
        .values_list("placement__student_id", "claimed", "confirmed", "unconfirmed")
    )
    return {student_id: sums for student_id, *sums in rows}
