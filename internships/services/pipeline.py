"""Writes along a student's way into an internship: the placement's pipeline (each step is
that person's signature of the agreement) and the agreement while it may still change.
Explorations, site visits and evaluations are in ``internships.services.visits``.

Sending a proposal back keeps it PROPOSED: the step is recorded (PROPOSED -> PROPOSED, the
advisor's comment as its note) and the proposer changes the agreement and waits for approval
again, without typing it all anew. A change of the agreement is recorded as a step from a
state to itself with no note; a change by the student after approval withdraws the approval
(APPROVED -> PROPOSED): the advisor approved another agreement.
"""

from datetime import date, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bigpicture import notifications
from bigpicture.dates import span_errors
from bigpicture.models import User
from bigpicture.records import Area, records_change, through
from internships.models import (
    Mentor,
    Opportunity,
    Placement,
    PlacementEvent,
    Site,
    may_propose,
)
from internships.reminders.pipeline import (
    ACCEPT_REQUEST,
    CONSENT_REQUEST,
    PLACEMENT_STEP,
    notify_accept_request,
    notify_consent_declined,
    notify_consent_request,
    notify_family_question,
    notify_step,
)
from students.models import Student
from students.reminders.plans import advisor_ids
from students.selectors.plans import current_plan_items

Status = Placement.Status

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


# --- the re-checks (who may do what is said by the models) -------------------------------------


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def lock(placement: Placement) -> None:
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


def _record(
    placement: Placement, before: str, by: User, note: str = "", kind: str = ""
) -> PlacementEvent:
    event = PlacementEvent(
        placement=placement,
        from_status=before,
        to_status=placement.status,
        by=by,
        note=note,
        kind=kind,
    )
    event.full_clean()
    event.save()
    return event


# --- the agreement -----------------------------------------------------------------------------


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
    others = Placement.objects.filter(
        student_id=student.pk, site_id=site.pk, status__in=Placement.OPEN
    )
    if placement is not None:
        others = others.exclude(pk=placement.pk)
    if others.exists():
        raise ValidationError(
            {"site": _("The student already has an open internship at this site.")}
        )


@records_change(Area.INTERNSHIP, student=through("student"))
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
    require(may_propose(by, student))
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


@records_change(Area.INTERNSHIP, student=through("placement", "student"))
@transaction.atomic
def placement_update(*, placement: Placement, by: User, plan_items=None, **fields) -> Placement:
    """Change the agreement while it waits for the family's consent (not after it)."""
    require(placement.is_editable_by(by))
    lock(placement)
    if placement.status not in Placement.EDITABLE:
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


def _resolve_review(placement: Placement, by: User) -> None:
    """The proposal is reviewed: the school side's messages that it was proposed or changed
    (to the advisor, and to whoever reviewed it) are done with."""
    advisor = advisor_ids([placement.student_id]).get(placement.student_id)
    people = {by.pk} if advisor is None else {by.pk, advisor}
    notifications.resolve([PLACEMENT_STEP], f"placement:{placement.pk}", recipient_ids=people)


# --- the steps ---------------------------------------------------------------------------------


@records_change(Area.INTERNSHIP, student=through("placement", "student"))
@transaction.atomic
def placement_approve(*, placement: Placement, by: User, note: str = "") -> Placement:
    """The advisor (or an admin) approves the proposal (their signature); the family is asked."""
    require(placement.student.is_led_by(by))
    lock(placement)
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
    _resolve_review(placement, by)
    return placement


@records_change(Area.INTERNSHIP, student=through("placement", "student"))
@transaction.atomic
def placement_send_back(*, placement: Placement, by: User, note: str) -> Placement:
    """The advisor (or an admin) sends the proposal back, still proposed, saying what to change."""
    require(placement.student.is_led_by(by))
    lock(placement)
    _require_status(placement, Status.PROPOSED)
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say what should change.")})
    event = _record(placement, Status.PROPOSED, by, note)
    notify_step(placement, event)
    _resolve_review(placement, by)
    return placement


@records_change(Area.INTERNSHIP, student=through("placement", "student"))
@transaction.atomic
def placement_consent(*, placement: Placement, by: User, note: str = "") -> Placement:
    """A guardian of the student consents (the family's signature); the mentor is asked."""
    require(placement.student.has_guardian(by))
    lock(placement)
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
    # One guardian's consent is the family's: every guardian's request is done with.
    notifications.resolve([CONSENT_REQUEST], f"placement:{placement.pk}")
    return placement


@records_change(Area.INTERNSHIP, student=through("placement", "student"))
@transaction.atomic
def placement_decline(*, placement: Placement, by: User, reason: str) -> Placement:
    """A guardian of the student declines consent, saying why: the agreement goes back to the
    advisor (proposed, the approval withdrawn: approving it again asks the family again), the
    decline and its reason stay in the history, and the advisor is told."""
    require(placement.student.has_guardian(by))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you do not consent: the advisor reads it.")})
    lock(placement)
    _require_status(placement, Status.APPROVED)
    approver = placement.approved_by_id
    placement.status, placement.approved_by, placement.approved_at = Status.PROPOSED, None, None
    placement.save(update_fields=["status", "approved_by", "approved_at"])
    event = _record(placement, Status.APPROVED, by, reason, PlacementEvent.Kind.DECLINED)
    notify_consent_declined(placement, event, approver)
    # The family answered: no guardian is still asked to consent to this agreement.
    notifications.resolve([CONSENT_REQUEST], f"placement:{placement.pk}")
    return placement


@records_change(Area.INTERNSHIP, student=through("placement", "student"))
@transaction.atomic
def placement_ask(*, placement: Placement, by: User, question: str) -> PlacementEvent:
    """A guardian of the student asks the advisor a question instead of consenting: the
    internship still waits for the family's consent; the question is kept in its history."""
    require(placement.student.has_guardian(by))
    question = question.strip()
    if not question:
        raise ValidationError({"question": _("Write your question for the advisor.")})
    lock(placement)
    _require_status(placement, Status.APPROVED)
    event = _record(placement, Status.APPROVED, by, question, PlacementEvent.Kind.QUESTION)
    notify_family_question(placement, event)
    return event


@records_change(Area.INTERNSHIP, student=through("placement", "student"))
@transaction.atomic
def placement_accept(*, placement: Placement, by: User, note: str = "") -> Placement:
    """The mentor accepts the intern: their signature, and the internship is active."""
    require(Placement.objects.mentored_by(by).filter(pk=placement.pk).exists())
    lock(placement)
    _require_status(placement, Status.CONSENTED)
    day = max(placement.start_on, placement.student.school.today())
    if refusal := placement.mentor.placement_refusal(day):
        raise ValidationError(refusal)
    placement.status, placement.accepted_at = Status.ACTIVE, timezone.now()
    placement.save(update_fields=["status", "accepted_at"])
    event = _record(placement, Status.CONSENTED, by, note.strip())
    notify_step(placement, event)
    notifications.resolve([ACCEPT_REQUEST], f"placement:{placement.pk}")
    return placement


@records_change(Area.INTERNSHIP, student=through("placement", "student"))
@transaction.atomic
def placement_complete(*, placement: Placement, by: User, note: str = "") -> Placement:
    """The advisor (or an admin) completes it: after the last day, or before it with a note."""
    require(placement.student.is_led_by(by))
    lock(placement)
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


@records_change(Area.INTERNSHIP, student=through("placement", "student"))
@transaction.atomic
def placement_end(*, placement: Placement, by: User, note: str = "") -> Placement:
    """The advisor (or an admin) ends the internship early, at any open step, with a reason."""
    require(placement.student.is_led_by(by))
    lock(placement)
    _require_status(placement, *Placement.OPEN)
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
