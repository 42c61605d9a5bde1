"""Reads behind the daily log pages: a placement's days (its hours in
``internships.selectors.hours``), the mentor's waiting list and the advisor's internship view.
Each is a fixed number of queries whatever the number of logs."""

import hashlib
from datetime import date, datetime, timedelta

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from advisories.models import Advisory
from advisories.selectors import current_roster
from bigpicture.links import link
from bigpicture.models import School, SchoolYear
from bigpicture.names import display_name
from bigpicture.prepared import Rows, instance, prepared, within_reach
from bigpicture.selectors import current_year
from internships.models import DailyLog, Placement
from internships.selectors.hours import (
    ZERO,
    Progress,
    Review,
    _between,
    _claimed,
    _confirmed,
    targets_of,
    year_share_elapsed,
)

UNCONFIRMED_AFTER = timedelta(days=7)
QUIET_AFTER_DAYS = 14
_MARK = 9_876_543_210  # stands in for a placement's number in its link

# --- the pages ---------------------------------------------------------------------------------


# What the days page shows of its placement and its rules read (who sees the student, the
# totals and targets): the names, not the people's whole rows.
PLACEMENT_LOGS_COLUMNS = (
    *("student_id", "site_id", "mentor_id", "status", "project", "start_on", "end_on"),
    *("student__user_id", "student__school_id", "student__preferred_name"),
    *("student__graduating_class", "student__user__first_name", "student__user__last_name"),
    *("student__school__time_zone", "site__organization", "mentor__user_id"),
    *("mentor__user__first_name", "mentor__user__last_name"),
)


@within_reach
def _placement_shown(person, placement: int):
    placements = Placement.objects.visible_to(person).filter(pk=placement)
    return placements.values_list("pk", *PLACEMENT_LOGS_COLUMNS)


def placement_in_reach(user, pk: int) -> Placement | None:
    """The days page's placement if the person may see it (``visible_to``), with only the
    columns the page uses; None out of reach."""
    rows = _placement_shown(user, pk)
    return instance(Placement, PLACEMENT_LOGS_COLUMNS, rows[0]) if rows else None


ADVISORY_COLUMNS = (
    *(f.attname for f in Advisory._meta.concrete_fields if not f.primary_key),
    *(f"school__{f.attname}" for f in School._meta.concrete_fields if not f.primary_key),
)


@within_reach
def _advisory_shown(person, advisory: int):
    advisories = Advisory.objects.visible_to(person).filter(pk=advisory)
    return advisories.values_list("pk", *ADVISORY_COLUMNS)


def advisory_in_reach(user, pk: int) -> Advisory | None:
    """An advisory with its school if the person may open it (``visible_to``); None out of
    reach."""
    rows = _advisory_shown(user, pk)
    return instance(Advisory, ADVISORY_COLUMNS, rows[0]) if rows else None


LOG_COLUMNS = (
    *("id", "on", "goal", "did", "reflection", "hours", "learning", "engagement", "support"),
    *("review", "confirmed_hours", "mentor_comment", "checked_out_at"),
)


@prepared
def _logs_between(placement: int, first: date, last: date):
    days = DailyLog.objects.filter(placement_id=placement, on__gte=first, on__lte=last)
    return days.order_by("-on", "-pk").values_list(*LOG_COLUMNS)


class LogPages:
    """A placement's days, newest first, read a page at a time for the paginator: the page's
    days as dicts of the columns the page shows (see ``logs_shown``). ``days()`` gives the
    date of every day of the placement, newest first (``Totals.newest_first``, read with
    the totals): a placement logs a day once, so a page is the days between its first and
    its last date, one prepared read whatever the page."""

    def __init__(self, placement_id: int, days):
        self.placement_id, self.days = placement_id, days

    def __len__(self) -> int:
        return len(self.days())

    def __getitem__(self, index: slice) -> list[dict]:
        days = self.days()[index]
        if not days:
            return []
        rows = _logs_between(self.placement_id, days[-1], days[0])
        return [dict(zip(LOG_COLUMNS, row, strict=True)) for row in rows]


def placement_logs(placement: Placement, days) -> LogPages:
    """A placement's days, newest first, with only the columns the page shows (``days``:
    see ``LogPages``)."""
    return LogPages(placement.pk, days)


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


WAITING_COLUMNS = (
    *("id", "placement_id", "on", "did", "hours", "placement__site__organization"),
    "placement__student__preferred_name",
    "placement__student__user__first_name",
    "placement__student__user__last_name",
)


@within_reach
def _waiting(person):
    days = DailyLog.objects.filter(
        placement__in=Placement.objects.mentored_by(person),
        checked_out_at__isnull=False,
        review=Review.CLAIMED,
    )
    return days.order_by("on", "pk").values_list(*WAITING_COLUMNS)


def waiting_for(user) -> Rows:
    """Days checked out and waiting for a mentor's review, across their interns, oldest first
    (with only what the list shows of each, as values: the day, what was done, the hours,
    the intern's names and the site; ``waiting_shown`` finishes a page of them), paged in
    the database."""
    return Rows(_waiting, user)


def claim_version(pk: int, hours, did: str) -> str:
    """What the mentor's page remembers of a waiting day: its number, the hours claimed and a
    digest of what was done, so a day the student corrected after the page was read is not
    confirmed unseen."""
    digest = hashlib.blake2b(did.encode(), digest_size=6).hexdigest()
    return f"{pk}:{'' if hours is None else f'{hours:.2f}'}:{digest}"


def waiting_shown(rows) -> list[Row]:
    """A page of ``waiting_for`` rows as the list shows them: the intern's name as
    ``Student.display_name`` gives it, the site's name, the day's ``claim_version``."""
    shown = []
    for pk, placement_id, on, did, hours, site, preferred, first, last in rows:
        name = display_name(preferred, first, last)
        shown.append(
            Row(
                pk=pk,
                placement_id=placement_id,
                on=on,
                did=did,
                hours=hours,
                site=site,
                name=name,
                version=claim_version(pk, hours, did),
            )
        )
    return shown


def waiting_weeks(rows: list[Row]) -> list[Row]:
    """``waiting_shown`` rows grouped per intern's internship and ISO week (Monday first),
    in the order of their oldest day: each group with its Monday, the intern and site, its
    days (oldest first), their hours claimed and their ``claim_version`` values."""
    groups: dict[tuple[date, int], Row] = {}
    for row in rows:
        monday = row.on - timedelta(days=row.on.weekday())
        group = groups.get((monday, row.placement_id))
        if group is None:
            group = groups[(monday, row.placement_id)] = Row(
                week=monday,
                placement_id=row.placement_id,
                name=row.name,
                site=row.site,
                days=[],
                hours=ZERO,
                versions=[],
            )
        group.days.append(row)
        group.versions.append(row.version)
        group["hours"] += row.hours or ZERO
    return list(groups.values())


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
        *("behind", "has_internship", "on_the_way", "placements", "progress", "quiet"),
        *("student", "unconfirmed", "year_level"),
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
    active, on_the_way = _active_placements(ids, today)
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
        row = InternshipRow(student, level, placements, progress, unconfirmed)
        # Proposed, approved or consented: not an internship yet, but not "none" either.
        row.on_the_way = on_the_way.get(student.pk, [])
        rows.append(row)
    return rows


def _active_placements(student_ids: list[int], today: date) -> tuple[dict, dict]:
    """Student id -> their active placements with site, mentor and last day logged, and
    student id -> those on their way (proposed, approved, consented) with their status: one
    flat read of plain values, the labels translated and the dates shown once per page."""
    rows = _active(student_ids)
    by_student: dict[int, list[PlacementShown]] = {}
    on_the_way: dict[int, list[OnTheWay]] = {}
    details = link("internships:placement-detail", _MARK).partition(str(_MARK))
    labels: dict[str, str] = {}
    quiet_before = today - timedelta(days=QUIET_AFTER_DAYS)
    url = link("internships:placement-logs", _MARK).partition(str(_MARK))
    none_yet = None
    days: dict[date, str] = {}
    for pk, student_id, status, start_on, last_log, organization, first, last in rows:
        if status != Placement.Status.ACTIVE:
            label = labels.get(status)
            if label is None:
                label = labels[status] = _on_the_way_label(status)
            shown = OnTheWay(f"{details[0]}{pk}{details[2]}", organization, label)
            on_the_way.setdefault(student_id, []).append(shown)
            continue
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
    return by_student, on_the_way


class OnTheWay:
    """An internship of a student on its way (not active yet), as the advisor's view shows it."""

    __slots__ = ("label", "organization", "url")

    def __init__(self, url, organization, label):
        self.url, self.organization, self.label = url, organization, label


def _on_the_way_label(status: str) -> str:
    if status == Placement.Status.PROPOSED:
        return gettext("Proposed: waiting for approval")
    if status == Placement.Status.APPROVED:
        return gettext("Approved: waiting for the family's consent")
    return gettext("Consented: waiting for the mentor")


@prepared
def _active(students: list[int]):
    return (
        Placement.objects.filter(student_id__in=students, status__in=Placement.OPEN)
        .annotate(last_log=Max("logs__on"))
        .order_by("start_on", "pk")
        .values_list(
            *("pk", "student_id", "status", "start_on", "last_log", "site__organization"),
            *("mentor__user__first_name", "mentor__user__last_name"),
        )
    )


def _hours_by_student(student_ids: list[int], year: SchoolYear | None, stale_before) -> dict:
    """Student id -> hours claimed and confirmed this school year and days left unconfirmed
    since before ``stale_before``."""
    if year is None:
        rows = _hours_without_year(student_ids, stale_before)
    else:
        rows = _hours_in_year(student_ids, year.start_date, year.end_date, stale_before)
    return {student_id: sums for student_id, *sums in rows}


def _student_hours(students: list[int], span: Q, stale_before: datetime):
    stale = Q(review=Review.CLAIMED, checked_out_at__lt=stale_before)
    return (
        DailyLog.objects.filter(placement__student_id__in=students)
        .values("placement__student_id")
        .annotate(
            claimed=_claimed(span),
            confirmed=_confirmed(span),
            unconfirmed=Count("pk", filter=stale),
        )
        .order_by()
        .values_list("placement__student_id", "claimed", "confirmed", "unconfirmed")
    )


@prepared
def _hours_in_year(students: list[int], start: date, end: date, stale_before: datetime):
    return _student_hours(students, _between(start, end), stale_before)


@prepared
def _hours_without_year(students: list[int], stale_before: datetime):
    return _student_hours(students, Q(on__isnull=True), stale_before)
