"""Writes for assessment without grades: the term's narratives, exhibitions, their panels, the
panelists' feedback, and the result (a gateway's outcome included)."""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from advisories.models import Membership
from bigpicture.dates import span_errors
from bigpicture.models import Term, User
from bigpicture.records import Area, records_change, through
from students.models import (
    FIVE_GOALS,
    PERSONAL,
    Exhibition,
    Feedback,
    GuardianLink,
    Narrative,
    Panelist,
    PlanItem,
    Student,
    may_give_feedback,
    may_write_narrative,
)
from students.reminders.assessment import notify_narrative_published
from students.selectors.meetings import mentors_of

SECTION_KEYS = (*FIVE_GOALS, PERSONAL)
OUTSIDE_NAME_LENGTH = 150
Role = Panelist.Role


# --- the re-checks (who may do what is said by the models) -----------------------------------


def _require_leader(user: User, student: Student) -> None:
    if not student.is_led_by(user):
        raise PermissionDenied


def _local_time(moment: datetime, student: Student) -> str:
    local = timezone.localtime(moment, student.school.zone)
    return formats.date_format(local, "DATETIME_FORMAT")


# --- narratives --------------------------------------------------------------------------------


def _clean_sections(sections: dict) -> dict:
    """Keep the written sections, in the goals' order; refuse a narrative with none."""
    cleaned = {key: (sections.get(key) or "").strip() for key in SECTION_KEYS}
    cleaned = {key: text for key, text in cleaned.items() if text}
    if not cleaned:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("The narrative is empty: write at least one section.")}
        )
    return cleaned


ALREADY_WRITTEN = _("This narrative is already written for this term.")


def narrative_version(narrative: Narrative) -> str:
    """What a form remembers of the narrative it opened: the time of its last change."""
    return narrative.updated_at.isoformat()


@records_change(Area.NARRATIVE, student=through("student"))
def narrative_create(
    *, student: Student, term: Term, kind: str, by: User, sections: dict
) -> Narrative:
    """Start a term's narrative: the student's own, or the advisor's about the student.

    Never over one already there (started meanwhile in another tab or by someone else):
    that one is edited from its own page, so the form is refused, its text kept.
    """
    if not may_write_narrative(by, student, kind):
        raise PermissionDenied
    if not Term.objects.of_school(student.school_id).filter(pk=term.pk).exists():
        raise ValidationError({"term": _("Choose a term of the student's school.")})
    if Narrative.objects.filter(student=student, term=term, kind=kind).exists():
        raise ValidationError({"term": ALREADY_WRITTEN}, code="exists")
    narrative = Narrative(
        student=student, term=term, kind=kind, author=by, sections=_clean_sections(sections)
    )
    narrative.full_clean()
    try:
        with transaction.atomic():
            narrative.save()
    except IntegrityError as clash:  # the same narrative started twice at once
        raise ValidationError({"term": ALREADY_WRITTEN}, code="exists") from clash
    return narrative


@records_change(Area.NARRATIVE, student=through("narrative", "student"))
@transaction.atomic
def narrative_update(
    *, narrative: Narrative, by: User, sections: dict, seen: str | None = None
) -> Narrative:
    """Rewrite a narrative's sections (its author's side only); with ``seen`` (the
    ``narrative_version`` the form was opened on), refuse if it was saved since."""
    if not may_write_narrative(by, narrative.student, narrative.kind):
        raise PermissionDenied
    # Read the saved row under a lock, so two saves of one narrative never cross.
    saved = Narrative.objects.select_for_update().filter(pk=narrative.pk).first()
    if saved is None:
        raise ValidationError(_("This narrative was removed meanwhile."))
    if seen is not None and seen != narrative_version(saved):
        narrative.updated_at, narrative.sections = saved.updated_at, saved.sections
        when = _local_time(saved.updated_at, narrative.student)
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "This narrative was saved by someone else (or in another tab) at %(time)s, "
                    "after you opened it. Nothing is changed yet: your text is kept below. "
                    "Read the saved one, then save again to replace it with yours."
                )
                % {"time": when}
            },
            code="changed",
        )
    narrative.sections = _clean_sections(sections)
    narrative.full_clean()
    narrative.save()
    return narrative


def _require_publisher(narrative: Narrative, by: User) -> None:
    _require_leader(by, narrative.student)
    if narrative.kind != Narrative.Kind.ADVISOR:
        raise ValidationError(_("Only the advisor's narrative is shown to the family."))


@records_change(Area.NARRATIVE, student=through("narrative", "student"))
@transaction.atomic
def narrative_publish(*, narrative: Narrative, by: User) -> Narrative:
    """Show the advisor's narrative to the student's family, and tell them by email."""
    _require_publisher(narrative, by)
    if narrative.published_at is None:
        narrative.published_at = timezone.now()
        narrative.full_clean()
        narrative.save()
        notify_narrative_published(narrative)
    return narrative


@records_change(Area.NARRATIVE, student=through("narrative", "student"))
def narrative_unpublish(*, narrative: Narrative, by: User) -> Narrative:
    """Take the advisor's narrative back from the family's view."""
    _require_publisher(narrative, by)
    narrative.published_at = None
    narrative.full_clean()
    narrative.save()
    return narrative


# --- exhibitions -------------------------------------------------------------------------------


def _term_at(student: Student, starts_at: datetime) -> Term:
    """The school's term covering the exhibition's day (in the school's time zone)."""
    # Far from today first: no arithmetic on a time at the very end of the calendar.
    if errors := span_errors(student.school.today(), starts_at=starts_at.date()):
        raise ValidationError(errors)
    if starts_at < timezone.now():
        raise ValidationError({"starts_at": _("Choose a time that is not in the past.")})
    day = timezone.localtime(starts_at, student.school.zone).date()
    term = (
        Term.objects.of_school(student.school_id)
        .filter(start_date__lte=day, end_date__gte=day)
        .select_related("school_year")
        .first()
    )
    if term is None:
        raise ValidationError(
            {
                "starts_at": _("No term of the school covers %(day)s: choose a day in a term.")
                % {"day": formats.date_format(day)}
            }
        )
    return term


def _check_work(student: Student, term: Term, work: Iterable[PlanItem]) -> list[PlanItem]:
    work = list(work)
    allowed = set(
        PlanItem.objects.filter(plan__student=student, plan__term=term).values_list("pk", flat=True)
    )
    if any(item.pk not in allowed for item in work):
        raise ValidationError(
            {"work": _("Choose work from this student's plan for %(term)s.") % {"term": str(term)}}
        )
    return work


def _outside_names(outside: Iterable[str]) -> list[str]:
    names = list(dict.fromkeys(name.strip() for name in outside if name.strip()))
    if any(len(name) > OUTSIDE_NAME_LENGTH for name in names):
        raise ValidationError(
            {
                "outside": _("Keep each name under %(count)s characters.")
                % {"count": OUTSIDE_NAME_LENGTH}
            }
        )
    return names


def _panel_people(
    student: Student, guardians: Iterable[User], mentor: User | None, peers: Iterable[Student]
) -> dict[int, str]:
    """Person id -> panel role: the advisor (automatically), the chosen guardians, the mentor
    and peers, each checked against the student's family and school."""
    linked = set(GuardianLink.objects.filter(student=student).values_list("guardian_id", flat=True))
    if any(guardian.pk not in linked for guardian in guardians):
        raise ValidationError({"guardians": _("Choose only this student's guardians.")})
    if mentor is not None and not mentors_of(student).filter(pk=mentor.pk).exists():
        raise ValidationError({"mentor": _("Choose a mentor of this student's internship.")})
    peers = list(peers)
    if any(peer.school_id != student.school_id or peer.pk == student.pk for peer in peers):
        raise ValidationError({"peers": _("Choose other students of the same school.")})
    people: dict[int, str] = {}
    advisor_id = _advisor_id(student)
    if advisor_id:
        people[advisor_id] = Role.ADVISOR
    for guardian in guardians:
        people.setdefault(guardian.pk, Role.GUARDIAN)
    if mentor is not None:
        people.setdefault(mentor.pk, Role.MENTOR)
    for peer in peers:
        people.setdefault(peer.user_id, Role.PEER)
    return people


def _advisor_id(student: Student) -> int | None:
    membership = Membership.objects.current().filter(student=student)
    return membership.values_list("advisory__advisor_id", flat=True).first()


def _sync_panel(exhibition: Exhibition, people: dict[int, str], outside: list[str]) -> None:
    """Make the panel match the choice; a panelist who gave feedback stays on it."""
    gave = set(exhibition.feedback.values_list("panelist_id", flat=True))
    kept_people, kept_names = set(), set()
    for panelist in exhibition.panelists.all():
        wanted = panelist.person_id in people if panelist.person_id else panelist.name in outside
        if wanted or panelist.pk in gave:
            kept_people.add(panelist.person_id)
            kept_names.add(panelist.name)
        else:
            panelist.delete()
    new = [
        Panelist(exhibition=exhibition, person_id=person_id, role=role)
        for person_id, role in people.items()
        if person_id not in kept_people
    ]
    new += [
        Panelist(exhibition=exhibition, name=name, role=Role.OUTSIDE)
        for name in outside
        if name not in kept_names
    ]
    for panelist in new:
        panelist.full_clean(validate_unique=False, validate_constraints=False)
    Panelist.objects.bulk_create(new)


def _save_exhibition(
    exhibition: Exhibition,
    *,
    work: Iterable[PlanItem],
    guardians: Iterable[User],
    mentor: User | None,
    peers: Iterable[Student],
    outside: Iterable[str],
) -> Exhibition:
    student = exhibition.student
    work = _check_work(student, exhibition.term, work)
    people = _panel_people(student, list(guardians), mentor, peers)
    names = _outside_names(outside)
    exhibition.full_clean()
    exhibition.save()
    exhibition.work.set(work)
    _sync_panel(exhibition, people, names)
    return exhibition


@records_change(Area.EXHIBITION, student=through("student"))
@transaction.atomic
def exhibition_schedule(
    *,
    student: Student,
    by: User,
    title: str,
    starts_at: datetime,
    duration: int = 45,
    room: str = "",
    gateway: str = "",
    work: Iterable[PlanItem] = (),
    guardians: Iterable[User] = (),
    mentor: User | None = None,
    peers: Iterable[Student] = (),
    outside: Iterable[str] = (),
) -> Exhibition:
    """Schedule a student's exhibition in the term of its day, with its work and panel."""
    _require_leader(by, student)
    exhibition = Exhibition(
        student=student,
        term=_term_at(student, starts_at),
        title=title.strip(),
        starts_at=starts_at,
        duration=duration,
        room=room.strip(),
        gateway=gateway,
        created_by=by,
    )
    return _save_exhibition(
        exhibition, work=work, guardians=guardians, mentor=mentor, peers=peers, outside=outside
    )


@records_change(Area.EXHIBITION, student=through("exhibition", "student"))
@transaction.atomic
def exhibition_update(
    *,
    exhibition: Exhibition,
    by: User,
    title: str,
    starts_at: datetime,
    duration: int = 45,
    room: str = "",
    gateway: str = "",
    work: Iterable[PlanItem] = (),
    guardians: Iterable[User] = (),
    mentor: User | None = None,
    peers: Iterable[Student] = (),
    outside: Iterable[str] = (),
    cancelled: bool = False,
) -> Exhibition:
    """Change a scheduled exhibition: its time, work and panel, or call it off."""
    _require_leader(by, exhibition.student)
    if exhibition.status != Exhibition.Status.SCHEDULED:
        raise ValidationError(_("Only a scheduled exhibition can be changed."))
    if starts_at != exhibition.starts_at:
        exhibition.term = _term_at(exhibition.student, starts_at)
    exhibition.title, exhibition.starts_at, exhibition.duration = title.strip(), starts_at, duration
    exhibition.room, exhibition.gateway = room.strip(), gateway
    if cancelled:
        exhibition.status = Exhibition.Status.CANCELLED
    return _save_exhibition(
        exhibition, work=work, guardians=guardians, mentor=mentor, peers=peers, outside=outside
    )


def _require_started(exhibition: Exhibition, message: str) -> None:
    if exhibition.status == Exhibition.Status.CANCELLED:
        raise ValidationError(_("This exhibition was cancelled."))
    if timezone.now() < exhibition.starts_at:
        when = _local_time(exhibition.starts_at, exhibition.student)
        raise ValidationError(message % {"time": when})


@records_change(Area.EXHIBITION, student=through("exhibition", "student"))
@transaction.atomic
def exhibition_result(
    *, exhibition: Exhibition, by: User, summary: str = "", outcome: str = ""
) -> Exhibition:
    """Mark an exhibition held, with the panel's summary and, for a gateway, its outcome."""
    _require_leader(by, exhibition.student)
    _require_started(
        exhibition, _("The exhibition has not started yet: record its result from %(time)s on.")
    )
    if outcome and not exhibition.gateway:
        raise ValidationError({"outcome": _("Only a gateway exhibition has an outcome.")})
    exhibition.status = Exhibition.Status.HELD
    exhibition.summary, exhibition.outcome = summary.strip(), outcome
    exhibition.full_clean()
    exhibition.save()
    return exhibition


# --- feedback ----------------------------------------------------------------------------------


def _clean_ratings(ratings: dict) -> dict[str, int]:
    """Learning goal code -> level 1-4; a goal left blank is left out."""
    cleaned, errors = {}, {}
    for code, value in ratings.items():
        if value in (None, ""):
            continue
        if code not in FIVE_GOALS:
            errors[NON_FIELD_ERRORS] = _("Rate only the Five Learning Goals.")
            continue
        try:
            level = int(value)
        except (TypeError, ValueError):
            level = 0
        if level not in Feedback.Level.values:
            errors[code] = _("Choose a level from 1 to 4.")
        else:
            cleaned[code] = level
    if errors:
        raise ValidationError(errors)
    return {code: cleaned[code] for code in FIVE_GOALS if code in cleaned}


@records_change(Area.EXHIBITION, student=through("exhibition", "student"))
@transaction.atomic
def feedback_record(
    *,
    exhibition: Exhibition,
    panelist: Panelist,
    by: User,
    ratings: dict,
    strengths: str = "",
    suggestions: str = "",
) -> Feedback:
    """Record (or change) a panelist's rubric and comments, from the exhibition's start on."""
    if not may_give_feedback(by, exhibition, panelist):
        raise PermissionDenied
    if not Exhibition.objects.visible_to(by).filter(pk=exhibition.pk).exists():
        raise PermissionDenied  # a seat outlived the role that gave it
    _require_started(exhibition, _("Feedback opens when the exhibition starts, at %(time)s."))
    levels = _clean_ratings(ratings)
    strengths, suggestions = strengths.strip(), suggestions.strip()
    if not (levels or strengths or suggestions):
        raise ValidationError(_("Give a level for at least one learning goal, or a comment."))
    feedback = Feedback.objects.filter(panelist=panelist).first() or Feedback(
        exhibition=exhibition, panelist=panelist
    )
    feedback.ratings, feedback.recorded_by = levels, by
    feedback.strengths, feedback.suggestions = strengths, suggestions
    feedback.full_clean()
    feedback.save()
    return feedback
