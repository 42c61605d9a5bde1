"""Writes to the daily log: the student checks in and out of each internship day, the mentor
confirms or disputes it (or confirms at once the days a page showed), and the school's admins
set the hours expected per year level."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bigpicture import access, notifications, records
from bigpicture.models import School, User
from bigpicture.records import Area, records_change, through
from internships.models import DailyLog, HoursTarget, Placement
from internships.reminders import logs as reminders
from internships.selectors.logs import claim_version

Review = DailyLog.Review
MAX_HOURS = Decimal("24")
MAX_TARGET = 2000
TARGET_LEVELS = [level for level, _label in HoursTarget.Level.choices]
ALREADY_LOGGED = _("There is already a log for this day. Open it from the list to change it.")


def _require_intern(placement: Placement, by: User) -> None:
    """Only the student of the placement writes its daily log."""
    if not (by.is_student and by.is_active and placement.student.user_id == by.pk):
        raise PermissionDenied


def _require_mentor(by: User) -> None:
    """Only an active person who holds the mentor role reviews days."""
    if not (by.is_active and access.has_role(by, access.MENTOR)):
        raise PermissionDenied


def _check_hours(hours, field: str) -> None:
    if hours is None:
        raise ValidationError({field: _("Enter the hours.")})
    if hours < 0:
        raise ValidationError({field: _("Hours cannot be negative.")})
    if hours > MAX_HOURS:
        raise ValidationError({field: _("A day has at most 24 hours.")})


@records_change(Area.INTERNSHIP, student=through("placement", "student"))
@transaction.atomic
def log_check_in(*, placement: Placement, by: User, goal: str, on: date | None = None) -> DailyLog:
    """The student starts an internship day's log with their goal for the day."""
    _require_intern(placement, by)
    if placement.status != Placement.Status.ACTIVE:
        raise ValidationError(_("Days are logged while the internship is active."))
    today = placement.student.school.today()
    on = on or today
    if on > today:
        raise ValidationError({"on": _("You can log today or an earlier day, not a future one.")})
    if not placement.start_on <= on <= placement.end_on:
        raise ValidationError(
            {
                "on": _("Choose a day of the internship, from %(first)s to %(last)s.")
                % {"first": placement.start_on, "last": placement.end_on}
            }
        )
    if DailyLog.objects.filter(placement=placement, on=on).exists():
        raise ValidationError({"on": ALREADY_LOGGED})
    log = DailyLog(placement=placement, on=on, goal=goal.strip())
    log.full_clean()
    try:
        with transaction.atomic():
            log.save()
    except IntegrityError as clash:  # the same day logged twice at once
        raise ValidationError({"on": ALREADY_LOGGED}) from clash
    return log


@records_change(Area.INTERNSHIP, student=through("log", "placement", "student"))
@transaction.atomic
def log_check_out(
    *,
    log: DailyLog,
    by: User,
    did: str,
    hours: Decimal | None,
    learning: int,
    engagement: int,
    support: int,
    reflection: str = "",
) -> DailyLog:
    """The student records what they did, their reflection, hours and ratings of the day;
    they may correct it until the mentor has reviewed it."""
    log = DailyLog.objects.select_for_update().select_related("placement__student").get(pk=log.pk)
    _require_intern(log.placement, by)
    if log.placement.status != Placement.Status.ACTIVE:
        raise ValidationError(_("This internship is over, so its days can no longer be changed."))
    if log.review != Review.CLAIMED:
        raise ValidationError(
            _("Your mentor has already reviewed this day, so it can no longer be changed.")
        )
    _check_hours(hours, "hours")
    if hours == 0:
        raise ValidationError({"hours": _("Hours must be more than 0.")})
    log.did, log.reflection, log.hours = did.strip(), reflection.strip(), hours
    log.learning, log.engagement, log.support = learning, engagement, support
    if not log.did:
        raise ValidationError({"did": _("Say what you did today.")})
    log.checked_out_at = log.checked_out_at or timezone.now()
    log.full_clean()
    log.save()
    return log


@records_change(Area.INTERNSHIP, student=through("log", "placement", "student"))
@transaction.atomic
def log_review(
    *,
    log: DailyLog,
    by: User,
    decision: str,
    confirmed_hours: Decimal | None = None,
    comment: str = "",
) -> DailyLog:
    """The placement's mentor confirms or disputes a checked-out day, with the hours they
    confirm; a dispute is explained and sent to the student and their advisor."""
    mentored = DailyLog.objects.filter(placement__in=Placement.objects.mentored_by(by))
    _require_mentor(by)
    log = mentored.select_for_update().filter(pk=log.pk).first()
    if log is None:
        raise PermissionDenied
    if log.placement.student.user_id == by.pk:
        raise PermissionDenied  # nobody confirms their own hours
    if not log.checked_out:
        raise ValidationError(_("The student has not checked out of this day yet."))
    if decision not in (Review.CONFIRMED, Review.DISPUTED):
        raise ValidationError({"decision": _("Confirm or dispute the day.")})
    hours = log.hours if confirmed_hours is None else confirmed_hours
    _check_hours(hours, "confirmed_hours")
    comment = comment.strip()
    if decision == Review.CONFIRMED and hours == 0:
        raise ValidationError(
            {"confirmed_hours": _("Confirm the hours the student worked, or dispute the day.")}
        )
    if hours > log.hours:
        raise ValidationError(
            {"confirmed_hours": _("You can confirm at most the hours the student claimed.")}
        )
    if decision == Review.DISPUTED and hours == log.hours:
        raise ValidationError(
            {
                "confirmed_hours": _(
                    "When you dispute a day, give the hours you can confirm: fewer than "
                    "claimed, or 0 if the student was not there."
                )
            }
        )
    if decision == Review.DISPUTED and not comment:
        raise ValidationError({"comment": _("Say what is wrong, for the student and advisor.")})
    log.review, log.confirmed_hours, log.mentor_comment = decision, hours, comment
    log.reviewed_at = timezone.now()
    log.full_clean()
    log.save()
    if decision == Review.DISPUTED:
        reminders.notify_disputed(log)
    _resolve_confirmations(by)
    return log


@transaction.atomic
def logs_confirm(*, by: User, versions: list[str]) -> int:
    """The mentor confirms at once the checked-out days their page showed (``versions``: each
    day's ``claim_version`` as read), each with the hours the student claimed; a day reviewed,
    corrected or out of their reach since is left as it is. Returns how many were confirmed."""
    _require_mentor(by)
    shown = {}
    for version in versions:
        pk = version.partition(":")[0]
        if pk.isdigit():
            shown[int(pk)] = version
    if not shown:
        raise ValidationError(_("Choose the days to confirm."))
    mentored = DailyLog.objects.filter(placement__in=Placement.objects.mentored_by(by))
    # The same rules as one day's review: checked out, still claimed, never one's own hours.
    # Only the days are locked, not the internships and students the query joins.
    waiting = (
        mentored.select_for_update(of=("self",))
        .filter(pk__in=shown, checked_out_at__isnull=False, hours__isnull=False)
        .filter(review=Review.CLAIMED)
        .exclude(placement__student__user=by)
        .values_list("pk", "hours", "did", "placement__student_id", "placement__student__school_id")
    )
    chosen, students = [], set()
    for pk, hours, did, student, school in waiting:
        if claim_version(pk, hours, did) == shown[pk]:
            chosen.append(pk)
            students.add((student, school))
    if not chosen:
        return 0
    DailyLog.objects.filter(pk__in=chosen).update(
        review=Review.CONFIRMED, confirmed_hours=F("hours"), reviewed_at=timezone.now()
    )
    for student in sorted(students):
        records.changed(by=by, area=Area.INTERNSHIP, student=student, service=CONFIRM_SERVICE)
    _resolve_confirmations(by)
    return len(chosen)


def _resolve_confirmations(mentor: User) -> None:
    """Once no checked-out day waits for the mentor, their reminders of days to confirm are
    done with."""
    mentored = DailyLog.objects.filter(placement__in=Placement.objects.mentored_by(mentor))
    if not mentored.filter(review=Review.CLAIMED, checked_out_at__isnull=False).exists():
        notifications.resolve(
            [reminders.LOG_CONFIRMATIONS_DUE], f"mentor:{mentor.pk}", recipient_ids=[mentor.pk]
        )


CONFIRM_SERVICE = f"{__name__}.{logs_confirm.__name__}"


@transaction.atomic
def hours_targets_set(*, school: School, by: User, targets: dict[int, int | None]) -> None:
    """Set the internship hours a school expects per year level; empty means no target."""
    access.require_admin_of(by, school.pk)
    errors = {}
    for level in TARGET_LEVELS:
        hours = targets.get(level)
        if hours is not None and hours < 0:
            errors[f"y{level}"] = _("Hours cannot be negative.")
        elif hours is not None and hours > MAX_TARGET:
            errors[f"y{level}"] = _("Enter at most %(max)s hours a year.") % {"max": MAX_TARGET}
    if errors:
        raise ValidationError(errors)
    for level in TARGET_LEVELS:
        hours = targets.get(level)
        if hours is None:
            HoursTarget.objects.filter(school=school, year_level=level).delete()
            continue
        target = HoursTarget.objects.filter(school=school, year_level=level).first()
        target = target or HoursTarget(school=school, year_level=level)
        target.hours = hours
        target.full_clean()
        target.save()
