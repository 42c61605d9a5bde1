"""Writes along a student's way into an internship: exploration steps, the placement's
pipeline (each step is that person's signature of the agreement), the agreement while it
may still change, the advisor's site visits and the mentor's evaluations.

Sending a proposal back keeps it PROPOSED: the step is recorded (PROPOSED -> PROPOSED, the
advisor's comment as its note) and the proposer changes the agreement and waits for approval
again, without typing it all anew. A change of the agreement is recorded as a step from a
state to itself with no note; a change by the student after approval withdraws the approval
(APPROVED -> PROPOSED): the advisor approved another agreement.
"""

from datetime import date, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bigpicture.access import leads
from bigpicture.dates import span_errors
from bigpicture.models import User
from bigpicture.selectors import current_term, current_year
from internships.models import (
    Evaluation,
    Exploration,
    Mentor,
    Opportunity,
    Placement,
    PlacementEvent,
    Site,
    SiteVisit,
)
from students.goals import FIVE_GOALS
from students.models import GuardianLink, PlanItem, Student

Status = Placement.Status
OPEN = (Status.PROPOSED, Status.APPROVED, Status.CONSENTED, Status.ACTIVE)
EDITABLE = (Status.PROPOSED, Status.APPROVED)
STARTED = (Status.ACTIVE, Status.COMPLETED)

# The mentor's rubric: each of the Five Learning Goals and these workplace qualities, 1-4.
WORKPLACE_QUALITIES = {
    "punctuality": _("Punctuality and attendance"),
    "initiative": _("Initiative"),
    "professionalism": _("Professionalism"),
    "workplace_communication": _("Communication at work"),
    "quality": _("Quality of work"),
}
RUBRIC_LEVELS = {
    1: _("Beginning"),
    2: _("Developing"),
    3: _("Proficient"),
    4: _("Exemplary"),
}
RUBRIC_KEYS = (*FIVE_GOALS, *WORKPLACE_QUALITIES)

AGREEMENT_FIELDS = (
    "site",
    "mentor",
    "opportunity",
    "project",
    "project_description",
    "days",
    "starts_at_time",
    "ends_at_time",
    "start_on",
    "end_on",
    "review_on",
)
PLAIN_TEXT = ("project", "project_description")


# --- who may do what ---------------------------------------------------------------------------


def is_own(user: User, student: Student) -> bool:
    """Whether the person is the student themself."""
    return bool(user.is_authenticated and user.is_student and user.pk == student.user_id)


def may_propose(user: User, student: Student) -> bool:
    """The student for themself, or their advisor (or an admin) for them."""
    return is_own(user, student) or leads(user, student)


def is_guardian_of(user: User, student: Student) -> bool:
    """A guardian linked to the student (a guardian of another student is not)."""
    if not (user.is_authenticated and user.is_guardian and user.is_active):
        return False
    return GuardianLink.objects.filter(student_id=student.pk, guardian_id=user.pk).exists()


def may_edit(user: User, placement: Placement) -> bool:
    """The proposer, or the student's advisor (or an admin)."""
    if user.pk == placement.proposed_by_id and may_propose(user, placement.student):
        return True
    return leads(user, placement.student)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _lock(placement: Placement) -> None:
    """Read the placement's state under a lock: two steps taken at once go one by one."""
    placement.status = (
        Placement.objects.select_for_update().values_list("status", flat=True).get(pk=placement.pk)
    )


def _require_status(placement: Placement, *statuses: str) -> None:
    if placement.status not in statuses:
        raise ValidationError(
            _("This step cannot be taken now: the internship is %(status)s.")
            % {"status": str(placement.status_label).lower()}
        )


def _record(placement: Placement, before: str, by: User, note: str = "") -> PlacementEvent:
    event = PlacementEvent(
        placement=placement, from_status=before, to_status=placement.status, by=by, note=note
    )
    event.full_clean()
    event.save()
    return event


# --- explorations ------------------------------------------------------------------------------


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
    _require(may_propose(by, student))
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


# --- the agreement -----------------------------------------------------------------------------


def current_plan_items(student: Student):
    """The goals and projects of the student's learning plan for the current term."""
    term = current_term(student.school)
    if term is None:
        return PlanItem.objects.none()
    return PlanItem.objects.filter(plan__student_id=student.pk, plan__term_id=term.pk)


def _check_agreement(
    student: Student,
    by: User,
    *,
    site: Site,
    mentor: Mentor,
    opportunity: Opportunity | None,
    plan_items,
    days,
    starts_at_time: time | None,
    ends_at_time: time | None,
    start_on: date,
    end_on: date,
    review_on: date | None,
) -> None:
    errors = {}
    if site.school_id != student.school_id or not Site.objects.visible_to(by).filter(pk=site.pk):
        errors["site"] = _("Choose a site of the school's directory.")
    elif site.status != Site.Status.ACTIVE:
        errors["site"] = _("This site is not open for internships (%(status)s).") % {
            "status": site.status_label
        }
    if mentor.site_id != site.pk:
        errors["mentor"] = _("Choose a mentor who works at this site.")
    elif mentor.user_id == student.user_id:
        errors["mentor"] = _("A student cannot be their own mentor.")
    elif refusal := mentor.placement_refusal(max(start_on, student.school.today())):
        errors["mentor"] = refusal
    if opportunity is not None and opportunity.site_id != site.pk:
        errors["opportunity"] = _("Choose an opportunity at this site.")
    allowed = set(current_plan_items(student).values_list("pk", flat=True))
    if any(item.pk not in allowed for item in plan_items):
        errors["plan_items"] = _("Choose goals of the student's learning plan for this term.")
    if not days or any(day not in Placement.Day.values for day in days):
        errors["days"] = _("Choose the days of the week at the site.")
    if starts_at_time is None or ends_at_time is None:
        errors["starts_at_time"] = _("Give the hours at the site, from and until.")
    elif ends_at_time <= starts_at_time:
        errors["ends_at_time"] = _("The day at the site must end after it starts.")
    if end_on <= start_on:
        errors["end_on"] = _("The last day must come after the first day.")
    elif review_on is not None and not start_on <= review_on <= end_on:
        errors["review_on"] = _("The review date must fall between the first and the last day.")
    far = span_errors(student.school.today(), start_on=start_on, end_on=end_on, review_on=review_on)
    errors = far | errors  # a more precise message by a field wins
    if errors:
        raise ValidationError(errors)


def _lock_student(student: Student) -> None:
    """Lock the student: two proposals at once are checked one after the other."""
    Student.objects.select_for_update().filter(pk=student.pk).values_list("pk").first()


def _refuse_second_open(student: Student, site: Site, placement: Placement | None = None) -> None:
    others = Placement.objects.filter(student_id=student.pk, site_id=site.pk, status__in=OPEN)
    if placement is not None:
        others = others.exclude(pk=placement.pk)
    if others.exists():
        raise ValidationError(
            {"site": _("The student already has an open internship at this site.")}
        )


@transaction.atomic
def placement_propose(
    *,
    student: Student,
    by: User,
    site: Site,
    mentor: Mentor,
    project: str,
    start_on: date,
    end_on: date,
    days=(),
    starts_at_time: time | None = None,
    ends_at_time: time | None = None,
    review_on: date | None = None,
    opportunity: Opportunity | None = None,
    project_description: str = "",
    plan_items=(),
) -> Placement:
    """Propose an internship and its agreement: the proposer's signature."""
    from internships.reminders.pipeline import notify_step

    _require(may_propose(by, student))
    plan_items, days = list(plan_items), list(days)
    agreement = {
        "site": site,
        "mentor": mentor,
        "opportunity": opportunity,
        "days": days,
        "starts_at_time": starts_at_time,
        "ends_at_time": ends_at_time,
        "start_on": start_on,
        "end_on": end_on,
        "review_on": review_on,
    }
    _check_agreement(student, by, plan_items=plan_items, **agreement)
    _lock_student(student)
    _refuse_second_open(student, site)
    placement = Placement(
        student=student,
        status=Status.PROPOSED,
        project=project.strip(),
        project_description=project_description.strip(),
        proposed_by=by,
        **agreement,
    )
    placement.full_clean()
    placement.save()
    placement.plan_items.set(plan_items)
    event = _record(placement, "", by)
    notify_step(placement, event)
    return placement


@transaction.atomic
def placement_update(*, placement: Placement, by: User, plan_items=None, **fields) -> Placement:
    """Change the agreement while it waits for the family's consent (not after it)."""
    from internships.reminders.pipeline import notify_step

    _require(may_edit(by, placement))
    _lock(placement)
    if placement.status not in EDITABLE:
        raise ValidationError(
            _("The family consented to this agreement, so it can no longer change.")
        )
    student = placement.student
    stored = Placement.objects.get(pk=placement.pk)
    items = list(stored.plan_items.all() if plan_items is None else plan_items)
    for field in AGREEMENT_FIELDS:
        if field in fields:
            value = fields[field]
            setattr(placement, field, value.strip() if isinstance(value, str) else value)
    placement.days = list(placement.days)
    unchanged = all(getattr(placement, f) == getattr(stored, f) for f in AGREEMENT_FIELDS)
    if unchanged and {i.pk for i in items} == set(stored.plan_items.values_list("pk", flat=True)):
        return placement
    _check_agreement(
        student,
        by,
        plan_items=items,
        **{f: getattr(placement, f) for f in AGREEMENT_FIELDS if f not in PLAIN_TEXT},
    )
    _lock_student(student)
    _refuse_second_open(student, placement.site, placement)
    before = placement.status
    if before == Status.APPROVED:
        # The family was asked to consent to another agreement: whoever changes it, it goes
        # back to the advisor's approval, and the family is asked again after that.
        placement.status, placement.approved_by, placement.approved_at = Status.PROPOSED, None, None
    placement.full_clean()
    placement.save()
    placement.plan_items.set(items)
    event = _record(placement, before, by)
    notify_step(placement, event)
    return placement


# --- the steps ---------------------------------------------------------------------------------


@transaction.atomic
def placement_approve(*, placement: Placement, by: User, note: str = "") -> Placement:
    """The advisor (or an admin) approves the proposal (their signature); the family is asked."""
    from internships.reminders.pipeline import notify_consent_request, notify_step

    _require(leads(by, placement.student))
    _lock(placement)
    _require_status(placement, Status.PROPOSED)
    day = max(placement.start_on, placement.student.school.today())
    if refusal := placement.mentor.placement_refusal(day):
        raise ValidationError({"mentor": refusal})
    placement.status, placement.approved_by, placement.approved_at = (
        Status.APPROVED,
        by,
        timezone.now(),
    )
    placement.save(update_fields=["status", "approved_by", "approved_at"])
    event = _record(placement, Status.PROPOSED, by, note.strip())
    notify_consent_request(placement)
    notify_step(placement, event)
    return placement


@transaction.atomic
def placement_send_back(*, placement: Placement, by: User, note: str) -> Placement:
    """The advisor (or an admin) sends the proposal back, still proposed, saying what to change."""
    from internships.reminders.pipeline import notify_step

    _require(leads(by, placement.student))
    _lock(placement)
    _require_status(placement, Status.PROPOSED)
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say what should change.")})
    event = _record(placement, Status.PROPOSED, by, note)
    notify_step(placement, event)
    return placement


@transaction.atomic
def placement_consent(*, placement: Placement, by: User, note: str = "") -> Placement:
    """A guardian of the student consents (the family's signature); the mentor is asked."""
    from internships.reminders.pipeline import notify_accept_request, notify_step

    _require(is_guardian_of(by, placement.student))
    _lock(placement)
    _require_status(placement, Status.APPROVED)
    placement.status, placement.consented_by, placement.consented_at = (
        Status.CONSENTED,
        by,
        timezone.now(),
    )
    placement.save(update_fields=["status", "consented_by", "consented_at"])
    event = _record(placement, Status.APPROVED, by, note.strip())
    notify_accept_request(placement)
    notify_step(placement, event)
    return placement


@transaction.atomic
def placement_accept(*, placement: Placement, by: User, note: str = "") -> Placement:
    """The mentor accepts the intern: their signature, and the internship is active."""
    from internships.reminders.pipeline import notify_step

    _require(Placement.objects.mentored_by(by).filter(pk=placement.pk).exists())
    _lock(placement)
    _require_status(placement, Status.CONSENTED)
    day = max(placement.start_on, placement.student.school.today())
    if refusal := placement.mentor.placement_refusal(day):
        raise ValidationError(refusal)
    placement.status, placement.accepted_at = Status.ACTIVE, timezone.now()
    placement.save(update_fields=["status", "accepted_at"])
    event = _record(placement, Status.CONSENTED, by, note.strip())
    notify_step(placement, event)
    return placement


@transaction.atomic
def placement_complete(*, placement: Placement, by: User, note: str = "") -> Placement:
    """The advisor (or an admin) completes it: after the last day, or before it with a note."""
    from internships.reminders.pipeline import notify_step

    _require(leads(by, placement.student))
    _lock(placement)
    _require_status(placement, Status.ACTIVE)
    note = note.strip()
    if placement.student.school.today() < placement.end_on and not note:
        raise ValidationError(
            {"note": _("The last day has not come yet: say why the internship is complete.")}
        )
    placement.status, placement.ended_at = Status.COMPLETED, timezone.now()
    placement.save(update_fields=["status", "ended_at"])
    event = _record(placement, Status.ACTIVE, by, note)
    notify_step(placement, event)
    return placement


@transaction.atomic
def placement_end(*, placement: Placement, by: User, note: str = "") -> Placement:
    """The advisor (or an admin) ends the internship early, at any open step, with a reason."""
    from internships.reminders.pipeline import notify_step

    _require(leads(by, placement.student))
    _lock(placement)
    _require_status(placement, *OPEN)
    reason = note.strip()
    if not reason:
        raise ValidationError({"note": _("Say why the internship ends early.")})
    before = placement.status
    placement.status, placement.ended_at, placement.end_reason = (
        Status.ENDED,
        timezone.now(),
        reason,
    )
    placement.full_clean()
    placement.save(update_fields=["status", "ended_at", "end_reason"])
    event = _record(placement, before, by, reason)
    notify_step(placement, event)
    return placement


STEPS = {
    "approve": placement_approve,
    "send_back": placement_send_back,
    "consent": placement_consent,
    "accept": placement_accept,
    "complete": placement_complete,
    "end": placement_end,
}


def placement_step(*, placement: Placement, by: User, step: str, note: str = "") -> Placement:
    """Take one step of the pipeline by its name (see ``STEPS``)."""
    if step not in STEPS:
        raise ValidationError({"step": _("There is no such step.")})
    return STEPS[step](placement=placement, by=by, note=note)


# --- site visits and evaluations ---------------------------------------------------------------


def has_started(placement: Placement) -> bool:
    """Active or completed, or ended after the mentor accepted the intern."""
    ended_running = placement.status == Status.ENDED and placement.accepted_at is not None
    return placement.status in STARTED or ended_running


def visit_record(
    *, placement: Placement, by: User, on: date, observations: str, follow_ups: str = ""
) -> SiteVisit:
    """The advisor (or an admin) records a visit to the student's internship."""
    _require(leads(by, placement.student))
    if not has_started(placement):
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
    if set(ratings) != set(RUBRIC_KEYS):
        raise ValidationError({"ratings": _("Give a level for every line of the rubric.")})
    checked = {}
    for key in RUBRIC_KEYS:
        try:
            level = int(ratings[key])
        except (TypeError, ValueError):
            level = 0
        if level not in RUBRIC_LEVELS:
            raise ValidationError({key: _("Choose a level from 1 to 4.")})
        checked[key] = level
    return checked


@transaction.atomic
def evaluation_write(
    *,
    placement: Placement,
    by: User,
    semester: int,
    ratings: dict,
    strengths: str = "",
    next_steps: str = "",
) -> Evaluation:
    """The mentor writes (or changes) the intern's evaluation for a semester of this year."""
    from internships.reminders.pipeline import notify_evaluation

    _require(Placement.objects.mentored_by(by).filter(pk=placement.pk).exists())
    _lock(placement)
    if placement.status not in STARTED:
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
