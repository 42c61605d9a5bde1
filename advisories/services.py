"""Writes for advisories: creating them and placing students in them."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from advisories.models import Advisory, Membership
from bigpicture.access import require_admin_of
from bigpicture.dates import span_errors
from bigpicture.models import School, User
from bigpicture.records import Area, records_change, through

# The students handed in are ``students.Student`` profiles: that app sits above this one, so
# here they are plain models, reached through the memberships' relation.

ADVISORY_FIELDS = ("name", "advisor", "graduating_class", "capacity")


def advisory_create(*, school: School, by: User, **fields) -> Advisory:
    """Create an advisory in a school; only that school's admins may."""
    require_admin_of(by, school.pk)
    advisory = Advisory(school=school, **{k: fields[k] for k in ADVISORY_FIELDS if k in fields})
    advisory.full_clean()
    advisory.save()
    return advisory


def advisory_update(*, advisory: Advisory, by: User, **fields) -> Advisory:
    """Rename an advisory, hand it to another advisor or change its class or capacity."""
    require_admin_of(by, advisory.school_id)
    for key in ADVISORY_FIELDS:
        if key in fields:
            setattr(advisory, key, fields[key])
    advisory.full_clean()
    advisory.save()
    return advisory


@records_change(Area.PROFILE, student=through("student"))
@transaction.atomic
def student_place(
    *,
    student: models.Model,
    advisory: Advisory,
    start_date: date,
    by: User,
    override_capacity: bool = False,
    reason: str = "",
    place_anyway: bool = False,
) -> Membership:
    """Put a student in an advisory from a date, closing their current membership.

    A full advisory takes the student only when an admin overrides, with a reason that is
    recorded on the membership; an advisory of another graduating class only when the admin
    confirms it (``place_anyway``).
    """
    require_admin_of(by, advisory.school_id)
    # Lock the student and the advisory so two admins cannot overfill it or double-place.
    student = type(student)._default_manager.select_for_update().get(pk=student.pk)
    advisory = Advisory.objects.select_for_update().select_related("school").get(pk=advisory.pk)
    if student.school_id != advisory.school_id:
        raise ValidationError({"advisory": _("Choose an advisory of the student's school.")})
    if start_date > advisory.school.today():
        # Memberships are current from the day they are recorded; plan moves on the day.
        raise ValidationError({"start_date": _("A move cannot start in the future.")})
    if errors := span_errors(advisory.school.today(), start_date=start_date):
        raise ValidationError(errors)
    current = Membership.objects.current().filter(student=student).first()
    if current is not None:
        _close_for_move(current, advisory, start_date)
    # Both refusals at once, so the admin settles them in one more submission, not two.
    over, errors = _capacity_check(advisory, override_capacity, reason)
    if not place_anyway and student.graduating_class != advisory.graduating_class:
        errors["place_anyway"] = _(
            "This student is in the class of %(student_class)s and %(advisory)s is an advisory "
            "for the class of %(advisory_class)s. Tick “Place anyway” if the student belongs "
            "there all the same."
        ) % {
            "student_class": student.graduating_class,
            "advisory": advisory,
            "advisory_class": advisory.graduating_class,
        }
    if errors:
        raise ValidationError(errors)
    membership = Membership(
        student=student,
        advisory=advisory,
        start_date=start_date,
        over_capacity_override=over,
        override_reason=reason.strip() if over else "",
        created_by=by,
    )
    membership.full_clean()
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:  # a concurrent placement won the race
        raise ValidationError(
            {"advisory": _("The student is already in another advisory during these dates.")}
        ) from exc
    return membership


def _close_for_move(current: Membership, advisory: Advisory, start_date: date) -> None:
    if current.advisory_id == advisory.pk:
        raise ValidationError({"advisory": _("The student is already in this advisory.")})
    if start_date < current.start_date:
        raise ValidationError(
            {
                "start_date": _(
                    "The move cannot happen before the student joined their current "
                    "advisory (%(date)s)."
                )
                % {"date": date_format(current.start_date)}
            }
        )
    current.end_date = start_date
    current.full_clean()
    current.save(update_fields=["end_date"])


def _capacity_check(advisory: Advisory, override: bool, reason: str) -> tuple[bool, dict]:
    """Whether this placement goes over capacity, and the errors refusing it unless it is
    overridden with a reason."""
    size = Membership.objects.current().filter(advisory=advisory).count()
    if size < advisory.effective_capacity:
        return False, {}
    if not override:
        message = _(
            "%(advisory)s is full (%(size)s of %(capacity)s students). To place the student "
            "anyway, tick “Place over capacity” and give the reason."
        ) % {"advisory": advisory, "size": size, "capacity": advisory.effective_capacity}
        return False, {"advisory": message}
    if not reason.strip():
        return False, {"reason": _("Say why the student is placed over capacity.")}
    return True, {}


@records_change(Area.PROFILE, student=through("student"))
@transaction.atomic
def student_leave_advisory(*, student: models.Model, end_date: date, by: User) -> Membership:
    """End a student's current advisory membership (they left the school or graduated)."""
    require_admin_of(by, student.school_id)
    current = Membership.objects.select_for_update().current().filter(student=student).first()
    if current is None:
        raise ValidationError(_("The student is not in an advisory."))
    current.end_date = end_date
    current.full_clean()
    current.save(update_fields=["end_date"])
    return current
