"""Writes to term reflections: a student, a family or an advisor saves their answers, as
many times as they like until the term's due date."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from advisories.models import Membership
from bigpicture.models import Term, User
from bigpicture.records import Area, records_change, through
from expectations.models import Rating, Reflection
from expectations.models.reflections import SCORES
from expectations.selectors.catalog import term_due, wordings
from expectations.selectors.reflections import perspective_of
from students.models import Student

Perspective = Reflection.Perspective


@dataclass(frozen=True)
class Answer:
    """What a person answered about one expectation: a score (None: not answered), a
    comment, and for a student whether to share the comment without their name."""

    score: int | None
    comment: str = ""
    shared: bool = False


def locked_message(due) -> str:
    return _("Reflections for this term were due on %(date)s; they can no longer change.") % {
        "date": formats.date_format(due)
    }


def _check_answers(answers: dict[int, Answer], active: set[int]) -> None:
    """Refuse a score out of 1-5, a comment without a score, an expectation not asked."""
    errors = {}
    for pk, answer in answers.items():
        if pk not in active:
            errors["__all__"] = _("One of the expectations answered is not asked this term.")
        elif answer.score is not None and answer.score not in SCORES:
            errors[f"score_{pk}"] = _("Choose a rating from 1 to 5.")
        elif answer.score is None and answer.comment.strip():
            errors[f"score_{pk}"] = _("Choose a rating for your comment, or remove the comment.")
    if errors:
        raise ValidationError(errors)


NO_REFLECTION = "new"


def reflection_version(reflection: Reflection | None) -> str:
    """What a reflection form remembers of what it opened: the last save, or none yet."""
    return NO_REFLECTION if reflection is None else reflection.updated_at.isoformat()


def _stale_message(saved: Reflection | None, student: Student) -> str:
    if saved is None:  # removed meanwhile: nothing of it to show
        return _("This reflection changed after you opened it: open it again.")
    local = timezone.localtime(saved.updated_at, student.school.zone)
    return _(
        "Your reflection on this term was saved (in another tab or on another device) at "
        "%(time)s, after you opened this page. Nothing is changed yet: your answers are kept "
        "below, each with the saved one beside it. Save again to replace the saved answers "
        "with yours."
    ) % {"time": formats.date_format(local, "DATETIME_FORMAT")}


def _where(student: Student, term: Term) -> dict:
    """The student's advisory now and year level in the term's year, kept on the reflection."""
    membership = Membership.objects.current().filter(student_id=student.pk).first()
    return {
        "advisory_id": membership.advisory_id if membership else None,
        "year_level": term.school_year.year_level(student.graduating_class),
    }


@records_change(Area.REFLECTION, student=through("student"))
@transaction.atomic
def reflection_save(
    *,
    student: Student,
    term: Term,
    by: User,
    answers: dict[int, Answer],
    seen: str | None = None,
) -> Reflection:
    """Save a person's reflection on a student's term (one per person, edited in place):
    the answered expectations get a rating, the unanswered ones none. Refused after the
    due date, for a term of another school, for anyone but the student, a guardian of
    theirs or their advisor, and with ``seen`` (the ``reflection_version`` the form was
    opened on) when it was written or saved since."""
    perspective = perspective_of(student, by)
    if perspective is None:
        raise PermissionDenied
    if term.school_year.school_id != student.school_id:
        raise PermissionDenied
    due = term_due(term)
    if student.school.today() > due:
        raise ValidationError(locked_message(due))
    active = {wording.pk for wording in wordings(student.school_id)}
    _check_answers(answers, active)
    # Read the saved one under a lock, so two saves of one reflection never cross.
    mine = Reflection.objects.select_for_update()
    reflection = mine.filter(student=student, term=term, author=by).first()
    if seen is not None and seen != reflection_version(reflection):
        raise ValidationError(_stale_message(reflection, student), code="changed")
    reflection = reflection or Reflection(student=student, term=term, author=by)
    for name, value in {"perspective": perspective, **_where(student, term)}.items():
        setattr(reflection, name, value)
    reflection.full_clean()
    try:
        with transaction.atomic():
            reflection.save()
    except IntegrityError as clash:  # the same reflection started twice at once
        saved = mine.filter(student=student, term=term, author=by).first()
        raise ValidationError(_stale_message(saved, student), code="changed") from clash
    _save_ratings(reflection, answers, active, sharing=perspective == Perspective.STUDENT)
    return reflection


def _save_ratings(
    reflection: Reflection, answers: dict[int, Answer], active: set[int], *, sharing: bool
) -> None:
    """Write the answered ratings and drop those of asked expectations left unanswered
    (an expectation switched off keeps its past rating)."""
    existing = {rating.expectation_id: rating for rating in reflection.ratings.all()}
    answered = {pk: a for pk, a in answers.items() if a.score is not None}
    unanswered = [existing[pk].pk for pk in active - answered.keys() if pk in existing]
    Rating.objects.filter(pk__in=unanswered).delete()
    changed, new = [], []
    for pk, answer in answered.items():
        rating = existing.get(pk) or Rating(reflection=reflection, expectation_id=pk)
        rating.score, rating.comment = answer.score, answer.comment.strip()
        rating.shared = sharing and answer.shared and bool(rating.comment)
        rating.full_clean(exclude=["reflection", "expectation"], validate_unique=False)
        (changed if rating.pk else new).append(rating)
    Rating.objects.bulk_update(changed, ["score", "comment", "shared"])
    Rating.objects.bulk_create(new)
