"""The reads behind the expectations' profile, advisory and school views.

Every number is aggregated in the database: ratings are counted per score in rows grouped by
term, advisory, year level and expectation, so a page costs the same few queries whatever
the school's size; the grouped rows are folded in Python, and groups of fewer than five
respondents are suppressed there, on the aggregated rows."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext_lazy as _

from advisories.models import Advisory
from bigpicture.models import Term
from bigpicture.names import display_name
from expectations.models import Rating, Reflection, Wording
from students.models import Student

STUDENT, FAMILY, ADVISOR = (
    Reflection.Perspective.STUDENT,
    Reflection.Perspective.FAMILY,
    Reflection.Perspective.ADVISOR,
)
SCORES = (1, 2, 3, 4, 5)
MIN_GROUP = 5  # fewer respondents than this and a group's numbers are not shown to admins
YEAR_LEVELS = (101, 201, 301, 401)

Counts = list[int]  # how many gave each score from 1 to 5


# --- terms ------------------------------------------------------------------------------------


def school_terms(school_id: int) -> list[Term]:
    """A school's terms in order, with their years (one query)."""
    terms = Term.objects.of_school(school_id).select_related("school_year")
    return list(terms.order_by("start_date"))


def chosen_term(terms: list[Term], raw: str | None, today: date) -> Term | None:
    """The term a page asked for (``?term=``), else the one running today, else the next
    one, else the latest one (as ``Term.objects.current_for`` chooses)."""
    for term in terms:
        if str(term.pk) == raw:
            return term
    running = [term for term in terms if term.start_date <= today <= term.end_date]
    upcoming = [term for term in terms if term.start_date > today]
    return (running or upcoming or terms[-1:] or [None])[0]


def previous_term(terms: list[Term], term: Term | None) -> Term | None:
    """The term before one, in a school's list of terms."""
    index = terms.index(term) if term in terms else 0
    return terms[index - 1] if index > 0 else None


def term_label(name: str, year: str) -> str:
    """A term's name as pages show it (``str(term)``), from its name and its year's."""
    return f"{name} {year}"


# --- the student's profile --------------------------------------------------------------------


@dataclass
class ProfileLine:
    """One expectation over a student's terms: their own rating, the family's and the
    advisor's average (None where there is none)."""

    wording: Wording
    own: list[float | None]
    family: list[float | None]
    advisor: list[float | None]

    def table(self, labels: list[str]) -> list[tuple]:
        """(term, own, family, advisor) for each term with any of them."""
        rows = zip(labels, self.own, self.family, self.advisor, strict=True)
        return [row for row in rows if any(value is not None for value in row[1:])]


@dataclass
class Profile:
    terms: list[str]  # the labels of the terms the student has ratings in, in order
    lines: list[ProfileLine]


def profile(student: Student, words: list[Wording]) -> Profile:
    """A student's ratings per expectation over the terms, from their own reflections and the
    average of their family's and their advisor's (one query, whatever the terms)."""
    rows = (
        Rating.objects.filter(reflection__student=student)
        .order_by()
        .values_list(
            "reflection__term__start_date",
            "reflection__term_id",
            "reflection__term__name",
            "reflection__term__school_year__name",
            "reflection__perspective",
            "expectation_id",
        )
        .annotate(average=Avg("score"))
    )
    terms: dict[int, tuple] = {}
    values: dict[tuple, float] = {}
    for start, term_id, name, year, perspective, expectation_id, average in rows:
        terms[term_id] = (start, term_id, term_label(name, year))
        values[(term_id, perspective, expectation_id)] = average
    ordered = sorted(terms.values())
    lines = [
        ProfileLine(
            wording,
            *(
                [values.get((term_id, perspective, wording.pk)) for _s, term_id, _l in ordered]
                for perspective in (STUDENT, FAMILY, ADVISOR)
            ),
        )
        for wording in words
    ]
    return Profile(terms=[label for _s, _t, label in ordered], lines=lines)


# --- what a group of students says: averages, distributions, change -----------------------


@dataclass
class Tally:
    """Counts per score of the students' own ratings: the chosen term's and the previous
    term's per expectation, and the chosen term's per advisory and per year level."""

    now: dict[int, Counts] = field(default_factory=dict)
    before: dict[int, Counts] = field(default_factory=dict)
    by_advisory: dict[int | None, dict[int, Counts]] = field(default_factory=dict)
    by_level: dict[int | None, dict[int, Counts]] = field(default_factory=dict)


def tally(
    term: Term, previous: Term | None, *, advisory_id: int | None = None, year_level=None
) -> Tally:
    """The students' own ratings of a term (and the one before) counted per score in the
    database: per term and expectation, then the chosen term's per advisory at writing and
    per year level (three queries, whatever the number of students)."""
    ratings = Rating.objects.filter(reflection__perspective=STUDENT).order_by()
    if advisory_id is not None:
        ratings = ratings.filter(reflection__advisory_id=advisory_id)
    if year_level is not None:
        ratings = ratings.filter(reflection__year_level=year_level)
    terms = [t.pk for t in (term, previous) if t is not None]
    found = Tally()
    for term_id, expectation_id, *counts in _counted(
        ratings.filter(reflection__term_id__in=terms), "reflection__term_id"
    ):
        (found.now if term_id == term.pk else found.before)[expectation_id] = counts
    this_term = ratings.filter(reflection__term_id=term.pk)
    found.by_advisory = _by_group(_counted(this_term, "reflection__advisory_id"))
    found.by_level = _by_group(_counted(this_term, "reflection__year_level"))
    return found


def _counted(ratings, group: str):
    """Rows of (group, expectation, then how many gave each score), counted in SQL."""
    return ratings.values_list(group, "expectation_id").annotate(
        **{f"n{score}": Count("pk", filter=Q(score=score)) for score in SCORES}
    )


def _by_group(rows) -> dict:
    """Counted rows as {group: {expectation: counts}}."""
    grouped: dict = defaultdict(dict)
    for key, expectation_id, *counts in rows:
        grouped[key][expectation_id] = counts
    return dict(grouped)


def average(counts: Counts | None) -> float | None:
    """The average score of a distribution; None without answers."""
    if not counts or not sum(counts):
        return None
    return sum(score * count for score, count in zip(SCORES, counts, strict=True)) / sum(counts)


@dataclass
class Line:
    """An expectation's numbers for a group: distribution, average, change since the term
    before; ``suppressed`` when fewer than five answered and the reader must not see it."""

    wording: Wording
    counts: Counts
    answers: int
    average: float | None
    change: float | None
    suppressed: bool
    weakest: bool = False


def lines(
    words: list[Wording], now: dict[int, Counts], before: dict[int, Counts], *, suppress: bool
) -> list[Line]:
    """Per expectation with answers in either term, the numbers of a group, the weakest (the
    lowest average shown) marked."""
    found = []
    for wording in words:
        counts, earlier = now.get(wording.pk), before.get(wording.pk)
        if not counts and not earlier:
            continue
        counts = counts or [0] * 5
        hidden = suppress and sum(counts) < MIN_GROUP
        shown_before = earlier if not (suppress and sum(earlier or []) < MIN_GROUP) else None
        mean = None if hidden else average(counts)
        before_mean = average(shown_before)
        change = None if mean is None or before_mean is None else mean - before_mean
        found.append(Line(wording, counts, sum(counts), mean, change, hidden))
    rated = [line for line in found if line.average is not None]
    if len(rated) > 1:
        min(rated, key=lambda line: (line.average, line.wording.number)).weakest = True
    return found


@dataclass
class Group:
    """A group's averages in the order of the expectations (a heat map's row): each cell
    (average, answers); averages of fewer than five answers are not kept."""

    key: int | None
    name: str
    respondents: int
    cells: list[tuple[float | None, int]]

    @property
    def suppressed(self) -> bool:
        return self.respondents < MIN_GROUP


def groups(
    counted: dict[int | None, dict[int, Counts]], names: list[tuple], words: list[Wording]
) -> list[Group]:
    """The groups (advisories, year levels) that answered, in the order of ``names`` (pairs
    of key and name), each with its averages per expectation, small ones suppressed."""
    found = []
    for key, name in names:
        per_expectation = counted.get(key)
        if not per_expectation:
            continue
        cells = []
        for wording in words:
            counts = per_expectation.get(wording.pk) or [0] * 5
            answers = sum(counts)
            cells.append((average(counts) if answers >= MIN_GROUP else None, answers))
        respondents = max(sum(counts) for counts in per_expectation.values())
        found.append(Group(key, name, respondents, cells))
    return found


def advisory_names(school_id: int) -> list[tuple[int | None, str]]:
    """A school's advisories as (id, name) by name, then students who had none (one query)."""
    rows = Advisory.objects.filter(school_id=school_id).order_by("name", "pk")
    return [*rows.values_list("pk", "name"), (None, str(_("No advisory")))]


def level_names() -> list[tuple[int | None, str]]:
    """The year levels (101 to 401), then reflections written without one."""
    return [*((level, str(level)) for level in YEAR_LEVELS), (None, str(_("Year level not known")))]


# --- comments ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comment:
    expectation_id: int
    text: str
    shared: bool = True
    author: str = ""


def student_reflections(term: Term, advisory_id: int) -> int:
    """How many students of an advisory reflected on a term (one query)."""
    return Reflection.objects.filter(
        term=term, perspective=STUDENT, advisory_id=advisory_id
    ).count()


def comments_with_names(term: Term, advisory_id: int) -> list[Comment]:
    """Every comment the advisory's students wrote on a term, with their names: for their
    advisor only (one query)."""
    rows = (
        Rating.objects.filter(
            reflection__term=term,
            reflection__perspective=STUDENT,
            reflection__advisory_id=advisory_id,
        )
        .exclude(comment="")
        .order_by(
            "expectation__number",
            "reflection__student__user__last_name",
            "reflection__student__user__first_name",
            "pk",
        )
        .values_list(
            "expectation_id",
            "comment",
            "shared",
            "reflection__student__preferred_name",
            "reflection__student__user__first_name",
            "reflection__student__user__last_name",
        )
    )
    return [
        Comment(expectation_id, text, shared, display_name(preferred, first, last))
        for expectation_id, text, shared, preferred, first, last in rows
    ]


def shared_comments(term: Term, advisory_ids: list[int | None], *, year_level=None):
    """The comments students shared with the school without their name, from the given
    advisories only (those with enough respondents): no name, no date, no advisory; in the
    expectations' order, then by their words (never by date or student). A queryset of
    (expectation id, comment) to paginate."""
    groups_in = Q(reflection__advisory_id__in=[pk for pk in advisory_ids if pk is not None])
    if None in advisory_ids:
        groups_in |= Q(reflection__advisory__isnull=True)
    ratings = Rating.objects.filter(
        groups_in, reflection__term=term, reflection__perspective=STUDENT, shared=True
    ).exclude(comment="")
    if year_level is not None:
        ratings = ratings.filter(reflection__year_level=year_level)
    return ratings.order_by("expectation__number", "comment", "pk").values_list(
        "expectation_id", "comment"
    )
