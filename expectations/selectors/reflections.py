"""Reads behind the term reflection page: whose view a person gives, what they answered,
the due date, the year's terms with their state, and who has not reflected yet."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Prefetch
from django.utils.translation import gettext_lazy as _

from advisories.models import Membership
from bigpicture import access
from bigpicture.links import link
from bigpicture.models import Term, User
from bigpicture.names import display_name
from expectations.models import Rating, Reflection, Wording
from expectations.selectors.catalog import TermDue, catalog_wordings, term_due, terms_with_due
from students.models import Student

Perspective = Reflection.Perspective

# The ends and the middle of the 1-5 scale, as the radio buttons read them.
SCALE = [
    (1, _("Not at all")),
    (2, _("A little")),
    (3, _("Somewhat")),
    (4, _("Mostly")),
    (5, _("Completely")),
]


def perspective_of(student: Student, user: User) -> str | None:
    """The perspective a person reflects from on a student: the student themself, else a
    guardian linked to them (family), else their advisor now; None for anyone else
    (an admin reads, never writes). At most two small queries."""
    if student.is_self(user):
        return Perspective.STUDENT
    if student.has_guardian(user):
        return Perspective.FAMILY
    if access.has_role(user, access.ADVISOR) and user.is_active:
        advised = Membership.objects.current().advised_by(user).filter(student_id=student.pk)
        if advised.exists():
            return Perspective.ADVISOR
    return None


@dataclass(frozen=True)
class Question:
    """One expectation as a perspective is asked it: the legend and a hint under it."""

    wording: Wording
    legend: str
    hint: str


def question_for(wording: Wording, perspective: str | None, student_name: str) -> Question:
    """How a perspective is asked about an expectation: the student their question, a
    family the family's, the advisor how they see it met for the student."""
    if perspective == Perspective.FAMILY:
        return Question(wording, wording.family_question, wording.description)
    if perspective == Perspective.ADVISOR:
        legend = _("How do you see this expectation met for %(student)s?") % {
            "student": student_name
        }
        return Question(wording, legend, wording.question)
    return Question(wording, wording.question, wording.description)


@dataclass(frozen=True)
class TermStatus:
    """A term of the year with a person's reflection on the student in it."""

    term: Term
    due: date
    status: str  # done, started, not_started, missed
    url: str
    is_shown: bool


@dataclass(frozen=True)
class Reading:
    """A reflection as an admin reads it: whose view, by whom, and each answer."""

    perspective: str
    perspective_label: str
    author: str
    answers: list[tuple[Wording, Rating | None]]
    comments_hidden: bool


@dataclass
class ReflectionState:
    """Everything the reflection page shows about one student's term for one person."""

    student: Student
    term: Term
    perspective: str | None
    due: date
    today: date
    reflection: Reflection | None
    ratings: dict[int, Rating]
    questions: list[Question]  # the expectations on the form now (the active ones)
    shown: list[Question]  # what a read-only page shows: the active ones and any answered
    terms: list[TermStatus] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)

    @property
    def locked(self) -> bool:
        return self.today > self.due

    @property
    def locked_since(self) -> date:
        return self.due + timedelta(days=1)

    @property
    def answers(self) -> list[tuple[Question, Rating | None]]:
        """What a read-only page lists: each question shown with its rating, if any."""
        return [(q, self.ratings.get(q.wording.pk)) for q in self.shown]

    @property
    def can_write(self) -> bool:
        return self.perspective is not None and not self.locked


def reflection_state(student: Student, term: Term, user: User) -> ReflectionState:
    """A person's reflection on a student's term: their perspective, answers, due date, the
    year's terms with their state, and for a reader (an admin) every reflection written.
    A fixed number of queries."""
    perspective = perspective_of(student, user)
    rows = catalog_wordings(student.school_id)
    reflection = own_reflection(student, term, user) if perspective else None
    ratings = {rating.expectation_id: rating for rating in getattr(reflection, "answers", [])}
    name = student.display_name
    dues = terms_with_due(term.school_year)
    state = ReflectionState(
        student=student,
        term=term,
        perspective=perspective,
        due=next((d.due for d in dues if d.term.pk == term.pk), None) or term_due(term),
        today=student.school.today(),
        reflection=reflection,
        ratings=ratings,
        questions=[question_for(w, perspective, name) for w, on in rows if on],
        shown=[question_for(w, perspective, name) for w, on in rows if on or w.pk in ratings],
    )
    state.terms = term_statuses(state, user, dues, active=len(state.questions))
    if perspective is None:
        state.readings = readings(student, term, [wording for wording, _on in rows])
    return state


def _with_ratings(reflections):
    ratings = Rating.objects.order_by("expectation__number")
    return reflections.prefetch_related(Prefetch("ratings", ratings, to_attr="answers"))


def own_reflection(student: Student, term: Term, user: User) -> Reflection | None:
    """A person's reflection on a student's term, with its ratings (two queries), or None."""
    mine = Reflection.objects.filter(student=student, term=term, author=user)
    return _with_ratings(mine).first()


def term_statuses(
    state: ReflectionState, user: User, dues: list[TermDue], *, active: int
) -> list[TermStatus]:
    """The year's terms (with their due dates), each with the person's reflection state on
    the student (for a reader, the student's own); one query."""
    written = Reflection.objects.filter(student=state.student, term__in=[d.term for d in dues])
    if state.perspective is None:
        written = written.filter(perspective=Perspective.STUDENT)
    else:
        written = written.filter(author=user)
    counts = dict(written.values_list("term_id").annotate(n=Count("ratings")))
    prefix = link("expectations:reflection", state.student.pk)
    return [
        TermStatus(
            term=due.term,
            due=due.due,
            status=_status(counts.get(due.term.pk), active, state.today > due.due),
            url=f"{prefix}{due.term.pk}/",
            is_shown=due.term.pk == state.term.pk,
        )
        for due in dues
    ]


def _status(answered: int | None, active: int, locked: bool) -> str:
    if answered and (locked or answered >= active):
        return "done"
    if locked:
        return "missed"
    return "started" if answered else "not_started"


def readings(student: Student, term: Term, wordings: list[Wording]) -> list[Reading]:
    """Every reflection on a student's term, student's first, for a reader: the student's
    comments stay with their advisor (shared ones reach the school without a name, so they
    are not shown here beside the name either). Two queries."""
    written = Reflection.objects.filter(student=student, term=term).select_related("author")
    result = []
    for reflection in _with_ratings(written).order_by("perspective", "pk"):
        by_expectation = {rating.expectation_id: rating for rating in reflection.answers}
        author = reflection.author
        result.append(
            Reading(
                perspective=reflection.perspective,
                perspective_label=reflection.get_perspective_display(),
                author=display_name("", author.first_name, author.last_name),
                answers=[(w, by_expectation.get(w.pk)) for w in wordings if w.pk in by_expectation],
                comments_hidden=reflection.perspective == Perspective.STUDENT,
            )
        )
    return sorted(result, key=lambda reading: _ORDER[reading.perspective])


_ORDER = {Perspective.STUDENT: 0, Perspective.FAMILY: 1, Perspective.ADVISOR: 2}


def answered_students(term_id: int):
    """The ids of the students with their own reflection in a term holding at least one
    rating, as a subquery."""
    own = Reflection.objects.filter(
        term_id=term_id, perspective=Perspective.STUDENT, ratings__isnull=False
    )
    return own.values("student_id")


def missing_reflections(student_ids: list[int], term: Term) -> set[int]:
    """The students among these with no reflection of their own (no rating given) in a
    term (one query)."""
    answered = Reflection.objects.filter(
        student_id__in=student_ids,
        term_id=term.pk,
        perspective=Perspective.STUDENT,
        ratings__isnull=False,
    ).values_list("student_id", flat=True)
    return set(student_ids) - set(answered)
