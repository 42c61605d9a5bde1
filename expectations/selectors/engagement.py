"""Reads behind the early warning: the facts each signal is drawn from (a whole school's in
a fixed number of queries), the signals in words, and the pages' counts and lists."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, FilteredRelation, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from advisories.models import Membership
from bigpicture.links import link
from bigpicture.models import School, SchoolYear, Term
from bigpicture.names import display_name
from bigpicture.prepared import prepared
from expectations.models import (
    AttendanceMark,
    CheckIn,
    Engagement,
    EngagementSettings,
    Rating,
    Reflection,
    due_on,
    signal_id,
)
from expectations.selectors.catalog import expectation_names
from internships.models import DailyLog, Exploration, Placement
from students.models import Exhibition, LearningPlan, PlanMeeting, Student

# The signals: each a ``code``, with a ``key`` (an expectation) or a ``value`` (a number).
LOW_RATING = "low_rating"  # key; value: the score
FALLING_RATING = "falling_rating"  # key; value: the points lost since the term before
PLAN_QUIET = "plan_quiet"  # value: weeks without a change to the plan this term
MISSED = "missed"  # value: meetings and exhibitions this term never marked held
NO_INTERNSHIP = "no_internship"
NO_HOURS = "no_hours"  # value: weeks without confirmed hours at an active internship
ABSENCES = "absences"  # value: absences from advisory in the last 4 weeks
REFLECTION_DUE = "reflection_due"

ABSENCE_DAYS = 28  # "the last 4 weeks"
WATCHED = (Engagement.Status.WATCH, Engagement.Status.ACT)
STATUS_LABELS = dict(Engagement.Status.choices)
STUDENT = Reflection.Perspective.STUDENT


def thresholds(school_id: int) -> EngagementSettings:
    """A school's thresholds, or the defaults (an unsaved row) while it has none (one
    query)."""
    own = EngagementSettings.objects.filter(school_id=school_id).first()
    return own or EngagementSettings(school_id=school_id)


# --- the facts ---------------------------------------------------------------------------------


@dataclass
class Facts:
    """What the signals of a school's students (or of one student) are drawn from."""

    today: date
    settings: EngagementSettings
    terms: list[Term]  # the term running today (else the last one begun), then the two before
    due: dict[int, date]  # the reflections' last day, by term id
    enrolled: dict[int, date] = field(default_factory=dict)  # the students, by id
    ratings: dict[int, dict[int, dict[tuple[int, str], int]]] = field(default_factory=dict)
    reflected: set[tuple[int, int]] = field(default_factory=set)  # (student, term)
    plan_changed: dict[int, date] = field(default_factory=dict)
    missed: dict[int, int] = field(default_factory=dict)
    placed: set[int] = field(default_factory=set)  # with an internship consented or active
    # without one, but on their way: a proposal waiting for the adults, or an informational
    # interview or a shadow day in the last weeks (the school's internship_quiet_weeks)
    exploring: set[int] = field(default_factory=set)
    active_since: dict[int, date] = field(default_factory=dict)
    confirmed_on: dict[int, date] = field(default_factory=dict)
    absences: dict[int, int] = field(default_factory=dict)
    answered: dict[int, list[str]] = field(default_factory=dict)

    @property
    def term(self) -> Term | None:
        return self.terms[0] if self.terms else None


def facts(school: School, *, today: date, student_id: int | None = None) -> Facts:
    """Everything the signals need but what check-ins answered (``answered_locked``), for
    the school's students now in an advisory or for one student: twelve queries whatever
    the number of students."""
    terms = _recent_terms(school.pk, today)
    found = Facts(
        today=today,
        settings=thresholds(school.pk),
        terms=terms,
        due={term.pk: due_on(term, getattr(term, "reflection_window", None)) for term in terms},
    )
    found.enrolled = _students(school.pk, student_id)
    _read_reflections(found, student_id)
    _read_term_work(found, school, student_id)
    _read_internships(found, school.pk, student_id)
    found.absences = _absences(school.pk, student_id, today)
    return found


def answered_locked(school_id: int, student_id: int | None = None) -> dict[int, list[str]]:
    """What check-ins answered, by student, the rows locked until the caller's transaction
    ends: a check-in recorded meanwhile waits instead of being overwritten (one query). The
    rows are locked in the students' order, so two runs for one school (two workers took the
    task at once) queue one behind the other instead of deadlocking."""
    rows = _scope(Engagement.objects.filter(student__school_id=school_id), student_id)
    rows = rows.select_for_update(of=("self",)).order_by("student_id")
    return dict(rows.values_list("student_id", "answered"))


def _scope(queryset, student_id: int | None, path: str = "student"):
    """A query narrowed to one student when one is given (``path`` leads to the student)."""
    return queryset if student_id is None else queryset.filter(**{f"{path}_id": student_id})


def _recent_terms(school_id: int, today: date) -> list[Term]:
    """The term running today (else the last one begun) and the two before it, with their
    reflections' due dates (one query)."""
    terms = Term.objects.of_school(school_id).filter(start_date__lte=today)
    return list(terms.select_related("reflection_window").order_by("-start_date")[:3])


def _students(school_id: int, student_id: int | None) -> dict[int, date]:
    """The school's students now in an advisory (or the one student), with the day each
    enrolled (one query)."""
    if student_id is not None:
        rows = Student.objects.filter(pk=student_id, school_id=school_id)
        return dict(rows.values_list("pk", "enrolled_on"))
    members = Membership.objects.current().filter(advisory__school_id=school_id)
    return dict(members.values_list("student_id", "student__enrolled_on"))


def _read_reflections(found: Facts, student_id: int | None) -> None:
    """The students' own ratings in the recent terms, and which terms they reflected on
    (two queries)."""
    term_ids = [term.pk for term in found.terms]
    ratings = Rating.objects.filter(
        reflection__term_id__in=term_ids, reflection__perspective=STUDENT
    )
    ratings = _scope(ratings, student_id, "reflection__student").order_by()
    columns = ("reflection__student_id", "reflection__term_id", "expectation__number")
    for student, term, number, key, score in ratings.values_list(
        *columns, "expectation__key", "score"
    ):
        found.ratings.setdefault(student, {}).setdefault(term, {})[(number, key)] = score
    own = Reflection.objects.filter(term_id__in=term_ids[:2], perspective=STUDENT)
    found.reflected = set(_scope(own, student_id).order_by().values_list("student_id", "term_id"))


def _read_term_work(found: Facts, school: School, student_id: int | None) -> None:
    """This term's plans (their last change) and the meetings and exhibitions never marked
    held a day after they were due (three queries)."""
    if found.term is None:
        return
    plans = _scope(LearningPlan.objects.filter(term_id=found.term.pk), student_id)
    zone = school.zone
    found.plan_changed = {
        student: timezone.localtime(changed, zone).date()
        for student, changed in plans.order_by().values_list("student_id", "updated_at")
    }
    # "In the past by more than a day": begun before yesterday, in the school's time zone.
    cutoff = datetime.combine(found.today - timedelta(days=1), time.min, tzinfo=zone)
    for model in (PlanMeeting, Exhibition):
        late = model.objects.filter(
            term_id=found.term.pk, status=model.Status.SCHEDULED, starts_at__lt=cutoff
        )
        late = _scope(late, student_id).order_by().values("student_id").annotate(n=Count("pk"))
        for row in late:
            found.missed[row["student_id"]] = found.missed.get(row["student_id"], 0) + row["n"]


def _read_internships(found: Facts, school_id: int, student_id: int | None) -> None:
    """Who has an internship consented or active (and since when one is active), who is on
    their way to one (a proposal, or an exploration in the last weeks), and the last day a
    mentor confirmed hours at an active one (three queries)."""
    Status = Placement.Status
    placed = [Status.CONSENTED, Status.ACTIVE]
    placements = Placement.objects.filter(
        status__in=[Status.PROPOSED, Status.APPROVED, *placed], student__school_id=school_id
    )
    placements = _scope(placements, student_id).order_by().values("student_id")
    for row in placements.annotate(
        placed=Count("pk", filter=Q(status__in=placed)),
        since=Min("start_on", filter=Q(status=Status.ACTIVE)),
    ):
        if not row["placed"]:
            found.exploring.add(row["student_id"])
            continue
        found.placed.add(row["student_id"])
        if row["since"] is not None:
            found.active_since[row["student_id"]] = row["since"]
    lately = found.today - timedelta(weeks=found.settings.internship_quiet_weeks)
    explored = Exploration.objects.filter(student__school_id=school_id, on__gt=lately)
    found.exploring.update(
        _scope(explored, student_id).order_by().values_list("student_id", flat=True)
    )
    logs = DailyLog.objects.filter(
        placement__status=Status.ACTIVE,
        placement__student__school_id=school_id,
        review=DailyLog.Review.CONFIRMED,
    )
    logs = _scope(logs, student_id, "placement__student").order_by()
    found.confirmed_on = dict(
        logs.values("placement__student_id")
        .annotate(last=Max("on"))
        .values_list("placement__student_id", "last")
    )


def _absences(school_id: int, student_id: int | None, today: date) -> dict[int, int]:
    """Each student's absences from advisory in the last four weeks (one query)."""
    marks = AttendanceMark.objects.filter(
        status=AttendanceMark.Status.ABSENT,
        student__school_id=school_id,
        sheet__on__gt=today - timedelta(days=ABSENCE_DAYS),
        sheet__on__lte=today,
    )
    marks = _scope(marks, student_id).order_by().values("student_id").annotate(n=Count("pk"))
    return dict(marks.values_list("student_id", "n"))


# --- the signals in words ----------------------------------------------------------------------


def describe(signals: Iterable[dict], names: Mapping[str, str]) -> list[str]:
    """Each signal as a sentence in the reader's language, the expectations in the school's
    words (``names``: by key, as ``expectation_names`` gives them)."""
    return [_sentence(signal, names) for signal in signals]


def _sentence(signal: dict, names: dict[str, str]) -> str:
    code, value = signal["code"], signal.get("value") or 0
    expectation = names.get(signal.get("key", ""), signal.get("key", ""))
    if code == LOW_RATING:
        return _("Rated “%(expectation)s” %(score)d out of 5 in their latest reflection.") % {
            "expectation": expectation,
            "score": value,
        }
    if code == FALLING_RATING:
        return ngettext(
            "Rated “%(expectation)s” %(points)d point lower than the term before.",
            "Rated “%(expectation)s” %(points)d points lower than the term before.",
            value,
        ) % {"expectation": expectation, "points": value}
    if code in _COUNTED:
        return _COUNTED[code](value)
    return _PLAIN[code]() if code in _PLAIN else code


_COUNTED = {
    PLAN_QUIET: lambda n: (
        ngettext(
            "No change to the learning plan this term for %(count)d week.",
            "No change to the learning plan this term for %(count)d weeks.",
            n,
        )
        % {"count": n}
    ),
    MISSED: lambda n: (
        ngettext(
            "%(count)d meeting or exhibition this term was never marked held.",
            "%(count)d meetings or exhibitions this term were never marked held.",
            n,
        )
        % {"count": n}
    ),
    NO_HOURS: lambda n: (
        ngettext(
            "No confirmed internship hours for %(count)d week.",
            "No confirmed internship hours for %(count)d weeks.",
            n,
        )
        % {"count": n}
    ),
    ABSENCES: lambda n: (
        ngettext(
            "%(count)d absence from advisory in the last 4 weeks.",
            "%(count)d absences from advisory in the last 4 weeks.",
            n,
        )
        % {"count": n}
    ),
}
_PLAIN = {
    NO_INTERNSHIP: lambda: _(
        "No internship, and no step toward one lately (an informational interview, a shadow "
        "day or a proposal)."
    ),
    REFLECTION_DUE: lambda: _("Their term reflection is past its due date."),
}


# --- the pages ---------------------------------------------------------------------------------


def school_counts(school: School, year: SchoolYear | None) -> dict:
    """The school's students now in an advisory by status: in all, by advisory and by year
    level (two queries)."""
    members = Membership.objects.current().filter(advisory__school_id=school.pk).order_by()
    by_advisory = list(
        _count_statuses(members.values("advisory_id", name=F("advisory__name"))).order_by("name")
    )
    by_class = _count_statuses(members.values(graduating_class=F("student__graduating_class")))
    by_level: dict = {}
    for row in by_class:
        level = year.year_level(row["graduating_class"]) if year else None
        into = by_level.setdefault(level, {"level": level} | dict.fromkeys(_COUNT_NAMES, 0))
        for name in _COUNT_NAMES:
            into[name] += row[name]
    totals = {name: sum(row[name] for row in by_advisory) for name in _COUNT_NAMES}
    levels = sorted(by_level.values(), key=lambda row: (row["level"] is None, row["level"] or 0))
    return {"totals": totals, "by_advisory": by_advisory, "by_level": levels}


_COUNT_NAMES = ("on_track", "watch", "act", "unknown", "total")


def _count_statuses(grouped):
    status = "student__engagement__status"
    return grouped.annotate(
        on_track=Count("pk", filter=Q(**{status: Engagement.Status.ON_TRACK})),
        watch=Count("pk", filter=Q(**{status: Engagement.Status.WATCH})),
        act=Count("pk", filter=Q(**{status: Engagement.Status.ACT})),
        unknown=Count("pk", filter=Q(student__engagement__isnull=True)),
        total=Count("pk"),
    )


ROW_COLUMNS = (
    *("pk", "preferred_name", "user__first_name", "user__last_name", "graduating_class"),
    *("current__advisory_id", "current__advisory__name"),
    *("engagement__status", "engagement__signals", "engagement__answered"),
    "engagement__computed_at",
)


def watch_list(
    school: School, *, status: str = "", advisory: int | None = None, graduating_class=None
):
    """The school's students on watch or to act (act first, then by name), filtered, as
    ``ROW_COLUMNS`` values for a paginator (one query a page, one to count)."""
    students = Student.objects.filter(
        school_id=school.pk,
        engagement__status__in=[status] if status in WATCHED else WATCHED,
    ).annotate(current=FilteredRelation("memberships", condition=Q(memberships__end_date=None)))
    if advisory is not None:
        students = students.filter(current__advisory_id=advisory)
    if graduating_class is not None:
        students = students.filter(graduating_class=graduating_class)
    order = ("engagement__status", "user__last_name", "user__first_name", "pk")
    return students.order_by(*order).values_list(*ROW_COLUMNS)


@dataclass(frozen=True)
class StudentRow:
    """A student on watch or to act, as the lists show them: why, in words, and the links."""

    pk: int
    name: str
    url: str
    check_in_url: str
    status: str
    status_label: str
    reasons: list[str]
    year_level: int | None = None
    advisory: str = ""
    computed_at: datetime | None = None


def watch_rows(rows, year: SchoolYear | None, names: Mapping[str, str]) -> list[StudentRow]:
    """One page of ``watch_list`` read as rows, with the open signals in words."""
    engagement_url = _prefix("expectations:engagement-student")
    check_in_url = _prefix("expectations:check-in-create")
    made = []
    for pk, preferred, first, last, graduating_class, _advisory, advisory_name, *rest in rows:
        status, signals, answered, computed_at = rest
        made.append(
            StudentRow(
                pk=pk,
                name=display_name(preferred, first, last),
                url=f"{engagement_url[0]}{pk}{engagement_url[1]}",
                check_in_url=f"{check_in_url[0]}{pk}{check_in_url[1]}",
                status=status,
                status_label=STATUS_LABELS[status],
                reasons=describe(open_signals(signals, answered), names),
                year_level=year.year_level(graduating_class) if year else None,
                advisory=advisory_name or "",
                computed_at=computed_at,
            )
        )
    return made


_PK = 987_654_321  # stands in for each row's number


def _prefix(name: str) -> tuple[str, str]:
    """A page's URL around its number, to fill in each row's cheaply."""
    head, _mark, tail = link(name, _PK).partition(str(_PK))
    return head, tail


def open_signals(signals: list[dict], answered: list[str]) -> list[dict]:
    """The signals no check-in answered."""
    done = set(answered or ())
    return [signal for signal in signals or () if signal_id(signal) not in done]


@prepared
def _watched_students(advisor: int):
    """An advisor's students now on watch or to act, as ``ROW_COLUMNS``, act first."""
    advised = Membership.objects.current().filter(advisory__advisor_id=advisor)
    students = Student.objects.filter(
        pk__in=advised.values("student_id"), engagement__status__in=WATCHED
    ).annotate(current=FilteredRelation("memberships", condition=Q(memberships__end_date=None)))
    order = ("engagement__status", "user__last_name", "user__first_name", "pk")
    return students.order_by(*order).values_list(*ROW_COLUMNS)


def needs_check_in(user) -> list[StudentRow]:
    """An advisor's students now on watch or to act, with their open reasons in words and
    the links to their status and to a check-in (one prepared read, two more when there
    are any: the advisor's home shows it at every visit)."""
    rows = _watched_students(user.pk)
    if not rows:
        return []
    return watch_rows(rows, None, expectation_names(user.school_id))


def engagement_of(student: Student) -> Engagement | None:
    """A student's stored status, if it was ever computed (one query)."""
    return Engagement.objects.filter(student=student).first()


def check_ins_of(student: Student) -> list[CheckIn]:
    """A student's check-ins, the latest first, with their tags and who recorded them (two
    queries)."""
    check_ins = CheckIn.objects.filter(student=student).select_related("advisor")
    return list(check_ins.prefetch_related("expectations").order_by("-on", "-pk"))
