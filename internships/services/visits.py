"""Records around an internship: the student's explorations before one (informational
interviews, shadow days), the advisor's visits to the site and the mentor's evaluations."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from bigpicture.dates import span_errors
from bigpicture.models import User
from bigpicture.records import Area, records_change, through
from bigpicture.selectors import current_year
from internships.models import (
    RUBRIC_KEYS,
    RUBRIC_LEVELS,
    Evaluation,
    Exploration,
    Placement,
    Site,
    SiteVisit,
    may_propose,
)
from internships.reminders.pipeline import notify_evaluation
from internships.services.pipeline import lock, require
from students.models import Student


@records_change(Area.INTERNSHIP, student=through("student"))
def exploration_log(
    *,
    student: Student,
    by: User,
    kind: str,
    on: date,
    reflection: str,
    site: Site | None = None,
    with_whom: str = "",
) -> Exploration:
    """Log an informational interview or a shadow day, with the student's reflection."""
    require(may_propose(by, student))
    errors = {}
    if on > student.school.today():
        errors["on"] = _("Log an exploration on the day it happened, not ahead.")
    else:
        errors |= span_errors(student.school.today(), on=on)
    if site is not None and (
        site.school_id != student.school_id or not Site.objects.visible_to(by).filter(pk=site.pk)
    ):
        errors["site"] = _("Choose a site of the school's directory.")
    with_whom = with_whom.strip()
    if site is None and not with_whom:
        errors["with_whom"] = _("Choose a site, or say with whom.")
    if errors:
        raise ValidationError(errors)
    exploration = Exploration(
        student=student,
        kind=kind,
        on=on,
        site=site,
        with_whom=with_whom,
        reflection=reflection.strip(),
    )
    exploration.full_clean()
    exploration.save()
    return exploration


@records_change(Area.INTERNSHIP, student=through("placement", "student"))
def visit_record(
    *, placement: Placement, by: User, on: date, observations: str, follow_ups: str = ""
) -> SiteVisit:
    """The advisor (or an admin) records a visit to the student's internship."""
    require(placement.student.is_led_by(by))
    if not placement.has_started:
        raise ValidationError(_("Site visits are recorded once the internship has started."))
    if on > placement.student.school.today():
        raise ValidationError({"on": _("Record a visit on or after the day it happened.")})
    if on < placement.start_on:
        raise ValidationError({"on": _("The visit cannot come before the internship's first day.")})
    visit = SiteVisit(
        placement=placement,
        advisor=by,
        on=on,
        observations=observations.strip(),
        follow_ups=follow_ups.strip(),
    )
    visit.full_clean()
    visit.save()
    return visit


def _check_ratings(ratings: dict) -> dict:
    """A level 1-4 for every line of the rubric, or None where the mentor did not observe it.
    A line not observed is left out of what is stored: a missing key reads as SQL NULL on
    every database (a JSON null reads as the text 'null' on SQLite, which casts to 0), so
    averages and counts of levels leave it out."""
    if set(ratings) != set(RUBRIC_KEYS):
        raise ValidationError({"ratings": _("Give a level for every line of the rubric.")})
    checked = {}
    for key in RUBRIC_KEYS:
        if ratings[key] is None:
            continue
        try:
            level = int(ratings[key])
        except (TypeError, ValueError):
            level = 0
        if level not in RUBRIC_LEVELS:
            raise ValidationError({key: _("Choose a level from 1 to 4, or Not observed.")})
        checked[key] = level
    if not checked:
        raise ValidationError(
            {
                "ratings": _(
                    "Give a level for at least one line: an evaluation where nothing was "
                    "observed says nothing yet."
                )
            }
        )
    return checked


NO_EVALUATION = "new"


def evaluation_version(evaluation: Evaluation | None) -> str:
    """What an evaluation form remembers of what it opened: the last change, or none yet."""
    return NO_EVALUATION if evaluation is None else evaluation.updated_at.isoformat()


def _stale_message(evaluation: Evaluation | None, placement: Placement) -> str:
    if evaluation is None:  # taken away meanwhile: nothing of it to show
        return _("This evaluation changed after you opened it: open it again.")
    local = timezone.localtime(evaluation.updated_at, placement.student.school.zone)
    return _(
        "This semester's evaluation was saved (in another tab or by someone else) at "
        "%(time)s, after you opened this page. Nothing is changed yet: your answers are kept "
        "below. Read the saved one on the internship's page, then save again to replace it."
    ) % {"time": formats.date_format(local, "DATETIME_FORMAT")}


@records_change(Area.INTERNSHIP, student=through("placement", "student"))
@transaction.atomic
def evaluation_write(
    *,
    placement: Placement,
    by: User,
    semester: int,
    ratings: dict,
    strengths: str = "",
    next_steps: str = "",
    seen: str | None = None,
) -> Evaluation:
    """The mentor writes (or changes) the intern's evaluation for a semester of this year;
    with ``seen`` (the ``evaluation_version`` the form was opened on), refuse if it was
    written or changed since."""
    require(Placement.objects.mentored_by(by).filter(pk=placement.pk).exists())
    lock(placement)
    if placement.status not in Placement.STARTED:
        raise ValidationError(_("Evaluations are written for active or completed internships."))
    if semester not in Evaluation.Semester.values:
        raise ValidationError({"semester": _("Choose the first or the second semester.")})
    year = current_year(placement.student.school)
    if year is None:
        raise ValidationError(_("The school has no school year running: ask the school."))
    checked = _check_ratings(ratings)
    evaluation = Evaluation.objects.filter(
        placement=placement, school_year=year, semester=semester
    ).first()
    if seen is not None and seen != evaluation_version(evaluation):
        raise ValidationError(_stale_message(evaluation, placement), code="changed")
    is_new = evaluation is None
    if is_new:
        evaluation = Evaluation(placement=placement, school_year=year, semester=semester)
    evaluation.ratings, evaluation.author = checked, by
    evaluation.strengths, evaluation.next_steps = strengths.strip(), next_steps.strip()
    evaluation.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError as clash:  # should not happen under the lock; say so plainly
        raise ValidationError(_("This semester's evaluation is already written.")) from clash
    if is_new:
        notify_evaluation(evaluation)
    return evaluation
